"""Render records and generated pages from Jinja templates (the project's templates/ folder).

Everything a template prints with ``{{ }}`` is escaped for Markdown *and* HTML, so a hostile
value in front matter (``<script>``, ``[x](javascript:…)``) is shown as text, never run.
Templates mark trusted HTML with ``|safe`` or by building it with ``Markup``.
"""
from __future__ import annotations

import datetime
import html
import json
import posixpath
import re
import secrets
from pathlib import Path

import jinja2
from markupsafe import Markup

from .catalogue import Catalogue, Record
from .project import as_list, get_field, wiki_schema
from .provenance import provenance_of
from .settings import SiteSettings
from .text import fold

# One pass, one entity per character: HTML and Markdown both show the text literally. Only the
# characters that can start markup inline are escaped (values never start a line): HTML's & < >,
# Markdown's links [ ], emphasis * _, code `, escapes \\ and table cells |. Quotes are left as
# they are: attributes go through the |attr filter. Fewer entities keep Markdown fast.
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>[]*_`\\|\n"})


def md_escape(value) -> Markup:
    """Text that Markdown and HTML will both show literally (Markup passes through)."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    return Markup(str(value).translate(_ESCAPES).replace("&#10;", " "))


def french_number(value, decimals: int | None = None) -> str:
    """301000 -> '301 000' (narrow no-break space), 1.6 -> '1,6'."""
    if value is None or value == "":
        return ""
    if decimals is None:
        decimals = 0 if float(value) == int(float(value)) else 2
    text = f"{float(value):,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text.rstrip("0").rstrip(",") if decimals and "," in text else text


def euros(value) -> str:
    return f"{french_number(value)}\u00a0€" if value not in (None, "") else ""


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


def date_fr(value) -> str:
    try:
        d = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d.day}{'er' if d.day == 1 else ''} {MONTHS[d.month - 1]} {d.year}"


def url_of(md_path: str, directory_urls: bool = True) -> str:
    """Docs-relative .md path -> site URL path, as MkDocs builds it."""
    base = md_path[:-3] if md_path.endswith(".md") else md_path
    if not directory_urls:
        return base + ".html"
    if base == "index":
        return ""
    if base.endswith("/index"):
        return base[:-5]
    return base + "/"


def relative(from_page: str, to_page: str, directory_urls: bool = True) -> str:
    """Final relative URL from one page to another (raw HTML links are not rewritten by MkDocs,
    so we compute what MkDocs would: ``x/`` with directory URLs, ``x.html`` without)."""
    target = to_page
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    src, dst = url_of(from_page, directory_urls), url_of(target, directory_urls)
    folder = src if src.endswith("/") or not src else posixpath.dirname(src) + "/"
    rel = posixpath.relpath(dst or ".", folder.rstrip("/") or ".")
    if dst.endswith("/") or not dst:
        rel = "./" if rel == "." else rel + "/"
    return rel + anchor


def json_script(value) -> Markup:
    """JSON safe to embed in <script type="application/json"> (no '</script>' break-out)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# Country-specific map shapes, imported only by a wiki whose wiki.yml `map.module` names them.
MAP_MODULES = {"france-departements": "commons_wiki.geo"}


def map_shapes(module: str) -> tuple:
    """(view box, group transform, shapes) of a map module (wiki.yml `map.module`)."""
    import importlib
    return importlib.import_module(MAP_MODULES[module]).department_shapes()


def _band_of(bands: list, value) -> list:
    """The id of the band (min ≤ value < max) a number falls in, as a one-item list."""
    for band in bands:
        if value is not None and band.get("min", float("-inf")) <= value < band.get("max", float("inf")):
            return [band["id"]]
    return []


class TemplateMistake(Exception):
    """A template uses a name that does not exist (strict templates): the French message names
    the template file and line."""


def _template_line(err: Exception) -> str:
    """« templates/fiche.md.j2:17 »: the innermost template frame of the error."""
    import traceback
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return "templates/"
    return f"templates/{Path(frames[-1].filename).name}:{frames[-1].lineno}"


def _french_undefined(message: str) -> str:
    """Jinja's « 'x' is undefined » / « 'dict object' has no attribute 'y' », in French."""
    m = re.match(r"'(.+?)' has no attribute '(.+?)'", message)
    if m:
        return f"« {m.group(2)} » n'existe pas (ni champ déclaré par un schéma, ni attribut de {m.group(1)})"
    m = re.match(r"'(.+?)' is undefined", message)
    return f"« {m.group(1)} » n'est pas défini" if m else f"nom inconnu ({message})"


def declared_names(*schemas) -> frozenset:
    """Every property name the given JSON Schemas declare, at any depth."""
    names: set = set()

    def walk(node):
        if isinstance(node, dict):
            names.update((node.get("properties") or {}).keys())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    for schema in schemas:
        walk(schema)
    return frozenset(names)


class _StrictEnvironment(jinja2.Environment):
    """Templates where a mistake is an error (StrictUndefined): an unknown variable, attribute or
    key fails the build. One exception, for data: a key that the records' schemas or wiki.yml's
    schema declare, absent from a record (an optional field left out), reads as None."""
    declared: frozenset = frozenset()

    def getattr(self, obj, attribute):
        # Jinja's own lookup (attribute, then key), written out: it runs millions of times
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            if type(obj) is dict and attribute in self.declared:
                return None
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj, argument):
        return self._optional(obj, argument, super().getitem(obj, argument))

    def _optional(self, obj, name, value):
        if isinstance(value, jinja2.Undefined) and type(obj) is dict and name in self.declared:
            return None
        return value


class Renderer:
    def __init__(self, cat: Catalogue, templates_dir, settings: SiteSettings | None = None):
        self.cat = cat
        self.project = cat.project
        self.settings = settings or SiteSettings()
        self.env = _StrictEnvironment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True, finalize=md_escape, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.env.declared = declared_names(wiki_schema(), *(c.schema for c in self.project.collections.values()))
        self.env.filters.update(
            euros=euros, nombre=french_number, date_fr=date_fr, json_script=json_script,
            attr=lambda v: Markup(html.escape("" if v is None else str(v), quote=True)),
            safe=lambda v: Markup(v))
        self.env.globals.update(cat=cat, project=self.project, refs=self.project.referentials,
                                taxonomies=self.project.taxonomies, settings=self.settings, relative=relative,
                                Markup=Markup, search_tags=self.search_tags, jsonld=self.jsonld,
                                provenance=lambda record: provenance_of(self.project, record.data))
        self.env.globals["catalogue_data"] = self.catalogue_data
        self.env.globals.update(online_url=self.online_url, plain=md_escape, booklet_annexes=self.booklet_annexes,
                                build_date=self.build_date(), stale=self.stale)
        self.env.globals["departement_map"] = self.departement_map
        self.funders = self._funder_index()
        self._today = self.today()
        self._term_links: dict = {}
        self._cache: dict = {}
        self.deferred_html: dict = {}   # token -> HTML put back into the page by restore_deferred()
        self.raw_html: dict = {}        # token -> HTML put back into the page content by restore_raw()
        # tokens a contributor cannot guess: a comment written in a body is never replaced
        self.nonce = secrets.token_hex(6)

    # -- helpers for templates ------------------------------------------------------
    def search_tags(self, record: Record) -> list:
        """Labels of the record's terms, handed to the search index as tags."""
        tags = []
        for name, tax in self.project.taxonomies.items():
            ref = self.project.referentials[tax.referential]
            tags += [ref.label(v, short=True) for v in self.cat.terms_of(record, name)]
        return list(dict.fromkeys(tags))

    def _funder_index(self) -> dict:
        """Folded name or alias -> record, for linking funders named in records (wiki.yml: funders)."""
        conf = self.project.config.get("funders") or {}
        index = {}
        for rec in self.cat[conf.get("collection", "")].values():
            for field in conf.get("fields", []):
                for name in as_list(rec.data.get(field)):
                    if name:
                        index[fold(name)] = rec
        return index

    def funder_records(self, text: str) -> list:
        """Resources whose name or alias appears as whole words in ``text`` (longest names first)."""
        if getattr(self, "_funder_patterns", None) is None:
            self._funder_patterns = [(re.compile(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])"), rec)
                                     for name, rec in sorted(self.funders.items(), key=lambda x: -len(x[0]))]
        key = fold(text)
        found = []
        for pattern, rec in self._funder_patterns:
            if rec not in found and pattern.search(key):
                found.append(rec)
        return found

    def jsonld(self, record: Record) -> Markup:
        from .export import jsonld_for
        return json_script(jsonld_for(self.cat, record, self.settings))

    def online_url(self, record: Record) -> str:
        """The record's address on the published site (printed with its QR code in the booklet)."""
        from .export import record_url
        return record_url(self.cat, record, self.settings)

    def booklet_annexes(self) -> dict:
        from .booklet import annexes
        return annexes(self.cat)

    @staticmethod
    def release_date() -> datetime.date | None:
        """The release's date (SOURCE_DATE_EPOCH, set by `make release` and `make build`), if any."""
        import os
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date() if epoch.isdigit() else None

    def today(self) -> datetime.date:
        """« Today » for what ages (a fiche to update): the release's date, else the real one."""
        return self.release_date() or datetime.date.today()

    def stale(self, record: Record) -> bool:
        """Not updated for two years or more (linkwatch.STALE_MONTHS)."""
        from .linkwatch import is_stale
        col = self.project.collections[record.collection]
        return bool(col.date_field) and is_stale(record.data.get(col.date_field), self._today)

    def build_date(self) -> str:
        """The date printed on the booklet's cover: the release's (SOURCE_DATE_EPOCH), else the
        latest update of a record, so that two builds of the same content are identical."""
        release = self.release_date()
        if release is not None:
            return release.isoformat()
        dates = [str(r.data.get(c.date_field, "")) for n, c in self.project.collections.items() if c.date_field
                 for r in self.cat[n].values()]
        return max(dates, default="")

    # -- catalogue and map data ---------------------------------------------------------
    def _facet_values(self, facet: dict, record: Record) -> list:
        """The option ids of one catalogue facet that a record carries."""
        if facet.get("taxonomy"):
            return self.cat.terms_of(record, facet["taxonomy"])
        value = get_field(record.data, facet["field"])
        if "bands" in facet:
            return _band_of(facet["bands"], value)
        if "older_than_months" in facet:   # a date field: is the record due for an update?
            from .linkwatch import is_stale
            return ["a-actualiser" if is_stale(value, self._today, facet["older_than_months"]) else "a-jour"]
        if "values" in facet:
            return [v["id"] for v in facet["values"] if v["value"] == value and type(v["value"]) is type(value)]
        if facet.get("subfield"):
            return sorted({str(x.get(facet["subfield"])) for x in as_list(value) if isinstance(x, dict)})
        return [str(v) for v in as_list(value)]

    def _term_labels(self, record: Record) -> list:
        """Labels (long and short) of every taxonomy term of a record: « Corrèze », « Nouvelle-Aquitaine »."""
        labels = []
        for name, tax in self.project.taxonomies.items():
            ref = self.project.referentials[tax.referential]
            for term in self.cat.terms_of(record, name):
                labels += [ref.label(term), ref.label(term, short=True)]
        return list(dict.fromkeys(labels))

    def catalogue_data(self, page: str) -> dict:
        """Facets with initial counts, and one compact entry per fiche (embedded in the page)."""
        conf = self.project.config.get("catalogue") or {}
        facets = conf.get("facets") or []
        entries = [self._catalogue_entry(rec, page, conf.get("text_fields", []), facets)
                   for rec in self.cat[conf.get("collection", "")].values()]
        out_facets = []
        for fc in facets:
            counts: dict = {}
            for e in entries:
                for v in e["f"][fc["name"]]:
                    counts[v] = counts.get(v, 0) + 1
            options = [dict(o, count=counts.get(o["id"], 0)) for o in self._facet_options(fc, counts)]
            out_facets.append({"name": fc["name"], "label": fc["label"], "options": options})
        return {"facets": out_facets, "records": entries}

    def _catalogue_entry(self, rec: Record, page: str, text_fields: list, facets: list) -> dict:
        """A card's data: its address, the text the filter searches, its facet values."""
        text = " ".join(" ".join(map(str, as_list(get_field(rec.data, f)))) for f in text_fields)
        text += " " + " ".join(self._term_labels(rec))   # the places and labels the cards show
        return {"id": rec.id, "url": relative(page, self.record_page(rec), self.settings.use_directory_urls),
                "text": fold(text), "f": {fc["name"]: self._facet_values(fc, rec) for fc in facets}}

    def _facet_options(self, facet: dict, counts: dict) -> list:
        if facet.get("taxonomy"):
            ref = self.project.referentials[self.project.taxonomies[facet["taxonomy"]].referential]
            return [{"id": t, "label": ref.label(t, short=True)} for t in ref.terms if t in counts]
        if "bands" in facet:
            return [{"id": b["id"], "label": b["label"]} for b in facet["bands"]]
        if "values" in facet:
            return [{"id": v["id"], "label": v["label"]} for v in facet["values"]]
        return [{"id": v, "label": v} for v in sorted(counts)]

    def departement_map(self, page: str) -> dict:
        conf = self.project.config["map"]
        view_box, transform, shapes = map_shapes(conf["module"])
        taxonomy = conf["taxonomy"]
        by_dep: dict = {}
        for rec in self.cat[conf["collection"]].values():
            for code in self.cat.terms_of(rec, taxonomy):
                by_dep.setdefault(code, []).append(rec)
        ref = self.project.referentials[self.project.taxonomies[taxonomy].referential]
        directory_urls = self.settings.use_directory_urls
        parts = [f'<svg class="cw-map__svg" viewBox="{view_box}" role="group" aria-labelledby="cw-map-title" '
                 f'xmlns="http://www.w3.org/2000/svg"><title id="cw-map-title">Carte des départements de France '
                 f'({len(by_dep)} avec au moins une fiche)</title><g transform="{transform}">']
        for code, d, tr in shapes:
            t_attr = f' transform="{tr}"' if tr else ""
            if code in by_dep:
                names = ", ".join(str(get_field(r.data, conf["label_field"])) for r in by_dep[code])
                label = html.escape(f"{ref.label(code)} ({code}) : {names}", quote=True)
                url = html.escape(relative(page, self.term_page(taxonomy, code), directory_urls), quote=True)
                parts.append(f'<a href="{url}" class="cw-map__dep cw-map__dep--active" data-departement="{code}" '
                             f'aria-label="{label}"><title>{label}</title><path d="{d}"{t_attr}/></a>')
            else:
                parts.append(f'<path class="cw-map__dep" d="{d}"{t_attr} aria-hidden="true"/>')
        parts.append("</g></svg>")
        entries = [{"code": c, "label": ref.label(c), "records": by_dep[c],
                    "url": relative(page, self.term_page(taxonomy, c), directory_urls)}
                   for c in ref.terms if c in by_dep]
        return {"svg": "".join(parts), "entries": entries}

    # -- urls -------------------------------------------------------------------
    def record_page(self, record: Record) -> str:
        col = self.project.collections[record.collection]
        if col.in_docs_dir:
            return record.id
        return f"{col.url}/{record.id}.md"

    def term_page(self, taxonomy: str, term_id: str) -> str:
        return f"{self.project.taxonomies[taxonomy].url}/{term_id}.md"

    def _context(self, page: str, **extra) -> dict:
        directory_urls = self.settings.use_directory_urls

        def link(target: str) -> str:
            return relative(page, target, directory_urls)
        def funder_link(text: str) -> Markup:
            recs = self.funder_records(text)
            out = str(md_escape(text))  # plain str: Markup + str would escape the link below
            if recs:
                conf = self.project.config["funders"]
                out += " (" + ", ".join(
                    f'<a href="{html.escape(link(conf["page"]) + "#" + r.id, quote=True)}">{md_escape(r.title)}</a>'
                    for r in recs) + ")"
            return Markup(out)
        folder = posixpath.dirname(page)

        def term_link(taxonomy: str, term_id, short: bool = False, cls: str = "") -> Markup:
            """<a> to a term's page; cached, since every record page repeats the same few links."""
            key = (folder, taxonomy, str(term_id), short, cls)
            if key not in self._term_links:
                ref = self.project.referentials[self.project.taxonomies[taxonomy].referential]
                href = html.escape(link(self.term_page(taxonomy, term_id)), quote=True)
                self._term_links[key] = Markup(f'<a class="{html.escape(cls, quote=True)}" href="{href}">'
                                               f'{md_escape(ref.label(term_id, short))}</a>')
            return self._term_links[key]
        def cached(template: str, key, **variables) -> Markup:
            """Render a small template once per folder (its links are relative) and reuse it."""
            ckey = (template, folder, str(key), tuple(sorted((k, str(v)) for k, v in variables.items() if k != "f")))
            if ckey not in self._cache:
                ctx = dict(context, **variables)
                self._cache[ckey] = Markup(self.env.get_template(template).render(**ctx))
            return self._cache[ckey]

        def deferred(caller) -> Markup:
            """HTML that skips Markdown and the search indexer: a placeholder now, the HTML after
            the page is rendered (large generated listings cost nothing to Markdown this way)."""
            token = f"cw-deferred-{self.nonce}-{len(self.deferred_html)}"
            self.deferred_html[token] = str(caller())
            return Markup(f"\n<!-- {token} -->\n")

        def raw(caller) -> Markup:
            """HTML that skips Markdown but is indexed by the search (restored right after Markdown)."""
            token = f"cw-raw-{self.nonce}-{len(self.raw_html)}"
            self.raw_html[token] = str(caller())
            return Markup(f"\n<!-- {token} -->\n")

        context = dict(page=page, link=link, record_page=self.record_page, term_page=self.term_page,
                       funder_link=funder_link, term_link=term_link, cached=cached, deferred=deferred,
                       raw=raw, **extra)
        return context

    def render(self, template: str, page: str, **extra) -> str:
        try:
            return self.env.get_template(template).render(**self._context(page, **extra))
        except jinja2.UndefinedError as err:
            raise TemplateMistake(f"{_template_line(err)} : {_french_undefined(err.message or '')} "
                                  f"(page « {page} »).") from None

    # -- records ----------------------------------------------------------------
    def render_record(self, record: Record) -> str:
        col = self.project.collections[record.collection]
        page = self.record_page(record)
        return self.render(col.template, page, record=record, r=record.data, body=Markup(record.body))

    # -- generated views ----------------------------------------------------------
    def views(self) -> dict:
        """{docs-relative path: markdown} for every view declared in wiki.yml."""
        out = {}
        for view in self.project.config.get("views") or []:
            per = view.get("per")
            if per == "taxonomy":
                for name, tax in self.project.taxonomies.items():
                    page = view["output"].format(url=tax.url)
                    out[page] = self.render(view["template"], page, taxonomy=name, tax=tax,
                                            ref=self.project.referentials[tax.referential])
            elif per == "term":
                for name, tax in self.project.taxonomies.items():
                    ref = self.project.referentials[tax.referential]
                    for term_id in self.cat.used_terms(name):
                        page = view["output"].format(url=tax.url, term=term_id)
                        out[page] = self.render(view["template"], page, taxonomy=name, tax=tax, ref=ref,
                                                term=ref.terms[term_id])
            else:
                out[view["output"]] = self.render(view["template"], view["output"])
        return out

    def planned_pages(self) -> list:
        """Docs paths of the pages the plugin adds (records and views), without rendering them."""
        pages = [self.record_page(r) for name, col in self.project.collections.items()
                 if col.published and not col.in_docs_dir for r in self.cat[name].values()]
        for view in self.project.config.get("views") or []:
            if view.get("per") == "taxonomy":
                pages += [view["output"].format(url=tax.url) for tax in self.project.taxonomies.values()]
            elif not view.get("per"):
                pages.append(view["output"])
        return pages

    def restore_deferred(self, output: str) -> str:
        """Put the deferred HTML blocks back into a rendered page."""
        if f"<!-- cw-deferred-{self.nonce}-" not in output:
            return output
        return re.sub(rf"<!-- (cw-deferred-{self.nonce}-\d+) -->", lambda m: self.deferred_html.get(m.group(1), m.group(0)), output)

    def restore_raw(self, content: str) -> str:
        """Put the raw HTML blocks back into a page's content (after Markdown, before the search)."""
        if f"<!-- cw-raw-{self.nonce}-" not in content:
            return content
        return re.sub(rf"<!-- (cw-raw-{self.nonce}-\d+) -->", lambda m: self.raw_html.get(m.group(1), m.group(0)), content)

    def term_sources(self) -> dict:
        """Docs path of each generated term page -> the referential file it comes from (edit links)."""
        out = {}
        for name, tax in self.project.taxonomies.items():
            ref = self.project.referentials[tax.referential]
            out[f"{tax.url}/index.md"] = ref.file
            for term_id in self.cat.used_terms(name):
                out[self.term_page(name, term_id)] = ref.file
        return out
