"""`commons-wiki validate` as contributors and CI run it: exit codes and the three output formats."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project

JUCH = (ROOT / "fiches" / "le-juch.md").read_text(encoding="utf-8")
BAD_LINE = "thematiques: [outils-numeriques, accueil-services, Mobilite]"


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The installed console script when there is one, else the module (same entry point)."""
    script = Path(sys.executable).with_name("commons-wiki")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "commons_wiki.cli"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    return subprocess.run(cmd + list(args), cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple[Path, int, int]:
    """A project with two mistakes in le-juch.md; returns (root, line of each)."""
    root = copy_project(tmp_path_factory.mktemp("cli") / "proj")
    text = JUCH.replace("thematiques: [mobilite, outils-numeriques, accueil-services]", BAD_LINE, 1)
    text = text.replace('mis_a_jour: "2026-11-26"', 'mis_a_jour: "26/11/2026"', 1)
    (root / "fiches" / "le-juch.md").write_text(text, encoding="utf-8")
    lines = text.split("\n")
    return root, lines.index(BAD_LINE) + 1, lines.index('mis_a_jour: "26/11/2026"') + 1


def test_valid_project_exits_0_and_counts(tmp_path):
    root = copy_project(tmp_path / "proj")
    result = cli("validate", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    n = len(list((ROOT / "fiches").glob("*.md")))
    assert result.stdout.splitlines() == ["Aucun problème.", result.stdout.splitlines()[1]]
    assert f"({n} fiches," in result.stdout


def test_text_format(broken):
    root, thematiques, date = broken
    result = cli("validate", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"fiches/le-juch.md:{thematiques}: thematiques[2]: « Mobilite » n'existe pas dans le référentiel "
        "thématiques (vouliez-vous dire « mobilite » ?)",
        f"fiches/le-juch.md:{date}: mis_a_jour: « 26/11/2026 » n'est pas une date AAAA-MM-JJ valide",
        "2 problèmes trouvés.",
    ]


def test_github_format(broken):
    root, thematiques, date = broken
    result = cli("validate", "--format", "github", cwd=root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file=fiches/le-juch.md,line={thematiques}::thematiques[2]: « Mobilite » n'existe pas dans le "
        "référentiel thématiques (vouliez-vous dire « mobilite » ?)",
        f"::error file=fiches/le-juch.md,line={date}::mis_a_jour: « 26/11/2026 » n'est pas une date AAAA-MM-JJ valide",
    ]


def test_json_format(broken):
    root, thematiques, date = broken
    result = cli("validate", "--format", "json", cwd=root)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(d["file"], d["line"], d["field"]) for d in data] == [
        ("fiches/le-juch.md", thematiques, "thematiques[2]"), ("fiches/le-juch.md", date, "mis_a_jour")]
    assert data[0]["message"].endswith("(vouliez-vous dire « mobilite » ?)")


def test_json_format_when_valid(tmp_path):
    root = copy_project(tmp_path / "proj")
    result = cli("validate", "--format", "json", cwd=root)
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_github_file_property_is_escaped(tmp_path):
    root = copy_project(tmp_path / "proj")
    (root / "fiches" / "a,b:c.txt").write_text("x", encoding="utf-8")
    result = cli("validate", "--format", "github", cwd=root)
    assert result.returncode == 1
    assert result.stdout.strip() == "::error file=fiches/a%2Cb%3Ac.txt::seuls des fichiers .md sont permis dans fiches/"


def test_found_from_a_subfolder_and_with_root(broken, tmp_path):
    root, thematiques, _ = broken
    from_sub = cli("validate", cwd=root / "fiches")
    assert from_sub.returncode == 1 and f"fiches/le-juch.md:{thematiques}:" in from_sub.stdout
    elsewhere = cli("--root", str(root), "validate", cwd=tmp_path)
    assert elsewhere.returncode == 1 and elsewhere.stdout == from_sub.stdout


def test_paths_limit_the_report(broken):
    root, _, _ = broken
    other = cli("validate", "fiches/ayen.md", cwd=root)
    assert other.returncode == 0 and "le-juch" not in other.stdout
    mine = cli("validate", "fiches/le-juch.md", cwd=root)
    assert mine.returncode == 1 and mine.stdout.count("fiches/le-juch.md:") == 2


def test_unknown_format_is_a_usage_error(broken):
    root, _, _ = broken
    result = cli("validate", "--format", "xml", cwd=root)
    assert result.returncode == 2 and "choix invalide" in result.stderr and "Traceback" not in result.stderr


def test_console_script_is_installed():
    assert shutil.which("commons-wiki", path=str(Path(sys.executable).parent)), \
        "run `pip install -e .` (make does it): the console script is missing"


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["new", "--help"], ["export", "--help"]])
def test_help_is_in_french(args):
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("utilisation : ") and "afficher cette aide et quitter" in result.stdout
    for english in ("usage:", "show this help", "positional arguments"):
        assert english not in result.stdout, english


def test_a_wrong_command_is_explained_in_french():
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "valider"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "erreur : " in result.stderr and "choix invalide" in result.stderr
