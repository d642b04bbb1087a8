"""Read a file's YAML ourselves, keeping the line of every value.

MkDocs swallows YAML errors in front matter; we parse before the build and report them.
Dates stay strings (the schema checks their format), duplicate keys and tabs are errors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, format_path

try:  # libyaml is ~10x faster; PyYAML wheels ship it
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader   # type: ignore[misc,assignment]


class _Loader(_BaseLoader):
    """Safe loader that leaves dates as strings (the schema decides what a date is)."""


_Loader.yaml_implicit_resolvers = {
    ch: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Parsed:
    data: object = None
    lines: dict = field(default_factory=dict)   # path tuple -> 1-based line in the file
    plain: dict = field(default_factory=dict)   # path -> source text of an unquoted number, date or boolean
    body: str = ""
    body_line: int = 1                           # line where the body starts
    problems: list = field(default_factory=list)

    def line_of(self, path) -> int:
        """Line of the deepest part of ``path`` that exists in the file."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, "", f"fichier illisible ({exc.strerror or exc})")]
    try:
        text = raw.decode("utf-8-sig")  # a BOM is accepted and dropped
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, "", "le fichier n'est pas encodé en UTF-8 (enregistrez-le en UTF-8)")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


# Hostile YAML guards: an alias that contains itself, or aliases multiplying one another
# ("billion laughs"), would otherwise recurse forever or fill the memory.
MAX_NODES = 200_000
MAX_DEPTH = 60


