"""A fiche that is not from the guide goes through the whole chain, credited to its own author
and sources: validate, strict build with the post-build checks, page, JSON-LD, exports, search,
booklet and content changelog (tests/fixtures/contribution.md, an invented territory)."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, block_external, copy_project, run_mkdocs

FIXTURE = ROOT / "tests" / "fixtures" / "contribution.md"
SLUG = "val-des-essais"
AUTHOR = "Service communication de Val-des-Essais"
GUIDE = "Guide Smart village"


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """A copy of the project with one more fiche, added as a contributor adds it."""
    root = copy_project(tmp_path_factory.mktemp("grown") / "proj")
    shutil.copyfile(FIXTURE, root / "fiches" / f"{SLUG}.md")
    return root


@pytest.fixture(scope="module")
def grown_site(grown) -> Path:
    result = run_mkdocs(grown)   # strict, with the post-build "nothing lost" checks
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return grown / "site"


def test_the_new_fiche_validates_from_the_command_line(grown):
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(grown), "validate"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Aucun problème" in result.stdout


def test_its_page_credits_its_author_and_sources_not_the_guide(grown_site):
    page = BeautifulSoup((grown_site / "fiches" / SLUG / "index.html").read_text(encoding="utf-8"), "html.parser")
    source = page.find(id="source-et-mises-a-jour").find_next("ul").get_text(" ")
    assert AUTHOR in source and "20 novembre 2026" in source
    assert "Compte rendu du conseil municipal" in source
    assert GUIDE not in source and "p. " not in source
    jsonld = json.loads(page.find("script", type="application/ld+json").string)
    assert jsonld["isBasedOn"] == [{"@type": "CreativeWork", "name": "Compte rendu du conseil municipal du 4 mars 2023",
                                    "url": "https://val-des-essais.example.org/conseil/2023-03-04"}]
    assert AUTHOR in jsonld["creditText"] and GUIDE not in json.dumps(jsonld, ensure_ascii=False)


def test_a_guide_fiche_still_credits_the_guide(grown_site):
    page = BeautifulSoup((grown_site / "fiches" / "le-juch" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert json.loads(page.find("script", type="application/ld+json").string)["isBasedOn"]["name"] == GUIDE
    assert "p. 88" in page.find(id="source-et-mises-a-jour").find_next("ul").get_text(" ")


def test_the_exports_carry_it_with_its_own_sources(grown_site):
    data = json.loads((grown_site / "donnees" / "fiches.json").read_text(encoding="utf-8"))
    assert data["fiches"][SLUG]["source"]["auteur"] == AUTHOR
    titles = [s["title"] for s in data["sources"]]
    assert any(AUTHOR in t for t in titles) and any(GUIDE in t for t in titles)
    package = json.loads((grown_site / "donnees" / "datapackage.json").read_text(encoding="utf-8"))
    mine = [s for s in package["sources"] if AUTHOR in s["title"]]
    assert mine and mine[0]["path"].endswith(f"/fiches/{SLUG}/")
    csv_text = (grown_site / "donnees" / "fiches.csv").read_text(encoding="utf-8")
    assert re.search(rf"^{SLUG},", csv_text, re.M)


def test_the_matrix_note_counts_only_the_guide_fiches(grown_site):
    html = (grown_site / "matrice" / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'<tr data-fiche="{SLUG}">.*?</tr>', html, re.S).group(0)
    assert "cw-reconstructed" not in row
    rebuilt = len(re.findall(r'class="cw-reconstructed"', html))
    assert rebuilt and f"Pour {rebuilt} fiches reprises du guide" in html


def test_the_changelog_credits_the_contribution(grown):
    from commons_wiki.release import content_changelog
    text = content_changelog(grown, "test")
    assert f"Le jardin partagé de l'école (Val-des-Essais) — Contribution de {AUTHOR} (2026-11-20)" in text
    assert "L'électromobilité partagée (Le Juch) — Fiche reprise du guide" in text


@pytest.mark.browser
def test_the_booklet_prints_it_with_its_source(grown, grown_site, tmp_path):
    from commons_wiki import release
    pdf = release.make_livret(grown, tmp_path, "test", release.ZIP_MIN_EPOCH, site=grown_site)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "Le jardin partagé de l'école" in flat
    assert f"Source : Contribution de {AUTHOR}" in flat
    assert "guide, p. —" not in flat


@pytest.fixture(scope="module")
def grown_server(grown_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(grown_site))
    handler.log_message = lambda *args: None
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["jardin partagé", "Val-des-Essais"])
def test_the_search_finds_it(browser, grown_server, query):
    ctx = browser.new_context(locale="fr-FR")
    external = block_external(ctx, ("http://127.0.0.1", "data:", "blob:", "about:"))
    pg = ctx.new_page()
    try:
        pg.goto(grown_server)
        box = pg.locator("input.md-search__input")
        box.click()
        pg.keyboard.type(query)
        pg.wait_for_selector(f'.md-search-result a[href*="fiches/{SLUG}"]', timeout=20000)
        assert external == []
    finally:
        ctx.close()
