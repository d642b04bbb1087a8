"""Keeping the commons alive: the weekly watch (`commons-wiki veille`) against a local server
that answers with live, redirected, dead and slow links; and a fiche not updated for two years
shows « à actualiser » on its page, on its card and in a catalogue facet."""
from __future__ import annotations

import datetime
import http.server
import re
import socketserver
import subprocess
import sys
import threading
import time

import pytest
from bs4 import BeautifulSoup

from commons_wiki.catalogue import load_catalogue
from commons_wiki.linkwatch import check_link, cited_links, is_stale
from conftest import copy_project, run_mkdocs


class Answers(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/lent"):
            time.sleep(3)
        if self.path.startswith("/redirige"):
            self.send_response(301)
            self.send_header("Location", "/ok-ailleurs")
            self.end_headers()
            return
        self.send_response(404 if self.path.startswith("/mort") else 200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<p>page</p>")

    def do_HEAD(self):
        if self.path.startswith("/refuse-head"):
            self.send_response(405)
            self.end_headers()
            return
        self.do_GET()


@pytest.fixture(scope="module")
def server():
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Answers)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("path,status", [("/ok", "ok"), ("/refuse-head", "ok"), ("/redirige", "redirige"),
                                         ("/mort", "mort"), ("/lent", "lent")])
def test_each_kind_of_answer(server, path, status):
    assert check_link(server + path, timeout=1).status == status


def test_an_unreachable_site_is_dead():
    result = check_link("http://127.0.0.1:9/", timeout=1)
    assert result.status == "mort" and "injoignable" in result.detail


def test_the_weekly_report_lists_dead_and_slow_links_with_who_cites_them(server, tmp_path):
    root = copy_project(tmp_path / "proj")
    # every external address of the copy points to the local server, which answers « ok »
    for pattern in ("references/liens.md", "fiches/*.md", "ressources/*.yml"):
        for path in root.glob(pattern):
            text = re.sub(r"https?://[^\s\"')>\]]+", server + "/ok", path.read_text(encoding="utf-8"))
            path.write_text(text, encoding="utf-8")
    liens = root / "references" / "liens.md"
    text = liens.read_text(encoding="utf-8")
    first, second = re.findall(r"^\[(l-[0-9a-f]+)\]:", text, re.M)[:2]
    text = re.sub(rf"^\[{first}\]: \S+", f"[{first}]: {server}/mort", text, flags=re.M)
    text = re.sub(rf"^\[{second}\]: \S+", f"[{second}]: {server}/lent", text, flags=re.M)
    liens.write_text(text, encoding="utf-8")
    juch = root / "fiches" / "le-juch.md"
    juch.write_text(juch.read_text(encoding="utf-8").replace('mis_a_jour: "2026-11-26"', 'mis_a_jour: "2021-03-01"'),
                    encoding="utf-8")
    citing = [r.file for recs in load_catalogue(root).records.values() for r in recs.values() if f"][{first}]" in r.body]
    assert citing

    report = tmp_path / "veille.md"
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(root), "veille", "--delai", "1",
                             "--rapport", str(report)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    assert "## Liens morts (1)" in text and f"{server}/mort — erreur 404" in text
    assert all(f"`{f}`" in text for f in citing)
    assert "## Liens qui ne répondent pas à temps (1)" in text and f"{server}/lent" in text
    assert "## Fiches à actualiser (1)" in text and "`fiches/le-juch.md`" in text
    assert f"{server}/ok" not in text


def test_fiche_fields_and_references_are_both_watched():
    from conftest import ROOT
    cited = cited_links(load_catalogue(ROOT))
    assert "http://www.lejuch.fr/kergo/" in cited and cited["http://www.lejuch.fr/kergo/"] == ["fiches/le-juch.md"]
    assert any(files and files[0].startswith("content/") for files in cited.values())


def test_two_years_make_a_fiche_stale():
    today = datetime.date(2026, 12, 5)
    assert is_stale("2024-12-05", today) and is_stale("2024-01-31", today)
    assert not is_stale("2024-12-06", today) and not is_stale("2026-11-26", today)


def test_a_stale_fiche_says_so_on_its_page_its_card_and_in_a_facet(tmp_path):
    root = copy_project(tmp_path / "proj")
    juch = root / "fiches" / "le-juch.md"
    juch.write_text(juch.read_text(encoding="utf-8").replace('mis_a_jour: "2026-11-26"', 'mis_a_jour: "2021-03-01"'),
                    encoding="utf-8")
    assert run_mkdocs(root).returncode == 0
    site = root / "site"
    page = BeautifulSoup((site / "fiches" / "le-juch" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "À actualiser" in page.select_one(".cw-stale").get_text()
    fresh = BeautifulSoup((site / "fiches" / "arvieu" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert fresh.select_one(".cw-stale") is None
    catalogue = BeautifulSoup((site / "catalogue" / "index.html").read_text(encoding="utf-8"), "html.parser")
    card = catalogue.select_one('article[data-fiche="le-juch"]')
    assert card.select_one(".cw-card__stale") is not None
    option = catalogue.select_one('input[name="fraicheur"][value="a-actualiser"]').find_parent("label")
    assert "À actualiser" in option.get_text() and "(1)" in option.get_text()
