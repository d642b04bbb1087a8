"""Hostile values in a fiche's fields are shown as text, never run, never break the page, the
JSON-LD, the search index or a spreadsheet; a javascript: link is refused before the build.

The hostile project is built once per process (``hostile_site``), shared with test_privacy.py.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import tempfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from commons_wiki.search_index import read as read_search_index
from conftest import copy_project, run_mkdocs

pytestmark = pytest.mark.xdist_group("hostile")   # one build of the hostile project per worker

FICHE_ID = "zz-hostile"
HOSTILE_TITLE = '<script>alert(1)</script> <b>Gras</b> " onmouseover="x'
HOSTILE_PLACE = 'Hostileville" onmouseover="alert(2)'
HOSTILE_ACTOR = "<img src=x onerror=alert(3)>"
HOSTILE_OBJECTIVE = "[cliquez ici](javascript:alert(4)) pour gagner"
HOSTILE_LINK_LABEL = '" onmouseover="alert(5)'
JS_URL = "javascript:alert(1)"
FIXED_URL = "https://exemple.org/l'attaque?a=1&b=2"
# spreadsheet formulas, one per starting character a spreadsheet runs
FORMULAS = {"en_bref": '=HYPERLINK("http://evil","x") puis un résumé assez long pour le schéma',
            "porteur": "+cmd|' /C calc'!A0",
            "note_communs": "@SUM(1)",
            "contact.adresse": "-2+3 rue du Calcul"}
# persons: one refused publication, one accepted (ASCII names: findable even in escaped JSON)
SECRET = {"nom": "Zacharie Secretnonconsent", "fonction": "Maire adjoint",
          "email": "zacharie.secretnonconsent@exemple.fr", "telephone": "06 12 34 56 78", "consentement": False}
PUBLIC = {"nom": "Paula Publicconsent", "fonction": "Animatrice",
          "email": "paula.publicconsent@exemple.fr", "telephone": "05 55 12 34 56", "consentement": True}


def _split(text: str):
    _, front, body = text.split("---", 2)
    return yaml.safe_load(front), body


def write_hostile_fiche(root: Path, url: str) -> Path:
    """A fiche built from a real one (arvieu), with hostile values in its fields."""
    data, body = _split((root / "fiches" / "arvieu.md").read_text(encoding="utf-8"))
    data["titre"] = HOSTILE_TITLE
    data["territoire"]["nom"] = HOSTILE_PLACE
    data["en_bref"] = FORMULAS["en_bref"]
    data["porteur"] = FORMULAS["porteur"]
    data["note_communs"] = FORMULAS["note_communs"]
    data["contact"]["adresse"] = FORMULAS["contact.adresse"]
    data["acteurs"]["locaux"] = [HOSTILE_ACTOR] + data["acteurs"]["locaux"]
    data["objectifs"] = [HOSTILE_OBJECTIVE] + data["objectifs"][:2]
    data["liens"] = [{"libelle": HOSTILE_LINK_LABEL, "url": url}]
    data["contact"]["personnes"] = [SECRET, PUBLIC]
    path = root / "fiches" / f"{FICHE_ID}.md"
    path.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body,
                    encoding="utf-8")
    return path


@functools.cache
def _hostile_build() -> tuple[Path, str]:
    """(site, output of the first, refused build)."""
    root = copy_project(Path(tempfile.mkdtemp(prefix="cw-hostile-")) / "proj")
    fiche = write_hostile_fiche(root, JS_URL)
    refused = run_mkdocs(root)
    assert refused.returncode != 0, "une fiche avec un lien javascript: a été publiée"
    write_hostile_fiche(root, FIXED_URL)   # the contributor fixes the link: the rest stays hostile
    result = run_mkdocs(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert fiche.exists()
    return root / "site", refused.stdout + refused.stderr


@pytest.fixture(scope="module")
def hostile_site() -> Path:
    return _hostile_build()[0]


@pytest.fixture(scope="module")
def fiche_soup(hostile_site) -> BeautifulSoup:
    return BeautifulSoup((hostile_site / "fiches" / FICHE_ID / "index.html").read_text(encoding="utf-8"), "html.parser")


def html_pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        yield path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# -- the validator refuses what cannot be made safe ----------------------------------
def test_javascript_link_is_refused_with_a_clear_message():
    _, output = _hostile_build()
    assert f"fiches/{FICHE_ID}.md" in output
    assert "liens[0].url" in output, output
    assert "seules les adresses http://, https:// ou mailto: sont acceptées" in output
    assert JS_URL in output


# -- HTML ------------------------------------------------------------------------------
def test_no_script_is_injected_in_any_page(hostile_site):
    checked = 0
    for path, soup in html_pages(hostile_site):
        for script in soup.find_all("script"):
            code = script.string or ""
            assert "alert(" not in code or script.get("type") in ("application/json", "application/ld+json"), \
                f"{path.relative_to(hostile_site)} : script injecté : {code[:200]}"
        # no element created from a field: <img onerror>, <b> from the title
        for img in soup.find_all("img"):
            assert not img.get("onerror"), f"{path.relative_to(hostile_site)} : <img onerror> injecté"
        checked += 1
    assert checked > 50


def test_no_attribute_is_broken_in_any_page(hostile_site):
    for path, soup in html_pages(hostile_site):
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{path.relative_to(hostile_site)} : attribut {handlers} injecté dans <{tag.name}>"
        for a in soup.find_all("a", href=True):
            assert not a["href"].strip().lower().startswith("javascript:"), \
                f"{path.relative_to(hostile_site)} : lien javascript: « {a['href']} »"


def test_hostile_values_appear_as_plain_text_on_the_fiche(fiche_soup):
    h1 = fiche_soup.find("article").find("h1")
    assert HOSTILE_TITLE in h1.get_text(), h1
    assert h1.find("b") is None and h1.find("script") is None
    text = fiche_soup.get_text()
    for value in (HOSTILE_PLACE, HOSTILE_ACTOR, HOSTILE_OBJECTIVE, HOSTILE_LINK_LABEL, *FORMULAS.values()):
        assert value in text, f"« {value} » n'est pas affiché tel quel"
    # the fixed link keeps its exact address (quote and ampersand escaped, not cut)
    assert fiche_soup.find("a", href=FIXED_URL, string=HOSTILE_LINK_LABEL) is not None
    # Material prints the front matter title and description without escaping them
    assert fiche_soup.find("title").get_text().startswith(HOSTILE_TITLE)
    assert fiche_soup.find("meta", attrs={"name": "description"})["content"].startswith(FORMULAS["en_bref"][:30])
    topic = fiche_soup.find(attrs={"data-md-component": "header-topic"})
    assert HOSTILE_TITLE in topic.get_text() and topic.find(["script", "b"]) is None


def test_hostile_title_is_text_in_listings_and_the_map(hostile_site):
    for rel in ("catalogue/index.html", "thematiques/tiers-lieu/index.html", "departements/12/index.html",
                "matrice/index.html"):
        soup = BeautifulSoup((hostile_site / rel).read_text(encoding="utf-8"), "html.parser")
        assert HOSTILE_TITLE in soup.get_text(), f"{rel} : titre absent ou interprété"
    soup = BeautifulSoup((hostile_site / "carte" / "index.html").read_text(encoding="utf-8"), "html.parser")
    dep = soup.find("a", attrs={"data-departement": "12"})
    assert dep is not None and HOSTILE_PLACE in dep["aria-label"]


# -- machine-readable outputs ----------------------------------------------------------
def test_json_ld_still_parses_and_carries_the_title_as_text(fiche_soup):
    blocks = fiche_soup.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    raw = blocks[0].string
    assert "</script" not in raw.lower() and "<script" not in raw.lower()
    data = json.loads(raw)
    assert data["name"] == HOSTILE_TITLE
    assert data["about"]["name"] == HOSTILE_PLACE


def test_catalogue_data_still_parses(hostile_site):
    soup = BeautifulSoup((hostile_site / "catalogue" / "index.html").read_text(encoding="utf-8"), "html.parser")
    data = json.loads(soup.find("script", id="cw-catalogue-data").string)
    assert FICHE_ID in {f["id"] for f in data["records"]}


def test_search_index_keeps_the_title_as_data(hostile_site):
    """The index is data read by the search worker, which escapes every text it shows (see
    test_nothing_runs_in_the_browser): the hostile title is there, exactly, as a string."""
    index = read_search_index(hostile_site)
    fiche = [p for p in index["pages"] if p[0].startswith(f"fiches/{FICHE_ID}/")]
    assert fiche and fiche[0][1] == HOSTILE_TITLE


def test_csv_cells_cannot_run_as_formulas(hostile_site):
    rows = list(csv.DictReader(io.StringIO((hostile_site / "donnees" / "fiches.csv").read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["id"] == FICHE_ID)
    for column, value in FORMULAS.items():
        assert row[column] == "'" + value, f"colonne {column} : {row[column]!r}"
    # no cell of the whole export starts with a formula character
    for r in rows:
        for column, cell in r.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{r['id']} / {column} : {cell!r}"


def test_json_export_keeps_the_values_exactly(hostile_site):
    data = json.loads((hostile_site / "donnees" / "fiches.json").read_text(encoding="utf-8"))
    fiche = data["fiches"][FICHE_ID]
    assert fiche["titre"] == HOSTILE_TITLE
    assert fiche["en_bref"] == FORMULAS["en_bref"]   # JSON is data, not a spreadsheet: unchanged


def test_atom_feed_is_well_formed(hostile_site):
    import xml.etree.ElementTree as ET
    root = ET.parse(hostile_site / "flux.xml").getroot()
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t and t.startswith(HOSTILE_TITLE) for t in titles)


# -- in a real browser ----------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    import http.server
    import socketserver
    import threading
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=str(hostile_site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
def test_nothing_runs_in_the_browser(page, hostile_server):
    """Open the fiche, hover its fields, filter the catalogue and search for it: no alert()."""
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(15000)
    page.goto(hostile_server + f"fiches/{FICHE_ID}/")
    for selector in ("article h1", ".cw-fiche-header__place", "a[href^='https://exemple.org']"):
        page.locator(selector).first.hover()
    page.goto(hostile_server + "catalogue/")
    page.fill("#cw-q", "Hostileville")
    page.locator(f"[data-fiche='{FICHE_ID}']").first.wait_for(state="visible")
    page.locator(f"[data-fiche='{FICHE_ID}']").first.hover()
    box = page.locator("input.md-search__input")
    box.click()
    box.type("Hostileville", delay=20)
    result = page.locator(".md-search-result__item").first
    result.wait_for(state="visible")
    result.hover()
    assert "Hostileville" in page.locator(".md-search-result").inner_text()
    # the title shown as text, its tags not turned into elements
    titles = page.eval_on_selector_all(".md-search-result__item h1", "els => els.map(e => e.textContent)")
    assert HOSTILE_TITLE in titles
    assert page.locator(".md-search-result b, .md-search-result script, .md-search-result [onmouseover]").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == [], f"du code a été exécuté : alert({dialogs})"
    assert page.external == []
