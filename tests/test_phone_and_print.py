"""On a 390 px phone nothing is cut off: every table cell, paragraph, list item and figure is on
the screen or inside a box that scrolls; and a fiche printed to PDF keeps every column of its
funding table (real build, real headless Chromium, pdftotext)."""
from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Is any content element past the screen edge without a scrolling box around it?
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (/(auto|scroll)/.test(s.overflowX) && a.getBoundingClientRect().right <= W + 1) return true;
    }
    return false;
  };
  const bad = [];
  const selector = ['td', 'th', 'p', 'li', 'figure', 'pre', 'img', 'table', 'svg', 'dd', 'h1', 'h2', 'h3']
    .map(t => '.md-content ' + t).join(',');
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > W + 1 || r.left < -1) && !scrolls(el)) bad.push(el.tagName + ': ' + (el.textContent || '').trim().slice(0, 50));
  }
  if (document.documentElement.scrollWidth > W + 1) bad.unshift('la page défile de côté (' + document.documentElement.scrollWidth + ' px)');
  return bad.slice(0, 5);
}"""


def page_types(site) -> list:
    """Every fiche and content page, and one page of each generated kind."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    seen_kinds, chosen = set(), []
    for rel in pages:
        parts = rel.split("/")
        kind = parts[0] if parts[0] in ("principes", "thematiques", "regions", "departements", "echelles") and len(parts) > 2 else rel
        if kind not in seen_kinds:
            seen_kinds.add(kind)
            chosen.append(rel[: -len("index.html")])
    return chosen + ["404.html"]


@pytest.fixture(scope="module")
def phone(browser):
    ctx = browser.new_context(viewport=PHONE, locale="fr-FR", device_scale_factor=1)
    yield ctx.new_page()
    ctx.close()


def test_nothing_is_cut_off_on_a_phone(phone, site_server, built_site):
    failures = {}
    for path in page_types(built_site):
        phone.goto(site_server + path)
        bad = phone.evaluate(OVERFLOW_JS)
        if bad:
            failures[path] = bad
    assert not failures, failures


def test_the_funding_table_keeps_every_column_on_a_phone(phone, site_server):
    phone.goto(site_server + "fiches/bourrou/")
    headers = phone.eval_on_selector_all("table.cw-funding th", "els => els.map(e => e.textContent.trim())")
    assert headers == ["Poste", "Montant", "Financeur"]
    # each header is fully on the screen without scrolling the table
    right = phone.evaluate("() => Math.max(...[...document.querySelectorAll('table.cw-funding th')]"
                           ".map(e => e.getBoundingClientRect().right))")
    assert right <= PHONE["width"]


def _flat(text: str) -> str:
    """Text without white space or hyphenation breaks, to compare a PDF with the page."""
    return re.sub(r"[\s\u00ad\u202f\u00a0-]+", "", text)


def test_every_column_of_the_funding_table_is_printed(browser, site_server, built_site, tmp_path):
    ctx = browser.new_context(locale="fr-FR")
    pg = ctx.new_page()
    try:
        checked = 0
        for fiche in sorted((built_site / "fiches").iterdir()):
            html = (fiche / "index.html").read_text(encoding="utf-8")
            table = BeautifulSoup(html, "html.parser").select_one("table.cw-funding")
            if table is None:
                continue
            pg.goto(f"{site_server}fiches/{fiche.name}/")
            pg.emulate_media(media="print")
            pdf = tmp_path / f"{fiche.name}.pdf"
            pg.pdf(path=str(pdf), format="A4")
            printed = _flat(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode())
            for cell in table.select("th, td"):
                words = _flat(cell.get_text(" "))
                assert words[:40] in printed, (fiche.name, cell.get_text(" ")[:60])
            checked += 1
        assert checked, "aucune fiche n'a de tableau de financement"
    finally:
        ctx.close()


def test_the_catalogue_on_a_phone_shows_cards_first_and_keeps_the_count_in_view(phone, site_server):
    phone.goto(site_server + "catalogue/")
    phone.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")
    first_card = phone.locator("#cw-cards article").first.bounding_box()
    assert first_card["y"] < PHONE["height"], f"première fiche à {first_card['y']} px, sous le premier écran"
    # unfold the second facet, tick its first option: the count changes and stays on the screen
    phone.locator("details.cw-filters > summary").click()
    facet = phone.locator("details.cw-facet").nth(1)
    facet.locator("summary").click()
    facet.locator('input[type="checkbox"]').first.check()
    status = phone.locator("#cw-status")
    box = status.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    assert re.match(r"\d+ fiches? sur \d+", status.inner_text())
    # « Voir les fiches » brings the first matching card into view
    phone.locator("#cw-jump").click()
    card = phone.locator("#cw-cards article:not([hidden])").first.bounding_box()
    bar = phone.locator(".cw-status-bar").bounding_box()
    assert bar["y"] + bar["height"] <= card["y"] < PHONE["height"], (bar, card)   # not hidden under the bar


def test_the_matrix_shows_every_column_on_a_laptop(browser, site_server):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    pg = ctx.new_page()
    try:
        pg.goto(site_server + "matrice/")
        wrap = pg.locator(".cw-table-wrap").bounding_box()
        last = pg.locator("#cw-matrix thead th").last.bounding_box()
        assert last["x"] + last["width"] <= wrap["x"] + wrap["width"] + 1, (last, wrap)
    finally:
        ctx.close()
