"""The site's own scripts and print styles, used as a visitor would in headless Chromium:
catalogue facets (mouse, keyboard, shared address, file://), checklists saved in the browser,
sortable matrix, filters of the lessons and resources, and what the printed pages look like.

Expected numbers come from the project's content (commons_wiki.catalogue.load_catalogue), not
from the page under test."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from commons_wiki.catalogue import load_catalogue
from commons_wiki.text import fold

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def catalogue():
    cat = load_catalogue(ROOT)
    assert not cat.problems, cat.problems
    return cat


def fiches() -> dict:
    return catalogue()["fiches"]


def with_principle(p: str) -> set:
    return {fid for fid, f in fiches().items() if p in f.data["principes"]}


def in_region(r: str) -> set:
    return {fid for fid, f in fiches().items() if r in f.data["territoire"]["regions"]}


def all_principles() -> set:
    return {p for f in fiches().values() for p in f.data["principes"]}


def pick_principle_and_region() -> tuple[str, str]:
    """A principle held by some fiches but not all, and a region where both kinds of fiche
    exist: checking both must give fewer fiches than either alone (AND, not OR)."""
    total = len(fiches())
    principles = sorted({p for f in fiches().values() for p in f.data["principes"]},
                        key=lambda p: (len(with_principle(p)), p))
    regions = sorted({r for f in fiches().values() for r in f.data["territoire"]["regions"]})
    for p in principles:
        if not 0 < len(with_principle(p)) < total:
            continue
        for r in regions:
            both = with_principle(p) & in_region(r)
            if both and both != in_region(r):
                return p, r
    pytest.fail("le contenu ne permet pas de choisir un principe et une région qui se recoupent en partie")


# -- helpers on the page ------------------------------------------------------------------
def visible_cards(page) -> set:
    return set(page.eval_on_selector_all("#cw-cards article[data-fiche]",
                                         "els => els.filter(e => !e.hidden && e.offsetParent !== null)"
                                         ".map(e => e.dataset.fiche)"))


def status(page) -> str:
    return page.locator("#cw-status").inner_text().strip()


def n_fiches(n: int) -> str:
    """« 1 fiche », « 3 fiches »: the catalogue's wording."""
    return f"{n} fiche{'s' if n > 1 else ''}"


def shown_count(page, facet: str, option: str) -> int:
    text = page.locator(f'[data-count="{facet}:{option}"]').text_content()   # also in a closed facet
    return int(re.sub(r"\D", "", text))


def box(page, facet: str, option: str):
    return page.locator(f'#cw-facets input[name="{facet}"][value="{option}"]')


def tick(page, facet: str, option: str):
    """Tick an option as a visitor does: unfold its facet first if it is folded."""
    details = page.locator("details.cw-facet").filter(
        has=page.locator(f'input[name="{facet}"][value="{option}"]'))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    box(page, facet, option).check()


