"""The printed booklet: its annexes, a workshop selection, and the page numbers of its contents.

The booklet is the page ``livret/index.md`` (templates/livret.md.j2), printed by Chromium
(release.make_livret). This module holds the plain-Python parts:

- ``annexes``: the checklists and worksheets of the pages named in wiki.yml (``booklet.annexes``);
- ``select``: the records a catalogue state keeps (``thematiques=mobilite&principes=a,b&q=mot``, the
  same syntax as the catalogue's address, or a list of ids), with the catalogue's rule: one of the
  ticked options of each facet, every facet, every word of the text;
- ``keep_only`` / ``fill_contents``: the print copy with the selected fiches only, and the page
  numbers of the contents once the PDF has been laid out.
"""
from __future__ import annotations

import re
from urllib.parse import unquote_plus

from .analyser import analyse
from .catalogue import Catalogue
from .text import fold

_CHECKLIST = re.compile(r'<div class="checklist"[^>]*>(.*?)</div>', re.S)
_WORKSHEET = re.compile(r'<div class="worksheet"[^>]*>(.*?)</div>', re.S)
_BOLD_TITLE = re.compile(r"^\*\*(.+?)\*\*\s*$", re.M)
_QUESTION = re.compile(r"^\s*[-*] \[ \]\s+(.+?)\s*$", re.M)
_HEADING = re.compile(r"^#{2,4}\s+(.+?)\s*$", re.M)


# -- annexes ---------------------------------------------------------------------------------
def _markdown_inline(text: str) -> str:
    """Markdown emphasis and links reduced to their text (a printed sheet has no links)."""
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]|\[([^\]]+)\]\([^)]*\)", lambda m: m.group(1) or m.group(2), text)
    return re.sub(r"[*_`]+", "", text).strip()


def _table(lines: list) -> tuple[list, list]:
    rows = [[_markdown_inline(c) for c in line.strip().strip("|").split("|")] for line in lines
            if line.strip().startswith("|") and not re.fullmatch(r"\|?[\s:|-]+\|?", line.strip())]
    return (rows[0], rows[1:]) if rows else ([], [])


def worksheet_tables(body: str) -> list:
    """[{heading, header, rows}] of the Markdown tables of a worksheet block, one per heading."""
    tables = []
    for block in _WORKSHEET.findall(body):
        parts = _HEADING.split(block)
        for heading, text in zip(parts[1::2], parts[2::2], strict=True):
            header, rows = _table(text.splitlines())
            if header:
                tables.append({"heading": _markdown_inline(heading), "header": header, "rows": rows})
    return tables


def annexes(cat: Catalogue) -> dict:
    """{"checklists": [{title, page_title, questions}], "worksheets": [{page_title, tables}]}, from
    the pages that wiki.yml lists under booklet.annexes (checklists: a folder; worksheets: pages)."""
    conf = (cat.project.config.get("booklet") or {}).get("annexes") or {}
    pages = cat["pages"]
    out: dict = {"checklists": [], "worksheets": []}
    folder = conf.get("checklists_in")
    for page in (p for pid, p in pages.items() if folder and pid.startswith(folder.rstrip("/") + "/")):
        for block in _CHECKLIST.findall(page.body):
            title = _BOLD_TITLE.search(block)
            out["checklists"].append({"title": _markdown_inline(title.group(1)) if title else page.title,
                                      "page_title": page.title,
                                      "questions": [_markdown_inline(q) for q in _QUESTION.findall(block)]})
    for pid in conf.get("worksheets") or []:
        if pid in pages:
            out["worksheets"].append({"page_title": pages[pid].title, "tables": worksheet_tables(pages[pid].body)})
    out["checklists"].sort(key=lambda c: c["title"])
    return out


# -- a workshop selection ------------------------------------------------------------------------
def parse_selection(text: str) -> tuple[dict, list]:
    """« thematiques=mobilite&principes=a,b&q=vélo » -> ({facet: [values]}, [search terms]);
    « arvieu, le-juch » (ids) -> ({"id": [...]}, [])."""
    text = (text or "").strip().lstrip("#")
    if "=" not in text:
        return {"id": [t for t in re.split(r"[\s,;]+", text) if t]}, []
    state, words = {}, []
    for pair in text.split("&"):
        key, _, value = pair.partition("=")
        if key == "q":
            words = analyse(unquote_plus(value))
        elif value:
            state[unquote_plus(key)] = [unquote_plus(v) for v in value.split(",") if v]
    return state, words


def select(entries: list, selection: str) -> list:
    """Ids of the catalogue entries (views.Renderer.catalogue_data()["records"]) a selection keeps."""
    state, words = parse_selection(selection)
    if "id" in state:
        wanted = set(state["id"])
        return [e["id"] for e in entries if e["id"] in wanted]
    kept = []
    for e in entries:
        facets_ok = all(not values or set(values) & set(e["f"].get(name, [])) for name, values in state.items())
        # as the catalogue's filter (commons.js): each word starts one of the entry's search terms
        text = " " + " ".join(analyse(e["text"]))
        if facets_ok and all(" " + w in text for w in words):
            kept.append(e["id"])
    return kept


def unknown_in_selection(entries: list, selection: str, facet_names: list) -> list:
    """What a selection names that does not exist (a typo in a facet name or an id)."""
    state, _ = parse_selection(selection)
    if "id" in state:
        known = {e["id"] for e in entries}
        return [f"fiche « {i} » inconnue" for i in state["id"] if i not in known]
    return [f"critère « {name} » inconnu (critères : {', '.join(facet_names)})" for name in state if name not in facet_names]


# -- the print copy -------------------------------------------------------------------------------
_SECTION = re.compile(r'<section class="cw-livret-fiche"[^>]*data-fiche="([^"]+)">.*?</section>\n?', re.S)
_TOC_ITEM = re.compile(r'<li data-toc="([^"]+)">.*?</li>\n?', re.S)
_ANNEXES = re.compile(r'<section class="cw-livret-annexes".*?</section>\n?|<li class="cw-livret-toc__annexes">.*?</li>\n?', re.S)


def keep_only(html: str, ids: list, with_annexes: bool = True) -> str:
    """The booklet's HTML with only these fiches (sections and contents), annexes if asked."""
    keep = set(ids)
    html = _SECTION.sub(lambda m: m.group(0) if m.group(1) in keep else "", html)
    html = _TOC_ITEM.sub(lambda m: m.group(0) if m.group(1) in keep else "", html)
    html = re.sub(r'(<span id="cw-livret-count">)\d+(</span>)', lambda m: f"{m.group(1)}{len(keep)}{m.group(2)}", html)
    return html if with_annexes else _ANNEXES.sub("", html)


def fill_contents(html: str, pages: dict) -> str:
    """Write each fiche's page number (and the annexes') into the contents."""
    return re.sub(r'(<span class="cw-toc-page" data-page-of="([^"]+)">)[^<]*(</span>)',
                  lambda m: f"{m.group(1)}{pages.get(m.group(2), '')}{m.group(3)}", html)


def _letters(text: str) -> str:
    """Letters and digits only: a long address is cut across lines, and pdftotext joins a word cut
    after a hyphen without its hyphen."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def pages_of(page_texts: list, markers: dict) -> dict:
    """{key: 1-based number of the first page whose text holds the key's marker}; keys whose
    marker is on no page are left out."""
    flat = [_letters(text) for text in page_texts]
    found = {}
    for key, marker in markers.items():
        needle = _letters(marker)
        page = next((i + 1 for i, text in enumerate(flat) if needle in text), None)
        if page:
            found[key] = page
    return found
