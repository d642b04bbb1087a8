"""The real content: the guide's fifteen fiches carry the guide's facts, the pages the guide's structure,
and no sentence of the guide is copied (facts and names carry over, sentences do not)."""
from __future__ import annotations

import re
import unicodedata

import pytest

from commons_wiki.catalogue import load_catalogue
from conftest import ROOT

GUIDE = ROOT.parent / "shared" / "source" / "guide-smart-village.txt"

# From guide-part-4-map.md §2.1–2.3: slug -> (population, first start year, échelle, régions, objectives, amounts)
FACTS = {
    "alpes-provence-verdon": (11443, 2018, "communaute-de-communes", {"93"}, 3, {30000}),
    "arvieu": (782, 2012, "commune", {"76"}, 3, {115000, 89000, 26000, 22000}),
    "ayen": (708, 2014, "commune", {"75"}, 3, {1500}),
    "bourrou": (126, 2014, "commune", {"75"}, 3, {301000, 200700, 17000}),
    "dieuze": (2868, 2011, "commune", {"44"}, 3, {200000, 66000}),
    "kourou": (24959, 2018, "commune", {"03"}, 2, {3000000, 352000, 2000000, 400000, 70000}),
    "le-juch": (723, 2020, "commune", {"53"}, 3, {39000, 27300, 9700, 6000}),
    "lormes": (1280, 2016, "commune", {"27"}, 3, {31500}),
    "lourmarin": (1043, 2015, "commune", {"93"}, 3, {5200000, 3000000, 2200000}),
    "montauban-sur-l-ouveze": (119, 2020, "commune", {"84"}, 2, {300000}),
    "muttersholtz": (2075, 2017, "commune", {"44"}, 4, {5300000, 500000, 1700000, 310000, 1430000, 1010000, 375000}),
    "pays-de-redon": (8745, 2017, "communaute-d-agglomeration", {"53", "52"}, 3, {2000}),
    "petr-sud-lozere": (12589, 2019, "petr", {"76"}, 4, {176511, 88255, 8825, 70640}),
    "salles-sur-l-hers": (707, 2017, "commune", {"76"}, 1, {900000}),
    "villeneuve-sur-allier": (1073, 2019, "commune", {"84"}, 4, {2000000, 100000}),
}
# Number of principles per territory (the only thing left of the guide's p.63 matrix), by fiche id.
TICKS = dict(zip(sorted(FACTS), [3, 5, 2, 3, 4, 3, 2, 4, 3, 2, 4, 5, 3, 2, 4], strict=True))


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(ROOT)


def test_sources_validate(cat):
    assert cat.problems == []


def test_the_guide_fifteen_fiches_are_all_here_and_credited_to_the_guide(cat):
    # other fiches may come and go (contributions); the guide's fifteen stay, credited to it
    assert set(FACTS) <= set(cat["fiches"])
    for slug in FACTS:
        source = cat["fiches"][slug].data["source"]
        assert source["origine"] == "guide" and "Guide Smart village" in source["document"], slug
        assert isinstance(source.get("page"), int), slug


@pytest.mark.parametrize("slug", sorted(FACTS))
def test_fiche_facts_match_the_guide(cat, slug):
    pop, year, scale, regions, n_obj, amounts = FACTS[slug]
    d = cat["fiches"][slug].data
    assert d["population"] == pop
    assert min(a["annee"] for a in d["annees_lancement"]) == year
    assert d["echelle"] == scale
    assert set(d["territoire"]["regions"]) == regions
    assert len(d["objectifs"]) == n_obj
    recorded = {f.get("montant") for f in d["moyens"].get("financiers", [])}
    assert amounts <= recorded, f"montants manquants : {sorted(amounts - recorded)}"


def test_principle_counts_follow_the_guide_matrix(cat):
    counts = {s: len(cat["fiches"][s].data["principes"]) for s in FACTS}
    assert counts == TICKS
    for rec in (cat["fiches"][s] for s in FACTS):
        assert rec.data["provenance"]["principes"] in ("reconstitue", "verifie")
        assert rec.data["provenance"]["tiers_lieu"] in ("reconstitue", "verifie")


