"""The offline copy (mkdocs.offline.yml, zipped by `make offline`), opened from the disk as a
workshop would: file://, no network. Every request that is not a file is blocked and counted."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import CHROMIUM, ROOT, block_external


class _Lenient(yaml.SafeLoader):
    pass


_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)


def _config(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(encoding="utf-8"), Loader=_Lenient)




def test_offline_config_inherits_and_repeats_the_search_options():
    online, offline = _config("mkdocs.yml"), _config("mkdocs.offline.yml")
    assert offline["INHERIT"] == "mkdocs.yml"
    assert offline["use_directory_urls"] is False
    def search(cfg):
        return next(p["search"] for p in cfg["plugins"] if isinstance(p, dict) and "search" in p)
    assert search(offline) == search(online)
    assert "commons-wiki" in offline["plugins"] and "offline" in offline["plugins"]
    assert offline["extra"]["offline"] is True
    for shim in offline["extra"]["polyfills"]:
        assert "iframe-worker" in shim and (ROOT / "overrides" / shim).is_file()
    features = online["theme"].get("features", []) + (offline.get("theme") or {}).get("features", [])
    assert "navigation.instant" not in features  # XHR navigation cannot work from file://
    assert online["theme"]["font"] is False      # no Google Fonts


def test_zip_holds_one_folder_with_the_site_and_the_data(offline_zip, unzipped):
    with zipfile.ZipFile(offline_zip) as zf:
        names = zf.namelist()
    assert {n.split("/", 1)[0] for n in names} == {"smart-village-hors-ligne-test"}
    assert names == sorted(names)
    for rel in ("index.html", "fiches/muttersholtz.html", "search/search_index.js", "livret/index.html",
                "donnees/fiches.json", "donnees/fiches.csv", "donnees/datapackage.json",
                "assets/vendor/iframe-worker/shim.js"):
        assert (unzipped / rel).is_file(), rel
    size = offline_zip.stat().st_size
    print(f"\noffline zip: {size / 1e6:.2f} MB, {len(names)} files")
    assert size < 30e6


def test_pages_load_nothing_from_the_network(unzipped):
    # tags that load something (a canonical or alternate <link> only names the page)
    remote = re.compile(r'<(?:script|img|iframe|link(?![^>]*rel="(?:canonical|alternate)"))\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    for page in unzipped.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not remote.search(html), f"{page.relative_to(unzipped)}: {remote.search(html).group(0)}"
        assert "unpkg.com" not in html


def test_home_page_explains_the_workshop_mode(unzipped, built_site):
    offline_home = (unzipped / "index.html").read_text(encoding="utf-8")
    assert "Mode atelier" in offline_home and 'href="catalogue/index.html"' in offline_home
    assert "Mode atelier" not in (built_site / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_workshop_copy_works_from_file_urls_without_network(unzipped, browser):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing")
    ctx = browser.new_context(locale="fr-FR")
    blocked = block_external(ctx)
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((unzipped / "index.html").as_uri())
        assert "Smart village" in page.title()

        # navigation: from the home page to a fiche, by clicking
        page.locator(".cw-cards a").first.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and "/fiches/" in page.url and page.url.endswith(".html")
        assert page.locator("h1").first.inner_text().strip()

        # search: the inlined index and the vendored worker shim, no server
        page.goto((unzipped / "index.html").as_uri())
        page.locator("input.md-search__input").click()
        page.keyboard.type("Muttersholtz")
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=15000)
        links = [a.get_attribute("href") or "" for a in page.locator(".md-search-result__item a").all()]
        assert any("muttersholtz" in link for link in links), links
    finally:
        ctx.close()
    assert blocked == [], f"{len(blocked)} requêtes hors fichiers : {blocked[:5]}"
    assert not errors, errors
