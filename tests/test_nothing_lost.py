"""Nothing is lost between the sources and the site: every fiche has its page, its catalogue
entry, its export rows and its search document; each term page lists exactly its fiches; and
the build fails, in French, when a template loses one (plugins/commons_wiki/checks.py)."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import yaml

from commons_wiki.catalogue import load_catalogue
from commons_wiki.checks import check_site
from commons_wiki.search_index import INDEX_FILE
from commons_wiki.search_index import read as read_search_index
from commons_wiki.search_index import script as search_script
from commons_wiki.settings import SiteSettings
from commons_wiki.views import Renderer
from conftest import ROOT, copy_project, run_mkdocs

DATA_FICHE = re.compile(r'data-fiche="([^"]+)"')


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]) or {}


def source_fiches() -> dict:
    """{id: front matter} read straight from fiches/*.md, without the project's code."""
    return {p.stem: front_matter(p) for p in sorted((ROOT / "fiches").glob("*.md"))}


def field(data: dict, dotted: str):
    for part in dotted.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def listed(page: Path) -> list:
    return DATA_FICHE.findall(page.read_text(encoding="utf-8"))


def catalogue_embedded(site: Path) -> list:
    html = (site / "catalogue" / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="cw-catalogue-data">(.*?)</script>', html, re.DOTALL)
    assert m, "données du catalogue absentes de la page"
    return [f["id"] for f in json.loads(m.group(1))["records"]]


# -- the real build ------------------------------------------------------------------------
def test_every_fiche_is_everywhere_once(built_site):
    sources = sorted(source_fiches())
    assert sources, "aucune fiche"
    site = built_site
    pages = sorted(d.name for d in (site / "fiches").iterdir() if (d / "index.html").is_file())
    in_search = sorted(page[0].split("/")[1] for page in read_search_index(site)["pages"]
                       if re.fullmatch(r"fiches/[^/#]+/", page[0]))
    export = list(json.loads((site / "donnees" / "fiches.json").read_text(encoding="utf-8"))["fiches"])
    csv_ids = [r["id"] for r in csv.DictReader(io.StringIO((site / "donnees" / "fiches.csv").read_text(encoding="utf-8")))]
    feed = re.findall(r"<entry>", (site / "flux.xml").read_text(encoding="utf-8"))
    counts = {
        "pages de fiche": pages,
        "catalogue (données embarquées)": sorted(catalogue_embedded(site)),
        "catalogue (cartes)": sorted(listed(site / "catalogue" / "index.html")),
        "tableau des principes": sorted(listed(site / "matrice" / "index.html")),
        "livret": sorted(listed(site / "livret" / "index.html")),
        "export JSON": sorted(export),
        "export CSV": sorted(csv_ids),
        "index de recherche": in_search,
    }
    for what, ids in counts.items():
        assert ids == sources, f"{what} : {len(ids)} fiches au lieu de {len(sources)} ; " \
                               f"manquantes {sorted(set(sources) - set(ids))}, en trop {sorted(set(ids) - set(sources))}"
    assert len(feed) == len(sources)


def test_each_term_page_lists_exactly_its_fiches(built_site):
    wiki = yaml.safe_load((ROOT / "schema" / "wiki.yml").read_text(encoding="utf-8"))
    fiches = source_fiches()
    checked = 0
    for tax in wiki["taxonomies"].values():
        expected: dict = {}
        for fid, data in fiches.items():
            value = field(data, tax["field"])
            for term in value if isinstance(value, list) else [value]:
                if term is not None:
                    expected.setdefault(str(term), set()).add(fid)
        folder = built_site / tax["url"]
        for term, ids in expected.items():
            page = folder / term / "index.html"
            assert page.is_file(), f"{tax['url']}/{term} : page absente alors que {len(ids)} fiche(s) l'utilisent"
            assert set(listed(page)) == ids and len(listed(page)) == len(ids), \
                f"{tax['url']}/{term} : liste {sorted(listed(page))} au lieu de {sorted(ids)}"
            checked += 1
        # a term page for a term no fiche uses lists nothing
        for page in folder.glob("*/index.html"):
            if page.parent.name not in expected:
                assert listed(page) == [], f"{tax['url']}/{page.parent.name} liste des fiches qui ne l'utilisent pas"
    assert checked >= 40