def test_visit_reports_are_linked_both_ways(cat):
    visits = {"lormes": ("terrain/lormes.md", 124), "lourmarin": ("terrain/lourmarin.md", 130),
              "petr-sud-lozere": ("terrain/sud-lozere.md", 138)}
    for slug, (page, number) in visits.items():
        src = cat["fiches"][slug].data["source"]
        assert (src["visite"], src["page_visite"]) == (page, number)
        assert slug in cat["pages"][page].data["fiches"]


def test_no_personal_contact_published_in_fiches(cat):
    mobile = re.compile(r"\b0[67](?:[ .]?\d{2}){4}\b")
    for rec in cat["fiches"].values():
        text = (ROOT / rec.file).read_text(encoding="utf-8")
        assert not mobile.search(text), rec.file
        assert "personnes" not in rec.data["contact"], rec.file


def test_muttersholtz_wrong_link_dropped_and_flagged(cat):
    d = cat["fiches"]["muttersholtz"].data
    assert not any("reseaurural.maregionsud" in link["url"] for link in d.get("liens", []))
    assert any("lien" in r.lower() for r in d.get("remarques", []))


# -- reference pages (issue: methodology, resources and field reports) ----------------------
def _html_of(md: str) -> str:
    import markdown
    return markdown.markdown(md, extensions=["admonition", "attr_list", "md_in_html", "pymdownx.tasklist"])


def test_checklists_and_questions(cat):
    from bs4 import BeautifulSoup
    lists, questions, recos = 0, 0, 0
    for rec in cat["pages"].values():
        soup = BeautifulSoup(_html_of(rec.body), "html.parser")
        for block in soup.select("div.checklist"):
            lists += 1
            questions += len(block.select("li.task-list-item"))
            recos += len(block.select(".recommandation"))
    assert (lists, questions, recos) == (6, 29, 15)


def test_example_callouts_link_existing_fiches(cat):
    callouts = 0
    for rec in cat["pages"].values():
        for block in re.findall(r'^!!! example .*?(?=^\S|\Z)', rec.body, re.M | re.S):
            callouts += 1
            slugs = re.findall(r"fiches/([a-z0-9-]+)\.md", block)
            assert slugs, f"{rec.file}: encadré exemple sans lien vers une fiche"
            assert all(s in cat["fiches"] for s in slugs)
    assert callouts == 13


def test_funding_records(cat):
    funding = [r for r in cat["ressources"].values() if r.data["type"] in ("financement", "methode-financement")]
    assert len(funding) >= 30
    names = {r.data["nom"].upper() for r in funding}
    for scheme in ("LEADER", "FEADER", "FEDER", "DETR"):
        assert any(scheme in n for n in names), scheme


# -- own words ------------------------------------------------------------------------------
def _words(text: str) -> list:
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").lower()
    return re.findall(r"[\w']+", text)


URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s)\"'>\]]+")
# Titles of cited works may be quoted as printed: reading lists, link texts and *italic* titles.
READING_LIST = re.compile(r"^## Pour aller plus loin.*?(?=^## |\Z)", re.M | re.S)
LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")
ITALIC_TITLE = re.compile(r"(?<![*\w])\*[^*\n]+\*(?!\*)|«[^»\n]+»")


def _comparable(text: str) -> str:
    """Prose only: URLs, reading lists, link texts and quoted titles are facts, not sentences."""
    text = READING_LIST.sub(" ", text)
    text = LINK_TEXT.sub(" | ", text)
    text = ITALIC_TITLE.sub(" | ", text)
    return URL.sub(" ", text)


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide's text is not beside the checkout")
@pytest.mark.parametrize("folder", ["fiches", "content"])
def test_no_nine_word_run_copied_from_the_guide(folder):
    """Every sentence is ours; URLs and the titles of cited works are left out of the comparison."""
    n = 9
    guide = _words(GUIDE.read_text(encoding="utf-8"))
    grams = {" ".join(guide[i:i + n]) for i in range(len(guide) - n + 1)}
    copied = {}
    for path in sorted((ROOT / folder).rglob("*.md")):
        w = _words(_comparable(path.read_text(encoding="utf-8")))
        runs = [" ".join(w[i:i + n]) for i in range(len(w) - n + 1) if " ".join(w[i:i + n]) in grams]
        if runs:
            copied[path.relative_to(ROOT).as_posix()] = runs[:3]
    assert copied == {}
