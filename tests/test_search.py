"""Search that understands French, as a mayor or an agent types it, in a real headless Chromium:
accents or not, singular or plural, with articles, places, funders, project names. Every query
runs on the online build (served over HTTP) and on the offline zip extracted and opened from
file://, with every request that leaves the site blocked and counted."""
from __future__ import annotations

import json

import pytest

from commons_wiki.analyser import analyse
from commons_wiki.catalogue import load_catalogue
from conftest import ROOT, block_external, run_mkdocs

# (query, page expected among the first three results)
QUERIES = [
    ("méthanisation", "fiches/kourou"), ("methanisation", "fiches/kourou"), ("Guyane", "fiches/kourou"),
    ("autopartage", "fiches/le-juch"), ("véhicules électriques", "fiches/le-juch"),
    ("vehicule electrique", "fiches/le-juch"), ("voitures électriques", "fiches/le-juch"),
    ("finistere", "fiches/le-juch"), ("covoiturage", "fiches/ayen"), ("monnaie locale", "fiches/ayen"),
    ("Corrèze", "fiches/ayen"), ("café associatif", "fiches/bourrou"), ("cafe associatif", "fiches/bourrou"),
    ("écoles", "fiches/bourrou"), ("l'école", "fiches/bourrou"), ("ecole", "fiches/bourrou"),
    ("Muttersholtz", "fiches/muttersholtz"), ("Climaxion", "fiches/muttersholtz"),
    ("YesWiki", "fiches/pays-de-redon"), ("Saulnois", "fiches/dieuze"),
    ("fruitiere numerique", "fiches/lourmarin"), ("assemblée participative", "fiches/montauban-sur-l-ouveze"),
    ("Villages Vivants", "fiches/montauban-sur-l-ouveze"), ("drome", "fiches/montauban-sur-l-ouveze"),
    ("conseil municipal", "fiches/montauban-sur-l-ouveze"), ("épicerie", "fiches/montauban-sur-l-ouveze"),
    ("Les Localos", "fiches/petr-sud-lozere"), ("Lozère", "fiches/petr-sud-lozere"),
    ("nouveaux habitants", "fiches/petr-sud-lozere"), ("accueil de nouveaux habitants", "fiches/petr-sud-lozere"),
    ("Laëtis", "fiches/arvieu"), ("laetis", "fiches/arvieu"), ("paniers", "fiches/arvieu"),
    ("panier de légumes", "fiches/arvieu"), ("Smart Ruralité", "fiches/alpes-provence-verdon"),
    ("fibre optique", "fiches/alpes-provence-verdon"), ("France Services", "fiches/alpes-provence-verdon"),
    ("L'Autre gare", "fiches/villeneuve-sur-allier"), ("wifi", "fiches/villeneuve-sur-allier"),
    ("circuits courts", "fiches/villeneuve-sur-allier"), ("circuit court", "fiches/villeneuve-sur-allier"),
    ("logements sociaux", "fiches/salles-sur-l-hers"), ("personnes âgées", "fiches/salles-sur-l-hers"),
    ("residence seniors", "fiches/salles-sur-l-hers"), ("petites villes de demain", "fiches/lormes"),
    ("énergies renouvelables", "fiches/kourou"),
    ("mobilités", "methode/mobilite"), ("mobilite", "methode/mobilite"),
    ("participation citoyenne", "methode/participation"),
    ("participation citoyenne", "comprendre/principes/participation"),
    ("budget participatif", "methode/participation"), ("la démocratie", "methode/participation"),
    ("tiers-lieux", "methode/tiers-lieux"), ("tiers lieu", "methode/tiers-lieux"),
    ("évaluer", "ressources/evaluer"), ("financer un projet", "ressources/financer"),
    ("Occitanie", "regions/76"), ("l'agriculture", "thematiques/agriculture"),
]
# written differently, the same question: the same pages in the same order
SAME = [("circuits courts", "circuit court"), ("mobilités", "mobilité"), ("écoles", "école"),
        ("Écoles", "ecoles"), ("l'école", "ecole"), ("tiers-lieux", "tiers lieu")]


