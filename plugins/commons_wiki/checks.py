"""Post-build checks: nothing lost between the sources and what the site publishes.

For the collection named in wiki.yml ``publish``: one page per record, one search document per
record page, every record in the exports, on every listing page (catalogue cards, matrix,
booklet) and in the catalogue's embedded data; and each term page lists exactly its records.
"""
from __future__ import annotations

import csv
import io
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


def _diff(what: str, found, expected) -> str | None:
    found, expected = set(found), set(expected)
    if found == expected:
        return None
    parts = [f"{what} : {len(found)} au lieu de {len(expected)}"]
    if expected - found:
        parts.append("manquent " + ", ".join(sorted(expected - found)))
    if found - expected:
        parts.append("en trop " + ", ".join(sorted(found - expected)))
    return " ; ".join(parts)


def check_site(cat: Catalogue, site: Path, renderer: Renderer) -> list:
    """French messages for every count that does not match; empty when all is well."""
    conf = cat.project.config.get("publish") or {}
    cname = conf.get("collection")
    if not cname:
        return []
    directory_urls = renderer.settings.get("use_directory_urls", True)
    records = cat[cname]
    expected = set(records)
    marker = conf.get("marker", "data-record")
    marked = re.compile(rf'\b{re.escape(marker)}="([^"]+)"')
    found: list = []

    pages = {rid for rid, rec in records.items() if _page_file(site, renderer.record_page(rec), directory_urls).exists()}
    found.append(_diff(f"pages de {cname}", pages, expected))

    docs = search_documents(site)
    urls = {d["location"].split("#")[0] for d in docs}
    in_search = {rid for rid, rec in records.items() if url_of(renderer.record_page(rec), directory_urls) in urls}
    found.append(_diff(f"{cname} dans l'index de recherche", in_search, expected))

    data = site / "donnees" / f"{cname}.json"
    if data.exists():
        found.append(_diff(f"export {cname}.json", json.loads(data.read_text(encoding="utf-8"))[cname], expected))
        rows = csv.DictReader(io.StringIO((site / "donnees" / f"{cname}.csv").read_text(encoding="utf-8")))
        ids = [r["id"] for r in rows]
        found.append(_diff(f"export {cname}.csv", ids, expected))
        if len(ids) != len(set(ids)):
            found.append(f"export {cname}.csv : lignes en double")
    elif conf.get("collection"):
        found.append(f"export {cname}.json absent")

    for listing in conf.get("listing_pages") or []:
        path = _page_file(site, listing, directory_urls)
        if not path.exists():
            found.append(f"page {listing} absente")
            continue
        html = path.read_text(encoding="utf-8")
        found.append(_diff(f"{listing} ({marker})", marked.findall(html), expected))
        m = re.search(r'<script type="application/json" id="cw-catalogue-data">(.*?)</script>', html, re.S)
        if m:
            found.append(_diff(f"{listing} (données embarquées)", [r["id"] for r in json.loads(m.group(1))["records"]], expected))

    for name, tax in cat.project.taxonomies.items():
        for term in cat.used_terms(name):
            path = _page_file(site, renderer.term_page(name, term), directory_urls)
            if not path.exists():
                found.append(f"page de terme manquante : {tax.url}/{term}")
                continue
            listed = marked.findall(path.read_text(encoding="utf-8"))
            found.append(_diff(f"{tax.url}/{term}", listed, {r.id for r in cat.records_for_term(name, term, cname)}))
    return [f for f in found if f]
