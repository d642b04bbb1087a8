"""Built-site tests (parsed HTML) for the browsing views: fiche pages, term pages, catalogue,
matrix, map, lessons, home."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from commons_wiki.catalogue import load_catalogue
from conftest import ROOT


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(ROOT)


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_every_fiche_has_a_page_with_its_facts(built_site, cat):
    for slug, rec in cat["fiches"].items():
        page = soup(built_site, f"fiches/{slug}/index.html")
        text = page.get_text(" ")
        d = rec.data
        assert page.h1.get_text(strip=True).startswith(d["titre"][:20])
        assert d["territoire"]["nom"] in text
        if d["source"]["origine"] == "guide":
            assert f"p. {d['source']['page']}" in text           # "Guide Smart village, p. 76"
        else:                                                    # who wrote it, from which sources
            source = page.find(id="source-et-mises-a-jour").find_next("ul").get_text(" ")
            assert d["source"]["auteur"] in source and "Guide Smart village" not in source
        for section in ("La démarche en bref", "Objectifs", "Contexte", "Le bilan", "Contact", "Moyens"):
            assert section in text, (slug, section)
        badges = [a.get_text(strip=True) for a in page.select(".cw-fiche-header a.cw-badge")]
        assert len(badges) == len(d["principes"])
        chips = page.select(".cw-fiche-header a.cw-chip")
        assert {c["href"].rstrip("/").split("/")[-1] for c in chips} == set(d["thematiques"])
        edit = page.select_one('a[href*="/edit/main/fiches/"]')
        assert edit is not None and edit["href"].endswith(f"fiches/{slug}.md")


def test_amounts_are_in_french_format(built_site):
    text = soup(built_site, "fiches/bourrou/index.html").get_text(" ")
    assert "301\u202f000\u00a0€ HT" in text


def test_related_fiches_and_backlinks(built_site):
    page = soup(built_site, "fiches/lormes/index.html")
    related = page.find(id="fiches-proches")
    assert related is not None
    items = related.find_next("ul").find_all("li")
    assert 3 <= len(items) <= 5
    cited = page.find(id="cite-dans")
    links = [a["href"] for a in cited.find_next("ul").find_all("a")]
    assert any("terrain/lormes" in h for h in links)        # the visit report cites its fiche
    assert any("methode/participation" in h for h in links)


@pytest.mark.parametrize("taxonomy", ["principes", "thematiques", "regions", "departements", "echelles"])
def test_term_pages_list_exactly_their_fiches(built_site, cat, taxonomy):
    index = soup(built_site, f"{taxonomy}/index.html")
    assert index.select("table tbody tr"), "index page with counts"
    for term in cat.used_terms(taxonomy):
        page = soup(built_site, f"{taxonomy}/{term}/index.html")
        listed = {a["data-fiche"] for a in page.select("article[data-fiche]")}
        expected = {r.id for r in cat.records_for_term(taxonomy, term, "fiches")}
        assert listed == expected, (taxonomy, term)
        ref = cat.project.referentials[cat.project.taxonomies[taxonomy].referential]
        assert ref.terms[term].description[:40] in page.get_text(" ")


def test_principle_pages_list_methodology_pages(built_site, cat):
    """The principle's page lists the guide's pages on it, under their titles, and its « pour
    approfondir » sentence links to the method page of the principle."""
    page = soup(built_site, "principes/participation/index.html")
    section = next(h for h in page.select("article h2") if h.get_text(" ", strip=True).startswith("Pages du guide"))
    listed = {a.get_text(" ", strip=True): a["href"] for a in section.find_next("ul").select("a")}
    assert section.get_text(" ", strip=True).startswith(f"Pages du guide ({len(listed)})")
    method = cat["pages"]["methode/participation.md"]
    assert listed.get(method.title, "").endswith("methode/participation/"), listed
    further = [a for a in page.select("article p a") if a["href"].endswith("methode/participation/")]
    assert [a.get_text(" ", strip=True) for a in further] == ["la page de méthode consacrée à ce principe"]


def test_generated_pages_edit_link_points_to_referential(built_site):
    page = soup(built_site, "thematiques/mobilite/index.html")
    edit = page.select_one('a[href*="/edit/main/"]')
    assert edit is not None and edit["href"].endswith("schema/referentiels/thematiques.yml")


def test_catalogue_embeds_every_fiche_and_works_without_js(built_site, cat):
    page = soup(built_site, "catalogue/index.html")
    data = json.loads(page.find("script", id="cw-catalogue-data").string)
    assert {f["id"] for f in data["records"]} == set(cat["fiches"])
    assert {a["data-fiche"] for a in page.select("#cw-cards article[data-fiche]")} == set(cat["fiches"])
    names = {f["name"] for f in data["facets"]}
    assert {"principes", "thematiques", "regions", "echelles", "population", "tiers_lieu", "annee"} <= names
    counts = {f["name"]: {o["id"]: o["count"] for o in f["options"]} for f in data["facets"]}
    assert counts["principes"]["cooperation"] == sum("cooperation" in r.data["principes"] for r in cat["fiches"].values())
    assert sum(counts["population"].values()) == len(cat["fiches"])


def test_matrix_has_one_row_per_fiche_with_the_right_ticks(built_site, cat):
    page = soup(built_site, "matrice/index.html")
    rows = page.select("#cw-matrix tbody tr")
    assert len(rows) == len(cat["fiches"])
    for row in rows:
        ticks = {td["data-principe"] for td in row.select("td.cw-tick")}
        assert ticks == set(cat["fiches"][row["data-fiche"]].data["principes"])


def test_map_has_one_element_per_departement_with_fiches(built_site, cat):
    page = soup(built_site, "carte/index.html")
    expected = {d for r in cat["fiches"].values() for d in r.data["territoire"].get("departements", [])}
    active = {a["data-departement"] for a in page.select("svg a.cw-map__dep--active")}
    assert active == expected
    assert "973" in active                                   # Kourou, Guyane
    listed = {li["data-departement"] for li in page.select("#cw-map-list li")}
    assert listed == expected                                 # the text equivalent
    assert len(page.select("svg path")) > 90                  # the whole country is drawn


def test_map_shapes_cover_every_departement_and_ship_with_their_licence(cat):
    """The shapes are the package's own data (no map package to install): one for every
    département of the referential, with the note of their origin and licence beside them."""
    from commons_wiki.geo import SHAPES_FILE, department_shapes
    _, _, shapes = department_shapes()
    assert set(cat.project.referentials["departements"].terms) <= {code for code, _, _ in shapes}
    assert all(d.startswith("M") for _, d, _ in shapes)   # absolute outlines, ready for <path d>
    note = SHAPES_FILE.with_name("departements.LICENCE.md").read_text(encoding="utf-8")
    assert "pygal_maps_fr" in note and "1.1.0" in note and "LGPL-3.0-or-later" in note
    assert SHAPES_FILE.with_name("LGPL-3.0.txt").read_text(encoding="utf-8").lstrip().startswith("GNU LESSER GENERAL PUBLIC LICENSE")


def test_lessons_gather_every_item(built_site, cat):
    page = soup(built_site, "enseignements/index.html")
    for kind in ("facteurs_reussite", "difficultes", "points_vigilance"):
        items = page.select(f'ul[data-kind="{kind}"] li')
        assert len(items) == sum(len(r.data["bilan"][kind]) for r in cat["fiches"].values())


def test_home_page_ways_in_and_latest(built_site, cat):
    page = soup(built_site, "index.html")
    assert len(page.select('a[href*="principes/"]')) >= 5
    assert page.select('a[href*="carte/"]') and page.select('a[href*="thematiques/"]')
    assert 1 <= len(page.select("article[data-fiche]")) <= 6


def test_fiches_are_not_in_the_navigation(built_site):
    nav = soup(built_site, "index.html").select_one("nav.md-nav--primary")
    assert not nav.select('a[href*="fiches/"]')


def test_funders_link_to_their_resource_record(built_site):
    for page in (built_site / "fiches").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        assert "&lt;a href" not in html, page          # a link must never show up as text
    kourou = soup(built_site, "fiches/kourou/index.html")
    targets = {a["href"].split("#")[1] for a in kourou.select('td a[href*="ressources/repertoire/"]')}
    assert {"feder", "feader"} <= targets


def test_every_page_footer_shows_licence_and_version(built_site):
    for path in ["index.html", "fiches/kourou/index.html", "catalogue/index.html", "methode/participation/index.html"]:
        footer = soup(built_site, path).select_one(".md-copyright")
        text = footer.get_text(" ")
        assert "CC BY-SA 4.0" in text and "Réseau rural national / ADRETS, 2022" in text, path
        assert footer.select_one(".cw-version").get_text(strip=True) == "dev", path
