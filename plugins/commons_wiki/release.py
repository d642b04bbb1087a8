"""Release files: offline zip, PDF booklet, open data, content changelog, checksums.

    python -m commons_wiki.release offline|livret|all --version 2026.1 [--dist dist]

Everything written to dist/ is reproducible: two runs on the same commit give byte-identical
files. The build date is the last commit's date (SOURCE_DATE_EPOCH, which MkDocs honours for
the sitemap), zip entries are sorted with a fixed date and fixed permissions, and the dates
Chromium writes into the PDF are replaced by that same date.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml

from .catalogue import load_catalogue
from .export import export_files
from .frontmatter import parse_markdown
from .problems import format_problems
from .project import get_field, load_project
from .provenance import provenance_of
from .scaffold import main_collection
from .settings import SiteSettings

CHROMIUM = "/usr/bin/chromium"
ONLINE_CONFIG = "mkdocs.yml"
OFFLINE_CONFIG = "mkdocs.offline.yml"
ZIP_MIN_EPOCH = 315532800  # 1980-01-01: zip dates cannot be earlier


class ReleaseError(Exception):
    """A step failed; the message (in French) says which and why."""


# -- small helpers ------------------------------------------------------------------------
def project_name(root: Path) -> str:
    config = yaml.safe_load((root / "schema" / "wiki.yml").read_text(encoding="utf-8")) or {}
    return str(config.get("name") or "wiki")


def _git(root: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def source_date_epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit's date, else 1980-01-01."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        result = _git(root, "log", "-1", "--format=%ct")
        value = result.stdout.strip() if result.returncode == 0 else ""
    try:
        return max(int(value), ZIP_MIN_EPOCH)
    except ValueError:
        return ZIP_MIN_EPOCH


@contextmanager
def _environ(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_site(root: Path, config_file: str, site_dir: Path, version: str, epoch: int) -> Path:
    """A real, strict MkDocs build (as `mkdocs build --strict`), with the release version."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _environ(SOURCE_DATE_EPOCH=epoch, NO_MKDOCS_2_WARNING=1):
        try:
            cfg = load_config(config_file=str(root / config_file), site_dir=str(site_dir), strict=True)
            # templates and exports read the version from extra.version_wiki
            cfg.extra["version_wiki"] = version
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                build(cfg)
            finally:
                cfg.plugins.on_shutdown()
        except (MkDocsException, SystemExit) as exc:
            raise ReleaseError(f"la construction du site ({config_file}) a échoué : {exc}") from exc
    return site_dir


