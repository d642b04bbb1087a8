"""The search index, built once at build time from the pages the theme's search plugin extracted
(search/search_index.json) and from the records: the browser loads it ready to answer, only when
the search box is first used (assets/javascripts/search-worker.js).

Ranking, in the worker: pages that hold every word of the query come first, then by weight. The
weights are computed here (BM25, per field):
- a record's page (a fiche) is one document: its title weighs most, then its summary (« en bref »)
  and its key labels (territory, principles, themes…), then its text; its summary is the snippet.
  Its sections are listed under it when their title holds a word of the query, except the
  sections named in wiki.yml `search.secondary_sections` (contact, links, sources).
- any other page is a head document (title, introduction) plus one document per section.

The file is a script (`self.commonsSearchIndex = JSON.parse("…")`): importScripts loads it online
and from file:// alike, and JSON.parse is the fastest way for the browser to read it.
"""
from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .analyser import rules, stem, words
from .catalogue import values_at

FORMAT = 1
INDEX_FILE = "index-fr.js"      # in search/, next to the theme's search_index.json
# a record's text (« body ») is measured against the other records' texts, a page's sections
# against the other sections: a long fiche is not penalised for being one document
BOOST = {"title": 10.0, "keys": 4.0, "summary": 4.0, "heading": 4.0, "body": 1.0, "text": 1.0, "secondary": 0.5}
K1, B = 1.2, 0.75
SNIPPET_CHARS = 220
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


@dataclass
class RecordText:
    """What the index knows of a record besides its page: title, summary, key labels."""
    title: str
    summary: str
    keys: list[str]
    place: str = ""     # shown before the summary: the reader sees why « Corrèze » found the fiche


@dataclass
class _Doc:
    page: int
    section: int                          # -1: the page itself
    fields: dict[str, tuple] = field(default_factory=dict)   # field -> ({term: count}, number of terms)
    boost: float = 1.0


