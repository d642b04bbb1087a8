"""`make serve` as a contributor uses it: an edit to a fiche shows on its page; a mistake makes
every page show the French problem list (file, line, message) instead of hanging; fixing it
brings the site back. A real `mkdocs serve` on loopback, polled over HTTP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import copy_project

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as exc:
        return f"<injoignable : {exc}>"


def wait_for(url: str, text: str, timeout: float = 60) -> float:
    """Seconds until the page at ``url`` contains ``text`` (fails after ``timeout``)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if text in fetch(url):
            return time.monotonic() - start
        time.sleep(0.5)
    pytest.fail(f"« {text} » n'apparaît pas sur {url} en {timeout} s :\n{fetch(url)[-1500:]}")


@pytest.fixture
def served(tmp_path):
    root = copy_project(tmp_path / "proj")
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/wiki/"
    try:
        wait_for(base + "fiches/le-juch/", "L'électromobilité partagée", timeout=120)
        yield root, base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_edits_show_and_mistakes_show_their_problems_until_fixed(served):
    root, base = served
    fiche = root / "fiches" / "le-juch.md"
    text = fiche.read_text(encoding="utf-8")
    page = base + "fiches/le-juch/"

    fiche.write_text(text.replace("L'électromobilité partagée", "Autopartage au bourg", 1), encoding="utf-8")
    wait_for(page, "Autopartage au bourg")

    broken = text.replace('porteur: "Commune du Juch"', 'porteur: "Commune du Juch', 1)
    fiche.write_text(broken, encoding="utf-8")
    wait_for(page, "jamais fermé")
    html = fetch(page)
    line = broken.split("\n").index('porteur: "Commune du Juch') + 1
    assert f"fiches/le-juch.md:{line}" in html
    assert "jamais fermé" in fetch(base + "catalogue/")          # any page the visitor is on

    fiche.write_text(text, encoding="utf-8")
    wait_for(page, "L'électromobilité partagée")


def test_a_change_to_the_schema_or_a_template_is_watched_too(served):
    root, base = served
    template = root / "templates" / "fiche.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("## Objectifs", "## Les objectifs", 1),
                        encoding="utf-8")
    wait_for(base + "fiches/le-juch/", "Les objectifs")
    echelles = root / "schema" / "referentiels" / "echelles.yml"
    text = echelles.read_text(encoding="utf-8")
    echelles.write_text(text + "\n  - {id: commune}\n", encoding="utf-8")   # a term without its labels
    wait_for(base + "fiches/le-juch/", "schema/referentiels/echelles.yml")