def write_zip(folder: Path, zip_path: Path, top: str, epoch: int, extra: dict | None = None) -> Path:
    """Zip ``folder`` under one top folder ``top/``: sorted entries, fixed date and modes.
    ``extra``: {name: text} of files added at the top (a « read me » note)."""
    date_time = datetime.datetime.fromtimestamp(epoch, datetime.UTC).timetuple()[:6]
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    entries: dict = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*") if path.is_file()}
    entries.update({name: text.encode("utf-8") for name, text in (extra or {}).items()})
    with zipfile.ZipFile(zip_path, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3                   # Unix, so that the mode below is honoured
            info.external_attr = (0o100644 & 0xFFFF) << 16
            entry = entries[name]
            zf.writestr(info, entry.read_bytes() if isinstance(entry, Path) else entry, compresslevel=9)
    return zip_path


def offline_readme(root: Path, top: str, version: str) -> str:
    """The note at the top of the workshop copy: how to open it, in French."""
    config = yaml.safe_load((root / "schema" / "wiki.yml").read_text(encoding="utf-8")) or {}
    title = config.get("title") or project_name(root)
    return (f"{title}\nCopie hors ligne, version {version}\n\n"
            "Pour consulter le wiki sans connexion :\n"
            "1. Décompressez ce fichier zip (clic droit, puis « Extraire tout »).\n"
            f"2. Ouvrez le dossier « {top} », puis le fichier index.html (double-clic) :\n"
            "   le wiki s'ouvre dans votre navigateur.\n\n"
            "Tout fonctionne sans Internet : recherche, catalogue, carte, listes à cocher, impression.\n"
            "Seuls les liens vers d'autres sites demandent une connexion.\n"
            "Pour un atelier, copiez le dossier entier sur une clé USB.\n")


# -- PDF booklet ------------------------------------------------------------------------------
_A_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")')


def _print_copy(site: Path, site_url: str) -> str:
    """livret/index.html with its page links made absolute (to the online site), A4 pages.

    Printed from the disk, relative links would become file:///tmp/... in the PDF: useless to
    a reader, and a different path on every run (the PDF would not be reproducible)."""
    source = site / "livret" / "index.html"
    if not source.exists():
        raise ReleaseError("le site construit n'a pas de page livret/index.html")
    base = site_url.rstrip("/") + "/livret/"

    def absolute(m):
        href = m.group(2)
        if not href or href.startswith("#") or urlparse(href).scheme:
            return m.group(0)
        return m.group(1) + urljoin(base, href) + m.group(3)
    html = _A_HREF.sub(absolute, source.read_text(encoding="utf-8"))
    return html.replace("</head>", "<style>@page { size: A4; }</style></head>", 1)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def without_scripts(html: str) -> str:
    """The print copy runs no script: the theme's change the page while Chromium prints it, in a
    time that varies with the machine's load (the PDF would differ from run to run); release.py
    writes the selection and the page numbers of the contents itself."""
    return _SCRIPT.sub("", html)


_QR_PLACE = re.compile(r'(<figure class="cw-livret-qr" data-url="([^"]+)">)')
_FICHE_URL = re.compile(r'<section class="cw-livret-fiche"[^>]*data-fiche="([^"]+)">.*?<figcaption>([^<]+)</figcaption>', re.S)
ANNEXES_MARKER = "Annexes : fiches d'atelier"


def with_qr_codes(html: str) -> str:
    """A QR code (SVG, drawn by segno in pure Python) of each fiche's online address."""
    import html as html_module

    import segno

    def qr(m):
        url = html_module.unescape(m.group(2))
        svg = segno.make(url, error="m").svg_inline(border=4, omitsize=True, title=f"QR code : {url}")   # 4: the quiet zone readers need
        return m.group(1) + svg.replace("<svg ", '<svg role="img" aria-label="QR code de la fiche en ligne" ', 1)
    return _QR_PLACE.sub(qr, html)


def _pdf_pages(pdf: Path) -> list:
    """The text of each page of a PDF (pdftotext separates pages with a form feed)."""
    if not shutil.which("pdftotext"):
        raise ReleaseError("pdftotext introuvable : installez le paquet Debian poppler-utils (make chromium)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8", "replace")
    return text.split("\f")


def _select(html: str, selection: str, annexes: bool | None) -> str:
    """The booklet with the fiches a catalogue selection keeps (annexes only if asked)."""
    from .booklet import keep_only, select, unknown_in_selection
    m = re.search(r'<script type="application/json" id="cw-livret-data">(.*?)</script>', html, re.S)
    data = json.loads(m.group(1)) if m else {"records": [], "facets": []}
    unknown = unknown_in_selection(data["records"], selection, [f["name"] for f in data["facets"]])
    if unknown:
        raise ReleaseError(f"sélection « {selection} » : " + " ; ".join(unknown))
    ids = select(data["records"], selection)
    if not ids:
        raise ReleaseError(f"la sélection « {selection} » ne retient aucune fiche")
    return keep_only(html, ids, with_annexes=bool(annexes))


def print_booklet(html: str, page: Path, pdf_path: Path, epoch: int) -> Path:
    """Print, read the page where each fiche and the annexes start, write those numbers into the
    contents, and print again (the numbers take reserved room: the layout does not move)."""
    from .booklet import fill_contents, pages_of
    markers = dict(_FICHE_URL.findall(html))
    if ANNEXES_MARKER in html:
        markers["annexes"] = ANNEXES_MARKER
    for _ in range(3):
        page.write_text(html, encoding="utf-8")
        print_pdf(page, pdf_path, epoch)
        numbered = fill_contents(html, pages_of(_pdf_pages(pdf_path), markers))
        if numbered == html:
            return pdf_path
        html = numbered
    raise ReleaseError("les numéros de page du sommaire du livret ne se stabilisent pas")


def _pdf_date(epoch: int) -> tuple[bytes, bytes]:
    d = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return d.strftime("D:%Y%m%d%H%M%S+00'00'").encode(), d.strftime("%Y-%m-%dT%H:%M:%S").encode()


def normalise_pdf_dates(data: bytes, epoch: int) -> bytes:
    """Replace the creation/modification dates by the release date, keeping every byte offset
    (the PDF's cross-reference table points into the file, so lengths must not change)."""
    info_date, xmp_date = _pdf_date(epoch)

    def same_length(new: bytes, old: bytes) -> bytes:
        return new[:len(old)].ljust(len(old), b" ")

    def info(m):
        return m.group(1) + same_length(info_date, m.group(2)) + m.group(3)
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)(\))", info, data)

    def xmp(m):
        old = m.group(2)  # 2026-11-26T17:55:15+00:00: keep the time zone part as it was
        return m.group(1) + xmp_date[:len(old)] + old[len(xmp_date):] + m.group(3)
    return re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)([^<]*)(</xmp:)", xmp, data)


