"""Post-build checks: nothing lost between the sources and what the site publishes."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .catalogue import Catalogue
from .views import Renderer, url_of


def _page_file(site: Path, md_path: str, directory_urls: bool) -> Path:
    url = url_of(md_path, directory_urls)
    return site / (url + "index.html" if directory_urls else url)


def search_documents(site: Path) -> list:
    """Documents of Material's search index (online JSON, or the offline JS wrapper)."""
    path = site / "search" / "search_index.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["docs"]
    js = site / "search" / "search_index.js"
    if js.exists():
        text = js.read_text(encoding="utf-8")
        return json.loads(text[text.index("{"): text.rindex("}") + 1])["docs"]
    return []


def check_site(cat: Catalogue, site: Path, renderer: Renderer) -> list:
    """Messages for every count that does not match; empty when all is well."""
    problems = []
    directory_urls = renderer.settings.get("use_directory_urls", True)
    for cname, col in cat.project.collections.items():
        if not col.published:
            continue
        expected = set(cat[cname])
        pages = {rid for rid in expected if _page_file(site, renderer.record_page(cat[cname][rid]), directory_urls).exists()}
        if pages != expected:
            problems.append(f"{cname} : {len(expected)} dans les sources, {len(pages)} pages publiées ; "
                            f"manquantes : {', '.join(sorted(expected - pages))}")
        # search: one top-level document per record page
        docs = search_documents(site)
        urls = {d["location"].split("#")[0] for d in docs}
        in_search = {rid for rid in expected if url_of(renderer.record_page(cat[cname][rid]), directory_urls) in urls}
        if docs and in_search != expected:
            problems.append(f"{cname} : {len(expected - in_search)} absentes de l'index de recherche : "
                            f"{', '.join(sorted(expected - in_search))}")
    # exports: every fiche once
    data = site / "donnees" / "fiches.json"
    if data.exists():
        ids = [f["id"] for f in json.loads(data.read_text(encoding="utf-8"))["fiches"]]
        if sorted(ids) != sorted(cat["fiches"]):
            problems.append(f"export fiches.json : {len(ids)} fiches au lieu de {len(cat['fiches'])}")
        csv_rows = (site / "donnees" / "fiches.csv").read_text(encoding="utf-8")
        import csv, io
        n = sum(1 for _ in csv.DictReader(io.StringIO(csv_rows)))
        if n != len(cat["fiches"]):
            problems.append(f"export fiches.csv : {n} lignes au lieu de {len(cat['fiches'])}")
    # catalogue page embeds every fiche
    catalogue_page = _page_file(site, "catalogue/index.md", directory_urls)
    if catalogue_page.exists():
        m = re.search(r'<script type="application/json" id="cw-catalogue-data">(.*?)</script>',
                      catalogue_page.read_text(encoding="utf-8"), re.S)
        embedded = {f["id"] for f in json.loads(m.group(1))["fiches"]} if m else set()
        if embedded != set(cat["fiches"]):
            problems.append(f"catalogue : {len(embedded)} fiches embarquées au lieu de {len(cat['fiches'])}")
    # each term page lists exactly its fiches
    for name, tax in cat.project.taxonomies.items():
        for term in cat.used_terms(name):
            page = _page_file(site, renderer.term_page(name, term), directory_urls)
            if not page.exists():
                problems.append(f"page de terme manquante : {tax.url}/{term}")
                continue
            html = page.read_text(encoding="utf-8")
            listed = set(re.findall(r'data-fiche="([^"]+)"', html))
            expected = {r.id for r in cat.records_for_term(name, term, "fiches")}
            if listed != expected:
                problems.append(f"{tax.url}/{term} : liste {sorted(listed)} au lieu de {sorted(expected)}")
    return problems
