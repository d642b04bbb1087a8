"""The package is generic: a second, tiny wiki (tiers-lieux) with its own schema, referential and
templates builds with the same plugin, and its mistakes are reported like the Smart village ones."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from commons_wiki.catalogue import load_catalogue
from conftest import ROOT, run_mkdocs

FILES = {
    "mkdocs.yml": """
        site_name: Tiers-lieux de la vallée
        docs_dir: docs
        strict: true
        theme:
          name: material
          language: fr
          font: false
        plugins:
          - search
          - commons-wiki
    """,
    "docs/a-propos.md": """
        ---
        title: À propos
        ---

        # À propos

        Un annuaire des tiers-lieux de la vallée.
    """,
    "schema/wiki.yml": """
        name: tiers-lieux
        title: Tiers-lieux de la vallée
        referentials:
          services: referentiels/services.yml
        collections:
          lieux:
            folder: lieux
            format: markdown
            schema: lieu.schema.json
            url: lieux
            title_field: nom
            date_field: ouvert_le
            template: lieu.md.j2
            required_headings: ["Histoire"]
            unique_together: [nom, commune]
            published: true
            label: Tiers-lieux
            scaffold: {noun: lieu, title: Nouveau tiers-lieu, file_name_from: nom, questions: [nom, commune, services]}
        taxonomies:
          services: {field: services, referential: services, url: services}
        views:
          - {template: service.md.j2, per: term, output: "{url}/{term}.md"}
          - {template: accueil.md.j2, output: index.md}
        publish: {collection: lieux, marker: data-lieu, language: fr}
    """,
    "schema/referentiels/services.yml": """
        titre: Services
        titre_singulier: Service
        description: Ce que l'on trouve dans le lieu.
        termes:
          - id: coworking
            libelle: Espace de travail partagé
            libelle_court: Coworking
            description: Des bureaux à louer à la journée.
          - id: fablab
            libelle: Atelier de fabrication numérique
            libelle_court: Fablab
            description: Des machines (imprimante 3D, découpe laser) et de l'aide pour s'en servir.
          - id: cafe
            libelle: Café associatif
            libelle_court: Café
            description: Un lieu pour boire un verre et se rencontrer.
    """,
    "schema/lieu.schema.json": json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tiers-lieu",
        "type": "object",
        "additionalProperties": False,
        "required": ["nom", "commune", "services"],
        "properties": {
            "nom": {"type": "string", "minLength": 2},
            "commune": {"type": "string", "minLength": 2},
            "services": {"type": "array", "minItems": 1, "uniqueItems": True,
                         "items": {"type": "string", "x-referentiel": "services"}},
            "site": {"type": "string", "x-url": True},
            "ouvert_le": {"type": "string", "format": "date"},
        },
    }, ensure_ascii=False, indent=2),
    "templates/lieu.md.j2": """
        ---
        title: {{ r.nom|tojson|safe }}
        ---

        # {{ r.nom }}

        <p class="tl-commune">{{ r.commune }}</p>

        <ul class="tl-services">
        {% for s in r.services %}
        <li><a href="{{ link(term_page('services', s))|attr }}">{{ refs.services.label(s) }}</a></li>
        {% endfor %}
        </ul>

        {{ body }}
    """,
    "templates/service.md.j2": """
        ---
        title: {{ term.label|tojson|safe }}
        ---

        # {{ term.label }}

        {{ term.description }}

        <ul class="tl-lieux">
        {% for l in cat.records_for_term(taxonomy, term.id, "lieux") %}
        <li data-lieu="{{ l.id|attr }}"><a href="{{ link(record_page(l))|attr }}">{{ l.title }}</a></li>
        {% endfor %}
        </ul>
    """,
    "templates/accueil.md.j2": """
        ---
        title: Accueil
        ---

        # {{ project.config.title }}

        <ul class="tl-index">
        {% for l in cat["lieux"].values() %}
        <li><a href="{{ link(record_page(l))|attr }}">{{ l.title }}</a> ({{ l.data.commune }})</li>
        {% endfor %}
        </ul>
    """,
    "lieux/la-fabrique.md": """
        ---
        nom: La Fabrique
        commune: Saint-Jean
        services: [fablab, cafe]
        site: https://la-fabrique.example.org/
        ouvert_le: 2019-05-04
        ---

        ## Histoire

        Une ancienne menuiserie reprise par une association d'habitants.
    """,
    "lieux/le-moulin.md": """
        ---
        nom: Le Moulin
        commune: Val-d'en-Haut
        services: [coworking]
        ---

        ## Histoire

        Un moulin rénové par la commune, loué à la journée.
    """,
    "lieux/l-atelier.md": """
        ---
        nom: L'Atelier
        commune: Saint-Jean
        services: [coworking, fablab, cafe]
        ---

        ## Histoire

        Un atelier partagé au-dessus de la boulangerie.
    """,
}


def make_wiki(root: Path) -> Path:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


# The pages are also checked on a build with the plugin's `exports: false` (no open data written,
# none expected by the post-build checks); the default build writes them (see the tests below).
NO_EXPORTS = ("  - commons-wiki\n", "  - commons-wiki:\n      exports: false\n")


@pytest.fixture(scope="module")
def second_site(tmp_path_factory) -> Path:
    root = make_wiki(tmp_path_factory.mktemp("tiers-lieux") / "wiki")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert NO_EXPORTS[0] in config
    (root / "mkdocs.yml").write_text(config.replace(*NO_EXPORTS), encoding="utf-8")
    result = run_mkdocs(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def test_second_wiki_builds_with_default_plugin_options(tmp_path):
    root = make_wiki(tmp_path / "wiki")
    result = run_mkdocs(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "site" / "lieux" / "la-fabrique" / "index.html").exists()


def test_second_wiki_loads_without_problem(tmp_path):
    cat = load_catalogue(make_wiki(tmp_path / "wiki"))
    assert cat.problems == []
    assert sorted(cat["lieux"]) == ["l-atelier", "la-fabrique", "le-moulin"]
    assert [t for t in cat.used_terms("services")] == ["coworking", "fablab", "cafe"]


def test_second_wiki_pages_exist(second_site):
    from bs4 import BeautifulSoup

    def soup(rel):
        path = second_site / rel
        pages = sorted(p.relative_to(second_site).as_posix() for p in second_site.rglob("*.html"))
        assert path.exists(), f"{rel} missing; site has {pages}"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    for slug, nom in [("la-fabrique", "La Fabrique"), ("le-moulin", "Le Moulin"), ("l-atelier", "L'Atelier")]:
        page = soup(f"lieux/{slug}/index.html")
        assert page.find("h1").get_text(strip=True) == nom
        assert page.find("h2", string="Histoire") or "Histoire" in page.find("h2").get_text()
    fablab = soup("services/fablab/index.html")
    assert fablab.find("h1").get_text(strip=True) == "Atelier de fabrication numérique"
    assert sorted(li["data-lieu"] for li in fablab.select("li[data-lieu]")) == ["l-atelier", "la-fabrique"]
    home = soup("index.html")
    assert [a.get_text() for a in home.select(".tl-index a")] == ["L'Atelier", "La Fabrique", "Le Moulin"]
    assert soup("a-propos/index.html").find("h1").get_text(strip=True) == "À propos"
    # nothing from the Smart village wiki leaks into this one
    assert not (second_site / "fiches").exists() and not (second_site / "principes").exists()


def test_second_wiki_mistake_is_reported(tmp_path):
    root = make_wiki(tmp_path / "wiki")
    text = (root / "lieux" / "le-moulin.md").read_text(encoding="utf-8")
    text = text.replace("services: [coworking]", "services: [coworkin]")
    (root / "lieux" / "le-moulin.md").write_text(text, encoding="utf-8")
    line = text.split("\n").index("services: [coworkin]") + 1

    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "validate"], cwd=root, capture_output=True,
                            text=True, timeout=120, env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"lieux/le-moulin.md:{line}: services[0]: « coworkin » n'existe pas dans le référentiel services "
        "(vouliez-vous dire « coworking » ?)")

    built = run_mkdocs(root)
    assert built.returncode != 0 and f"lieux/le-moulin.md:{line}: services[0]" in built.stderr


# -- the tools on the second wiki: new, validate, export, release ----------------------------------
def cli(root: Path, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(root), *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_second_wiki_scaffolds_its_own_records(tmp_path):
    """`commons-wiki new lieu`: its questions (name, commune, services by code or label), its file."""
    root = make_wiki(tmp_path / "wiki")
    asked = cli(root, "new", "lieu", stdin="La Grange\nVal-d'en-Haut\ncafé, Fablab\n")
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert "Nouveau tiers-lieu" in asked.stdout and "Fichier créé : lieux/la-grange.md" in asked.stdout
    from commons_wiki.frontmatter import parse_markdown
    data = parse_markdown((root / "lieux" / "la-grange.md").read_text(encoding="utf-8"), "x").data
    assert data["nom"] == "La Grange" and data["commune"] == "Val-d'en-Haut" and data["services"] == ["cafe", "fablab"]
    quiet = cli(root, "new", "lieu", "--champ", "nom=Le Hangar", "--champ", "commune=Saint-Jean", "--non-interactif")
    assert quiet.returncode == 0 and (root / "lieux" / "le-hangar.md").exists(), quiet.stdout + quiet.stderr
    wrong = cli(root, "new", "fiche")
    assert wrong.returncode == 2 and "Type « fiche » inconnu : type(s) disponible(s) : lieu" in wrong.stdout
    assert "Traceback" not in asked.stderr + quiet.stderr + wrong.stderr
    # the new records are unfinished: validate names what is left to do, file by file
    checked = cli(root, "validate")
    assert checked.returncode == 1 and "lieux/la-grange.md" in checked.stdout and "lieux/le-hangar.md" in checked.stdout
    assert "lieux/la-fabrique.md" not in checked.stdout


def test_second_wiki_exports_and_releases(tmp_path):
    root = make_wiki(tmp_path / "wiki")
    assert cli(root, "validate").returncode == 0
    exported = cli(root, "export", "--out", str(tmp_path / "donnees"))
    assert exported.returncode == 0, exported.stderr
    data = json.loads((tmp_path / "donnees" / "lieux.json").read_text(encoding="utf-8"))
    assert sorted(data["lieux"]) == ["l-atelier", "la-fabrique", "le-moulin"]
    assert (tmp_path / "donnees" / "lieux.csv").exists() and (tmp_path / "donnees" / "flux.xml").exists()
    release = subprocess.run([sys.executable, "-m", "commons_wiki.release", "all", "--root", str(root),
                              "--version", "1.0", "--dist", str(tmp_path / "dist")],
                             capture_output=True, text=True, timeout=600)
    assert release.returncode == 0, release.stdout + release.stderr
    dist = tmp_path / "dist"
    names = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    assert "donnees/lieux.json" in names and "CHANGELOG-contenu.md" in names and "SHA256SUMS" in names
    assert any(n.startswith("tiers-lieux-site-1.0") and n.endswith(".zip") for n in names), names
    assert not any(n.endswith(".pdf") for n in names)   # no booklet view: no booklet
    changelog = (dist / "CHANGELOG-contenu.md").read_text(encoding="utf-8")
    assert "Tiers-lieux, première version publiée" in changelog and "La Fabrique" in changelog
    assert "pas de copie hors ligne : mkdocs.offline.yml absent" in release.stdout
    offline = subprocess.run([sys.executable, "-m", "commons_wiki.release", "offline", "--root", str(root)],
                             capture_output=True, text=True, timeout=300)
    assert offline.returncode == 1 and "n'a pas de copie hors ligne" in offline.stderr and "Traceback" not in offline.stderr
