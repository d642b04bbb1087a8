"""Open data as a reuser gets it from the built site: JSON against the schema, CSV against its
Frictionless table schema, JSON-LD in fiche pages, the Atom feed."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import ROOT

SCHEMA = json.loads((ROOT / "schema" / "fiche.schema.json").read_text(encoding="utf-8"))
FICHES = sorted(p.stem for p in (ROOT / "fiches").glob("*.md"))


def _front_matter(slug: str) -> dict:
    text = (ROOT / "fiches" / f"{slug}.md").read_text(encoding="utf-8")
    return yaml.load(text.split("---", 2)[1], Loader=yaml.BaseLoader)   # strings only: dates stay text


@pytest.fixture(scope="module")
def fiches_json(built_site):
    return json.loads((built_site / "donnees" / "fiches.json").read_text(encoding="utf-8"))


def test_fiches_json_records_follow_the_published_schema(fiches_json, built_site):
    # the schema published beside the data is the project's schema
    assert json.loads((built_site / "schema" / "fiche.schema.json").read_text(encoding="utf-8")) == SCHEMA
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    records = fiches_json["fiches"]            # {id (the file name): the fiche as validated}
    assert sorted(records) == FICHES
    assert fiches_json["licence"]["name"] == "CC-BY-SA-4.0"
    for fid, record in records.items():
        errors = [f"{fid}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]
        assert not errors, "\n".join(errors)


@pytest.mark.parametrize("data,schema", [("fiches.json", "fiche.schema.json"), ("ressources.json", "ressource.schema.json")])
def test_each_dataset_cites_its_schema_at_the_address_it_is_published(built_site, data, schema):
    """The $id of a schema is the address it is served from, and the data cite that address."""
    import yaml
    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\ntheme:")[0])["site_url"]
    published = json.loads((built_site / "schema" / schema).read_text(encoding="utf-8"))
    assert published["$id"] == f"{site_url}schema/{schema}"
    assert json.loads((built_site / "donnees" / data).read_text(encoding="utf-8"))["schema"] == published["$id"]


def test_fiches_json_omits_persons_without_consent(fiches_json):
    for fid, record in fiches_json["fiches"].items():
        for person in record.get("contact", {}).get("personnes", []):
            assert person["consentement"] is True, fid


def test_csv_is_valid_against_its_datapackage(built_site):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(built_site / "donnees" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    package = frictionless.Package(str(built_site / "donnees" / "datapackage.json"))
    rows = package.get_resource("fiches").read_rows()
    assert sorted(r["id"] for r in rows) == FICHES
    muttersholtz = next(r for r in rows if r["id"] == "muttersholtz")
    assert muttersholtz["territoire.nom"] == "Muttersholtz"
    assert isinstance(muttersholtz["population"], int)


def test_fiche_page_carries_json_ld(built_site):
    from bs4 import BeautifulSoup
    for slug in ("muttersholtz", "le-juch"):
        soup = BeautifulSoup((built_site / "fiches" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
        scripts = soup.find_all("script", type="application/ld+json")
        assert len(scripts) == 1, slug
        data = json.loads(scripts[0].string)
        front = _front_matter(slug)
        assert data["@context"] == "https://schema.org"
        assert data["name"] == front["titre"]
        assert data["about"]["@type"] == "Place" and data["about"]["name"] == front["territoire"]["nom"]
        assert data["keywords"] and all(isinstance(k, str) and k for k in data["keywords"])
        assert data["license"].startswith("https://creativecommons.org/")
        assert data["dateModified"] == front["mis_a_jour"]
        assert "Smart village" in data["isBasedOn"]["name"]
        assert data["url"].endswith(f"/fiches/{slug}/")


def test_atom_feed_entries_are_dated_by_mis_a_jour(built_site):
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((built_site / "flux.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == len(FICHES)
    dates = {}
    for entry in feed.entries:
        slug = entry.link.rstrip("/").rsplit("/", 1)[-1]
        assert entry.link.startswith("https://"), "the feed must point to the public site"
        dates[slug] = "{:04d}-{:02d}-{:02d}".format(*entry.updated_parsed[:3])
    assert dates == {slug: _front_matter(slug)["mis_a_jour"] for slug in FICHES}
    newest = max(dates.values())
    assert "{:04d}-{:02d}-{:02d}".format(*feed.feed.updated_parsed[:3]) == newest


def test_csv_columns_are_pinned_by_the_schemas_version():
    """A reuser's spreadsheet reads columns by position: they change only with a new x-version."""
    from commons_wiki.export import csv_columns
    recorded = json.loads((ROOT / "tests" / "fixtures" / "colonnes-csv.json").read_text(encoding="utf-8"))
    version, pinned = SCHEMA["x-version"], SCHEMA["x-csv-columns"]
    flat = [name for name, _ in csv_columns({k: v for k, v in SCHEMA.items() if k != "x-csv-columns"})]
    assert sorted(flat) == sorted(pinned), (
        "des champs du schéma ont changé : mettez à jour x-csv-columns (nouvelles colonnes à la fin) et x-version")
    assert version in recorded, f"colonnes de la version {version} à enregistrer dans tests/fixtures/colonnes-csv.json"
    assert recorded[version] == pinned, f"les colonnes ont changé sans nouvelle x-version (toujours {version})"
    assert [name for name, _ in csv_columns(SCHEMA)] == pinned


def test_a_new_field_becomes_the_last_column():
    from commons_wiki.export import csv_columns
    schema = json.loads(json.dumps(SCHEMA))
    schema["properties"] = {"nouveau": {"type": "string"}, **schema["properties"]}
    assert [name for name, _ in csv_columns(schema)][-1] == "nouveau"