def _open(browser, url, offline):
    ctx = browser.new_context(locale="fr-FR")
    external = block_external(ctx) if offline else block_external(ctx, ("http://127.0.0.1",) + ("file://", "data:", "blob:", "about:"))
    pg = ctx.new_page()
    pg.external = external
    pg.requested = []
    pg.on("request", lambda r: pg.requested.append(r.url))
    pg.goto(url)
    return pg


@pytest.fixture(scope="module")
def online(browser, site_server):
    pg = _open(browser, site_server, offline=False)
    yield pg
    pg.context.close()


@pytest.fixture(scope="module")
def offline(browser, unzipped):
    pg = _open(browser, (unzipped / "index.html").as_uri(), offline=True)
    yield pg
    pg.context.close()


def results(pg, query: str) -> list[dict]:
    """The result list as a reader sees it: one entry per page, its link, title and snippet."""
    box = pg.locator("input.md-search__input")
    box.click()
    box.fill("")
    pg.keyboard.type(query)
    # Material reads the box on keyup; Playwright types « é » without one, as no French keyboard would
    pg.keyboard.press("End")
    pg.wait_for_function(
        "q => document.querySelector('.md-search__input').value === q && "
        "/trouvé/.test(document.querySelector('.md-search-result__meta').textContent)", arg=query, timeout=20000)
    pg.wait_for_timeout(250)
    return pg.eval_on_selector_all(".md-search-result__list > li.md-search-result__item", """items => items.map(li => {
        const a = li.querySelector('a'), art = a.querySelector('article');
        const isIcon = n => n.classList && n.classList.contains('md-search-result__icon');
        const snippet = [...art.childNodes].filter(n => n.nodeName !== 'H1' && !isIcon(n))
                          .map(n => n.textContent).join('').trim();
        return {href: a.getAttribute('href'), page: a.getAttribute('href').split('?')[0].split('#')[0],
                title: art.querySelector('h1').textContent, snippet, marks: art.querySelectorAll('mark').length,
                missing: (art.querySelector('.md-search-result__terms') || {}).textContent || '',
                sections: li.querySelectorAll('a').length - 1};
    })""")


def top_pages(pg, query, n=3) -> list[str]:
    return [r["page"] for r in results(pg, query)[:n]]


@pytest.mark.browser
@pytest.mark.parametrize("query,expected", QUERIES, ids=[f"{q}->{e}" for q, e in QUERIES])
@pytest.mark.parametrize("mode", ["online", "offline"])
def test_query_finds_the_page_among_the_first_three(request, mode, query, expected):
    pg = request.getfixturevalue(mode)
    pages = top_pages(pg, query)
    assert any(expected + ("/" if mode == "online" else "") in p or expected + ".html" in p for p in pages), (query, pages)
    assert pg.external == []


@pytest.mark.browser
@pytest.mark.parametrize("one,other", SAME, ids=[f"{a}={b}" for a, b in SAME])
def test_plural_accents_and_articles_ask_the_same_question(online, one, other):
    first, second = [r["page"] for r in results(online, one)], [r["page"] for r in results(online, other)]
    assert first and first == second


@pytest.mark.browser
def test_function_words_do_not_match(online):
    """« maison de santé »: the pages that hold both « maison » and « santé » come first, none of
    them for « de »; a query of function words alone finds nothing."""
    found = results(online, "maison de santé")
    missing = [bool(r["missing"]) for r in found]   # Material's « Non trouvé : … » line
    assert found and not missing[0]
    assert missing == sorted(missing), [(r["page"], r["missing"]) for r in found]   # all words first
    assert all("de" not in r["missing"].split() for r in found)
    online.locator("input.md-search__input").fill("")
    online.keyboard.type("de la les")
    online.wait_for_timeout(600)
    assert "Aucun" in online.text_content(".md-search-result__meta")


