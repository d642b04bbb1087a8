"""Open data exports: JSON, CSV, Frictionless datapackage, JSON-LD, Atom feed.

What is exported comes from the ``publish`` block of wiki.yml. Persons are exported only with
their explicit consent; CSV cells that a spreadsheet would run as a formula are neutralised.
Outputs are deterministic (sorted, dated by content, not by build).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from .catalogue import Catalogue, Record
from .project import get_field
from .provenance import provenance_of
from .settings import SiteSettings

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def publish_conf(cat: Catalogue) -> dict:
    return cat.project.config.get("publish") or {}


def public_data(cat: Catalogue, record: Record) -> dict:
    """The record as published: persons without consent removed. The record's own data is never
    changed: only the dictionaries on the way to the list of persons are copied (the callers only
    read the result; a deep copy of every record cost a second at 1,000 fiches)."""
    data = dict(record.data)
    private = publish_conf(cat).get("private")
    if not private:
        return data
    *parents, key = private["list"].split(".")
    holder = data
    for part in parents:
        if not isinstance(holder.get(part), dict):
            return data
        holder[part] = dict(holder[part])
        holder = holder[part]
    if key in holder:
        kept = [p for p in holder[key] if isinstance(p, dict) and p.get(private["consent"]) is True]
        if kept:
            holder[key] = kept
        else:
            del holder[key]
    return data


def _licence(cat: Catalogue) -> dict:
    lic = publish_conf(cat).get("licence", "")
    ref = cat.project.referentials.get(publish_conf(cat).get("licences_referential", "licences"))
    term = ref.terms.get(lic) if ref else None
    return {"name": lic, "title": term.label if term else lic, "path": term.extra.get("url", "") if term else ""}


def record_url(cat: Catalogue, record: Record, settings: SiteSettings) -> str:
    site = settings.site_url.rstrip("/")
    return f"{site}/{cat.project.collections[record.collection].url}/{record.id}/" if site else ""


def dataset_sources(cat: Catalogue, collection: str, settings: SiteSettings | None = None) -> list:
    """Frictionless ``sources``: each document records were taken from, then each contributed record."""
    declared = cat.project.collections[collection].source   # a collection drawn from one document
    documents, contributions = ({declared: None} if declared else {}), []
    for rec in cat[collection].values():
        prov = provenance_of(cat.project, rec.data)
        if prov.from_document:
            documents.setdefault(prov.document or prov.label, None)
        elif prov.kind:
            source = {"title": f"{rec.title} : {prov.credit()}"}
            url = record_url(cat, rec, settings or SiteSettings())
            if url:
                source["path"] = url
            contributions.append(source)
    return [{"title": title} for title in documents] + contributions


def schema_name(cat: Catalogue, collection: str) -> str:
    return cat.project.collections[collection].schema_file.split("/")[-1]


def _meta(cat: Catalogue, version: str, collection: str, settings: SiteSettings | None = None) -> dict:
    return {"version": version, "licence": _licence(cat),
            "sources": dataset_sources(cat, collection, settings),
            # the published address of the schema (its $id), not a file name that is not beside the data
            "schema": cat.project.collections[collection].schema.get("$id") or schema_name(cat, collection),
            "schema_version": cat.project.collections[collection].schema.get("x-version", "")}


def records_json(cat: Catalogue, collection: str, version: str, settings: SiteSettings | None = None) -> str:
    """{"<collection>": {id: record}}: each record validates against the collection's schema."""
    payload = dict(_meta(cat, version, collection, settings))
    payload[collection] = {r.id: public_data(cat, r) for r in cat[collection].values()}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# -- CSV ---------------------------------------------------------------------------
def csv_columns(schema: dict) -> list:
    """Flat columns from the schema: nested objects become dotted names, lists one column."""
    cols = [("id", {"type": "string", "description": "Identifiant (nom du fichier sans .md)."})]

    def walk(props: dict, prefix: str):
        for name, sub in props.items():
            full = f"{prefix}{name}"
            if sub.get("type") == "object" and "properties" in sub:
                walk(sub["properties"], full + ".")
            else:
                cols.append((full, sub))
    walk(schema.get("properties", {}), "")
    # Reusers' spreadsheets read columns by position: the schema pins their order (x-csv-columns);
    # a column the list does not know yet comes last, never in the middle (tests/test_exports.py).
    pinned = schema.get("x-csv-columns")
    if pinned:
        rank = {name: i for i, name in enumerate(pinned)}
        cols.sort(key=lambda c: rank.get(c[0], len(rank)))
    return cols


