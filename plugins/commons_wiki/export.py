"""Open data exports: JSON, CSV, Frictionless datapackage, JSON-LD, Atom feed.

Persons are exported only with their explicit consent; CSV cells that a spreadsheet would run
as a formula are neutralised. Outputs are deterministic (sorted, dated by content, not by build).
"""
from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from .catalogue import Catalogue, Record
from .project import get_field

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def public_data(record: Record) -> dict:
    """The record as published: persons without consent removed."""
    data = copy.deepcopy(record.data)
    contact = data.get("contact")
    if isinstance(contact, dict) and "personnes" in contact:
        kept = [p for p in contact["personnes"] if isinstance(p, dict) and p.get("consentement") is True]
        if kept:
            contact["personnes"] = kept
        else:
            del contact["personnes"]
    return data


def _licence(cat: Catalogue) -> dict:
    lic = cat.project.config.get("licence_id", "CC-BY-SA-4.0")
    term = cat.project.referentials.get("licences").terms.get(lic) if "licences" in cat.project.referentials else None
    return {"name": lic, "title": term.label if term else lic, "path": term.extra.get("url", "") if term else ""}


def _meta(cat: Catalogue, version: str) -> dict:
    return {"version": version, "licence": _licence(cat),
            "source": cat.project.config.get("source_guide", ""),
            "schema_version": cat.project.collections["fiches"].schema.get("x-version", "")}


def fiches_json(cat: Catalogue, version: str) -> str:
    payload = dict(_meta(cat, version))
    payload["fiches"] = [{"id": r.id, **public_data(r)} for r in cat["fiches"].values()]
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def ressources_json(cat: Catalogue, version: str) -> str:
    payload = dict(_meta(cat, version))
    payload.pop("schema_version")
    payload["ressources"] = [r.data for r in cat["ressources"].values()]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# -- CSV ---------------------------------------------------------------------------
def csv_columns(schema: dict) -> list:
    """Flat columns from the schema: nested objects become dotted names, lists one column."""
    cols = [("id", {"type": "string", "description": "Identifiant de la fiche (nom du fichier sans .md)."})]

    def walk(props: dict, prefix: str):
        for name, sub in props.items():
            full = f"{prefix}{name}"
            if sub.get("type") == "object" and "properties" in sub:
                walk(sub["properties"], full + ".")
            else:
                cols.append((full, sub))
    walk(schema.get("properties", {}), "")
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


def fiches_csv(cat: Catalogue) -> str:
    cols = csv_columns(cat.project.collections["fiches"].schema)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c for c, _ in cols])
    for r in cat["fiches"].values():
        data = {"id": r.id, **public_data(r)}
        w.writerow([_cell(get_field(data, c)) for c, _ in cols])
    return buf.getvalue()


def _table_type(sub: dict) -> str:
    t = sub.get("type")
    t = t[0] if isinstance(t, list) else t
    if t == "integer":
        return "integer"
    if t == "number":
        return "number"
    if t == "boolean":
        return "boolean"
    if t == "string" and sub.get("format") == "date":
        return "date"
    return "string"


def datapackage(cat: Catalogue, version: str) -> str:
    schema = cat.project.collections["fiches"].schema
    fields = []
    for name, sub in csv_columns(schema):
        ftype = _table_type(sub)
        if sub.get("type") == "array":
            ftype = "string"
        field = {"name": name, "type": ftype, "description": sub.get("description", "")}
        if ftype == "boolean":
            field["trueValues"], field["falseValues"] = ["true"], ["false"]
        fields.append(field)
    lic = _licence(cat)
    pkg = {
        "profile": "data-package",
        "name": f"{cat.project.name}-fiches",
        "title": cat.project.config.get("title", ""),
        "version": version,
        "licenses": [lic],
        "sources": [{"title": cat.project.config.get("source_guide", "")}],
        "resources": [
            {"name": "fiches", "path": "fiches.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "licenses": [lic],
             "schema": {"fields": fields, "primaryKey": ["id"]}},
            {"name": "fiches-json", "path": "fiches.json", "format": "json", "mediatype": "application/json",
             "description": "Les mêmes fiches, avec leur structure complète (voir fiche.schema.json)."},
            {"name": "ressources", "path": "ressources.json", "format": "json", "mediatype": "application/json",
             "description": "Dispositifs de financement, réseaux et outils cités."},
        ],
    }
    return json.dumps(pkg, ensure_ascii=False, indent=2) + "\n"


