"""Accessibility of every page type, with axe-core (shipped by axe-playwright-python) in headless
Chromium, in the light and the dark palette; keyboard-only use of the map; no request leaves
the site. What this covers and what it does not is said on content/a-propos/accessibilite.md."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BLOCKING = ("serious", "critical")
# Material's palette toggles, as configured in mkdocs.yml: index 0 light (default), 1 dark (slate)
PALETTES = {"clair": "default", "sombre": "slate"}


def _open_all_details(page):
    """Open every facet of the catalogue by clicking its summary, as a visitor would."""
    closed = page.locator("#cw-facets details:not([open]) > summary")
    assert page.locator("#cw-facets details").count() >= 3, "le catalogue n'a plus ses filtres repliables"
    for _ in range(50):
        if not closed.count():
            break
        closed.first.click()
    assert closed.count() == 0


def _search_results(page):
    """Type a query in Material's search box and keep the results open."""
    box = page.locator("input.md-search__input")
    box.click()   # on a desktop-sized window the box is in the header
    box.fill("")
    box.type("tiers-lieu", delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15000)
    assert page.locator("input[data-md-toggle='search']").is_checked()


# page type -> (path in the site, what to do before the check)
PAGE_TYPES = {
    "accueil": ("", None),
    "fiche": ("fiches/arvieu/", None),
    "principe": ("principes/participation/", None),
    "thematique": ("thematiques/tiers-lieu/", None),
    "catalogue-filtres-ouverts": ("catalogue/", _open_all_details),
    "matrice": ("matrice/", None),
    "carte": ("carte/", None),
    "liste-de-controle": ("methode/participation/", None),
    "recherche-resultats": ("", _search_results),
    "repertoire-ressources": ("ressources/repertoire/", None),
    "404": ("wiki/page-qui-n-existe-pas/", None),
}


def serve_under_site_path(page, site_server: str, site: Path):
    """404.html links to its assets by absolute path under site_url (/wiki/…), as a host such
    as GitHub Pages serves it. Answer /wiki/… from the built site, and unknown paths with
    404.html and a 404 status, like that host does."""
    prefix = site_server + "wiki/"

    def handle(route):
        rel = route.request.url[len(prefix):].split("?")[0].split("#")[0]
        target = site / rel
        if rel.endswith("/") or not rel:
            target = target / "index.html"
        if target.is_file():
            route.fulfill(path=str(target))
        else:
            route.fulfill(status=404, path=str(site / "404.html"), content_type="text/html; charset=utf-8")
    page.route(prefix + "**", handle)


def set_palette(page, palette: str):
    """Choose the palette with Material's own toggle, then check that the page really changed."""
    scheme = PALETTES[palette]
    current = page.locator("body").get_attribute("data-md-color-scheme")
    if current != scheme:
        if page.locator("input[data-md-toggle='search']").is_checked():
            page.keyboard.press("Escape")   # the open search covers the header's toggle
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') === s", arg=scheme)
        page.wait_for_timeout(350)   # let Material's colour transitions finish before measuring contrast
    assert page.locator("body").get_attribute("data-md-color-scheme") == scheme


def format_violations(violations: list) -> str:
    """One block per rule; nodes with the same message (same colours…) grouped together."""
    out = []
    for v in violations:
        out.append(f"[{v['impact']}] {v['id']} : {v['help']} ({len(v['nodes'])} élément(s)) — {v['helpUrl']}")
        by_message = defaultdict(list)
        for node in v["nodes"]:
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            message = "; ".join(c["message"] for c in checks if c.get("message")) or node.get("failureSummary", "")
            by_message[message].append(" ".join(map(str, node["target"])))
        for message, targets in by_message.items():
            shown = ", ".join(targets[:4]) + (f" et {len(targets) - 4} autre(s)" if len(targets) > 4 else "")
            out.append(f"    • {message}\n      → {shown}")
    return "\n".join(out)


def run_axe(page) -> list:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_no_serious_accessibility_violation(page, site_server, built_site, page_type):
    """The page type in the light palette, then in the dark one (same page, toggled)."""
    path, prepare = PAGE_TYPES[page_type]
    page.set_default_timeout(15000)
    serve_under_site_path(page, site_server, built_site)
    response = page.goto(site_server + path)
    assert response is not None
    assert response.status == (404 if page_type == "404" else 200)
    report = []
    for palette in PALETTES:
        set_palette(page, palette)
        if prepare:
            prepare(page)
        violations = run_axe(page)
        if violations:
            report.append(f"— palette {palette} : {len(violations)} règle(s) axe non respectée(s)\n"
                          + format_violations(violations))
    assert not report, f"{page_type} ({page.url}) :\n" + "\n".join(report)
    assert page.external == [], f"requêtes hors du site : {page.external}"


def test_palette_choice_is_kept_from_page_to_page(page, site_server):
    page.goto(site_server)
    set_palette(page, "sombre")
    page.goto(site_server + "catalogue/")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert page.external == []


# -- keyboard only ---------------------------------------------------------------------
def _tab_until(page, predicate_js: str, limit: int = 250) -> bool:
    """Press Tab until the focused element satisfies ``predicate_js`` (a JS expression on ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }}"):
            return True
    return False


def test_keyboard_reaches_and_follows_a_map_link(page, site_server):
    page.goto(site_server + "carte/")
    reached = _tab_until(page, "el.matches('svg a.cw-map__dep--active')")
    assert reached, "la touche Tab n'atteint aucun département cliquable de la carte"
    label = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    code = page.evaluate("() => document.activeElement.dataset.departement")
    assert label and f"({code})" in label, "le lien de la carte n'annonce pas son département"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/departements/{re.escape(code)}/$"))
    assert label.split(" (")[0] in page.locator("h1").inner_text()
    assert page.external == []


def test_keyboard_follows_a_link_of_the_map_text_list(page, site_server):
    page.goto(site_server + "carte/")
    reached = _tab_until(page, "!!el.closest('#cw-map-list') && el.tagName === 'A'")
    assert reached, "la touche Tab n'atteint pas la liste des départements sous la carte"
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    focus_visible = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none'"
        " || s.textDecorationLine.includes('underline'); }")
    assert focus_visible, "le lien qui a le focus ne se distingue pas (pas de contour visible)"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.rstrip("/").endswith(href.strip("./").rstrip("/")))
    assert page.locator("h1").count() == 1
    assert page.external == []


def test_every_department_on_the_map_is_in_the_text_list(page, site_server):
    page.goto(site_server + "carte/")
    on_map = set(page.eval_on_selector_all("svg a.cw-map__dep--active", "els => els.map(e => e.dataset.departement)"))
    in_list = set(page.eval_on_selector_all("#cw-map-list li", "els => els.map(e => e.dataset.departement)"))
    assert on_map and on_map == in_list
