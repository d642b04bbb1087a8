"""`make release`: reproducible files, a content changelog from git, CI that calls tested targets."""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from commons_wiki import release
from conftest import ROOT, copy_project

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args, date="2026-03-01T12:00:00+00:00") -> str:
    env = dict(os.environ, **GIT_ENV, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def git_project(dest: Path) -> Path:
    """A copy of the project in its own git repository: one commit, tagged v0."""
    root = copy_project(dest)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v0")
    git(root, "tag", "v0")
    return root


def test_changelog_lists_added_updated_and_removed_fiches(tmp_path):
    root = git_project(tmp_path / "proj")
    added = (root / "fiches" / "muttersholtz.md").read_text(encoding="utf-8")
    added = re.sub(r"(?m)^titre: .*$", "titre: Le village témoin", added, count=1)
    added = re.sub(r"(?m)^  nom: .*$", "  nom: Essai-les-Bains", added, count=1)
    (root / "fiches" / "essai-les-bains.md").write_text(added, encoding="utf-8")
    le_juch = root / "fiches" / "le-juch.md"
    le_juch.write_text(le_juch.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n", encoding="utf-8")
    (root / "fiches" / "ayen.md").unlink()
    (root / "content" / "a-propos" / "index.md").write_text("---\ntitle: À propos\n---\n\nModifié.\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "changes", date="2026-04-01T12:00:00+00:00")

    text = release.content_changelog(root, "2026.2")
    sections = dict(re.findall(r"## ([\w ]+?) \(\d+\)\n\n(.*?)(?=\n## |\Z)", text, re.S))
    assert "Fiches expériences, depuis v0" in text
    assert "Le village témoin (Essai-les-Bains)" in sections["Ajouts"]
    assert "fiches/le-juch.md" in sections["Mises à jour"]
    assert "fiches/ayen.md" in sections["Retraits"] and "Le durable a son village" in sections["Retraits"]
    assert "Ajouts (1)" in text and "Mises à jour (1)" in text and "Retraits (1)" in text
    assert "a-propos" not in text   # pages are not fiches


def test_changelog_without_tag_lists_every_fiche_as_added(tmp_path):
    root = copy_project(tmp_path / "proj")
    git(root, "init", "-q", "-b", "main")
    text = release.content_changelog(root, "1")
    n = len(list((root / "fiches").glob("*.md")))
    assert f"Ajouts ({n})" in text and "Retraits (0)" in text


def test_zip_is_sorted_dated_and_independent_of_file_times(tmp_path):
    folder = tmp_path / "site"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "z.html").write_text("z")
    (folder / "a.html").write_text("a")
    first = release.write_zip(folder, tmp_path / "1.zip", "top", 1700000000)
    os.utime(folder / "a.html", (0, 0))
    (folder / "b" / "z.html").chmod(0o600)
    second = release.write_zip(folder, tmp_path / "2.zip", "top", 1700000000)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["top/a.html", "top/b/z.html"]
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}


def test_pdf_dates_are_replaced_without_moving_bytes():
    pdf = (b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n/CreationDate (D:20261126175515+00'00')\n"
           b"/ModDate (D:20261126175515+00'00')>>\nendobj\n<xmp:CreateDate>2026-11-26T17:55:15+00:00</xmp:CreateDate>")
    out = release.normalise_pdf_dates(pdf, 1700000000)
    assert len(out) == len(pdf)
    assert b"/CreationDate (D:20231114221320+00'00')" in out and b"/ModDate (D:20231114221320+00'00')" in out
    assert b"<xmp:CreateDate>2023-11-14T22:13:20+00:00</xmp:CreateDate>" in out
    assert b"2026" not in out


def test_pdf_node_ids_are_renumbered_by_rank_without_moving_bytes():
    one = b"<</ID (node00000415)>> /Names [(node00000415) 3 0 R (node00000420) 4 0 R] /Headers [(node00000420)]"
    two = one.replace(b"00000415", b"00000417").replace(b"00000420", b"00000422")
    assert release.normalise_pdf_node_ids(one) == release.normalise_pdf_node_ids(two)
    fixed = release.normalise_pdf_node_ids(one)
    assert len(fixed) == len(one) and b"(node00000001)" in fixed and b"(node00000002)" in fixed


def test_release_stops_on_invalid_content(tmp_path, capsys):
    root = copy_project(tmp_path / "proj")
    path = root / "fiches" / "ayen.md"
    path.write_text(path.read_text(encoding="utf-8").replace("echelle: commune", "echelle: village"), encoding="utf-8")
    dist = tmp_path / "dist"
    assert release.main(["all", "--version", "9", "--dist", str(dist)], root=root) == 1
    assert "fiches/ayen.md" in capsys.readouterr().err
    assert not dist.exists()


@pytest.mark.slow
@pytest.mark.browser
def test_release_twice_gives_identical_files(tmp_path):
    """make release VERSION=2026.1, twice on the same commit (about a minute)."""
    root = git_project(tmp_path / "proj")
    sums = []
    for run in ("un", "deux"):
        dist = tmp_path / run / "dist"
        out = io.StringIO()
        assert release.main(["all", "--version", "2026.1", "--dist", str(dist)], root=root, out=out) == 0, out.getvalue()
        sums.append((dist / "SHA256SUMS").read_text(encoding="utf-8"))
    assert sums[0] == sums[1]

    # every file is listed, and the sums are right
    listed = dict(reversed(line.split("  ", 1)) for line in sums[0].splitlines())
    on_disk = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(listed) == on_disk
    for rel, digest in listed.items():
        assert hashlib.sha256((dist / rel).read_bytes()).hexdigest() == digest
    assert {"smart-village-hors-ligne-2026.1.zip", "smart-village-livret-2026.1.pdf", "smart-village-site-2026.1.zip",
            "CHANGELOG-contenu.md", "donnees/fiches.json", "donnees/fiches.csv", "donnees/datapackage.json"} <= set(listed)

    # the release carries its version, and the build date is the commit's (2026-03-01)
    assert '"version": "2026.1"' in (dist / "donnees" / "fiches.json").read_text(encoding="utf-8")
    with zipfile.ZipFile(dist / "smart-village-site-2026.1.zip") as zf:
        sitemap = zf.read("smart-village-site-2026.1/sitemap.xml").decode()
        assert {i.date_time[:3] for i in zf.infolist()} == {(2026, 3, 1)}
    assert "<lastmod>2026-03-01</lastmod>" in sitemap

    # the booklet: every fiche, links to the public site (never to a temporary folder)
    pdf = (dist / "smart-village-livret-2026.1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"file://" not in pdf
    assert b"/CreationDate (D:20260301120000+00'00')" in pdf
    # one section per fiche, each starting on a new page and taking at most 2 pages (pdftotext
    # separates pages with a form feed; `make test` installs poppler-utils)
    assert shutil.which("pdftotext"), "pdftotext manquant (paquet poppler-utils)"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pages = [" ".join(page.split()) for page in text.split("\f")]
    pages = pages[:-1] if pages and not pages[-1] else pages
    from commons_wiki.catalogue import load_catalogue
    starts = []
    # the contents list every heading too: look after them (they end with the annexes' entry)
    toc_end = next(i for i, page in enumerate(pages) if "Annexes : listes de vérification et grille des acteurs" in page)
    for rec in load_catalogue(root)["fiches"].values():
        heading = " ".join(f"{rec.data['titre']} — {rec.data['territoire']['nom']}".split())
        found = [i for i, page in enumerate(pages) if heading in page and i > toc_end]
        assert found, f"{rec.id} absente du livret"
        starts.append((found[0], rec.id))
    starts.sort()
    annexes = next(i for i, page in enumerate(pages) if "Annexes : fiches d'atelier" in page)
    ends = [s for s, _ in starts[1:]] + [annexes]
    too_long = {fid: end - start for (start, fid), end in zip(starts, ends, strict=True) if end - start > 2}
    assert len({s for s, _ in starts}) == len(starts), "deux fiches commencent sur la même page"
    assert not too_long, f"fiches de plus de 2 pages dans le livret : {too_long}"
    assert len(pages) >= len(starts) + 1, "le livret devrait compter au moins une page par fiche"
    assert "Fiches expériences" in (dist / "CHANGELOG-contenu.md").read_text(encoding="utf-8")


# -- continuous integration -------------------------------------------------------------------
# The Makefile targets CI may call, and the test that runs each target's command for real.
TESTED_TARGETS = {
    "validate": ("commons-wiki validate", "tests/test_release.py::test_validate_command"),
    "build": ("mkdocs build --strict", "tests/conftest.py (built_site: mkdocs build --strict)"),
    "test": ("pytest", "the test suite itself"),
    "release": ("commons_wiki.release all", "tests/test_release.py::test_release_twice_gives_identical_files"),
    "offline": ("commons_wiki.release offline", "tests/test_offline.py"),
    "livret": ("commons_wiki.release livret", "tests/test_release.py::test_release_twice_gives_identical_files"),
    "install": ("", "every test that runs .venv/bin/commons-wiki (the recipe is .venv/bin/.base's)"),
    "apercu": ("mkdocs build --strict -f mkdocs.offline.yml", "tests/test_pr_summary.py"),
}


def _makefile_targets() -> dict:
    """target -> its recipe text."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+):(?!=)", line)
        if m:
            current = m.group(1)
            targets[current] = ""
        elif line.startswith("\t") and current:
            targets[current] += line + "\n"
        elif line.strip() and not line.startswith("#"):
            current = None
    return targets


def test_workflows_are_valid_and_call_tested_make_targets():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"pr.yml", "release.yml", "pages.yml"}
    targets = _makefile_targets()
    called = set()
    for wf in workflows:
        data = yaml.safe_load(wf.read_text(encoding="utf-8"))
        assert data.get(True) or data.get("on"), f"{wf.name}: no trigger"   # YAML 1.1 reads `on` as True
        for job in data["jobs"].values():
            for step in job["steps"]:
                for cmd in re.findall(r"\bmake\s+([A-Za-z0-9_.-]+)", step.get("run", "")):
                    called.add(cmd)
                    assert cmd in targets, f"{wf.name}: make {cmd} is not a Makefile target"
                    assert cmd in TESTED_TARGETS, f"{wf.name}: make {cmd} is not exercised by the tests"
                    expected = TESTED_TARGETS[cmd][0]
                    assert expected in targets[cmd], f"make {cmd} no longer runs « {expected} »"
    assert {"validate", "test", "release", "build"} <= called
    release_wf = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert 'VERSION="${GITHUB_REF_NAME#v}"' in release_wf and "fetch-depth: 0" in release_wf


def test_pre_commit_hook_runs_the_validator_without_an_activated_environment():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [h for repo in config["repos"] for h in repo["hooks"] if "validate" in h["entry"]]
    for source in ("fiches/arvieu.md", "content/index.md", "references/liens.md", "templates/fiche.md.j2",
                   "schema/wiki.yml", "ressources/reseaux.yml"):
        assert re.search(hook["files"], source), source
    # run as pre-commit runs it: from the repository's root, with no virtual environment on PATH
    result = subprocess.run(hook["entry"].split(), cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert result.returncode == 0 and "Aucun problème" in result.stdout, result.stdout + result.stderr


def test_validate_command(tmp_path):
    """What `make validate` runs: exit 0 on the project, 1 with file:line on a broken fiche."""
    root = copy_project(tmp_path / "proj")
    def run():
        return subprocess.run([str(ROOT / ".venv" / "bin" / "commons-wiki"), "validate"], cwd=root,
                              capture_output=True, text=True, timeout=120)
    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    path = root / "fiches" / "ayen.md"
    path.write_text(path.read_text(encoding="utf-8").replace("echelle: commune", "echelle: village"), encoding="utf-8")
    bad = run()
    assert bad.returncode == 1 and re.search(r"fiches/ayen\.md:\d+: echelle: ", bad.stdout), bad.stdout
