"""`commons-wiki new fiche`: questions, answers checked against the referentials, and a skeleton
derived from the schema that the validator rejects until it is filled, then accepts."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest
import yaml

from commons_wiki.catalogue import load_catalogue
from commons_wiki.frontmatter import parse_markdown
from commons_wiki.scaffold import new_record
from commons_wiki.text import slugify
from conftest import ROOT, copy_project

SCHEMA = json.loads((ROOT / "schema" / "fiche.schema.json").read_text(encoding="utf-8"))


def offered(schema: dict) -> dict:
    """The properties the scaffold offers a contributor (``x-scaffold: false`` ones are the guide's)."""
    return {k: s for k, s in schema.get("properties", {}).items() if s.get("x-scaffold") is not False}


def run_new(root: Path, answers: str, territoire=None, titre=None, non_interactif=False):
    out = io.StringIO()
    args = Namespace(territoire=territoire, titre=titre, non_interactif=non_interactif)
    code = new_record(root, "fiche", args, io.StringIO(answers), out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def proj(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("scaffold") / "proj")


# -- filling the skeleton as a contributor would ------------------------------------------------
def example(schema: dict, path: str):
    """A valid value for one field of the schema."""
    if path.endswith(".visite"):
        return "terrain/lormes.md"
    if "x-referentiel" in schema:
        return {"echelles": "commune", "principes": "participation", "thematiques": "mobilite",
                "licences": "CC-BY-SA-4.0", "regions": "53", "departements": "29"}[schema["x-referentiel"]]
    if "enum" in schema:
        return schema["enum"][0]
    types = schema.get("type", "string")
    types = types if isinstance(types, list) else [types]
    if "object" in types:
        return {k: example(s, f"{path}.{k}") for k, s in schema["properties"].items() if k in schema.get("required", [])}
    if "array" in types:
        return [example(schema["items"], path + "[]")]
    if "boolean" in types:
        return True
    if "integer" in types or "number" in types:
        return max(schema.get("minimum", 1), 1)
    fmt = schema.get("format")
    if fmt == "date":
        return "2026-01-15"
    if fmt == "uri":
        return "https://example.org/projet"
    if fmt == "email":
        return "contact@example.org"
    if path.endswith("code_postal"):
        return "29100"
    if path.endswith("telephone"):
        return "02 98 00 00 00"
    return ("Texte rédigé par le contributeur de la fiche. " * 3)[:max(schema.get("minLength", 0), 30)]


def fill(value, schema: dict, path: str):
    """Replace every placeholder (empty value, « À COMPLÉTER ») by a valid value."""
    if value is None or (isinstance(value, str) and "À COMPLÉTER" in value):
        return example(schema, path)
    if isinstance(value, dict):
        return {k: fill(v, schema["properties"][k], f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, schema["items"], path + "[]") for v in value]
    return value


def front_and_body(path: Path):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return front, body


def write_filled(path: Path, front_text: str, body: str):
    data = fill(yaml.safe_load(front_text), SCHEMA, "")
    body = body.replace("À COMPLÉTER : votre texte", "Le texte rédigé par le contributeur")
    path.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body, encoding="utf-8")


def uncomment_optional_blocks(front: str) -> str:
    """Remove the first « # » of every commented-out line: field lines (« # key: », « # - … »)
    and, inside such blocks, descriptions written « # # … » (which stay comments)."""
    out = []
    for line in front.split("\n"):
        m = re.match(r"^(\s*)# (.*)$", line)
        if m and re.match(r"\s*(- )?[a-z_]+:( |$)|\s*-\s|#", m.group(2)):
            line = m.group(1) + m.group(2)
        out.append(line)
    return "\n".join(out)


# -- tests -----------------------------------------------------------------------------------------
def test_slug_folds_accents_and_apostrophes():
    assert slugify("Montauban-sur-l'Ouvèze") == "montauban-sur-l-ouveze"
    assert slugify("  Saint-Étienne-de-Baïgorry ") == "saint-etienne-de-baigorry"
    assert slugify("PETR Sud Lozère") == "petr-sud-lozere"


def test_wrong_answers_are_asked_again_with_the_choices(proj):
    # territory that already has a fiche, then a new one; unknown département then a name;
    # unknown scale then a number
    answers = "Muttersholtz\nHameau-Témoin\nLe jardin partagé\n98\nFinistère, 56\nmétropole\n1\n"
    code, out = run_new(proj, answers)
    assert code == 0, out
    assert "fiches/muttersholtz.md" in out and "existe déjà" in out
    assert "« 98 » n'est pas dans la liste « Départements »" in out
    assert "« métropole » n'est pas dans la liste « Échelles »" in out and "communaute-de-communes" in out
    data = parse_markdown((proj / "fiches" / "hameau-temoin.md").read_text(encoding="utf-8"), "x").data
    assert data["titre"] == "Le jardin partagé"
    assert data["territoire"] == {"nom": "Hameau-Témoin", "departements": ["29", "56"], "regions": ["53"]}
    assert data["echelle"] == "commune"


def test_skeleton_has_every_schema_field_with_its_description(proj):
    code, out = run_new(proj, "29\n2\n", territoire="Commune-Squelette", titre="Une initiative")
    assert code == 0, out
    text = (proj / "fiches" / "commune-squelette.md").read_text(encoding="utf-8")
    data = parse_markdown(text, "x").data

    def walk(schema, prefix=""):
        for name, sub in offered(schema).items():
            yield name, sub, prefix + name
            target = sub.get("items", sub) if sub.get("type") == "array" else sub
            yield from walk(target, prefix + name + ".")
    for name, sub, dotted in walk(SCHEMA):
        assert re.search(rf"^[\s#]*(- )?{name}:", text, re.M), f"{dotted} absent"
        first_words = " ".join(sub["description"].split()[:4])
        assert first_words in " ".join(re.findall(r"#\s*(?:#\s*)?(.*)", text)), f"description of {dotted}"
    # required fields are active, optional blocks commented out
    assert set(data) == set(SCHEMA["required"])
    assert "# note_communs:" in text and "# enseignement:" in text
    assert data["mis_a_jour"] and data["licence"] == "CC-BY-SA-4.0"
    # a contribution, with who wrote it, when, and its sources; nothing reserved to the guide's fiches
    assert data["source"]["origine"] == "contribution" and data["source"]["redigee_le"] == data["mis_a_jour"]
    assert {"auteur", "references"} <= set(data["source"])
    for guide_only in ("provenance:", "document:", "page:", "page_visite:", "visite:"):
        assert not re.search(rf"^[\s#]*{guide_only}", text, re.M), guide_only


def test_unfilled_fields_fail_validation_then_the_filled_fiche_passes(proj):
    code, out = run_new(proj, "12\ncommunaute-de-communes\n", territoire="Vallée d'Essai", titre="Covoiturage solidaire")
    assert code == 0, out
    path = proj / "fiches" / "vallee-d-essai.md"
    problems = [p for p in load_catalogue(proj).problems if p.file == "fiches/vallee-d-essai.md"]
    fields = {p.field.split("[")[0] for p in problems}
    for required in ("porteur", "population", "en_bref", "objectifs", "principes", "tiers_lieu", "public_cible",
                     "thematiques", "moyens.humains", "bilan.resultats", "contact.organisation", "source.auteur",
                     "source.references"):
        assert required in fields, f"{required} not reported: {sorted(fields)}"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert all("À COMPLÉTER" in lines[p.line - 1] for p in problems if p.line), "problems point at the placeholders"

    front, body = front_and_body(path)
    write_filled(path, front, body)
    for other in ("hameau-temoin", "commune-squelette"):  # left unfilled by other tests
        (proj / "fiches" / f"{other}.md").unlink(missing_ok=True)
    problems = [p.text() for p in load_catalogue(proj).problems]
    assert problems == []


def test_optional_blocks_become_valid_once_uncommented_and_filled(tmp_path):
    root = copy_project(tmp_path / "proj")
    code, out = run_new(root, "", territoire="Bourg-Complet", titre="Toutes les rubriques", non_interactif=True)
    assert code == 0, out
    path = root / "fiches" / "bourg-complet.md"
    front, body = front_and_body(path)
    opened = uncomment_optional_blocks(front)
    data = yaml.safe_load(opened)
    assert set(data) == set(offered(SCHEMA)), set(offered(SCHEMA)) - set(data)
    assert set(data["contact"]) == set(SCHEMA["properties"]["contact"]["properties"])
    data.setdefault("territoire", {}).update({"departements": ["29"], "regions": ["53"]})
    data["principes"] = ["communs"]   # the note on the commons (an optional block) goes with this principle
    write_filled(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False), body)
    assert [p.text() for p in load_catalogue(root).problems] == []


def test_never_overwrites_and_non_interactive_needs_a_territory(proj):
    before = (proj / "fiches" / "ayen.md").read_bytes()
    code, out = run_new(proj, "", territoire="Ayen", non_interactif=True)
    assert code == 1 and "existe déjà" in out
    assert (proj / "fiches" / "ayen.md").read_bytes() == before
    code, out = run_new(proj, "", non_interactif=True)
    assert code == 1 and "--territoire" in out


def test_end_of_input_writes_nothing(proj):
    code, out = run_new(proj, "Bourg-Interrompu\n")
    assert code == 1 and "aucun fichier n'a été écrit" in out.lower()
    assert not (proj / "fiches" / "bourg-interrompu.md").exists()


def test_command_line(proj):
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(proj), "new", "fiche",
                             "--territoire", "Village-Ligne", "--titre", "Une épicerie"],
                            input="2A\n1\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    data = parse_markdown((proj / "fiches" / "village-ligne.md").read_text(encoding="utf-8"), "x").data
    assert data["territoire"]["departements"] == ["2A"] and data["territoire"]["regions"] == ["94"]
    (proj / "fiches" / "village-ligne.md").unlink()