_NODE_ID = re.compile(rb"\(node(\d+)\)")


def normalise_pdf_node_ids(data: bytes) -> bytes:
    """Chromium names the tagged PDF's table headers after DOM node numbers (« (node00000415) »),
    which vary from run to run; renumber them by rank (same order, same width: the structure's
    name tree stays sorted and no byte offset moves)."""
    found = sorted({m.group(1) for m in _NODE_ID.finditer(data)}, key=int)
    rank = {old: str(i).zfill(len(old)).encode() for i, old in enumerate(found, 1)}
    return _NODE_ID.sub(lambda m: b"(node" + rank[m.group(1)] + b")", data)


def print_pdf(html_file: Path, pdf_path: Path, epoch: int) -> Path:
    if not Path(CHROMIUM).exists():
        raise ReleaseError(f"{CHROMIUM} introuvable : installez le paquet Debian chromium (make chromium)")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cw-chromium-") as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               "--no-first-run", "--disable-extensions", "--disable-background-networking",
               f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}", html_file.resolve().as_uri()]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired as exc:
            raise ReleaseError("Chromium n'a pas fini d'imprimer le livret en 5 minutes") from exc
    if result.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise ReleaseError("Chromium n'a pas produit le livret PDF :\n" + result.stderr[-2000:])
    pdf_path.write_bytes(normalise_pdf_node_ids(normalise_pdf_dates(pdf_path.read_bytes(), epoch)))
    return pdf_path


def site_url(root: Path) -> str:
    return SiteSettings.read(root, ONLINE_CONFIG).absolute_site_url


# -- content changelog --------------------------------------------------------------------
def _title(text: str | None, slug: str, project, col) -> str:
    """« Titre (Territoire) — Contribution de X (2026-11-30) », from a record's text at some commit
    (its title field, and wiki.yml `publish.place_field` when there is one)."""
    if not text:
        return slug
    data = parse_markdown(text, slug).data
    if not (isinstance(data, dict) and get_field(data, col.title_field)):
        return slug
    place_field = (project.config.get("publish") or {}).get("place_field")
    where = get_field(data, place_field) if place_field else None
    name = get_field(data, col.title_field)
    title = f"{name} ({where})" if isinstance(where, str) and where else str(name)
    prov = provenance_of(project, data)
    origin = prov.label if prov.from_document else prov.credit()
    return f"{title} — {origin}" if origin else title


