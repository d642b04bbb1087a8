"""The printed booklet a facilitator hands out (`make livret`), checked on the PDF itself with
pdftotext, pdftoppm and zbarimg: cover, numbered contents that match, one or two pages per fiche
with its facts, funding table and QR code, annexes; and a workshop kit chosen with the
catalogue's address, from `make livret SELECTION=…` and from the browser."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from commons_wiki import release
from commons_wiki.booklet import keep_only, parse_selection, select
from commons_wiki.catalogue import load_catalogue
from commons_wiki.views import Renderer


def pdf_pages(pdf: Path) -> list:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    return " ".join(text.split())


def contents(pages: list) -> dict:
    """{heading: page number} read from the printed contents (« 12 Titre — Territoire »)."""
    found = {}
    for page in pages[1:3]:
        for number, heading in re.findall(r"^\s*(\d+)\s+(.+?)\s*$", page, re.M):
            found[flat(heading)] = int(number)
    return found


def headings(cat) -> dict:
    return {rec.id: flat(f"{rec.data['titre']} — {rec.data['territoire']['nom']}") for rec in cat["fiches"].values()}


@pytest.fixture(scope="module")
def cat(built_site):
    return load_catalogue(built_site.parent)


@pytest.fixture(scope="module")
def booklet(built_site, tmp_path_factory):
    assert shutil.which("pdftotext") and shutil.which("zbarimg"), "lancez `make test` (poppler-utils, zbar-tools)"
    out = tmp_path_factory.mktemp("livret")
    return release.make_livret(built_site.parent, out, "test", release.ZIP_MIN_EPOCH, site=built_site)


# -- selection, without a browser --------------------------------------------------------------
def test_a_selection_reads_the_catalogue_address_or_ids():
    assert parse_selection("#thematiques=mobilite,energie&principes=communs&q=Vélo%20partagé") == (
        {"thematiques": ["mobilite", "energie"], "principes": ["communs"]}, ["velo", "partage"])
    assert parse_selection("arvieu le-juch, ayen") == ({"id": ["arvieu", "le-juch", "ayen"]}, [])


def test_selection_follows_the_catalogue_rule(cat, built_site):
    entries = Renderer(cat, built_site.parent / "templates").catalogue_data("livret/index.md")["records"]
    mobility = [r.id for r in cat["fiches"].values() if "mobilite" in r.data["thematiques"]]
    assert select(entries, "thematiques=mobilite") == mobility
    both = [r.id for r in cat["fiches"].values()
            if "mobilite" in r.data["thematiques"] and {"communs", "numerique"} & set(r.data["principes"])]
    assert select(entries, "thematiques=mobilite&principes=communs,numerique") == both
    assert select(entries, "le-juch arvieu") == ["arvieu", "le-juch"]


def test_keep_only_drops_the_other_fiches_and_the_annexes():
    html = ('<ol><li data-toc="a">A</li>\n<li data-toc="b">B</li>\n<li class="cw-livret-toc__annexes">X</li>\n</ol>'
            '<section class="cw-livret-fiche" id="livret-a" data-fiche="a">A</section>\n'
            '<section class="cw-livret-fiche" id="livret-b" data-fiche="b">B</section>\n'
            '<section class="cw-livret-annexes" id="livret-annexes">X</section>\n')
    kept = keep_only(html, ["b"], with_annexes=False)
    assert '"a"' not in kept and 'data-toc="b"' in kept and 'data-fiche="b"' in kept and "annexes" not in kept
    assert "cw-livret-annexes" in keep_only(html, ["b"], with_annexes=True)   # make livret … ANNEXES=oui


# -- the full booklet --------------------------------------------------------------------------
@pytest.mark.browser
def test_the_cover_says_what_when_and_under_which_licence(booklet):
    cover = flat(pdf_pages(booklet)[0])
    for expected in ("Smart village – le wiki des communs ruraux", "Livret des fiches expériences", "Version dev",
                     "CC BY-SA 4.0", "Guide Smart village"):
        assert expected in cover, expected


@pytest.mark.browser
def test_contents_page_numbers_match_where_each_fiche_starts(booklet, cat):
    pages = pdf_pages(booklet)
    toc = contents(pages)
    assert set(headings(cat).values()) <= set(toc), sorted(set(headings(cat).values()) - set(toc))
    for fid, heading in headings(cat).items():
        start = toc[heading]
        assert heading in flat(pages[start - 1]), f"{fid} : le sommaire dit p. {start}"
        assert heading not in flat(pages[start - 2]) or start - 2 <= 1, f"{fid} commence avant la page {start}"
    starts = sorted(toc[h] for h in headings(cat).values())
    ends = starts[1:] + [toc.get("Annexes : listes de vérification et grille des acteurs", len(pages) + 1)]
    assert len(set(starts)) == len(starts), "deux fiches commencent sur la même page"
    assert all(end - start <= 2 for start, end in zip(starts, ends, strict=True)), "une fiche dépasse deux pages"


@pytest.mark.browser
def test_pages_are_numbered_with_a_running_head(booklet):
    pages = pdf_pages(booklet)
    for number, page in enumerate(pages[1:], start=2):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[-1].endswith(str(number)), (number, lines[-1])
        assert "livret des fiches expériences" in lines[0]


@pytest.mark.browser
def test_each_fiche_shows_its_facts_and_every_column_of_its_funding(booklet, cat):
    pages = pdf_pages(booklet)
    toc = contents(pages)
    for fid, heading in headings(cat).items():
        d = cat["fiches"][fid].data
        text = flat(" ".join(pages[toc[heading] - 1: toc[heading] + 1]))
        for label in ("RÉGION", "DÉPARTEMENT", "ÉCHELLE", "POPULATION", "LANCEMENT", "Objectifs", "Résultats",
                      "Difficultés", "Facteurs de réussite", "Points de vigilance", "Contact"):
            assert label in text, (fid, label)
        if d["moyens"].get("financiers"):
            assert "Poste" in text and "Montant" in text, fid
            if any(f.get("financeur") for f in d["moyens"]["financiers"]):
                assert "Financeur" in text, fid


@pytest.mark.browser
def test_each_fiche_page_has_a_qr_code_of_its_online_address(booklet, cat, tmp_path):
    pages = pdf_pages(booklet)
    toc = contents(pages)
    site = "https://smart-village-commons.github.io/wiki/"
    for fid, heading in headings(cat).items():
        page = toc[heading]
        png = tmp_path / f"{fid}"
        subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(booklet), str(png)],
                       check=True)
        decoded = subprocess.run(["zbarimg", "-q", "--raw", f"{png}.png"], capture_output=True, text=True).stdout.split()
        assert decoded == [f"{site}fiches/{fid}/"], (fid, decoded)


@pytest.mark.browser
def test_the_annexes_hold_the_checklists_and_the_actors_worksheet(booklet, cat):
    text = flat(" ".join(pdf_pages(booklet)))
    for page in (p for pid, p in cat["pages"].items() if pid.startswith("methode/")):
        for title in re.findall(r"^\*\*(Check-list.+?)\*\*", page.body, re.M):
            assert flat(title) in text, title
    assert "Services de l'État" in text and "Intercommunalité" in text   # rows of the worksheet


# -- a workshop kit ------------------------------------------------------------------------------
@pytest.mark.browser
def test_make_livret_with_a_selection_gives_exactly_those_fiches(built_site, cat, tmp_path):
    pdf = release.make_livret(built_site.parent, tmp_path, "test", release.ZIP_MIN_EPOCH, site=built_site,
                              selection="thematiques=mobilite")
    text = flat(" ".join(pdf_pages(pdf)))
    wanted = {fid for fid, r in cat["fiches"].items() if "mobilite" in r.data["thematiques"]}
    assert wanted and wanted != set(cat["fiches"])
    for fid, heading in headings(cat).items():
        assert (heading in text) == (fid in wanted), fid
    assert "Annexes" not in text and f"{len(wanted)} fiches" in text


def test_a_selection_that_keeps_nothing_or_names_an_unknown_facet_is_refused(built_site, tmp_path):
    for selection, message in (("thematique=mobilite", "critère « thematique » inconnu"),
                               ("q=zzzzzz", "ne retient aucune fiche")):
        with pytest.raises(release.ReleaseError, match=message):
            release.make_livret(built_site.parent, tmp_path, "test", release.ZIP_MIN_EPOCH, site=built_site,
                                selection=selection)


@pytest.mark.browser
def test_print_this_selection_from_the_catalogue_prints_the_same_fiches(browser, site_server, cat, tmp_path):
    ctx = browser.new_context(locale="fr-FR")
    ctx.add_init_script("window.print = () => { window.__printed = true; };")
    page = ctx.new_page()
    try:
        page.goto(site_server + "catalogue/#thematiques=mobilite")
        page.wait_for_function("() => document.getElementById('cw-catalogue').dataset.cwReady === '1'")
        page.locator("#cw-print-selection").click()
        page.wait_for_url("**/livret/?imprimer#thematiques=mobilite")
        page.wait_for_function("() => window.__printed === true")
        pdf = tmp_path / "navigateur.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4")
    finally:
        ctx.close()
    text = flat(" ".join(pdf_pages(pdf)))
    wanted = {fid for fid, r in cat["fiches"].items() if "mobilite" in r.data["thematiques"]}
    for fid, heading in headings(cat).items():
        assert (heading in text) == (fid in wanted), fid
