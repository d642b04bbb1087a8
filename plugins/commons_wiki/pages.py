"""The wiki's pages as a plain folder of Markdown files, without MkDocs: the exit door from the
MkDocs plugin (docs/theme-coupling.md). Another engine, or plain MkDocs without our plugin, can
build the folder: the pages written by contributors (docs_dir) plus every page the wiki generates
(one per record, the views of wiki.yml), with their HTML blocks already in place.

What stays with the MkDocs plugin: edit links, the search index (built from what Material's search
extracts), the post-build exports and checks; `commons-wiki export` writes the exports alone.

    commons-wiki pages --sortie build/pages
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .analyser import browser_script
from .catalogue import Catalogue
from .settings import SiteSettings
from .views import Renderer

ANALYSER_SCRIPT = "assets/javascripts/analyse-fr.js"


def generated_pages(cat: Catalogue, renderer: Renderer) -> dict[str, str]:
    """{docs path: Markdown} of the records' pages and the views, HTML blocks restored."""
    pages = {}
    for name, col in cat.project.collections.items():
        if col.published and not col.in_docs_dir:
            for record in cat[name].values():
                pages[renderer.record_page(record)] = renderer.render_record(record)
    pages.update(renderer.views())
    return {path: renderer.restore_deferred(renderer.restore_raw(text)) for path, text in pages.items()}


def write_pages(cat: Catalogue, templates: Path, docs_dir: Path | None, out: Path, settings: SiteSettings) -> list[Path]:
    """Copy docs_dir into ``out`` and write the generated pages over it; returns what was written."""
    if out.exists():
        shutil.rmtree(out)
    if docs_dir is not None and docs_dir.is_dir():
        shutil.copytree(docs_dir, out)
    out.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(cat, templates, settings)
    written = []
    files = generated_pages(cat, renderer)
    files[ANALYSER_SCRIPT] = browser_script()
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
