"""The preview of a pull request: a French summary of what it adds or changes, with the
validator's verdict and where to see each fiche in the attached offline build."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import ROOT, copy_project, run_mkdocs

FIXTURE = ROOT / "tests" / "fixtures" / "contribution.md"


def git(root, *args) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def summary(root, base: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(root), "resume-pr", "--base", base],
                          capture_output=True, text=True, timeout=120)


def test_summary_lists_added_and_changed_fiches_and_where_to_see_them(tmp_path):
    root = copy_project(tmp_path / "proj")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    shutil.copyfile(FIXTURE, root / "fiches" / "val-des-essais.md")
    juch = root / "fiches" / "le-juch.md"
    juch.write_text(juch.read_text(encoding="utf-8").replace("population: 723", "population: 730"), encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "proposal")
    result = summary(root, "main~1")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "**Fiches ajoutées (1)**" in text and "Le jardin partagé de l'école (Val-des-Essais)" in text
    assert "**Fiches modifiées (1)**" in text and "`fiches/le-juch.md`" in text
    assert "**Vérification : aucun problème.**" in text
    # the preview the workflow attaches (make apercu: the offline build) has the pages it names
    site = tmp_path / "apercu"
    assert run_mkdocs(root, "mkdocs.offline.yml", site).returncode == 0
    for page in ("fiches/val-des-essais.html", "fiches/le-juch.html"):
        assert f"`{page}`" in text and (site / page).is_file()


def test_summary_of_a_broken_proposal_lists_its_problems(tmp_path):
    root = copy_project(tmp_path / "proj")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    (root / "fiches" / "cassee.md").write_text(FIXTURE.read_text(encoding="utf-8").replace("population: 2140", "population: beaucoup"),
                                              encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "proposal")
    text = summary(root, "main~1").stdout
    assert "**Vérification : 1 problème à corriger**" in text
    assert "fiches/cassee.md:" in text and "population: doit être un nombre entier" in text
