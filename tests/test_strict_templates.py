"""Strict templates: a name a template misspells stops the build with the template's file and
line, in French; an optional field a fiche leaves out still reads as nothing."""
from __future__ import annotations

import pytest

from conftest import run_mkdocs


@pytest.mark.parametrize("template,old,new,name", [
    ("fiche.md.j2", "{{ c.organisation }}", "{{ c.organisaton }}", "organisaton"),   # a field
    ("catalogue.md.j2", 'cat["fiches"].values()', 'cat["fiches"].valeurs()', "valeurs"),   # a method
    ("accueil.md.j2", "{% if settings.offline %}", "{% if setings.offline %}", "setings"),   # a variable
])
def test_a_misspelt_name_stops_the_build_with_file_and_line(project, template, old, new, name):
    path = project / "templates" / template
    text = path.read_text(encoding="utf-8")
    assert old in text, "exemple à mettre à jour"
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_mkdocs(project)
    assert result.returncode != 0
    assert f"templates/{template}:" in result.stderr and f"« {name} »" in result.stderr, result.stderr[-800:]
    assert "Traceback" not in result.stderr
    assert f"templates/{template}:{line} " in result.stderr


def test_a_catalogue_without_javascript_counts_its_fiches(built_site):
    """The bug strict templates would have caught: the count read data that did not exist."""
    import re
    html = (built_site / "catalogue" / "index.html").read_text(encoding="utf-8")
    n = len(re.findall(r'<article[^>]+data-fiche="', html))
    assert n and f"{n} fiche" in re.sub(r"<[^>]+>", "", html)
