"""Personal data: a person is published only with consentement: true, and then only on the
fiche; the real fiches publish no mobile phone and no personal e-mail address anywhere."""
from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from commons_wiki.validate import is_personal_mail
from conftest import ROOT
from test_hostile import FICHE_ID, PUBLIC, SECRET, _hostile_build

pytestmark = pytest.mark.xdist_group("hostile")   # shares the hostile build with test_hostile.py

TEXT_SUFFIXES = {".html", ".json", ".js", ".csv", ".xml", ".txt", ".md", ".svg", ".gz"}


def output_texts(site: Path):
    """Every output file as text, entities decoded (&#64; is still an @)."""
    import gzip
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        elif path.suffix not in TEXT_SUFFIXES:
            continue
        text = raw.decode("utf-8", errors="replace")
        yield path, text, html.unescape(text)


def digits_only(phone: str) -> str:
    return re.sub(r"\D", "", phone)


@pytest.fixture(scope="module")
def hostile_site() -> Path:
    return _hostile_build()[0]


def test_person_without_consent_appears_in_no_output_file(hostile_site):
    needles = [SECRET["nom"], SECRET["nom"].split()[-1], SECRET["email"], SECRET["email"].split("@")[0],
               SECRET["telephone"]]
    phone = digits_only(SECRET["telephone"])
    files = 0
    for path, text, decoded in output_texts(hostile_site):
        files += 1
        for needle in needles:
            assert needle.lower() not in decoded.lower() and needle.lower() not in text.lower(), \
                f"{path.relative_to(hostile_site)} publie « {needle} » sans consentement"
        # the phone number written any other way: 0612345678, 06.12.34.56.78, +33 6 12…
        squeezed = re.sub(r"[\s.\-]", "", decoded)
        assert phone not in squeezed and "+33" + phone[1:] not in squeezed, \
            f"{path.relative_to(hostile_site)} publie le téléphone d'une personne sans consentement"
    # the search index, the exports and the feed were among them
    for rel in ("search/index-fr.js", "donnees/fiches.json", "donnees/fiches.csv", "flux.xml",
                f"fiches/{FICHE_ID}/index.html", "catalogue/index.html", "livret/index.html"):
        assert (hostile_site / rel).is_file(), rel
    assert files > 100


def test_person_with_consent_appears_on_the_fiche(hostile_site):
    soup = BeautifulSoup((hostile_site / "fiches" / FICHE_ID / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    address = soup.find("address")
    assert address is not None
    text = address.get_text(" ")
    assert PUBLIC["nom"] in text and PUBLIC["fonction"] in text and PUBLIC["telephone"] in text
    assert address.find("a", href=f"mailto:{PUBLIC['email']}") is not None
    assert SECRET["fonction"] not in text


def test_consent_is_kept_in_the_open_data(hostile_site):
    import json
    data = json.loads((hostile_site / "donnees" / "fiches.json").read_text(encoding="utf-8"))
    fiche = data["fiches"][FICHE_ID]
    assert [p["nom"] for p in fiche["contact"]["personnes"]] == [PUBLIC["nom"]]


# -- the real fiches ------------------------------------------------------------------
MOBILE = re.compile(r"(?<![\d,.])(?:\+33[\s.\-]?|0)[67](?:[\s.\-]?\d{2}){4}(?![\d,.])")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def consented_addresses() -> set:
    """E-mail addresses of persons who agreed to be published (none is expected today)."""
    found = set()
    for path in (ROOT / "fiches").glob("*.md"):
        front = path.read_text(encoding="utf-8").split("---", 2)[1]
        for person in ((yaml.safe_load(front) or {}).get("contact") or {}).get("personnes") or []:
            if person.get("consentement") is True and person.get("email"):
                found.add(person["email"].lower())
    return found


_HIDDEN = re.compile(r"<svg\b.*?</svg>|<style\b.*?</style>|<script(?![^>]*application/)[^>]*>.*?</script>", re.S | re.I)
_HREF = re.compile(r"""\bhref=["']([^"']*)""", re.I)
_TAG = re.compile(r"<[^>]+>")


@functools.cache
def site_texts(site: Path) -> tuple:
    """What the site publishes as text: pages (scripts and SVG shapes aside), data, feed, index.
    Material's own assets are left out: their licence headers name their authors."""
    out = []
    for path, text, decoded in output_texts(site):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("assets/"):
            continue
        if path.suffix == ".html":
            visible = _HIDDEN.sub(" ", text)
            decoded = html.unescape(_TAG.sub(" ", visible) + " " + " ".join(_HREF.findall(visible)))
        out.append((rel, decoded))
    return tuple(out)


def test_real_fiches_publish_no_mobile_phone(built_site):
    hits = [(rel, m.group(0)) for rel, text in site_texts(built_site) for m in MOBILE.finditer(text)]
    assert hits == [], "numéros de portable publiés : " + ", ".join(f"{r} : {n}" for r, n in hits[:20])


def test_real_fiches_publish_no_personal_email(built_site):
    allowed = consented_addresses()
    found = {}
    for rel, text in site_texts(built_site):
        for address in EMAIL.findall(text):
            address = address.rstrip(".").lower()
            if is_personal_mail(address) and address not in allowed:
                found.setdefault(address, rel)
    assert found == {}, "adresses personnelles publiées : " + ", ".join(f"{a} ({r})" for a, r in found.items())
    # the check does see addresses: the fiches give their structures' generic ones
    assert any(EMAIL.search(t) for _, t in site_texts(built_site))


def test_mobile_pattern_and_personal_mail_rule_catch_what_they_should():
    assert MOBILE.search("Tél. 06 12 34 56 78") and MOBILE.search("+33 7 12 34 56 78") and MOBILE.search("0712345678")
    assert not MOBILE.search("05 65 46 06 64") and not MOBILE.search("population 1 206 123")
    assert is_personal_mail("jeanne.dupont@exemple.fr") and not is_personal_mail("mairie.ayen@ayen.fr")