@pytest.mark.browser
def test_one_clean_entry_per_fiche_with_its_summary(online):
    """One entry per page; a fiche's entry shows its « en bref », never its links, contact or sources."""
    cat = load_catalogue(ROOT)
    found = results(online, "Arvieu")
    pages = [r["page"] for r in found]
    assert len(pages) == len(set(pages)), pages
    fiche = next(r for r in found if "fiches/arvieu" in r["page"])
    data = cat["fiches"]["arvieu"].data
    summary = " ".join(data["en_bref"].split())
    assert fiche["snippet"].startswith(data["territoire"]["nom"] + " — " + summary[:40]), fiche["snippet"]
    for forbidden in ("Téléphone", "https://", "Source :", "Licence"):
        assert forbidden not in fiche["snippet"], fiche["snippet"]
    assert fiche["marks"] >= 1   # « Arvieu » marked in the title or the summary


@pytest.mark.browser
def test_a_fiche_lists_the_sections_whose_title_holds_the_words(online):
    found = results(online, "moyens financiers")
    fiche = next(r for r in found if "/fiches/" in r["page"])
    assert fiche["sections"] >= 1, fiche   # « Moyens financiers », folded under the fiche


@pytest.mark.browser
@pytest.mark.parametrize("query", ["écoles", "ecole", "circuits courts", "mobilité", "participation citoyenne", "Laëtis",
                                   "personnes agees", "nouveaux habitants"])
def test_the_page_opened_from_a_result_highlights_the_words(browser, site_server, query):
    pg = _open(browser, site_server, offline=False)
    try:
        first = results(pg, query)[0]
        pg.goto(first["href"])
        pg.wait_for_selector("article mark[data-md-highlight]", state="attached", timeout=10000)
        marks = pg.eval_on_selector_all("article mark[data-md-highlight]", "els => els.map(e => e.textContent)")
        assert marks, (query, first["href"])
        words = set(analyse(query))
        assert any(set(analyse(m)) & words for m in marks), (query, marks[:10])
    finally:
        pg.context.close()


@pytest.mark.browser
def test_the_index_is_loaded_on_the_first_search_only(browser, site_server):
    """A visit that never searches downloads neither the index nor the pages' texts."""
    pg = _open(browser, site_server, offline=False)
    try:
        pg.wait_for_load_state("networkidle")
        pg.wait_for_timeout(500)
        assert not [u for u in pg.requested if "index-fr.js" in u], pg.requested
        assert [u for u in pg.requested if u.endswith("search/search_index.json")]   # the settings, small
        results(pg, "autopartage")
        assert [u for u in pg.requested if "index-fr.js" in u]
    finally:
        pg.context.close()


def test_the_pages_load_settings_not_documents(built_site):
    """search_index.json, which every page fetches, holds the theme's settings and no document."""
    data = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert data["docs"] == [] and "separator" in data["config"]
    assert (built_site / "search" / "search_index.json").stat().st_size < 2000


def test_pages_use_our_search_worker(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert '"search": "assets/javascripts/search-worker.js"' in html
    assert "workers/search." not in html


@pytest.mark.browser
@pytest.mark.parametrize("one,other", [("habitants", "habitant"), ("écoles", "ecole"), ("Tiers-lieux", "tiers lieu")])
def test_the_catalogue_filter_uses_the_same_analyser(page, site_server, one, other):
    page.goto(site_server + "catalogue/")
    page.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")
    shown = []
    for query in (one, other):
        page.fill("#cw-q", query)
        page.wait_for_timeout(100)
        shown.append(sorted(page.eval_on_selector_all("#cw-cards article[data-fiche]",
                                                      "els => els.filter(e => !e.hidden).map(e => e.dataset.fiche)")))
    assert shown[0] and shown[0] == shown[1]


def test_a_theme_without_our_worker_stops_the_build_with_a_clear_message(project):
    """Without the config block of overrides/main.html, the pages would ask Material's worker to
    search an index reduced to its settings: nothing would ever be found. The build says so."""
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace("{% block config %}{{ super() | commons_search_worker }}{% endblock %}", ""),
                    encoding="utf-8")
    result = run_mkdocs(project)
    assert result.returncode != 0
    assert "overrides/main.html" in result.stderr and "commons_search_worker" in result.stderr
    assert "Traceback" not in result.stderr
