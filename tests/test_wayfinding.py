"""Finding one's way: where a page belongs, the 404, the downloads, and the small things a
mayor or a facilitator trips on (real build; headless Chromium where the behaviour is a script's)."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from bs4 import BeautifulSoup

from commons_wiki.catalogue import load_catalogue
from conftest import ROOT


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(ROOT)


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


# -- where a page belongs ------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.parametrize("path", ["fiches/le-juch/", "thematiques/mobilite/", "regions/53/"])
def test_pages_outside_the_menu_light_their_tab_and_lead_back_to_the_catalogue(page, site_server, path):
    page.goto(site_server + path)
    active = page.locator(".md-tabs__item--active")
    assert active.count() == 1 and active.inner_text().strip() == "Expériences"
    crumb = page.locator("nav.cw-breadcrumb a").first
    assert crumb.inner_text() == "Catalogue des fiches"
    crumb.click()
    page.wait_for_url("**/catalogue/")


def test_term_pages_say_where_they_belong_without_jargon(built_site):
    text = soup(built_site, "thematiques/mobilite/index.html").select_one("nav.cw-breadcrumb").get_text(" ")
    assert "Thématiques" in text and "tous les termes" not in text.lower()


def test_home_page_offers_every_theme(built_site, cat):
    home = soup(built_site, "index.html")
    chips = {a["href"].rstrip("/").split("/")[-1] for a in home.select("a.cw-chip[href*='thematiques/']")}
    assert chips == set(cat.used_terms("thematiques"))


def test_the_map_does_not_ask_a_phone_to_hover(built_site):
    intro = soup(built_site, "carte/index.html").select_one(".md-content p").get_text(" ")
    assert "touchez" in intro


def test_regions_index_lists_the_regions_with_fiches_alphabetically(built_site, cat):
    page = soup(built_site, "regions/index.html")
    rows = [tr.find("td").get_text(strip=True) for tr in page.select(".md-content table tbody tr")]
    assert len(rows) == len(cat.used_terms("regions")) and rows == sorted(rows)
    headers = [th.get_text(strip=True) for th in page.select(".md-content table thead th")]
    assert headers == ["Région", "Fiches"]                      # no column that is always zero
    assert f"{len(rows)} régions sur 18" in page.get_text(" ")


def test_latest_updates_say_when_more_fiches_share_the_date(built_site, cat):
    text = " ".join(soup(built_site, "index.html").get_text(" ").split())
    dates = sorted((f.data["mis_a_jour"] for f in cat["fiches"].values()), reverse=True)
    if dates.count(dates[min(5, len(dates) - 1)]) > 6 - dates[:6].index(dates[min(5, len(dates) - 1)]):
        assert "portent la date du" in text and "nouveautés" in text


# -- 404, downloads, feed --------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages_host(built_site):
    """The site served as GitHub Pages serves it: under /wiki/, with 404.html for a wrong address."""
    import functools
    import http.server
    import socketserver
    import threading

    class Pages(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def translate_path(self, path):
            return super().translate_path(path[len("/wiki"):] if path.startswith("/wiki/") else path)

        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            body = (built_site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Pages, directory=str(built_site)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/wiki/"
    httpd.shutdown()


@pytest.mark.browser
def test_a_wrong_address_gets_a_french_page_with_search_and_ways_in(page, pages_host):
    page.goto(pages_host + "fiches/nulle-part/")
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert "Not found" not in page.content()
    page.locator(".md-content label[for='__search']").click()   # the page's own button
    page.keyboard.type("covoiturage")
    page.wait_for_selector(".md-search-result__list li a", timeout=20000)
    for name in ("Page d'accueil", "Catalogue des fiches expériences"):
        assert page.get_by_role("link", name=name).count() == 1


def test_every_page_advertises_the_feed(built_site):
    for path in ("index.html", "fiches/arvieu/index.html", "catalogue/index.html", "404.html"):
        link = soup(built_site, path).find("link", rel="alternate", type="application/atom+xml")
        assert link is not None and link["href"].endswith("flux.xml"), path


def test_downloads_are_linked_from_the_home_page(built_site):
    home = soup(built_site, "index.html")
    assert home.find("a", href=re.compile(r"donnees/$"), string=re.compile("Télécharger"))
    data = soup(built_site, "donnees/index.html")
    assert data.find("a", href=re.compile(r"/releases/latest$"))
    text = data.get_text(" ")
    assert "copie hors ligne" in text and "livret PDF" in text


def test_the_offline_zip_says_how_to_open_it(offline_zip):
    with zipfile.ZipFile(offline_zip) as zf:
        top = zf.namelist()[0].split("/")[0]
        note = zf.read(f"{top}/LISEZ-MOI.txt").decode("utf-8")
    assert "index.html" in note and "sans connexion" in note


# -- small things ------------------------------------------------------------------------------
@pytest.mark.browser
def test_the_lessons_filter_is_kept_in_the_address(page, site_server):
    page.goto(site_server + "enseignements/")
    value = page.eval_on_selector("#cw-lf-theme option:nth-child(2)", "o => o.value")
    page.select_option("#cw-lf-theme", value)
    assert f"thematique={value}" in page.url
    shown = page.locator("#cw-lessons-status").inner_text()
    page.goto(site_server + "enseignements/#thematique=" + value)
    page.reload()
    assert page.eval_on_selector("#cw-lf-theme", "s => s.value") == value
    assert page.locator("#cw-lessons-status").inner_text() == shown
    assert "(s)" not in shown


@pytest.mark.browser
def test_a_checklist_question_is_ticked_by_its_text(page, site_server):
    page.goto(site_server + "methode/mobilite/")
    item = page.locator(".checklist li.task-list-item").first
    box = item.locator("input[type='checkbox']")
    assert not box.is_checked()
    item.click(position={"x": item.bounding_box()["width"] - 20, "y": 8})   # on the text, far from the circle
    assert box.is_checked()


@pytest.mark.browser
def test_the_resource_filter_shows_counts(page, site_server, cat):
    page.goto(site_server + "ressources/repertoire/")
    regional = sum(1 for r in cat["ressources"].values() if r.data["niveau"] == "regional")
    assert page.locator("#cw-rf-niveau option[value='regional']").inner_text().endswith(f"({regional})")
    page.select_option("#cw-rf-type", "financement")
    both = sum(1 for r in cat["ressources"].values() if r.data["niveau"] == "regional" and r.data["type"] == "financement")
    assert page.locator("#cw-rf-niveau option[value='regional']").inner_text().endswith(f"({both})")


@pytest.mark.browser
def test_each_scrolling_region_of_the_worksheet_has_its_own_name(page, site_server):
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(site_server + "ressources/tableau-acteurs/")
    names = page.eval_on_selector_all("[role=region]", "els => els.map(e => e.getAttribute('aria-label'))")
    assert len(names) >= 2 and len(names) == len(set(names)), names


def test_chips_carry_their_label_as_text_not_as_an_attribute_of_a_paragraph(built_site):
    page = soup(built_site, "fiches/arvieu/index.html")
    assert not page.select("p[aria-label]")
    assert "Principes directeurs :" in page.select_one(".cw-fiche-header .cw-chips").get_text()


def test_json_ld_keywords_are_unique(built_site):
    for fiche in (built_site / "fiches").iterdir():
        data = json.loads(soup(built_site, f"fiches/{fiche.name}/index.html").find("script", type="application/ld+json").string)
        assert len(data["keywords"]) == len(set(data["keywords"])), fiche.name
