"""Search that understands French, in a real headless Chromium: accents or not, singular or
plural, funders, actors, themes, territories. Run on the offline build opened from file://, with
every request that leaves file:// blocked and counted: the offline zip extracted to a temporary
folder, as a facilitator would (the online build shares the same index)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, block_external

# (query, fiche expected among the first three pages)
QUERIES = [
    ("méthanisation", "kourou"), ("methanisation", "kourou"), ("Guyane", "kourou"),
    ("autopartage", "le-juch"), ("véhicules électriques", "le-juch"), ("vehicule electrique", "le-juch"),
    ("finistere", "le-juch"), ("covoiturage", "ayen"), ("monnaie", "ayen"),
    ("café associatif", "bourrou"), ("cafe associatif", "bourrou"), ("Muttersholtz", "muttersholtz"),
    ("Climaxion", "muttersholtz"), ("YesWiki", "pays-de-redon"), ("Saulnois", "dieuze"),
    ("fruitiere numerique", "lourmarin"), ("assemblée participative", "montauban-sur-l-ouveze"),
    ("Villages Vivants", "montauban-sur-l-ouveze"), ("Les Localos", "petr-sud-lozere"),
    ("Lozère", "petr-sud-lozere"), ("Laëtis", "arvieu"), ("laetis", "arvieu"), ("paniers", "arvieu"),
    ("Smart Ruralité", "alpes-provence-verdon"), ("L'Autre gare", "villeneuve-sur-allier"),
    ("logements sociaux", "salles-sur-l-hers"),
]


@pytest.fixture(scope="module")
def search_page(browser, unzipped):
    """The offline zip, extracted, opened from file:// (every other request blocked)."""
    ctx = browser.new_context(locale="fr-FR")
    external = block_external(ctx)
    pg = ctx.new_page()
    pg.external = external
    pg.goto((unzipped / "index.html").as_uri())
    yield pg
    ctx.close()


def top_pages(pg, query: str, n: int = 3) -> list:
    box = pg.locator("input.md-search__input")
    box.click()
    box.fill("")
    pg.keyboard.type(query)
    # wait until the worker has answered this query (the meta line counts the documents found)
    pg.wait_for_function(
        "() => /trouvé/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=20000)
    pg.wait_for_timeout(300)
    hrefs = pg.eval_on_selector_all(
        ".md-search-result__list > li.md-search-result__item > a",
        "els => els.map(e => e.getAttribute('href'))")
    pages = []
    for h in hrefs:
        path = h.split("?")[0].split("#")[0]
        if path not in pages:
            pages.append(path)
    return pages[:n]


@pytest.mark.browser
@pytest.mark.parametrize("query,slug", QUERIES, ids=[q for q, _ in QUERIES])
def test_query_finds_the_fiche_among_the_first_three(search_page, query, slug):
    pages = top_pages(search_page, query)
    assert any(f"fiches/{slug}" in p for p in pages), (query, pages)
    assert search_page.external == []


@pytest.mark.browser
def test_elided_article_is_ignored(search_page):
    """« l'eau » asks for « eau »: the pages found mention water, not every « l »."""
    pages = top_pages(search_page, "l'eau", n=5)
    assert pages
    assert search_page.external == []


def test_french_pipeline_override_wraps_materials_own_file():
    """The file Material loads is its own French pipeline, unchanged, plus our accent-folding step."""
    import material
    bundled = (Path(material.__file__).parent / "templates/assets/javascripts/lunr/min/lunr.fr.min.js").read_text(encoding="utf-8")
    override = (ROOT / "overrides/assets/javascripts/lunr/min/lunr.fr.min.js").read_text(encoding="utf-8")
    assert bundled in override and "foldAccents-fr" in override
