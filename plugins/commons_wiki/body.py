"""Checks on contributed text: Markdown bodies and text fields are untrusted input.

- Raw HTML: each collection declares in wiki.yml (``raw_html``) the elements and attributes its
  Markdown may use; anything else is refused. Event handlers (on…) are always refused.
- Addresses in links, images and HTML attributes: http, https, mailto, tel or a relative link;
  ``javascript:``, ``data:``, ``vbscript:`` and any other scheme are refused.
- Personal data: a person's e-mail address or a mobile number, unless the record lists it among
  the persons who consented (wiki.yml ``publish.private``).
- Placeholders left by ``commons-wiki new``.

Every problem carries the file and the line, in French.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .problems import Problem, format_path
from .validate import is_personal_mail

PLACEHOLDER = "À COMPLÉTER"          # written by the scaffold where the contributor has to write
_PLACEHOLDER = re.compile(r"[AÀ] COMPL[EÉ]TER")   # in capitals, as written: « à compléter » is French

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data"}

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,}).*?^\1\2[`~]*[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)")   # balanced ( ) allowed
_REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*)>")
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*=[^{}\n]*)\}")
_ATTR_PAIR = re.compile(r"([^\s=#.{}]+)\s*=")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)33[\s.-]?|0)[67](?:[\s.-]?\d{2}){4}(?!\d)")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


EXECUTABLE_SCHEMES = ("javascript", "vbscript", "data")


def url_scheme(url: str) -> str:
    """The scheme a browser would see, lower case ("" for a relative address)."""
    # browsers ignore entities, control characters and white space inside a scheme: "jav&#x09;ascript:"
    match = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url)))
    return match.group(1).lower() if match else ""


def url_problem(url: str) -> str | None:
    """Why an address may not be published in a link, or None when it is safe."""
    if url_scheme(url) in SAFE_SCHEMES + ("",):
        return None
    shown = url if len(url) <= 60 else url[:57] + "…"
    return (f"adresse « {shown} » refusée : seuls les liens http://, https://, mailto:, tel: "
            "ou vers une page du site sont permis")


def _blank(match: re.Match) -> str:
    """The matched text with everything but its line breaks replaced by spaces (lines stay put)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def without_code(body: str) -> str:
    """The body with code blocks and code spans blanked out: what they hold is shown, not run."""
    return _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, body))


class _Tags(HTMLParser):
    """Collects (line, tag, attributes) of every start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((self.getpos()[0], tag, attrs))

    handle_startendtag = handle_starttag


def _html_problems(text: str, policy: dict) -> list:
    """(line in text, message) for each element or attribute the policy does not allow."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    found = []
    for line, tag, attrs in parser.tags:
        if tag not in policy:
            allowed = ", ".join(f"<{t}>" for t in policy)
            hint = f"balises permises ici : {allowed}" if allowed else "écrivez en Markdown (## titre, - liste, [texte](https://…))"
            found.append((line, f"balise HTML <{tag}> non permise : {hint}"))
            continue
        for name, value in attrs:
            if name.startswith("on"):
                found.append((line, f"attribut « {name} » interdit sur <{tag}> : il exécuterait du code"))
            elif name not in policy[tag]:
                found.append((line, f"attribut « {name} » non permis sur <{tag}> ; attributs permis : "
                                    f"{', '.join(policy[tag]) or 'aucun'}"))
            elif name in URL_ATTRIBUTES and value and (problem := url_problem(value)):
                found.append((line, problem))
    return found


def _markdown_problems(text: str, policy: dict) -> list:
    """(offset in text, message): unsafe link addresses and attr_list attributes."""
    found = []
    for pattern in (_INLINE_LINK, _REFERENCE_DEF, _AUTOLINK):
        for m in pattern.finditer(text):
            why = url_problem(m.group(1))
            if why:
                found.append((m.start(), why))
    allowed = {a for attributes in policy.values() for a in attributes}
    for m in _ATTR_LIST.finditer(text):   # « {: onclick="…" } » after a heading or a paragraph
        for name in _ATTR_PAIR.findall(m.group(1)):
            if name.lower().startswith("on"):
                found.append((m.start(), f"attribut « {name} » interdit : il exécuterait du code"))
            elif name not in allowed:
                found.append((m.start(), f"attribut « {name} » non permis dans le texte"))
    return found


def personal_data_problems(text: str) -> list:
    """(offset in text, message) for a person's e-mail address or a mobile number."""
    found = []
    for m in _EMAIL.finditer(text):
        if is_personal_mail(m.group(0)):
            found.append((m.start(), f"« {m.group(0)} » ressemble à l'adresse d'une personne : ne publiez que "
                                     "l'adresse de la structure (mairie@, contact@…) ; une personne n'est citée "
                                     "que dans contact.personnes, avec son consentement"))
    for m in _MOBILE.finditer(text):
        found.append((m.start(), f"« {m.group(0)} » est un numéro de portable : ne publiez que le téléphone fixe "
                                 "de la structure ; une personne n'est citée que dans contact.personnes, avec son consentement"))
    return found


def placeholder_problems(text: str) -> list:
    """(offset in text, message) for each « À COMPLÉTER » left by the scaffold."""
    return [(m.start(), f"« {PLACEHOLDER} » : remplacez ce repère par votre texte")
            for m in _PLACEHOLDER.finditer(text)]


def body_problems(file: str, body: str, first_line: int, policy: dict) -> list[Problem]:
    """Every problem of a Markdown body; ``first_line`` is the file line where the body starts."""
    text = without_code(body)

    def at(offset: int) -> int:
        return first_line + text.count("\n", 0, offset)
    found = [(at(offset), message) for offset, message in
             _markdown_problems(text, policy) + personal_data_problems(body) + placeholder_problems(body)]
    if "<" in text:
        found += [(first_line + line - 1, message) for line, message in _html_problems(text, policy)]
    return [Problem(file, line, "", message) for line, message in found]


def field_problems(file: str, data, line_of, skip: tuple = ()) -> list[Problem]:
    """Personal data and placeholders in the text fields of a record (``skip``: a path prefix,
    the list of persons who may be published with their consent)."""
    out = []

    def walk(value, path):
        if skip and path[:len(skip)] == skip:
            return
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, path + (key,))
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                walk(sub, path + (i,))
        elif isinstance(value, str):
            # a field that is only an address or a number is checked by the schema (format, pattern)
            whole = _EMAIL.fullmatch(value.strip()) or _MOBILE.fullmatch(value.strip())
            for _, message in ([] if whole else personal_data_problems(value)) + placeholder_problems(value):
                out.append(Problem(file, line_of(path), format_path(path), message))
    walk(data, ())
    return out