class _TooBig(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


_STR_TAG = "tag:yaml.org,2002:str"


_CUT_BY_COMMENT = re.compile(r"\s+#")


def _build(root, offset, result, rel, loader, text_lines, comments_cut):
    """Python values from the YAML node tree, recording the line of every path in ``result.lines``."""
    lines, problems = result.lines, result.problems
    budget = [MAX_NODES]
    open_nodes = set()   # containers being built: an alias back to one of them is a cycle

    def value_of(node, path):
        line = node.start_mark.line + 1 + offset
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooBig(line, "en-tête trop volumineux (alias YAML démultipliés ?)")
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            lines[path] = line
            if comments_cut and not node.style and node.value:   # plain: None in PyYAML, "" in libyaml
                _check_cut_by_comment(node, text_lines, path, line, problems, rel)
            return node.value  # most values: skip the constructor machinery (2x faster load)
        lines[path] = line
        if type(node) is yaml.ScalarNode:
            if not node.style and node.value:   # plain (unquoted): None in PyYAML, "" in libyaml
                result.plain[path] = node.value   # « 04170 » read as a number: the message quotes it as written
            return loader.construct_object(node, deep=True)
        if id(node) in open_nodes:
            raise _TooBig(line, "alias YAML qui se contient lui-même")
        if len(open_nodes) >= MAX_DEPTH:
            raise _TooBig(line, f"blocs imbriqués sur plus de {MAX_DEPTH} niveaux")
        open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [value_of(n, path + (i,)) for i, n in enumerate(node.value)]
            out = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STR_TAG and type(key_node) is yaml.ScalarNode:
                    key = key_node.value
                else:
                    key = loader.construct_object(key_node, deep=True)
                    if not isinstance(key, (str, int, float, bool)) or key is None:
                        key = str(key)
                key_line = key_node.start_mark.line + 1 + offset
                key_path = path + (key,)
                if key in out:
                    problems.append(Problem(rel, key_line, format_path(key_path),
                                            f"la clé « {key} » est écrite deux fois (la seconde écraserait la première)"))
                out[key] = value_of(value_node, key_path)
                lines[key_path] = key_line  # a field's line is its key's line, not its value's
            return out
        finally:
            open_nodes.discard(id(node))

    return value_of(root, ())


def _check_cut_by_comment(node, text_lines, path, line, problems, rel):
    """« titre: Café #1 du village » is read as « Café »: YAML drops what follows « # »."""
    rest = text_lines[node.end_mark.line][node.end_mark.column:] if node.end_mark.line < len(text_lines) else ""
    if _CUT_BY_COMMENT.match(rest):
        lost = rest.strip()
        problems.append(Problem(rel, line, format_path(path),
                                f"« {lost[:40]} » est ignoré : en YAML, « # » après une espace commence un commentaire ; "
                                f"entourez toute la valeur de guillemets droits, par exemple "
                                f"\"{node.value} {lost}\""))


_LEADING_TAB = re.compile(r"^ *\t", re.M)


def parse_yaml(text: str, rel: str, offset: int = 0, comments_cut: bool = False) -> Parsed:
    """Parse YAML text; ``offset`` is the number of file lines before ``text``. With
    ``comments_cut`` (contributed content), a « # » comment right after an unquoted text value is
    reported: it silently cut the value (the project's own configuration may comment its values)."""
    result = Parsed()
    if "\t" in text:
        for m in _LEADING_TAB.finditer(text):
            line = text.count("\n", 0, m.start()) + 1 + offset
            result.problems.append(Problem(rel, line, "", "tabulation en début de ligne : "
                                                          "YAML n'accepte que des espaces pour l'indentation"))
    if result.problems:
        return result
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            result.data = _build(node, offset, result, rel, loader, text.split("\n"), comments_cut)
    except _TooBig as exc:
        result.data = None
        result.problems.append(Problem(rel, exc.line, "", exc.message))
    except yaml.reader.ReaderError as exc:
        # a control character (NUL, BEL…): PyYAML gives its position in the text, not a line
        line = text[: exc.position].count("\n") + 1 + offset
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        result.problems.append(Problem(rel, line, "", f"caractère de contrôle interdit (U+{code:04X}) : supprimez-le"))
    except yaml.MarkedYAMLError as exc:
        line, message = diagnose_yaml_error(exc, text)
        result.problems.append(Problem(rel, line + offset, "", message))
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        result.problems.append(Problem(rel, 0, "", f"YAML illisible ({exc})"))
    finally:
        loader.dispose()
    return result


def parse_markdown(text: str, rel: str) -> Parsed:
    """Split ``---`` front matter from the body and parse it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        p = Parsed(body=text)
        p.problems.append(Problem(rel, 1, "", "en-tête YAML absent : le fichier doit commencer par une ligne « --- »"))
        return p
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):   # at the start of the line: an indented « --- » is a value's
            break
    else:
        p = Parsed(body="")
        p.problems.append(Problem(rel, 1, "", "en-tête YAML non fermé : ajoutez une ligne « --- » après les champs"))
        return p
    parsed = parse_yaml("\n".join(lines[1:end]), rel, offset=1, comments_cut=True)
    parsed.body = "\n".join(lines[end + 1:])
    parsed.body_line = end + 2
    if parsed.data is None and not parsed.problems:
        parsed.data = {}
    return parsed


# -- YAML mistakes explained to a contributor ------------------------------------------------
_KEY_VALUE = re.compile(r"^\s*(?:- )?[\w.-]+:\s*(.*)$")
_INDENTATION = ("did not find expected key", "expected <block end>", "did not find expected '-' indicator")
_YAML_FR = {
    "found character '\\t' that cannot start any token": "tabulation interdite : indentez avec des espaces",
    "could not find expected ':'": "deux-points manquant après le nom du champ",
    "could not determine a constructor for the tag": "étiquette YAML « !… » non permise ; écrivez une valeur simple",
    "found undefined alias": "alias YAML « * » sans ancre correspondante",
    "found duplicate anchor": "ancre YAML « & » définie deux fois",
    "did not find expected ',' or ']'": "crochet « [ » non fermé : terminez la liste par « ] »",
    "did not find expected ',' or '}'": "accolade « { » non fermée : terminez le bloc par « } »",
}
QUOTE_HINT = "entourez toute la valeur de guillemets droits"
UNCLOSED_QUOTE = "guillemet « \" » ouvert ici et jamais fermé : ajoutez-le à la fin de la valeur"
_ESCAPED_QUOTE = re.compile(r'\\.')


def _unclosed_quote_line(lines: list) -> int | None:
    """1-based number of the first line whose value opens a double quote it does not close."""
    for number, source in enumerate(lines, 1):
        value = _value_of(source)
        if value.startswith('"') and _ESCAPED_QUOTE.sub("", value).count('"') % 2:
            return number
    return None


def _value_of(line: str) -> str:
    """The value written on a « key: value » line ("" on any other line)."""
    match = _KEY_VALUE.match(line)
    return match.group(1) if match else ""


def _quoted(value: str) -> str:
    """The value as it should be written: "…" around it, inner double quotes escaped."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return '"' + value.replace('\\', '\\\\').replace('"', '\\"') + '"'


def diagnose_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """(1-based line in ``text``, French message with the fix) for a YAML syntax error."""
    lines = text.split("\n")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    context = exc.context or ""
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    value = _value_of(source)
    if context.startswith("while parsing a flow") and exc.context_mark:
        line = exc.context_mark.line + 1   # where the bracket was opened
    return _quote_error(exc, lines, line) or (line, _problem_message(exc.problem or "", value))


def _quote_error(exc: yaml.MarkedYAMLError, lines: list, line: int) -> tuple[int, str] | None:
    """(line, message) when the error comes from a double or single quote left open."""
    unclosed = _unclosed_quote_line(lines[:line])
    if unclosed and unclosed < line:
        # the quote left open swallowed the next lines up to another quote: the error shows later
        return unclosed, UNCLOSED_QUOTE
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        quote = lines[exc.context_mark.line][exc.context_mark.column:exc.context_mark.column + 1] or "\""
        return exc.context_mark.line + 1, UNCLOSED_QUOTE.replace('"', quote, 1)
    return None


def _problem_message(problem: str, value: str) -> str:
    """The French message for YAML's ``problem`` on a line whose value is ``value``."""
    if problem.startswith(_INDENTATION) and value.startswith("'") and value.rstrip().count("'") > 2:
        return (f"apostrophe à l'intérieur d'une valeur écrite entre apostrophes : {QUOTE_HINT}, "
                f"par exemple {_quoted(value)}")
    if problem.startswith("mapping values are not allowed"):
        return f"deux-points dans une valeur : {QUOTE_HINT}, par exemple {_quoted(value)}"
    if problem.startswith(_INDENTATION):
        return ("indentation incorrecte : alignez cette ligne sur les autres champs du même bloc "
                "(deux espaces par niveau, jamais de tabulation)")
    if problem.startswith("found unexpected end of stream"):
        return "fin de l'en-tête inattendue : un guillemet ou un crochet n'est pas fermé"
    for en, fr in _YAML_FR.items():
        if problem.startswith(en):
            return fr
    return "syntaxe YAML incorrecte près de cette ligne : vérifiez l'indentation, les guillemets et les deux-points"
