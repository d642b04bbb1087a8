"""A one-key typo in schema/wiki.yml is reported like a content mistake — « schema/wiki.yml:line:
key: message » in French, every problem at once — never as a Python traceback, by the validator
and by the build (the package's schema of wiki.yml: plugins/commons_wiki/data/wiki.schema.json)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, copy_project, run_mkdocs

WIKI = (ROOT / "schema" / "wiki.yml").read_text(encoding="utf-8")

# (the line as written, the line with the typo, the key and the start of the message)
TYPOS = [
    ("    folder: fiches ", "    foldr: fiches ", "collections.fiches.foldr", "champ inconnu (vouliez-vous dire « folder » ?)"),
    ("  principes: {field: principes,", "  principes: {fiel: principes,", "taxonomies.principes.fiel", "champ inconnu"),
    ("referential: departements, attribute: region", "referentiel: departements, attribute: region",
     "consistency[0].referentiel", "champ inconnu"),
    ("{name: principes, label: Principes directeurs", "{name: principes, labl: Principes directeurs",
     "catalogue.facets[0].labl", "champ inconnu (vouliez-vous dire « label » ?)"),
    ("  collection: fiches               # the main records", "  collection: fiche\n", "publish.collection",
     "collection « fiche » inconnue"),
]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("old,new,key,message", TYPOS, ids=[t[2] for t in TYPOS])
def test_a_typo_in_wiki_yml_is_a_french_problem_with_its_line(tmp_path, old, new, key, message):
    assert old in WIKI, f"wiki.yml a changé : {old!r}"
    root = copy_project(tmp_path / "proj")
    text = WIKI.replace(old, new, 1)
    (root / "schema" / "wiki.yml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(root), "validate"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    expected = f"schema/wiki.yml:{line_of(text, new)}: {key}: {message}"
    assert expected in result.stdout, result.stdout


def test_the_build_reports_it_too(tmp_path):
    root = copy_project(tmp_path / "proj")
    (root / "schema" / "wiki.yml").write_text(WIKI.replace(TYPOS[0][0], TYPOS[0][1], 1), encoding="utf-8")
    result = run_mkdocs(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert "schema/wiki.yml:" in output and "collections.fiches.foldr: champ inconnu" in output


def test_a_referential_is_checked_against_its_schema(project):
    """A referential (schema/referentiels/*.yml) with a misspelt key or a wrong type: every problem
    named with its file, line and field, in French; no traceback."""
    path = project / "schema" / "referentiels" / "principes.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    libelle_court: Coopération territoriale", "    libelle_cour: Coopération territoriale", 1)
    text = text.replace("titre: Principes directeurs", "titre: [Principes directeurs]", 1)
    path.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(project), "validate"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "schema/referentiels/principes.yml:3: titre: doit être un texte" in out.stdout, out.stdout
    assert "schema/referentiels/principes.yml:9: termes[0].libelle_court: champ obligatoire manquant" in out.stdout
    assert "Traceback" not in out.stderr