def _cell(value) -> str:
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        parts = []
        for v in value:
            if isinstance(v, dict):
                parts.append("; ".join(f"{k}: {_cell(x)}" for k, x in v.items()))
            else:
                parts.append(_cell(v))
        text = " | ".join(parts)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if text.startswith(FORMULA_START):
        text = "'" + text  # a spreadsheet must not run it as a formula
    return text


def records_csv(cat: Catalogue, collection: str) -> str:
    cols = csv_columns(cat.project.collections[collection].schema)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c for c, _ in cols])
    for r in cat[collection].values():
        data = {"id": r.id, **public_data(cat, r)}
        w.writerow([_cell(get_field(data, c)) for c, _ in cols])
    return buf.getvalue()


def _table_type(sub: dict) -> str:
    t = sub.get("type")
    t = t[0] if isinstance(t, list) else t
    if t in ("integer", "number", "boolean"):
        return t
    if t == "string" and sub.get("format") == "date":
        return "date"
    return "string"


def datapackage(cat: Catalogue, collection: str, version: str, settings: SiteSettings | None = None) -> str:
    schema = cat.project.collections[collection].schema
    fields = []
    for name, sub in csv_columns(schema):
        ftype = "string" if sub.get("type") == "array" else _table_type(sub)
        field = {"name": name, "type": ftype, "description": sub.get("description", "")}
        if ftype == "boolean":
            field["trueValues"], field["falseValues"] = ["true"], ["false"]
        fields.append(field)
    lic = _licence(cat)
    resources = [
        {"name": collection, "path": f"{collection}.csv", "profile": "tabular-data-resource", "format": "csv",
         "mediatype": "text/csv", "encoding": "utf-8", "licenses": [lic],
         "schema": {"fields": fields, "primaryKey": ["id"]}},
        {"name": f"{collection}-json", "path": f"{collection}.json", "format": "json", "mediatype": "application/json",
         "description": f"Les mêmes données avec leur structure complète (voir {schema_name(cat, collection)})."},
    ]
    for other in publish_conf(cat).get("also_export") or []:
        resources.append({"name": other, "path": f"{other}.json", "format": "json", "mediatype": "application/json",
                          "description": cat.project.collections[other].schema.get("description", "")})
    pkg = {"profile": "data-package", "name": f"{cat.project.name}-{collection}",
           "title": cat.project.config.get("title", ""), "version": version, "licenses": [lic],
           "sources": dataset_sources(cat, collection, settings), "resources": resources}
    return json.dumps(pkg, ensure_ascii=False, indent=2) + "\n"


# -- JSON-LD and Atom --------------------------------------------------------------
def jsonld_for(cat: Catalogue, record: Record, settings: SiteSettings) -> dict:
    conf = publish_conf(cat)
    jl = conf.get("jsonld") or {}
    col = cat.project.collections[record.collection]
    d = record.data
    site = settings.site_url.rstrip("/")
    keywords = []
    for tax in jl.get("keywords") or []:
        ref = cat.project.referentials[cat.project.taxonomies[tax].referential]
        keywords += [ref.label(v, short=True) for v in cat.terms_of(record, tax)]
    out = {"@context": "https://schema.org", "@type": "CreativeWork", "inLanguage": conf.get("language", "fr"),
           "name": d.get(col.title_field), "description": get_field(d, conf.get("summary_field", "description")),
           # a theme may carry a principle's label: each keyword once
           "keywords": list(dict.fromkeys(keywords)), "dateModified": d.get(col.date_field) if col.date_field else None}
    if conf.get("place_field"):
        place = {"@type": "Place", "name": get_field(d, conf["place_field"])}
        if jl.get("region_taxonomy"):
            ref = cat.project.referentials[cat.project.taxonomies[jl["region_taxonomy"]].referential]
            place["address"] = {"@type": "PostalAddress", "addressCountry": conf.get("country"),
                                "addressRegion": ", ".join(ref.label(r) for r in cat.terms_of(record, jl["region_taxonomy"]))}
            place["address"] = {k: v for k, v in place["address"].items() if v}
        out["about"] = place
    licence_field = conf.get("licence_field", "licence")   # the record's own licence, else the wiki's
    lic = cat.project.referentials.get(conf.get("licences_referential", "licences"))
    term = lic.terms.get(str(get_field(d, licence_field) or conf.get("licence", ""))) if lic else None
    out["license"] = term.extra.get("url") if term else get_field(d, licence_field)
    out.update(_jsonld_provenance(provenance_of(cat.project, d)))
    if site:
        out["url"] = record_url(cat, record, settings)
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def _jsonld_provenance(prov) -> dict:
    """isBasedOn: the published document, or the contributor's public sources; never both."""
    if prov.based_on:
        based = prov.based_on
        return {"isBasedOn": {"@type": "CreativeWork", "name": based.get("name"),
                              "publisher": [{"@type": "Organization", "name": p} for p in based.get("publishers", [])],
                              "datePublished": based.get("date")}}
    out = {"isBasedOn": [{"@type": "CreativeWork", "name": name, "url": url} for name, url in prov.references]}
    if prov.author:
        out["creditText"] = prov.credit()
        out["dateCreated"] = prov.date
    return out


