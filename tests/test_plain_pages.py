"""The exit door from the MkDocs plugin: `commons-wiki pages` writes every page of the wiki as a
plain folder of Markdown, which plain MkDocs (Material, no commons-wiki plugin, no overrides)
builds into a site whose fiches, views and HTML blocks are all there."""
from __future__ import annotations

import subprocess
import sys

import yaml

from commons_wiki.catalogue import load_catalogue
from conftest import ROOT, run_mkdocs


def test_the_pages_folder_builds_with_plain_mkdocs(tmp_path):
    pages = tmp_path / "pages"
    run = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(ROOT), "pages", "--sortie", str(pages)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "pages écrites" in run.stdout
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(pages), plugins=["search"], strict=False)
    config["theme"].pop("custom_dir")          # no override, no plugin: Material alone
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run_mkdocs(tmp_path, strict=False)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    cat = load_catalogue(ROOT)
    catalogue = (site / "catalogue" / "index.html").read_text(encoding="utf-8")
    for fiche in cat["fiches"].values():
        html = (site / "fiches" / fiche.id / "index.html").read_text(encoding="utf-8")
        assert "<dt>Région</dt>" in html                    # the HTML blocks are in place
        assert f'data-fiche="{fiche.id}"' in catalogue
    assert "cw-raw-" not in catalogue and "cw-deferred-" not in catalogue
    assert (site / "methode" / "participation" / "index.html").exists()   # contributors' pages too
