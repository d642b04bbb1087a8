"""A fiche page does not grow with the number of fiches: no per-fiche nav entry, nothing O(N) in it."""
from __future__ import annotations

import posixpath
import re
import sys

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, copy_project, run_mkdocs

sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py)

pytestmark = pytest.mark.slow

N_GENERATED = 500
PAGE = "fiches/le-juch/index.html"


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("scale") / "proj")
    written = generate.generate(root, N_GENERATED, seed=11, keep_existing=True)
    result = run_mkdocs(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site", {p.stem for p in written}


def _without_related(html: str) -> str:
    """The page minus its « Fiches proches » section, the only part allowed to differ."""
    return re.sub(r'<h2 id="fiches-proches".*?(?=<h2|<script type="application/ld\+json"|</article>)', "", html, flags=re.S)


def _nav_links(html: str) -> list:
    nav = BeautifulSoup(html, "html.parser").select_one("nav.md-nav--primary")
    assert nav is not None, "navigation principale introuvable"
    return [a.get("href") for a in nav.find_all("a")]


def test_fiche_page_size_does_not_depend_on_the_number_of_fiches(built_site, big_site):
    site, generated = big_site
    small = (built_site / PAGE).read_text(encoding="utf-8")
    big = (site / PAGE).read_text(encoding="utf-8")
    assert len(list((site / "fiches").glob("*/index.html"))) >= N_GENERATED + 15
    assert 'id="fiches-proches"' in big, "la section « Fiches proches » a changé de forme : adapter le test"
    small_core, big_core = _without_related(small), _without_related(big)
    # same page, 35× more fiches: at most 2 % more bytes once the related fiches are set aside
    assert len(big_core) <= len(small_core) * 1.02, (len(small_core), len(big_core))
    # and the whole page, related fiches included, within 5 %
    assert len(big) <= len(small) * 1.05, (len(small), len(big))


def test_nav_does_not_list_fiches(built_site, big_site):
    site, generated = big_site
    small_nav = _nav_links((built_site / PAGE).read_text(encoding="utf-8"))
    big_nav = _nav_links((site / PAGE).read_text(encoding="utf-8"))
    assert len(big_nav) == len(small_nav)
    # no nav link leads to a fiche page (links are relative to fiches/le-juch/)
    targets = {posixpath.normpath(posixpath.join("fiches/le-juch/", href.split("#")[0])) for href in big_nav if href}
    in_fiches = sorted(t for t in targets if t.startswith("fiches/") and t != "fiches/le-juch")
    assert not in_fiches, f"des fiches figurent dans la navigation : {in_fiches[:5]}"
    assert not {t.split("/")[1] for t in in_fiches} & generated
    # the same holds on a generated view that lists many fiches
    term = (site / "principes" / "participation" / "index.html").read_text(encoding="utf-8")
    assert len(_nav_links(term)) == len(small_nav)