def plain(text: str) -> str:
    """Text of an HTML fragment from the theme's index: no tags, no entities, one space."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text or ""))).strip()


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"


class _Terms:
    """Text -> terms, remembering the written forms of each term (« écoles » for « ecole ») so
    that the page opened from a result highlights the words as they are written."""

    def __init__(self) -> None:
        self.stop = frozenset(rules()["stopwords"])
        self.cache: dict[str, str | None] = {}
        self.forms: dict[str, set] = {}

    def __call__(self, text: str) -> tuple[dict, int]:
        """({term: count}, number of terms) of a text: each distinct word analysed once."""
        counts: dict[str, int] = {}
        size = 0
        for word, n in Counter(_WORD.findall(text.lower())).items():
            t = self.cache.get(word, "")
            if t == "":
                t = self._term(word)
            if t is not None:
                counts[t] = counts.get(t, 0) + n
                size += n
        return counts, size

    def _term(self, word: str) -> str | None:
        parts = [w for w in words(word) if w not in self.stop]
        t = stem(parts[0]) if len(parts) == 1 else None
        self.cache[word] = t
        if t is not None and word != t:
            self.forms.setdefault(t, set()).add(word)
        return t


_HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]*)"[^>]*>(.*?)</h\1>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def page_entries(location: str, html: str) -> list[dict]:
    """A record page's sections as the theme's search plugin lists them ({location, title, text}),
    cut at its headings: the page is ours, its markup known, so no HTML parser is needed (the
    theme's plugin skips record pages: parsing them was a sixth of the build at 1,000 fiches)."""
    parts = _HEADING.split(_HEADERLINK.sub("", html))
    entries = [{"location": location, "title": "", "text": parts[0]}]
    for i in range(1, len(parts) - 3, 4):
        _, anchor, title, text = parts[i:i + 4]
        entries.append({"location": f"{location}#{anchor}", "title": title, "text": text})
    return entries


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def _group_entries(entries: list) -> dict[str, list]:
    pages: dict[str, list] = {}
    for entry in entries:
        pages.setdefault(_page_of(entry["location"]), []).append(entry)
    return pages


def build(entries: list, records: dict[str, RecordText], secondary: set[str]) -> dict:
    """The index: ``entries`` are the theme's documents (location, title, text, boost),
    ``records`` maps a record page's location to its texts, ``secondary`` names the anchors
    of sections that never serve as a snippet."""
    terms = _Terms()
    pages: list[list] = []
    docs: list[_Doc] = []
    for location, group in _group_entries(entries).items():
        number = len(pages)
        head, *sections = group if group[0]["location"] == location else [{"location": location, "title": "", "text": ""}] + group
        boost = float(head.get("boost", 1.0))
        record = records.get(location)
        if record is not None:
            pages.append(_record_page(location, record, sections, secondary))
            docs.append(_record_doc(number, record, sections, secondary, terms, boost))
        else:
            pages.append(_plain_page(location, head, sections))
            docs += _plain_docs(number, head, sections, terms, boost)
    return _serialise(pages, docs, terms)


def _anchor(entry: dict) -> str:
    return entry["location"].split("#", 1)[1] if "#" in entry["location"] else ""


def _record_page(location: str, record: RecordText, sections: list, secondary: set) -> list:
    listed = [[_anchor(s), plain(s["title"]), ""] for s in sections
              if _anchor(s) not in secondary and plain(s["title"]) != record.title]
    lead = f"{record.place} — {record.summary}" if record.place else record.summary
    return [location, record.title, snippet(lead), listed, 1]


def _record_doc(number: int, record: RecordText, sections: list, secondary: set, terms, boost) -> _Doc:
    text: list[str] = []
    minor: list[str] = []
    for s in sections:
        (minor if _anchor(s) in secondary else text).append(plain(s["title"]) + " " + plain(s["text"]))
    return _Doc(number, -1, {
        "title": terms(record.title), "summary": terms(record.summary), "keys": terms(" ".join(record.keys)),
        "body": terms(" ".join(text)), "secondary": terms(" ".join(minor))}, boost)


def _plain_page(location: str, head: dict, sections: list) -> list:
    title = plain(head["title"]) or (plain(sections[0]["title"]) if sections else location)
    intro = plain(head["text"])
    if not intro and sections and plain(sections[0]["title"]) == title:
        intro = plain(sections[0]["text"])
    listed = [[_anchor(s), plain(s["title"]), snippet(plain(s["text"]))] for s in sections]
    return [location, title, snippet(intro), listed, 0]


def _plain_docs(number: int, head: dict, sections: list, terms, boost) -> list:
    title = plain(head["title"]) or (plain(sections[0]["title"]) if sections else "")
    docs = [_Doc(number, -1, {"title": terms(title), "text": terms(plain(head["text"]))}, boost)]
    for i, s in enumerate(sections):
        docs.append(_Doc(number, i, {"heading": terms(plain(s["title"])), "text": terms(plain(s["text"]))}, boost))
    return docs


def _weights(docs: list) -> dict[str, dict[int, float]]:
    """term -> document -> BM25 weight summed over the fields (boosted)."""
    lengths: dict[str, float] = {}
    for name in BOOST:
        sizes = [d.fields[name][1] for d in docs if d.fields.get(name, ({}, 0))[1]]
        lengths[name] = (sum(sizes) / len(sizes)) if sizes else 1.0
    postings: dict[str, dict[int, float]] = {}
    for number, doc in enumerate(docs):
        for name, (counts, size) in doc.fields.items():
            if not size:
                continue
            norm = K1 * (1 - B + B * size / lengths[name])
            for t, tf in counts.items():
                w = BOOST[name] * doc.boost * tf * (K1 + 1) / (tf + norm)
                row = postings.setdefault(t, {})
                row[number] = row.get(number, 0.0) + w
    total = len(docs)
    for row in postings.values():
        idf = math.log(1 + (total - len(row) + 0.5) / (len(row) + 0.5))
        for number in row:
            row[number] *= idf
    return postings


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_SMALL = [a + b for a in _DIGITS for b in _DIGITS]   # "00"…"zz": numbers below 1,296, written once


def _base36(number: int) -> str:
    if number < 36:
        return _DIGITS[number]
    if number < 1296:
        return _SMALL[number].lstrip("0")
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = _DIGITS[rest] + out
    return out


def _encode(row: dict[int, float]) -> str:
    """One term's documents: « gap,weight,gap,weight… » in base 36 (gaps between document
    numbers, weights × 10). A string: the browser reads it only for the words it looks up."""
    numbers, previous = [], 0
    for number in sorted(row):
        numbers.append(_base36(number - previous))
        numbers.append(_base36(max(1, round(row[number] * 10))))
        previous = number
    return ",".join(numbers)


def _shared_sections(pages: list) -> list:
    """Sections as numbers in one table: a template's headings are written once, not per page."""
    table: dict[tuple, int] = {}
    for page in pages:
        page[3] = [table.setdefault(tuple(section), len(table)) for section in page[3]]
    return [list(section) for section in table]


def _serialise(pages: list, docs: list, terms: _Terms) -> dict:
    postings = _weights(docs)
    # sorted as JavaScript compares strings (UTF-16 code units): the worker searches by bisection
    order = sorted(postings, key=lambda t: t.encode("utf-16-be"))
    forms = {t: " ".join(sorted(terms.forms[t])[:6]) for t in order if t in terms.forms}
    sections = _shared_sections(pages)
    return {"format": FORMAT, "pages": pages, "sections": sections, "docs": [[d.page, d.section] for d in docs],
            "terms": order, "postings": [_encode(postings[t]) for t in order], "forms": forms}


def script(index: dict) -> str:
    """The index as the script the worker imports."""
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return "self.commonsSearchIndex=JSON.parse(" + json.dumps(data, ensure_ascii=False) + ");\n"


def stub(material_index: dict) -> dict:
    """What remains of the theme's search_index.json: its settings, no documents (the page
    fetches it on load; the documents are in our index, loaded on the first search)."""
    return {"config": material_index.get("config", {}), "docs": []}



def record_texts(catalogue, renderer, pages: dict) -> dict[str, RecordText]:
    """``pages`` maps a page's location to its record (wiki.yml `search.collection`)."""
    conf = catalogue.project.config.get("search") or {}
    col = catalogue.project.collections[conf["collection"]]
    texts = {}
    for location, record in pages.items():
        keys = [str(v) for name in conf.get("key_fields") or [] for v in values_at(record.data, tuple(name.split(".")))]
        summary = values_at(record.data, tuple((conf.get("summary_field") or "").split(".")))
        place = values_at(record.data, tuple((conf.get("place_field") or "").split("."))) if conf.get("place_field") else []
        texts[location] = RecordText(str(record.data.get(col.title_field) or record.id),
                                     " ".join(str(s) for s in summary), keys + renderer.search_tags(record),
                                     ", ".join(str(p) for p in place))
    return texts


def write_site_index(site: Path, catalogue, renderer, pages: dict, record_entries: list) -> Path:
    """Replace the theme's search_index.json (loaded by every page) by its settings alone, and
    write our index next to it (search/index-fr.js, loaded on the first search). ``record_entries``:
    the record pages' sections (page_entries), which the theme's plugin does not index."""
    theme_file = site / "search" / "search_index.json"
    theme_index = json.loads(theme_file.read_text(encoding="utf-8"))
    secondary = set((catalogue.project.config.get("search") or {}).get("secondary_sections") or [])
    index = build(theme_index["docs"] + record_entries, record_texts(catalogue, renderer, pages), secondary)
    theme_file.write_text(json.dumps(stub(theme_index), ensure_ascii=False), encoding="utf-8")
    out = site / "search" / INDEX_FILE
    out.write_text(script(index), encoding="utf-8")
    return out


def read(site: Path) -> dict:
    """The index written in a built site (for the post-build checks and the tests)."""
    path = site / "search" / INDEX_FILE
    if not path.exists():
        return {"pages": [], "sections": [], "docs": [], "terms": [], "postings": [], "forms": {}}
    text = path.read_text(encoding="utf-8")
    literal = text[text.index("JSON.parse(") + len("JSON.parse("): text.rindex(");")]
    return json.loads(json.loads(literal))
