"""`mkdocs build` stops on a broken fiche with the list of problems, and publishes every fiche."""
from __future__ import annotations

import os
import subprocess

import yaml

from conftest import ROOT, copy_project, run_mkdocs

JUCH = (ROOT / "fiches" / "le-juch.md").read_text(encoding="utf-8")


def test_build_fails_on_a_broken_fiche_with_file_and_line(tmp_path):
    root = copy_project(tmp_path / "proj")
    text = JUCH.replace("population: 723", "population: beaucoup", 1)
    text = text.replace("thematiques: [mobilite,", "thematiques: [Mobilite,", 1)
    (root / "fiches" / "le-juch.md").write_text(text, encoding="utf-8")
    lines = text.split("\n")
    population = lines.index("population: beaucoup") + 1
    thematiques = next(i for i, line in enumerate(lines) if line.startswith("thematiques: [Mobilite")) + 1

    result = run_mkdocs(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "rien n'a été publié" in output
    assert f"fiches/le-juch.md:{population}: population: doit être un nombre entier, pas « beaucoup »" in output
    assert (f"fiches/le-juch.md:{thematiques}: thematiques[0]: « Mobilite » n'existe pas dans le référentiel "
            "thématiques (vouliez-vous dire « mobilite » ?)") in output
    assert "2 problèmes trouvés." in output
    assert not (root / "site" / "fiches").exists()


def test_build_fails_on_a_broken_front_matter_that_mkdocs_would_swallow(tmp_path):
    # MkDocs itself ignores YAML errors in front matter: we must not
    root = copy_project(tmp_path / "proj")
    text = JUCH.replace('porteur: "Commune du Juch"', 'porteur: "Commune du Juch', 1)
    (root / "fiches" / "le-juch.md").write_text(text, encoding="utf-8")
    result = run_mkdocs(root)
    assert result.returncode != 0
    assert "fiches/le-juch.md:" in result.stderr and "ouvert ici et jamais fermé" in result.stderr


def test_every_fiche_is_published(built_site):
    from bs4 import BeautifulSoup
    sources = sorted(p.stem for p in (ROOT / "fiches").glob("*.md"))
    published = sorted(p.parent.name for p in (built_site / "fiches").glob("*/index.html"))
    assert sources and published == sources
    for slug in sources:
        front = (ROOT / "fiches" / f"{slug}.md").read_text(encoding="utf-8").split("---\n")[1]
        titre = yaml.safe_load(front)["titre"]
        soup = BeautifulSoup((built_site / "fiches" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert titre in soup.find("h1").get_text(), slug


def test_make_build_works_from_a_downloaded_archive_without_git(tmp_path):
    """A zip of the repository has no .git: the build date comes from the clock, no traceback."""
    import shutil
    root = copy_project(tmp_path / "archive")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    assert subprocess.run(["git", "rev-parse"], cwd=root, capture_output=True).returncode != 0, "pas d'archive sans git"
    venv = ROOT / ".venv"
    # -o: never reinstall the project into the shared environment from this copy
    result = subprocess.run(["make", "build", f"VENV={venv}", f"BIN={venv}/bin", "-o", f"{venv}/bin/.base"], cwd=root, capture_output=True,
                            text=True, timeout=600, env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"})
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    assert "Traceback" not in result.stderr and (root / "site" / "index.html").exists()