def content_changelog(root: Path, version: str) -> str:
    """Records of the main collection (wiki.yml `publish.collection`) added, updated and removed
    since the previous v* tag (all added without a tag)."""
    root = Path(root)
    project = load_project(root)
    col = main_collection(project)
    if col is None:
        return f"# Évolution du contenu – version {version}\n\nAucune collection publiée.\n"
    folder = col.folder
    tag = None
    described = _git(root, "describe", "--tags", "--abbrev=0", "--match", "v*")
    if described.returncode == 0:
        tag = described.stdout.strip() or None
    changes: dict[str, list] = {"A": [], "M": [], "D": []}
    if tag:
        diff = _git(root, "diff", "--name-status", "--no-renames", tag, "HEAD", "--", f"{folder}/")
        if diff.returncode != 0:
            raise ReleaseError(f"git diff depuis {tag} a échoué : {diff.stderr.strip()}")
        for line in diff.stdout.splitlines():
            status, _, path = line.partition("\t")
            if not path.endswith(".md"):
                continue
            kind = {"A": "A", "D": "D"}.get(status[:1], "M")
            if kind == "D":
                old = _git(root, "show", f"{tag}:{path}")
                text = old.stdout if old.returncode == 0 else None
            else:
                text = (root / path).read_text(encoding="utf-8") if (root / path).exists() else None
            changes[kind].append((Path(path).stem, _title(text, Path(path).stem, project, col)))
    else:
        for path in sorted((root / folder).glob("*.md")):
            changes["A"].append((path.stem, _title(path.read_text(encoding="utf-8"), path.stem, project, col)))

    since = f"depuis {tag}" if tag else "première version publiée"
    lines = [f"# Évolution du contenu – version {version}", "", f"{col.label}, {since}.", ""]
    for kind, heading in (("A", "Ajouts"), ("M", "Mises à jour"), ("D", "Retraits")):
        items = sorted(changes[kind])
        lines += [f"## {heading} ({len(items)})", ""]
        lines += [f"- {title} — `{folder}/{slug}.md`" for slug, title in items] or ["Aucune."]
        lines.append("")
    return "\n".join(lines)


def write_checksums(dist: Path) -> Path:
    files = sorted(p for p in dist.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(dist).as_posix()}" for p in files]
    out = dist / "SHA256SUMS"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


# -- the three commands ------------------------------------------------------------------------
def make_offline(root: Path, dist: Path, version: str, epoch: int, site: Path | None = None) -> Path:
    if site is None and not (root / OFFLINE_CONFIG).exists():
        raise ReleaseError(f"ce wiki n'a pas de copie hors ligne : {OFFLINE_CONFIG} est absent")
    name = project_name(root)
    with tempfile.TemporaryDirectory(prefix="cw-offline-") as tmp:
        site = site or build_site(root, OFFLINE_CONFIG, Path(tmp) / "site", version, epoch)
        top = f"{name}-hors-ligne-{version}"
        return write_zip(site, dist / f"{top}.zip", top, epoch, {"LISEZ-MOI.txt": offline_readme(root, top, version)})


def make_livret(root: Path, dist: Path, version: str, epoch: int, site: Path | None = None,
                selection: str = "", annexes: bool | None = None) -> Path:
    """The booklet PDF: every fiche, or a workshop kit (``selection``: the catalogue's address state,
    or a list of fiche ids), with the annexes (always in the full booklet; in a kit if asked)."""
    name = project_name(root)
    with tempfile.TemporaryDirectory(prefix="cw-livret-") as tmp:
        site = site or build_site(root, ONLINE_CONFIG, Path(tmp) / "site", version, epoch)
        html = _print_copy(site, site_url(root))
        if selection:
            html = _select(html, selection, annexes)
        page = site / "livret" / "impression.html"
        suffix = "-atelier" if selection else ""
        try:
            return print_booklet(with_qr_codes(without_scripts(html)), page,
                                 dist / f"{name}-livret-{version}{suffix}.pdf", epoch)
        finally:
            page.unlink(missing_ok=True)  # not part of the published site


