"""Post-build checks: nothing lost between the sources and what the site publishes.

For the collection named in wiki.yml ``publish``: one page per record, one search document per
record page, every record in the exports, on every listing page (catalogue cards, matrix,
booklet) and in the catalogue's embedded data; and each term page lists exactly its records.
"""
from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from pathlib import Path

from .body import EXECUTABLE_SCHEMES, url_scheme
from .catalogue import Catalogue
from .views import Renderer, url_of


def _page_file(site: Path, md_path: str, directory_urls: bool) -> Path:
    url = url_of(md_path, directory_urls)
    return site / (url + "index.html" if directory_urls else url)


def search_documents(site: Path) -> list:
    """The pages of the site's search index, as {"location": …}: ours (commons_wiki.search_index),
    or the theme's when the wiki declares no `search` block."""
    from .search_index import INDEX_FILE, read
    if (site / "search" / INDEX_FILE).exists():
        return [{"location": page[0]} for page in read(site)["pages"]]
    for name in ("search_index.json", "search_index.js"):
        path = site / "search" / name
        if path.exists():
            text = path.read_text(encoding="utf-8")
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


def check_site(cat: Catalogue, site: Path, renderer: Renderer, exports: bool = True) -> list:
    """French messages for every count that does not match; empty when all is well."""
    conf = cat.project.config.get("publish") or {}
    cname = conf.get("collection")
    if not cname:
        return []
    directory_urls = renderer.settings.use_directory_urls
    records = cat[cname]
    marker = conf.get("marker", "data-record")
    marked = re.compile(rf'\b{re.escape(marker)}="([^"]+)"')

    def page_of(md_path: str) -> Path:
        return _page_file(site, md_path, directory_urls)

    pages = {rid for rid, rec in records.items() if page_of(renderer.record_page(rec)).exists()}
    found = [_diff(f"pages de {cname}", pages, set(records))]
    found.append(_check_search(site, cname, records, renderer, directory_urls))
    if exports:   # the plugin's `exports: false` writes none
        found += _check_exports(site, cname, set(records))
    for listing in conf.get("listing_pages") or []:
        found += _check_listing(page_of(listing), listing, marker, marked, set(records))
    found += _check_term_pages(cat, cname, renderer, page_of, marked)
    return [f for f in found if f]


def _check_search(site: Path, cname: str, records: dict, renderer: Renderer, directory_urls: bool) -> str | None:
    """One search document per record page."""
    urls = {d["location"].split("#")[0] for d in search_documents(site)}
    in_search = {rid for rid, rec in records.items() if url_of(renderer.record_page(rec), directory_urls) in urls}
    return _diff(f"{cname} dans l'index de recherche", in_search, set(records))


def _check_exports(site: Path, cname: str, expected: set) -> list:
    """Every record in the JSON and CSV exports, once."""
    data = site / "donnees" / f"{cname}.json"
    if not data.exists():
        return [f"export {cname}.json absent"]
    found = [_diff(f"export {cname}.json", json.loads(data.read_text(encoding="utf-8"))[cname], expected)]
    rows = csv.DictReader(io.StringIO((site / "donnees" / f"{cname}.csv").read_text(encoding="utf-8")))
    ids = [r["id"] for r in rows]
    found.append(_diff(f"export {cname}.csv", ids, expected))
    if len(ids) != len(set(ids)):
        found.append(f"export {cname}.csv : lignes en double")
    return found


def _check_listing(path: Path, listing: str, marker: str, marked: re.Pattern, expected: set) -> list:
    """Every record on a listing page, and in the catalogue data it embeds."""
    if not path.exists():
        return [f"page {listing} absente"]
    html = path.read_text(encoding="utf-8")
    found = [_diff(f"{listing} ({marker})", marked.findall(html), expected)]
    m = re.search(r'<script type="application/json" id="cw-catalogue-data">(.*?)</script>', html, re.S)
    if m:
        found.append(_diff(f"{listing} (données embarquées)", [r["id"] for r in json.loads(m.group(1))["records"]], expected))
    return found


def _check_term_pages(cat: Catalogue, cname: str, renderer: Renderer, page_of, marked: re.Pattern) -> list:
    """Each term page lists exactly the records of its term."""
    found: list[str | None] = []
    for name, tax in cat.project.taxonomies.items():
        for term in cat.used_terms(name):
            path = page_of(renderer.term_page(name, term))
            if not path.exists():
                found.append(f"page de terme manquante : {tax.url}/{term}")
                continue
            listed = marked.findall(path.read_text(encoding="utf-8"))
            found.append(_diff(f"{tax.url}/{term}", listed, {r.id for r in cat.records_for_term(name, term, cname)}))
    return found


