"""Internal links and anchors of the built sites: every one reaches a file and an id."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from commons_wiki.linkcheck import check_links, external_links, scan_links
from conftest import ROOT, _built_site, copy_project, run_mkdocs


def site_base_path() -> str:
    """Path part of site_url (/wiki/): MkDocs writes root-absolute links with it in 404.html."""
    conf = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return urlsplit(conf.get("site_url") or "/").path or "/"


def _fail_message(messages: list) -> str:
    return f"{len(messages)} lien(s) ou ancre(s) cassé(s) :\n" + "\n".join(messages)


def test_online_build_has_no_broken_link_or_anchor(built_site):
    messages, external = scan_links(built_site, site_base_path())
    assert messages == [], _fail_message(messages)
    # the check really read the site: the fiches link to their projects' own sites
    assert "https://lejardin.arvieu.fr/" in external, "liens externes introuvables : le site a-t-il été lu ?"


def test_offline_build_has_no_broken_link_or_anchor():
    if not (ROOT / "mkdocs.offline.yml").exists():
        pytest.skip("mkdocs.offline.yml n'existe pas encore : pas de version hors ligne à vérifier")
    site = _built_site("mkdocs.offline.yml")
    messages = check_links(site, site_base_path(), offline=True)
    assert messages == [], _fail_message(messages)
    # pages are files (x.html), as file:// needs
    assert (site / "catalogue" / "index.html").is_file() and (site / "a-propos" / "contribuer.html").is_file()


def test_a_broken_link_and_anchor_in_a_real_build_are_reported(tmp_path):
    root = copy_project(tmp_path / "proj")
    page = root / "content" / "a-propos" / "contribuer.md"
    # links to URLs (not to .md files): MkDocs does not validate them, so only our check can catch them
    page.write_text(page.read_text(encoding="utf-8") + "\n\n"
                    "[une fiche disparue](../../fiches/nulle-part/) "
                    "[une ancre disparue](../../catalogue/#section-inexistante)\n",
                    encoding="utf-8")
    result = run_mkdocs(root)
    assert result.returncode == 0, result.stdout + result.stderr
    messages = check_links(root / "site", site_base_path())
    text = "\n".join(messages)
    assert len(messages) == 2, text
    assert "a-propos/contribuer/index.html" in text
    assert "« fiches/nulle-part/index.html » n'existe pas" in text
    assert "ancre « #section-inexistante »" in text and "catalogue/index.html" in text


# -- the checker itself, on small hand-made sites ------------------------------------
def _site(tmp_path: Path, files: dict) -> Path:
    for rel, html in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    return tmp_path


def test_directory_urls_anchors_and_external_links(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="a/">a</a> <a href="a/#ici">ici</a> <a href="a/#la">là</a> <a href="#haut">haut</a>'
                      '<h1 id="haut">x</h1> <a href="b/">b</a> <img src="img/x.png" alt="">'
                      '<a href="https://exemple.org/">ext</a> <a href="mailto:contact@exemple.org">mail</a>'
                      '<a href="../../etc/passwd">dehors</a> <a href="javascript:alert(1)">js</a>'
                      '<a href="/wiki/a/">absolu</a> <a href="d%C3%A9j%C3%A0/">accents</a>',
        "a/index.html": '<h2 id="ici">ici</h2><a href="../">accueil</a> <a href="../index.html#haut">haut</a>',
        "déjà/index.html": "<p>ok</p>",
    })
    messages = check_links(site, "/wiki/")
    text = "\n".join(messages)
    assert len(messages) == 5, text
    assert "ancre « #la »" in text and "« a/index.html »" in text
    assert "« b/index.html » n'existe pas" in text
    assert "« img/x.png » n'existe pas" in text
    assert "sort du site" in text
    assert "javascript:" in text
    assert external_links(site) == {"https://exemple.org/": ["index.html"],
                                    "mailto:contact@exemple.org": ["index.html"]}


def test_offline_builds_need_html_files_not_folders(tmp_path):
    site = _site(tmp_path, {
        "index.html": '<a href="a.html#ici">a</a> <a href="b/">dossier</a> <a href="/a.html">absolu</a>',
        "a.html": '<h2 id="ici">ici</h2><a href="index.html">accueil</a>',
        "b/index.html": "<p>b</p>",
    })
    assert check_links(site) == []   # served over http, b/ opens b/index.html
    messages = check_links(site, offline=True)
    text = "\n".join(messages)
    assert len(messages) == 2, text
    assert "dossier" in text and "b/index.html" in text
    assert "chemin absolu" in text


def test_unknown_shared_link_reference_is_reported_with_its_line(tmp_path):
    """External links live once in references/liens.md; a page citing an unknown one is an error."""
    from commons_wiki.catalogue import load_catalogue
    root = copy_project(tmp_path / "proj")
    page = root / "content" / "methode" / "mobilite.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nVoir [un site disparu][l-inconnu].\n", encoding="utf-8")
    line = len(text.split("\n")) + 1
    problems = [p.text() for p in load_catalogue(root).problems]
    assert problems == [f"content/methode/mobilite.md:{line}: lien « l-inconnu » absent de references/liens.md"]


def test_shared_link_references_resolve_in_the_built_pages(built_site):
    for page in built_site.rglob("*.html"):
        assert "][l-" not in page.read_text(encoding="utf-8"), page
