"""One folding of text (accents, ligatures, typographic apostrophes) in Python and in the browser:
one table of cases (tests/fixtures/pliage.json) run against both; and the catalogue's text filter
finds the places and labels its cards show."""
from __future__ import annotations

import json

import pytest

from commons_wiki.catalogue import load_catalogue
from commons_wiki.text import fold
from conftest import ROOT

CASES = json.loads((ROOT / "tests" / "fixtures" / "pliage.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text,folded", CASES, ids=[c[0] for c in CASES])
def test_python_folds_each_case(text, folded):
    assert fold(text) == folded


@pytest.mark.browser
def test_the_browser_folds_the_same_way(page, site_server):
    page.goto(site_server + "catalogue/")
    assert page.evaluate("cases => cases.map(c => window.commonsWiki.fold(c[0]))", CASES) == [f for _, f in CASES]


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
