"""Shared fixtures: temporary copies of the project, real MkDocs builds, real headless Chromium."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

PROJECT_PARTS = ["schema", "templates", "overrides", "content", "fiches", "ressources", "references", "mkdocs.yml",
                 "mkdocs.offline.yml"]
CHROMIUM = "/usr/bin/chromium"


def copy_project(dest: Path, with_content: bool = True) -> Path:
    """A copy of the project's sources (not the venv, not git) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if not src.exists():
            continue
        if not with_content and part in ("fiches", "ressources"):
            (dest / part).mkdir(exist_ok=True)
            continue
        if src.is_dir():
            shutil.copytree(src, dest / part, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / part)
    return dest


def run_mkdocs(root: Path, config: str = "mkdocs.yml", site: Path | None = None, strict: bool = True):
    """Run a real ``mkdocs build``; returns the CompletedProcess (never raises)."""
    site = site or root / "site"
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / config), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "proj")


@functools.cache
def _built_site(config: str) -> Path:
    import tempfile
    tmp = Path(tempfile.mkdtemp(prefix="cw-site-"))
    root = copy_project(tmp / "proj")
    result = run_mkdocs(root, config, root / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The real project's site, built once per test session (online configuration)."""
    return _built_site("mkdocs.yml")


@pytest.fixture(scope="session")
def offline_zip(tmp_path_factory) -> Path:
    """The workshop copy, made as `make offline` makes it (release.main)."""
    from commons_wiki import release
    tmp = tmp_path_factory.mktemp("offline")
    root = copy_project(tmp / "proj")
    assert release.main(["offline", "--version", "test", "--dist", str(tmp / "dist")], root=root) == 0
    return tmp / "dist" / "smart-village-hors-ligne-test.zip"


@pytest.fixture(scope="session")
def unzipped(offline_zip, tmp_path_factory) -> Path:
    """The offline zip extracted to a temporary folder, as a facilitator would."""
    import zipfile
    out = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(offline_zip) as zf:
        zf.extractall(out)
    return out / "smart-village-hors-ligne-test"


@pytest.fixture(scope="session")
def browser():
    pw_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    with pw_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                     "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def site_server(built_site):
    """Serve the built site on loopback (http://127.0.0.1:port/)."""
    import http.server
    import socketserver
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep server lines out of the test output
            pass

    handler = functools.partial(Quiet, directory=str(built_site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


LOCAL = ("file://", "data:", "blob:", "about:")


def block_external(ctx, allowed=LOCAL) -> list:
    """Abort every request of the browser context that does not start with ``allowed``;
    returns the (live) list of the URLs that were blocked."""
    blocked = []

    def route(r):
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()
    ctx.route("**/*", route)
    return blocked


@pytest.fixture
def page(browser):
    """A fresh page whose requests outside the site are blocked and recorded in page.external."""
    ctx = browser.new_context(locale="fr-FR")
    external = block_external(ctx, ("http://127.0.0.1",) + LOCAL)
    pg = ctx.new_page()
    pg.external = external
    yield pg
    ctx.close()