def tab_until(page, predicate_js: str, limit: int = 300) -> bool:
    """Press Tab until the focused element satisfies ``predicate_js`` (a JS expression on ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }}"):
            return True
    return False


def open_catalogue(page, base: str, fragment: str = ""):
    page.goto(base + "catalogue/" + fragment)
    page.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")


# -- catalogue -----------------------------------------------------------------------------
def test_one_principle_then_a_region_filters_with_and_and_updates_the_counts(page, site_server):
    p, r = pick_principle_and_region()
    total = len(fiches())
    open_catalogue(page, site_server)
    assert visible_cards(page) == set(fiches()), "sans filtre, le catalogue doit montrer toutes les fiches"
    assert status(page) == f"{n_fiches(total)} sur {total}"

    tick(page, "principes", p)
    expected = with_principle(p)
    assert visible_cards(page) == expected
    assert status(page).startswith(f"{n_fiches(len(expected))} sur {total}")
    # classic faceted counts: a region's count is what ticking it would give now
    for region in {x for f in fiches().values() for x in f.data["territoire"]["regions"]}:
        assert shown_count(page, "regions", region) == len(expected & in_region(region)), region
    # the principles' own counts ignore their own selection (ticking one more adds fiches: OR)
    for other in all_principles():
        assert shown_count(page, "principes", other) == len(with_principle(other)), other

    tick(page, "regions", r)
    both = with_principle(p) & in_region(r)
    assert visible_cards(page) == both
    assert len(both) < len(expected) or len(both) < len(in_region(r))
    assert status(page).startswith(f"{n_fiches(len(both))} sur {total}")
    for other in all_principles():
        assert shown_count(page, "principes", other) == len(with_principle(other) & in_region(r)), other
    # nothing is disabled: a zero count stays reachable
    assert page.locator("#cw-facets input:disabled").count() == 0
    assert page.external == []


def test_two_options_of_one_facet_combine_with_or_and_reset_shows_everything(page, site_server):
    principles = sorted({p for f in fiches().values() for p in f.data["principes"]},
                        key=lambda p: len(with_principle(p)))
    a, b = principles[0], principles[1]
    open_catalogue(page, site_server)
    tick(page, "principes", a)
    tick(page, "principes", b)
    assert visible_cards(page) == with_principle(a) | with_principle(b)
    page.locator("#cw-reset").click()
    assert visible_cards(page) == set(fiches())
    assert page.locator("#cw-facets input:checked").count() == 0
    assert page.evaluate("location.hash") == "", "le filtre effacé ne doit plus figurer dans l'adresse"
    assert page.external == []


def test_text_filter_ignores_accents_and_case_and_needs_every_word(page, site_server, built_site):
    html = (built_site / "catalogue" / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="cw-catalogue-data">(.*?)</script>', html, re.S).group(1))
    texts = {f["id"]: fold(f["text"]) for f in data["records"]}
    with_energy = {fid for fid, t in texts.items() if "energie" in t}
    assert with_energy and set(fiches()) - with_energy, "choisir un mot présent dans une partie des fiches"
    # a second word found in some of those fiches only: both words are required
    words = sorted({w for fid in with_energy for w in re.findall(r"[a-z]{6,}", texts[fid])})
    second = next(w for w in words if 0 < sum(w in texts[fid] for fid in with_energy) < len(with_energy))
    with_both = {fid for fid in with_energy if second in texts[fid]}

    open_catalogue(page, site_server)
    page.locator("#cw-q").fill("ÉNERGIE")
    assert visible_cards(page) == with_energy
    page.locator("#cw-q").fill("energie")
    assert visible_cards(page) == with_energy
    page.locator("#cw-q").fill(f"énergie {second.upper()}")
    assert visible_cards(page) == with_both
    page.locator("#cw-q").fill("énergie motquinexistenullepart")
    assert visible_cards(page) == set()
    assert status(page).startswith("0 fiche sur")
    assert page.external == []


def test_filter_is_kept_in_the_address_and_restored_from_it(page, site_server):
    p, r = pick_principle_and_region()
    open_catalogue(page, site_server)
    tick(page, "principes", p)
    tick(page, "regions", r)
    page.locator("#cw-q").fill("commune")
    fragment = page.evaluate("location.hash")
    assert f"principes={p}" in fragment and f"regions={r}" in fragment and "q=commune" in fragment
    expected = visible_cards(page)

    # a visitor opens the shared address in a new page
    shared = page.evaluate("location.href")
    page.goto(site_server)
    page.goto(shared)
    page.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")
    assert box(page, "principes", p).is_checked() and box(page, "regions", r).is_checked()
    assert page.locator("#cw-q").input_value() == "commune"
    assert visible_cards(page) == expected
    # and a reload keeps it too
    page.reload()
    assert box(page, "principes", p).is_checked()
    assert visible_cards(page) == expected

    # a hash typed by hand (two principles, OR) is applied when it changes
    a, b = "cooperation", "communs"
    page.evaluate(f"() => {{ location.hash = 'principes={a},{b}'; }}")
    page.wait_for_function(f"() => document.querySelector('input[value=\"{b}\"]').checked")
    assert visible_cards(page) == with_principle(a) | with_principle(b)
    assert not box(page, "regions", r).is_checked()
    assert page.external == []


def test_catalogue_can_be_driven_with_the_keyboard_only(page, site_server):
    p, _ = pick_principle_and_region()
    open_catalogue(page, site_server)
    page.locator("article h1 + p").click()     # reading the introduction, then Tab
    reached = tab_until(page, f"el.matches('#cw-facets input[name=\"principes\"][value=\"{p}\"]')")
    assert reached, "la touche Tab n'atteint pas les cases du catalogue"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "la case qui a le focus n'a pas de contour visible"
    page.keyboard.press("Space")
    assert box(page, "principes", p).is_checked()
    assert visible_cards(page) == with_principle(p)
    assert status(page).startswith(n_fiches(len(with_principle(p))))
    page.keyboard.press("Space")
    assert visible_cards(page) == set(fiches())
    # the reset button is reachable too
    tick(page, "principes", p)
    assert tab_until(page, "el.id === 'cw-reset'"), "la touche Tab n'atteint pas « Effacer les filtres »"
    page.keyboard.press("Enter")
    assert visible_cards(page) == set(fiches())
    assert page.external == []


def test_catalogue_filters_from_a_file_url(page, built_site):
    p, r = pick_principle_and_region()
    page.goto((built_site / "catalogue" / "index.html").as_uri())
    page.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")
    tick(page, "principes", p)
    tick(page, "regions", r)
    assert visible_cards(page) == with_principle(p) & in_region(r)
    assert page.evaluate("location.protocol") == "file:" and f"principes={p}" in page.evaluate("location.hash")
    page.reload()
    assert box(page, "regions", r).is_checked()
    assert visible_cards(page) == with_principle(p) & in_region(r)
    assert page.external == []


# -- checklists ----------------------------------------------------------------------------
def test_checklist_ticked_with_the_keyboard_is_kept_after_reload(page, site_server):
    page.goto(site_server + "methode/participation/")
    checklist = page.locator(".checklist").first
    boxes = checklist.locator("li.task-list-item input[type=checkbox]")
    n = boxes.count()
    assert n >= 2
    progress = checklist.locator(".cw-checklist__progress")
    assert progress.inner_text() == f"0 / {n} questions cochées"
    # each box is named after its question, without the recommendation
    name = boxes.nth(1).get_attribute("aria-label")
    question = checklist.locator("li.task-list-item").nth(1).locator("p").first.inner_text().strip()
    assert name == question and "Recommandation" not in name

    checklist.locator("p").first.click()      # reading the checklist's title, then Tab
    assert tab_until(page, "el.matches('.checklist li.task-list-item input[type=checkbox]')"), \
        "la touche Tab n'atteint pas les cases de la check-list"
    ring = page.evaluate("() => getComputedStyle(document.activeElement.nextElementSibling, '::after').outlineStyle")
    assert ring == "solid", "la case qui a le focus n'a pas de contour visible"
    page.keyboard.press("Tab")      # second question
    page.keyboard.press("Space")
    assert boxes.nth(1).is_checked() and not boxes.nth(0).is_checked()
    assert progress.inner_text() == f"1 / {n} questions cochées"

    page.reload()
    checklist = page.locator(".checklist").first
    boxes = checklist.locator("li.task-list-item input[type=checkbox]")
    assert boxes.nth(1).is_checked() and not boxes.nth(0).is_checked()
    assert checklist.locator(".cw-checklist__progress").inner_text() == f"1 / {n} questions cochées"
    # ticks are saved per checklist: another page's checklist is untouched
    page.goto(site_server + "methode/cooperation/")
    assert page.locator(".checklist input:checked").count() == 0

    page.goto(site_server + "methode/participation/")
    checklist = page.locator(".checklist").first
    checklist.get_by_role("button", name="Tout décocher").click()
    assert checklist.locator("input:checked").count() == 0
    page.reload()
    assert page.locator(".checklist").first.locator("input:checked").count() == 0
    assert page.locator(".checklist").first.get_by_role("button", name="Imprimer la check-list").count() == 1
    assert page.external == []


def test_checklist_prints_ticked_boxes_and_hides_its_buttons(page, site_server):
    page.goto(site_server + "methode/participation/")
    checklist = page.locator(".checklist").first
    # a mouse click on the drawn box (a pseudo-element of the label) ticks the question
    x, y = page.evaluate("""() => {
        const span = document.querySelector('.checklist .task-list-indicator');
        span.closest('li').scrollIntoView({block: 'center'});
        const li = span.closest('li'), r = li.getBoundingClientRect(), s = getComputedStyle(span, '::before');
        return [r.left + parseFloat(s.left) + parseFloat(s.width) / 2, r.top + parseFloat(s.top) + parseFloat(s.height) / 2];
    }""")
    page.mouse.click(x, y)
    assert checklist.locator("input").first.is_checked()
    page.emulate_media(media="print")
    marks = page.eval_on_selector_all(
        ".checklist .task-list-indicator",
        "els => els.map(e => getComputedStyle(e, '::before').content)")
    assert marks[0] == '"☑"' and set(marks[1:]) == {'"☐"'}
    assert checklist.locator(".cw-checklist__buttons").is_hidden()
    assert page.locator(".md-header").is_hidden() and page.locator(".md-sidebar--primary").is_hidden()
    assert page.external == []


# -- matrix --------------------------------------------------------------------------------
def test_matrix_sorts_by_a_principle_column(page, site_server):
    principle = "communs"
    holders = with_principle(principle)
    assert 0 < len(holders) < len(fiches())
    page.goto(site_server + "matrice/")
    header = page.locator("#cw-matrix thead th").filter(has=page.get_by_role("button", name=re.compile("Communs")))
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    order = page.eval_on_selector_all("#cw-matrix tbody tr", "rows => rows.map(r => r.dataset.fiche)")
    assert set(order[:len(holders)]) == holders, "les fiches cochées doivent venir en tête"
    assert page.locator("#cw-matrix thead th[aria-sort]").count() == 1

    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    order = page.eval_on_selector_all("#cw-matrix tbody tr", "rows => rows.map(r => r.dataset.fiche)")
    assert set(order[-len(holders):]) == holders

    # sorting by territory (text, French order) and following the row header link still work
    territory = page.locator("#cw-matrix thead th").first
    territory.get_by_role("button").click()
    assert territory.get_attribute("aria-sort") == "ascending"
    names = page.eval_on_selector_all("#cw-matrix tbody th", "ths => ths.map(t => t.textContent.trim())")
    assert names == page.evaluate("n => [...n].sort((a, b) => a.localeCompare(b, 'fr'))", names)
    territory.get_by_role("button").click()
    assert territory.get_attribute("aria-sort") == "descending"
    names = page.eval_on_selector_all("#cw-matrix tbody th", "ths => ths.map(t => t.textContent.trim())")
    assert names == page.evaluate("n => [...n].sort((a, b) => b.localeCompare(a, 'fr'))", names)
    first = page.locator("#cw-matrix tbody tr").first
    fid = first.get_attribute("data-fiche")
    first.locator("th a").click()
    page.wait_for_url(re.compile(rf"/fiches/{re.escape(fid)}/$"))
    assert page.locator("h1").inner_text().rstrip("¶").strip() == fiches()[fid].data["titre"]
    assert page.external == []


# -- lessons and resources -----------------------------------------------------------------
def test_lessons_filter_keeps_the_lessons_of_matching_fiches(page, site_server):
    kinds = ("facteurs_reussite", "difficultes", "points_vigilance")
    theme = "tiers-lieu"
    principle = "participation"
    expected = sum(len(f.data["bilan"][k]) for f in fiches().values() for k in kinds
                   if theme in f.data["thematiques"] and principle in f.data["principes"])
    total = sum(len(f.data["bilan"][k]) for f in fiches().values() for k in kinds)
    page.goto(site_server + "enseignements/")
    page.select_option("#cw-lf-theme", theme)
    page.select_option("#cw-lf-principe", principle)
    shown = page.eval_on_selector_all(
        "ul.cw-lessons li[data-fiche]",
        "els => els.filter(e => !e.hidden).map(e => [e.dataset.thematiques, e.dataset.principes])")
    assert len(shown) == expected
    assert all(theme in t.split() and principle in p.split() for t, p in shown)
    plural = "s" if expected > 1 else ""
    assert page.locator("#cw-lessons-status").inner_text().startswith(f"{expected} enseignement{plural} affiché{plural} sur {total}")
    page.select_option("#cw-lf-theme", "")
    page.select_option("#cw-lf-principe", "")
    assert page.locator("ul.cw-lessons li[data-fiche]:visible").count() == total
    assert page.external == []


def test_resources_filter_by_level_and_type(page, site_server):
    res = catalogue()["ressources"]
    expected = {rid for rid, r in res.items() if r.data["type"] == "financement" and r.data["niveau"] == "national"}
    assert expected
    page.goto(site_server + "ressources/repertoire/")
    page.select_option("#cw-rf-type", "financement")
    page.select_option("#cw-rf-niveau", "national")
    shown = set(page.eval_on_selector_all(".cw-resource", "els => els.filter(e => !e.hidden).map(e => e.id)"))
    assert shown == expected
    assert page.locator("#cw-res-status").inner_text().startswith(f"{len(expected)} ressource")
    assert page.external == []


# -- print -----------------------------------------------------------------------------------
def _pdf_pages(pdf: bytes) -> list:
    """Page sizes (width, height in points) of a PDF written by Chromium."""
    return [(float(w), float(h)) for w, h in
            re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]


def test_the_longest_fiches_print_on_at_most_two_a4_pages(page, site_server, built_site):
    # the five longest rendered fiches (printing all of them takes half a minute)
    sizes = {fid: len((built_site / "fiches" / fid / "index.html").read_text(encoding="utf-8")) for fid in fiches()}
    longest = sorted(sizes, key=sizes.get, reverse=True)[:5]
    too_long = {}
    for fid in longest:
        page.goto(site_server + f"fiches/{fid}/")
        page.emulate_media(media="print")
        pages = _pdf_pages(page.pdf(prefer_css_page_size=True))
        assert pages, "PDF illisible"
        if len(pages) > 2:
            too_long[fid] = len(pages)
    assert not too_long, f"fiches de plus de deux pages A4 à l'impression : {too_long}"
    # what the printout keeps and drops
    page.goto(site_server + "fiches/arvieu/")
    page.emulate_media(media="print")
    assert page.locator(".cw-bilan").is_visible()
    assert page.locator("address").is_visible()
    assert page.locator("#source-et-mises-a-jour").is_visible()
    for hidden in ("#fiches-proches", ".md-header", ".md-sidebar--secondary", ".md-footer"):
        if page.locator(hidden).count():
            assert page.locator(hidden).first.is_hidden(), hidden
    after = page.eval_on_selector_all(
        "article a[href^='http']",
        "els => els.map(e => [e.getAttribute('href'), getComputedStyle(e, '::after').content,"
        " !!(e.nextElementSibling && e.nextElementSibling.classList.contains('cw-url'))])")
    assert after, "la fiche devrait contenir des liens externes"
    for href, content, has_url in after:
        if has_url:
            assert content == "none", f"adresse imprimée deux fois : {href}"
    assert page.external == []


def test_worksheet_prints_on_landscape_a4_and_booklet_breaks_pages(page, site_server):
    page.goto(site_server + "ressources/tableau-acteurs/")
    page.emulate_media(media="print")
    pages = _pdf_pages(page.pdf(prefer_css_page_size=True))
    landscape = [p for p in pages if p[0] > p[1]]
    assert len(landscape) >= 2, f"les grilles doivent s'imprimer en A4 paysage : {pages}"
    assert all(abs(w - 842) < 3 and abs(h - 595) < 3 for w, h in landscape)
    cell = page.locator(".worksheet table td").nth(1)
    style = page.evaluate("el => { const s = getComputedStyle(el); return [s.borderTopStyle, el.getBoundingClientRect().height]; }",
                          cell.element_handle())
    assert style[0] == "solid" and style[1] >= 40, f"cases trop petites pour écrire : {style}"

    page.goto(site_server + "livret/")
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(".cw-livret-fiche", "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert len(breaks) == len(fiches()) and set(breaks) == {"page"}
    assert page.external == []