def _core(root: Path):
    cat = load_catalogue(root)
    assert not cat.problems
    return cat, Renderer(cat, root / "templates", SiteSettings(use_directory_urls=True))


def test_post_build_check_passes_on_the_real_build(built_site):
    cat, renderer = _core(built_site.parent)
    assert check_site(cat, built_site, renderer) == []


def test_post_build_check_reports_each_loss(built_site, tmp_path):
    """Damage a copy of the built site in four ways: each one is reported, in French."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    cat, renderer = _core(built_site.parent)
    shutil.rmtree(site / "fiches" / "arvieu")
    term_page = site / "thematiques" / "tiers-lieu" / "index.html"
    term_page.write_text(term_page.read_text(encoding="utf-8").replace('data-fiche="lourmarin"', 'data-x="lourmarin"'),
                         encoding="utf-8")
    csv_path = site / "donnees" / "fiches.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    csv_path.write_text("".join(line for line in lines if not line.startswith("kourou,")), encoding="utf-8")
    index = read_search_index(site)
    index["pages"] = [p for p in index["pages"] if not p[0].startswith("fiches/ayen/")]
    (site / "search" / INDEX_FILE).write_text(search_script(index), encoding="utf-8")

    text = "\n".join(check_site(cat, site, renderer))
    n = len(cat["fiches"])
    assert f"pages de fiches : {n - 1} au lieu de {n} ; manquent arvieu" in text, text
    assert "thematiques/tiers-lieu" in text and "lourmarin" in text, text
    assert f"export fiches.csv : {n - 1} au lieu de {n} ; manquent kourou" in text, text
    assert f"fiches dans l'index de recherche : {n - 1} au lieu de {n} ; manquent ayen" in text, text


def test_post_build_check_reports_a_card_lost_from_the_catalogue(built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    cat, renderer = _core(built_site.parent)
    page = site / "catalogue" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert 'class="cw-card" data-fiche="arvieu"' in html
    page.write_text(html.replace('class="cw-card" data-fiche="arvieu"', 'class="cw-card"'), encoding="utf-8")
    n = len(cat["fiches"])
    assert f"catalogue/index.md (data-fiche) : {n - 1} au lieu de {n} ; manquent arvieu" in check_site(cat, site, renderer)


def test_build_fails_when_a_template_loses_fiches(tmp_path):
    root = copy_project(tmp_path / "proj")
    templates = root / "templates"
    # the catalogue drops the last fiche from its data, a term page drops its first fiche
    cat_t = templates / "catalogue.md.j2"
    text = cat_t.read_text(encoding="utf-8")
    anchor = "{% set data = catalogue_data(page) %}\n"
    assert anchor in text, "catalogue.md.j2 a changé : adapter ce test"
    cat_t.write_text(text.replace(anchor, anchor + "{% set _lost = data.records.pop() %}\n"), encoding="utf-8")
    term_t = templates / "term.md.j2"
    text = term_t.read_text(encoding="utf-8")
    anchor = '{% set fiches = cat.records_for_term(taxonomy, term.id, "fiches") %}\n'
    assert anchor in text, "term.md.j2 a changé : adapter ce test"
    term_t.write_text(text.replace(anchor, anchor.replace(") %}", ")[1:] %}")), encoding="utf-8")

    result = run_mkdocs(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "la construction a réussi alors que des fiches ont disparu"
    assert "Vérification après construction en échec" in output, output[-3000:]
    n = len(list((root / "fiches").glob("*.md")))
    assert f"catalogue/index.md (données embarquées) : {n - 1} au lieu de {n}" in output, output[-3000:]
    assert re.search(r"principes/\w+ : \d+ au lieu de \d+ ; manquent", output), output[-3000:]