def atom_feed(cat: Catalogue, settings: SiteSettings) -> str:
    conf = publish_conf(cat)
    cname = conf["collection"]
    col = cat.project.collections[cname]
    site = settings.absolute_site_url.rstrip("/")
    recs = sorted(cat[cname].values(), key=lambda r: (str(r.data.get(col.date_field, "")), r.id), reverse=True)
    updated = max((str(r.data.get(col.date_field, "")) for r in recs), default="1970-01-01")
    title = cat.project.config.get("title", "")
    language = xml_escape(str(publish_conf(cat).get("language", "fr")))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">',
             f"  <title>{xml_escape(title)} – ajouts et mises à jour</title>",
             f'  <id>{xml_escape(site)}/</id>', f'  <link href="{xml_escape(site)}/" />',
             f'  <link rel="self" href="{xml_escape(site)}/flux.xml" />',
             f"  <updated>{updated}T00:00:00Z</updated>", "  <author><name>Contributeurs du wiki</name></author>"]
    for r in recs:
        url = f"{site}/{col.url}/{r.id}/"
        date = str(r.data.get(col.date_field, updated))
        place = get_field(r.data, conf["place_field"]) if conf.get("place_field") else None
        name = str(r.data.get(col.title_field, r.id)) + (f" ({place})" if place else "")
        summary = get_field(r.data, conf.get("summary_field", "")) or ""
        lines += ["  <entry>", f"    <title>{xml_escape(name)}</title>",
                  f"    <id>{xml_escape(url)}</id>", f'    <link href="{xml_escape(url)}" />',
                  f"    <updated>{date}T00:00:00Z</updated>",
                  f"    <summary>{xml_escape(str(summary))}</summary>", "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def export_files(cat: Catalogue, version: str, settings: SiteSettings | None = None) -> dict:
    """{relative path: text} of every open-data file (none when wiki.yml has no publish block)."""
    conf = publish_conf(cat)
    if not conf.get("collection"):
        return {}
    settings = settings or SiteSettings()
    cname = conf["collection"]
    col = cat.project.collections[cname]
    schema_src = (cat.project.root / col.schema_file).read_text(encoding="utf-8")
    files = {
        f"donnees/{cname}.json": records_json(cat, cname, version, settings),
        f"donnees/{cname}.csv": records_csv(cat, cname),
        "donnees/datapackage.json": datapackage(cat, cname, version, settings),
        f"schema/{col.schema_file.split('/')[-1]}": schema_src,
        "flux.xml": atom_feed(cat, settings),
    }
    for other in conf.get("also_export") or []:
        files[f"donnees/{other}.json"] = records_json(cat, other, version, settings)
        other_schema = cat.project.collections[other].schema_file
        files[f"schema/{other_schema.split('/')[-1]}"] = (cat.project.root / other_schema).read_text(encoding="utf-8")
    return files


def write_site_exports(cat: Catalogue, site: Path, settings: SiteSettings) -> list:
    written = []
    for rel, text in export_files(cat, settings.version, settings).items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_exports(cat: Catalogue, out: Path, version: str = "dev", settings: SiteSettings | None = None) -> list:
    written = []
    for rel, text in export_files(cat, version, settings).items():
        path = out / Path(rel).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
