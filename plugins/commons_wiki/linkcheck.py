"""Internal links of a built site: every href/src must reach a file, every #anchor an id.

Plain Python (no MkDocs import): it reads the HTML files of a site folder, as a visitor would
follow them. Works for both kinds of build:

- served over http with directory URLs: ``x/`` opens ``x/index.html``;
- opened from the disk (file://, ``use_directory_urls: false``): pass ``offline=True`` and a
  link ending in ``/`` is reported, because a browser then shows the folder, not the page.

External links (http, https, mailto, tel…) are not checked (no network); ``external_links``
lists them for whoever wants to check them by hand.
"""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that point to another resource.
LINK_ATTRS = {"href", "src", "xlink:href", "poster", "data"}
# Schemes that leave the site (not checked, listed on demand) or that carry no target.
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "ftp", "sms", "geo"}
INERT_SCHEMES = {"data", "blob", "about"}
MAX_PAGES_SHOWN = 3


class _PageParser(HTMLParser):
    """Collects the ids (anchors) of a page and the (attribute, value) of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in LINK_ATTRS:
                # <object data=…> is a link, data-* attributes are not (they never match exactly "data")
                if name == "data" and tag != "object":
                    continue
                # <link rel="preconnect"> etc. to external hosts still show up below as external
                self.links.append(value.strip())

    handle_startendtag = handle_starttag


class _Site:
    def __init__(self, site_dir: Path, base_path: str):
        self.root = Path(site_dir)
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self._parsed: dict[str, _PageParser] = {}

    def html_pages(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.html"))

    def parsed(self, rel: str) -> _PageParser:
        if rel not in self._parsed:
            parser = _PageParser()
            parser.feed((self.root / rel).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._parsed[rel] = parser
        return self._parsed[rel]


def _classify(url: str) -> str:
    """'external', 'inert', 'script' or 'internal'."""
    if url.startswith("//"):
        return "external"
    scheme = urlsplit(url).scheme.lower()
    if not scheme or len(scheme) == 1:   # len 1: a Windows drive letter, never produced here
        return "internal"
    if scheme in EXTERNAL_SCHEMES:
        return "external"
    if scheme in INERT_SCHEMES:
        return "inert"
    if scheme == "javascript":
        return "script"
    return "external"   # any other scheme leaves the site too


def _target(site: _Site, page: str, url: str) -> tuple[str | None, str, str]:
    """(site-relative file path or None if outside the site, fragment, path as written)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    fragment = unquote(parts.fragment)
    if not path:
        return page, fragment, path
    if path.startswith("/"):
        if not path.startswith(site.base_path) and path + "/" != site.base_path:
            return None, fragment, path
        joined = path[len(site.base_path):]
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    trailing = path.endswith("/") or path.endswith("/.") or path in (".", "./")
    norm = posixpath.normpath(joined) if joined else "."
    if norm.startswith(".."):
        return None, fragment, path
    if norm == ".":
        norm = ""
    if trailing and norm:
        norm += "/"
    return norm, fragment, path


def _scan(site_dir, base_path: str = "/", offline: bool = False):
    site = _Site(Path(site_dir), base_path)
    broken: dict[str, list[str]] = {}   # message -> pages where it occurs
    external: dict[str, list[str]] = {}
    for page in site.html_pages():
        for url in site.parsed(page).links:
            if not url:
                continue
            kind = _classify(url)
            if kind == "external":
                _add(external, url, page)
            elif kind != "inert":
                message = _link_problem(site, page, url, kind, offline)
                if message:
                    _add(broken, message, page)
    return broken, external


def _add(pages_by_key: dict, key: str, page: str) -> None:
    pages = pages_by_key.setdefault(key, [])
    if page not in pages:
        pages.append(page)


def _link_problem(site: _Site, page: str, url: str, kind: str, offline: bool) -> str | None:
    """The French message for a link of the site that does not work (None when it does)."""
    if kind == "script":
        return f"lien « {url} » : un lien ne doit jamais exécuter de code (javascript:)"
    if offline and url.startswith("/") and page != "404.html":
        # file:///wiki/… is the root of the disk, not of the copy (404.html is only
        # ever served by a web server, which resolves it)
        return f"lien « {url} » : chemin absolu, qui ne s'ouvre pas depuis le disque (file://)"
    target, fragment, written = _target(site, page, url)
    if target is None:
        return f"lien « {url} » : sort du site"
    if target == "" or target.endswith("/"):
        if offline and written:
            return (f"lien « {url} » : pointe vers un dossier, qui ne s'ouvre pas depuis le disque "
                    f"(file://) ; visez « {target}index.html »")
        target += "index.html"
    return _target_problem(site, page, url, target, fragment, offline)


def _target_problem(site: _Site, page: str, url: str, target: str, fragment: str, offline: bool) -> str | None:
    file = site.root / target
    if file.is_dir() and (file / "index.html").is_file() and not offline:
        target = target + "/index.html"   # a server redirects x to x/
        file = site.root / target
    if not file.is_file():
        return f"lien « {url} » : la cible « {target} » n'existe pas"
    if fragment and target.endswith(".html") and fragment not in site.parsed(target).ids:
        where = "cette page" if target == page else f"la page « {target} »"
        return f"ancre « #{fragment} » (lien « {url} ») : absente de {where}"
    return None


def _messages(broken: dict) -> list[str]:
    messages = []
    for message, pages in sorted(broken.items()):
        shown = ", ".join(pages[:MAX_PAGES_SHOWN])
        more = f" et {len(pages) - MAX_PAGES_SHOWN} autre(s)" if len(pages) > MAX_PAGES_SHOWN else ""
        messages.append(f"{shown}{more} : {message}")
    return messages


def scan_links(site_dir, base_path: str = "/", offline: bool = False) -> tuple[list[str], dict[str, list[str]]]:
    """Both results of one reading of the site: (messages of check_links, external_links)."""
    broken, external = _scan(site_dir, base_path, offline)
    return _messages(broken), dict(sorted(external.items()))


def check_links(site_dir, base_path: str = "/", offline: bool = False) -> list[str]:
    """French messages, one per broken link or anchor, with the pages where it occurs.

    ``base_path`` is the path part of ``site_url`` (``/wiki/``): MkDocs writes root-absolute
    links with it in 404.html. ``offline=True`` for a build meant to be opened from the disk.
    Empty list: every internal link and anchor resolves.
    """
    return scan_links(site_dir, base_path, offline)[0]


def external_links(site_dir, base_path: str = "/") -> dict[str, list[str]]:
    """{external URL: pages that link to it}: to check by hand, or with a network."""
    return scan_links(site_dir, base_path)[1]


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description="Vérifie les liens internes et les ancres d'un site construit.")
    parser.add_argument("site_dir")
    parser.add_argument("--base-path", default="/", help="chemin de site_url (par exemple /wiki/)")
    parser.add_argument("--offline", action="store_true", help="site destiné à être ouvert depuis le disque")
    parser.add_argument("--externes", action="store_true", help="lister aussi les liens externes")
    args = parser.parse_args(argv)
    messages, external = scan_links(args.site_dir, args.base_path, args.offline)
    for m in messages:
        print(m)
    if args.externes:
        for url, pages in external.items():
            print(f"externe : {url} ({len(pages)} page(s))")
    print(f"{len(messages)} lien(s) ou ancre(s) cassé(s)")
    return 1 if messages else 0


if __name__ == "__main__":
    raise SystemExit(main())