def make_all(root: Path, dist: Path, version: str, epoch: int, out=sys.stdout) -> list:
    cat = load_catalogue(root)
    if cat.problems:
        raise ReleaseError("le contenu comporte des erreurs ; aucune version n'a été produite.\n"
                           + format_problems(cat.problems))
    name = project_name(root)
    if dist == root or dist in root.parents:
        raise ReleaseError(f"le dossier de sortie {dist} contient le projet : choisissez un dossier à part (dist/)")
    if dist.exists():
        shutil.rmtree(dist)   # a release folder holds that release only (SHA256SUMS lists everything)
    dist.mkdir(parents=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="cw-release-") as tmp:
        online = build_site(root, ONLINE_CONFIG, Path(tmp) / "en-ligne", version, epoch)
        print("site en ligne construit", file=out)
        # the open data, as published on the site (same version, same site URL in the feed):
        # the files export.py writes for this wiki (none without a `publish` block)
        for rel in export_files(cat, version):
            target = dist / "donnees" / Path(rel).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(online / rel, target)
            written.append(target)
        if (online / "livret" / "index.html").exists():   # a wiki with a booklet view
            written.append(make_livret(root, dist, version, epoch, site=online))
        top = f"{name}-site-{version}"
        written.append(write_zip(online, dist / f"{top}.zip", top, epoch))
        if (root / OFFLINE_CONFIG).exists():   # a wiki with an offline copy
            written.append(make_offline(root, dist, version, epoch))
        else:
            print(f"pas de copie hors ligne : {OFFLINE_CONFIG} absent", file=out)
    changelog = dist / "CHANGELOG-contenu.md"
    changelog.write_text(content_changelog(root, version), encoding="utf-8")
    written.append(changelog)
    written.append(write_checksums(dist))
    return written


def main(argv=None, root: Path | None = None, out=None) -> int:
    out = out or sys.stdout
    from .cli import _french_argparse
    _french_argparse()
    parser = argparse.ArgumentParser(prog="python -m commons_wiki.release",
                                     description="Produire les fichiers d'une version du wiki dans dist/.")
    parser.add_argument("what", choices=["offline", "livret", "all"],
                        help="offline : zip hors ligne ; livret : PDF ; "
                             "all : validation, site, zip, PDF, données, journal, sommes de contrôle")
    parser.add_argument("--version", default="dev", help="numéro de version, par exemple 2026.1")
    parser.add_argument("--dist", default=None, help="dossier de sortie (par défaut : dist/ du projet)")
    parser.add_argument("--root", default=None, help="dossier du projet (par défaut : le dossier courant ou un parent)")
    parser.add_argument("--selection", default="", help="livret d'atelier : l'état du catalogue copié de la barre "
                        "d'adresse (« thematiques=mobilite&principes=communs ») ou des identifiants de fiches")
    parser.add_argument("--annexes", action="store_true", default=None,
                        help="avec une sélection : ajouter les listes de vérification et la grille des acteurs")
    args = parser.parse_args(argv)
    if root is None:
        from .cli import find_root
        root = find_root(Path(args.root or "."))
    root = Path(root).resolve()
    dist = Path(args.dist).resolve() if args.dist else root / "dist"
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]*", args.version):
        print(f"version « {args.version} » invalide : lettres, chiffres, points et tirets seulement", file=sys.stderr)
        return 2
    epoch = source_date_epoch(root)
    try:
        if args.what == "offline":
            written = [make_offline(root, dist, args.version, epoch)]
        elif args.what == "livret":
            written = [make_livret(root, dist, args.version, epoch, selection=args.selection, annexes=args.annexes)]
        else:
            written = make_all(root, dist, args.version, epoch, out)
    except ReleaseError as exc:
        print(f"Échec : {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path.relative_to(dist.parent) if path.is_relative_to(dist.parent) else path, file=out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