# -- scripts: only the theme's and the project's own ------------------------------------------
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_QUOTED = re.compile(r'"[^"]*"' + r"|'[^']*'")
_EVENT_ATTRIBUTE = re.compile(r"\s(on[a-z]+)\s*=", re.I)
_URL_ATTRIBUTE = re.compile(r"""\s(?:href|src|action|formaction)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# a tag holding what an unsafe one must hold (letters spelt out: re.I makes this scan slow)
_SUSPECT_TAG = re.compile(r"<[a-zA-Z][^>]*?(?:\s[oO][nN][a-zA-Z]+\s*=|[sS][cC][rR][iI][pP][tT]:|[dD][aA][tT][aA]:)[^>]*>")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"' + r"|'(?:[^'\\\n]|\\.)*'")
DATA_TYPES = {"application/json", "application/ld+json"}   # data for our scripts: never run


def _normalise_inline(js: str) -> str:
    """An inline script with its string literals emptied: the theme writes the same code on every
    page, with a different relative path in a string (« new URL("../..", location) »)."""
    return " ".join(_STRING.sub('""', js).split())


class ScriptAudit:
    """Collects, page by page, any script that is not the theme's or the project's own."""

    def __init__(self, allowed_files: set, base_path: str = "/"):
        self.allowed_files = allowed_files        # site paths: theme assets, extra_javascript, polyfills
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.found: list = []                      # (page, message)
        self.inline: dict = {}                     # normalised inline script -> pages using it

    def _site_path(self, page_url: str, src: str) -> str:
        src = src.split("?")[0].split("#")[0]
        if src.startswith(self.base_path):
            return src[len(self.base_path):]
        folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        return posixpath.normpath(posixpath.join(folder, src)).lstrip("/")

    def add_page(self, page_url: str, html: str) -> None:
        for attrs, body in _SCRIPT.findall(html):
            src = _SRC.search(attrs)
            if src:
                path = self._site_path(page_url, src.group(1))
                if path not in self.allowed_files:
                    self.found.append((page_url, f"script externe inconnu : {src.group(1)}"))
                continue
            kind = _TYPE.search(attrs)
            if kind and kind.group(1).lower() in DATA_TYPES:
                continue
            self.inline.setdefault(_normalise_inline(body), []).append(page_url)
        # event handlers and executable addresses: in the page's content (<article>), which our
        # templates and the contributors' text make; the header and menus around it are the theme's
        start, end = html.find("<article"), html.rfind("</article>")
        content = html[start:end] if 0 <= start < end else html
        for tag in sorted(set(_SUSPECT_TAG.findall(_SCRIPT.sub("", content)))):
            self._check_tag(page_url, tag)

    def _check_tag(self, page_url: str, tag: str) -> None:
        """Event handlers and executable addresses in one tag's attributes (not in their values'
        text: « aria-label="x onmouseover=y" » is a label)."""
        for name in _EVENT_ATTRIBUTE.findall(_QUOTED.sub('""', tag)):
            self.found.append((page_url, f"attribut « {name} » (code exécutable) dans la page"))
        for groups in _URL_ATTRIBUTE.findall(tag):
            url = next(g for g in groups if g) if any(groups) else ""
            if url_scheme(url) in EXECUTABLE_SCHEMES:
                self.found.append((page_url, f"adresse exécutable « {url[:40]} » dans la page"))

    def problems(self, theme_page_html: str) -> list:
        """French messages; ``theme_page_html`` is a page the theme writes alone (404.html),
        whose inline scripts are the only ones allowed."""
        theme = {_normalise_inline(body) for attrs, body in _SCRIPT.findall(theme_page_html)
                 if not _SRC.search(attrs)}
        found = [f"{page} : {message}" for page, message in self.found]
        for code, pages in self.inline.items():
            if code not in theme:
                more = f" (et {len(pages) - 1} autres pages)" if len(pages) > 1 else ""
                found.append(f"{pages[0]}{more} : script en ligne inconnu ({code[:60]}…)")
        return found


def theme_script_files(theme_dirs: list, extra: list) -> set:
    """Site paths of every script the theme folders ship (Material's and overrides/), plus the
    configured extra_javascript and polyfills."""
    files = set(extra)
    for folder in map(Path, theme_dirs):
        files.update(p.relative_to(folder).as_posix() for p in folder.rglob("*.js"))
    return files
