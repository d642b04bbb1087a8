"""« Proposer une fiche » without git: the issue form is generated from the schema (and valid for
GitHub), a recorded submission becomes a valid fiche on a branch with a pull request crediting its
author; an incomplete or hostile one becomes a French comment, and nothing is written."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from commons_wiki.catalogue import load_catalogue
from commons_wiki.issue_form import issue_form
from commons_wiki.project import load_project
from conftest import ROOT, copy_project

RECORDED = ROOT / "tests" / "fixtures" / "formulaire"
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "proposer-une-fiche.yml"
CHECK = Path(sys.executable).parent / "check-jsonschema"


def convert(root: Path, body: str, author: str = "camille-exemple") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(root), "depuis-formulaire",
                           str(RECORDED / body), "--auteur", author], capture_output=True, text=True, timeout=120)


def test_the_form_is_generated_from_the_schema():
    assert FORM.read_text(encoding="utf-8") == issue_form(load_project(ROOT)), \
        "le formulaire n'est plus celui que donne le schéma : lancez `commons-wiki formulaire --ecrire`"
    labels = [f["attributes"]["label"] for f in yaml.safe_load(FORM.read_text(encoding="utf-8"))["body"] if f["type"] != "markdown"]
    assert len(labels) == len(set(labels))
    assert "Contact — personnes" not in labels                 # an issue is public at once
    assert {"Titre", "Principes directeurs", "Contexte", "La démarche"} <= set(labels)


@pytest.mark.parametrize("schema,files", [("vendor.github-issue-forms", sorted(set((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
                                                                            - {ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml"})),
                                          ("vendor.github-issue-config", [ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml"]),
                                          ("vendor.github-workflows", sorted((ROOT / ".github" / "workflows").glob("*.yml")))])
def test_the_form_and_the_workflows_follow_githubs_published_schemas(schema, files):
    result = subprocess.run([str(CHECK), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_valid_submission_becomes_a_valid_fiche_crediting_its_author(tmp_path):
    root = copy_project(tmp_path / "proj")
    result = convert(root, "valide.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "fiches/val-des-essais.md"
    cat = load_catalogue(root)
    assert cat.problems == []
    d = cat["fiches"]["val-des-essais"].data
    assert d["titre"] == "Le jardin partagé de l'école" and d["principes"] == ["participation", "soutenable"]
    assert d["source"]["origine"] == "contribution" and d["source"]["auteur"] == "Service communication de Val-des-Essais"
    assert d["moyens"]["financiers"][0] == {"libelle": "Achat des outils, des bacs et des semences", "montant": 4800,
                                           "financeur": "Commune de Val-des-Essais", "periodicite": "ponctuel"}
    assert "## La démarche" in cat["fiches"]["val-des-essais"].body


@pytest.mark.parametrize("body,expected", [
    ("incomplet.md", ["**En bref** : champ obligatoire manquant", "**Principes directeurs** : champ obligatoire manquant",
                      "**Population** : doit être un nombre entier"]),
    ("hostile.md", ["balise HTML <script> non permise", "adresse « javascript:alert(1) » refusée",
                    "« 06 12 34 56 78 » est un numéro de portable"]),
])
def test_an_incomplete_or_hostile_submission_becomes_a_french_comment_and_nothing_is_written(tmp_path, body, expected):
    root = copy_project(tmp_path / "proj")
    before = sorted(p.name for p in (root / "fiches").iterdir())
    result = convert(root, body)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith("Merci pour cette proposition ! La fiche n'a pas encore pu être créée.")
    for line in expected:
        assert line in result.stdout, (line, result.stdout)
    assert sorted(p.name for p in (root / "fiches").iterdir()) == before


def test_a_territory_that_has_a_fiche_is_not_overwritten(tmp_path):
    root = copy_project(tmp_path / "proj")
    assert convert(root, "valide.md").returncode == 0
    again = convert(root, "valide.md")
    assert again.returncode == 1 and "Une fiche existe déjà pour ce territoire" in again.stdout


def _git(root: Path, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
                                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")).stdout


@pytest.mark.parametrize("body,opens_a_pull_request", [("valide.md", True), ("incomplet.md", False)])
def test_the_workflow_script_opens_a_pull_request_or_comments(tmp_path, body, opens_a_pull_request):
    """The workflow's script, run for real on a clone (git: real; GitHub's CLI, unreachable here,
    is replaced by a recorder of what it was asked)."""
    origin = copy_project(tmp_path / "origin")
    shutil.copytree(ROOT / ".github", origin / ".github")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", ".")
    _git(origin, "commit", "-q", "-m", "wiki")
    _git(tmp_path, "clone", "-q", str(origin), "work")
    work = tmp_path / "work"
    (work / ".venv").symlink_to(ROOT / ".venv")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {tmp_path}/gh.log\n', encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", PYTHONPATH=str(ROOT / "plugins"))
    result = subprocess.run([str(work / ".github" / "scripts" / "proposer-fiche.sh"), "42", "camille-exemple",
                             str(RECORDED / body)], cwd=work, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    gh = (tmp_path / "gh.log").read_text(encoding="utf-8")
    if opens_a_pull_request:
        assert "pr create --head fiche/issue-42" in gh and "@camille-exemple" in gh and "Closes #42" in gh
        branch = _git(origin, "log", "--format=%an <%ae>|%s", "-1", "fiche/issue-42")
        assert branch.startswith("camille-exemple <camille-exemple@users.noreply.github.com>|Add fiches/val-des-essais.md")
        assert "fiches/val-des-essais.md" in _git(origin, "show", "--stat", "--format=", "fiche/issue-42")
    else:
        assert "issue comment 42 --body-file" in gh and "pr create" not in gh
        assert not (work / "fiches" / "val-des-essais.md").exists()


def test_the_blank_fiche_is_generated_and_refused_until_filled(tmp_path):
    from commons_wiki.project import load_project
    from commons_wiki.scaffold import blank_fiche, blank_path
    blank = (ROOT / blank_path(load_project(ROOT))).read_text(encoding="utf-8")
    assert blank == blank_fiche(load_project(ROOT)), "lancez `commons-wiki formulaire --ecrire`"
    root = copy_project(tmp_path / "proj")
    (root / "fiches" / "mon-village.md").write_text(blank, encoding="utf-8")
    problems = [p for p in load_catalogue(root).problems if p.file == "fiches/mon-village.md"]
    assert len(problems) > 10 and any("AAAA-MM-JJ" in p.message for p in problems)


def test_the_site_links_to_the_forms(built_site):
    from bs4 import BeautifulSoup
    forms = {p.name for p in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")}
    fiche = BeautifulSoup((built_site / "fiches" / "le-juch" / "index.html").read_text(encoding="utf-8"), "html.parser")
    report = fiche.find("a", string="Signaler une erreur sur cette fiche")
    assert report and "template=signaler-une-erreur.yml" in report["href"] and "fiche=le-juch" in report["href"]
    for page in ("index.html", "catalogue/index.html", "a-propos/contribuer/index.html"):
        html = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in html.find_all("a", href=True) if "template=proposer-une-fiche.yml" in a["href"]]
        assert links, page
    for href in (report["href"], *links):
        assert href.split("template=")[1].split("&")[0] in forms