# -- JSON-LD and Atom --------------------------------------------------------------
def jsonld_for(cat: Catalogue, record: Record, settings: dict) -> dict:
    d = record.data
    refs = cat.project.referentials
    site = (settings.get("site_url") or "").rstrip("/")
    col = cat.project.collections[record.collection]
    url = f"{site}/{col.url}/{record.id}/" if site else None
    keywords = [refs["principes"].label(p, True) for p in d.get("principes", [])] + \
               [refs["thematiques"].label(t) for t in d.get("thematiques", [])]
    place = {"@type": "Place", "name": d.get("territoire", {}).get("nom"),
             "address": {"@type": "PostalAddress", "addressCountry": "FR",
                         "addressRegion": ", ".join(refs["regions"].label(r) for r in d.get("territoire", {}).get("regions", []))}}
    lic = refs["licences"].terms.get(d.get("licence", ""))
    out = {
        "@context": "https://schema.org", "@type": "CreativeWork", "inLanguage": "fr",
        "name": d.get("titre"), "description": d.get("en_bref"), "about": place, "keywords": keywords,
        "license": lic.extra.get("url") if lic else d.get("licence"), "dateModified": d.get("mis_a_jour"),
        "isBasedOn": {"@type": "CreativeWork", "name": cat.project.config.get("source_guide", ""),
                      "publisher": [{"@type": "Organization", "name": "Réseau rural national"},
                                    {"@type": "Organization", "name": "ADRETS"}], "datePublished": "2022"},
    }
    if url:
        out["url"] = url
    return out


def atom_feed(cat: Catalogue, settings: dict) -> str:
    site = (settings.get("site_url") or "https://example.invalid").rstrip("/")
    col = cat.project.collections["fiches"]
    recs = sorted(cat["fiches"].values(), key=lambda r: (str(r.data.get(col.date_field, "")), r.id), reverse=True)
    updated = max((str(r.data.get(col.date_field, "")) for r in recs), default="1970-01-01")
    title = cat.project.config.get("title", "")
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
             f"  <title>{xml_escape(title)} – fiches ajoutées et mises à jour</title>",
             f'  <id>{xml_escape(site)}/</id>', f'  <link href="{xml_escape(site)}/" />',
             f'  <link rel="self" href="{xml_escape(site)}/flux.xml" />',
             f"  <updated>{updated}T00:00:00Z</updated>", "  <author><name>Contributeurs du wiki</name></author>"]
    for r in recs:
        url = f"{site}/{col.url}/{r.id}/"
        date = str(r.data.get(col.date_field, updated))
        lines += ["  <entry>", f"    <title>{xml_escape(str(r.data.get('titre', r.id)))} ({xml_escape(str(get_field(r.data, 'territoire.nom') or ''))})</title>",
                  f"    <id>{xml_escape(url)}</id>", f'    <link href="{xml_escape(url)}" />',
                  f"    <updated>{date}T00:00:00Z</updated>",
                  f"    <summary>{xml_escape(str(r.data.get('en_bref', '')))}</summary>", "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def export_files(cat: Catalogue, version: str, settings: dict | None = None) -> dict:
    """{relative path: text} of every open-data file."""
    settings = settings or {}
    schema_src = (cat.project.root / cat.project.collections["fiches"].schema_file).read_text(encoding="utf-8")
    return {
        "donnees/fiches.json": fiches_json(cat, version),
        "donnees/fiches.csv": fiches_csv(cat),
        "donnees/ressources.json": ressources_json(cat, version),
        "donnees/datapackage.json": datapackage(cat, version),
        "schema/fiche.schema.json": schema_src,
        "flux.xml": atom_feed(cat, settings),
    }


def write_site_exports(cat: Catalogue, site: Path, settings: dict) -> list:
    written = []
    for rel, text in export_files(cat, settings.get("version", "dev"), settings).items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_exports(cat: Catalogue, out: Path, version: str = "dev") -> list:
    written = []
    for rel, text in export_files(cat, version).items():
        path = out / Path(rel).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
