"""One folding of text (accents, ligatures, typographic apostrophes) and one French analyser (the
search's: function words, singular/plural) in Python and in the browser: one table of cases each
(tests/fixtures/pliage.json, tests/fixtures/analyse-fr.json) run against both; and the catalogue's
text filter finds the places and labels its cards show."""
from __future__ import annotations

import json

import pytest

from commons_wiki.analyser import analyse
from commons_wiki.catalogue import load_catalogue
from commons_wiki.text import fold
from conftest import ROOT

# one table per text function, run in Python and in the browser: (fixture, Python, browser)
TABLES = {
    "fold": ("pliage.json", fold, "window.commonsWiki.fold"),
    "analyse": ("analyse-fr.json", analyse, "window.commonsAnalyser.analyse"),
}
CASES = {name: json.loads((ROOT / "tests" / "fixtures" / fixture).read_text(encoding="utf-8"))
         for name, (fixture, _, _) in TABLES.items()}


@pytest.mark.parametrize("name,text,expected", [(n, t, e) for n, cases in CASES.items() for t, e in cases],
                         ids=[f"{n}:{t}" for n, cases in CASES.items() for t, _ in cases])
def test_python_gives_each_case(name, text, expected):
    assert TABLES[name][1](text) == expected


@pytest.mark.browser
@pytest.mark.parametrize("name", TABLES)
def test_the_browser_gives_the_same_results(page, site_server, name):
    page.goto(site_server + "catalogue/")
    got = page.evaluate(f"cases => cases.map(c => {TABLES[name][2]}(c[0]))", CASES[name])
    assert got == [expected for _, expected in CASES[name]]


@pytest.mark.browser
@pytest.mark.parametrize("taxonomy,query", [("regions", "Nouvelle-Aquitaine"), ("departements", "Correze"),
                                            ("departements", "drôme"), ("echelles", "PETR")])
def test_the_catalogue_filter_finds_the_places_and_labels_of_the_cards(page, site_server, taxonomy, query):
    cat = load_catalogue(ROOT)
    ref = cat.project.referentials[cat.project.taxonomies[taxonomy].referential]
    expected = {rec.id for rec in cat["fiches"].values()
                if any(fold(query) in fold(ref.label(t)) or fold(query) in fold(ref.label(t, True))
                       for t in cat.terms_of(rec, taxonomy))}
    assert expected, f"aucune fiche pour {query} : changer l'exemple"
    page.goto(site_server + "catalogue/")
    page.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")
    page.fill("#cw-q", query)
    shown = set(page.eval_on_selector_all("#cw-cards article[data-fiche]",
                                          "els => els.filter(e => !e.hidden).map(e => e.dataset.fiche)"))
    assert expected <= shown, (query, expected - shown)
