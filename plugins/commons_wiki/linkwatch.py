"""Keeping the commons alive: every week, the external links are checked and the fiches not
updated for two years are listed, in one French report (``commons-wiki veille``) that the
scheduled workflow posts as a single issue (opened once, then updated).

Links come from the shared reference file (``[texte][l-…]`` in the pages) and from every field
whose schema says ``x-url``; each is reported with the pages and fiches that cite it.
"""
from __future__ import annotations

import datetime
import re
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .catalogue import REFERENCE_USE, Catalogue, keyword_paths, link_references, values_at
from .project import get_field

STALE_MONTHS = 24
_DEFINITION = re.compile(r"^\[([A-Za-z0-9_-]+)\]:\s*(\S+)", re.M)
USER_AGENT = "commons-wiki-veille (+https://github.com/smart-village-commons/wiki)"


@dataclass
class LinkCheck:
    url: str
    status: str          # "ok", "redirige", "mort", "lent"
    detail: str          # « 404 », « vers https://… », « pas de réponse en 10 s »


def cited_links(cat: Catalogue) -> dict:
    """{url: [files that cite it]} for every http(s) link of the wiki."""
    cited: dict = {}
    definitions = dict(_DEFINITION.findall(link_references(cat.project)))
    for recs in cat.records.values():
        for rec in recs.values():
            for ref in set(REFERENCE_USE.findall(rec.body)):
                if ref in definitions:
                    cited.setdefault(definitions[ref], []).append(rec.file)
    for name, col in cat.project.collections.items():
        paths = [path for path, _ in keyword_paths(col.schema, "x-url")]
        for rec in cat[name].values():
            for path in paths:
                for url in values_at(rec.data, path):
                    cited.setdefault(str(url), []).append(rec.file)
    return {url: sorted(set(files)) for url, files in sorted(cited.items()) if url.startswith(("http://", "https://"))}


def check_link(url: str, timeout: float) -> LinkCheck:
    """HEAD, then GET when a server refuses HEAD; redirects followed."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                final = response.geturl()
                if final.rstrip("/") != url.rstrip("/"):
                    return LinkCheck(url, "redirige", f"vers {final}")
                return LinkCheck(url, "ok", str(response.status))
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
            return LinkCheck(url, "mort", f"erreur {exc.code}")
        except TimeoutError:
            return LinkCheck(url, "lent", f"pas de réponse en {timeout:g} s")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                return LinkCheck(url, "lent", f"pas de réponse en {timeout:g} s")
            return LinkCheck(url, "mort", f"injoignable ({exc.reason})")
        except (OSError, ValueError) as exc:
            return LinkCheck(url, "mort", f"injoignable ({exc})")
    return LinkCheck(url, "mort", "refusé")


def stale_records(cat: Catalogue, today: datetime.date, months: int = STALE_MONTHS) -> list:
    """Records of the published collection whose date field is older than ``months``."""
    conf = cat.project.config.get("publish") or {}
    col = cat.project.collections.get(conf.get("collection", ""))
    if not col or not col.date_field:
        return []
    return [rec for rec in cat[col.name].values() if is_stale(get_field(rec.data, col.date_field), today, months)]


def is_stale(date, today: datetime.date, months: int = STALE_MONTHS) -> bool:
    try:
        day = datetime.date.fromisoformat(str(date))
    except ValueError:
        return False
    return (today.year - day.year) * 12 + (today.month - day.month) - (today.day < day.day) >= months


def report(cat: Catalogue, checks: list, cited: dict, stale: list) -> str:
    """The French report of the week (empty when there is nothing to do)."""
    dead = [c for c in checks if c.status == "mort"]
    slow = [c for c in checks if c.status == "lent"]
    lines = []
    for title, found in (("Liens morts", dead), ("Liens qui ne répondent pas à temps", slow)):
        if found:
            lines += [f"## {title} ({len(found)})", ""]
            lines += [f"- {c.url} — {c.detail} ; cité dans : {', '.join(f'`{f}`' for f in cited[c.url])}" for c in found]
            lines.append("")
    if stale:
        lines += [f"## Fiches à actualiser ({len(stale)})", "",
                  f"Mises à jour il y a plus de {STALE_MONTHS // 12} ans : vérifiez-les avec leur territoire.", ""]
        lines += [f"- {rec.title} — `{rec.file}`" for rec in stale]
        lines.append("")
    if not lines:
        return ""
    header = ["Rapport de la veille hebdomadaire du wiki (liens externes et fiches anciennes). Il est mis à jour "
              "chaque semaine ; corrigez dans `references/liens.md` ou dans la fiche citée.", ""]
    return "\n".join(header + lines)


def watch(cat: Catalogue, today: datetime.date, timeout: float = 10, workers: int = 8) -> str:
    cited = cited_links(cat)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        checks = list(pool.map(lambda url: check_link(url, timeout), cited))
    return report(cat, checks, cited, stale_records(cat, today))
