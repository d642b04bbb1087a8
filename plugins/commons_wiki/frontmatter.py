"""Read a file's YAML ourselves, keeping the line of every value.

MkDocs swallows YAML errors in front matter; we parse before the build and report them.
Dates stay strings (the schema checks their format), duplicate keys and tabs are errors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, format_path

try:  # libyaml is ~10x faster; PyYAML wheels ship it
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):
    """Safe loader that leaves dates as strings (the schema decides what a date is)."""


_Loader.yaml_implicit_resolvers = {
    ch: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple  # a path into the data: ("thematiques", 2)


@dataclass
class Parsed:
    data: object = None
    lines: dict = field(default_factory=dict)   # path tuple -> 1-based line in the file
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
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a BOM is accepted and dropped
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, "", "le fichier n'est pas encodé en UTF-8 (enregistrez-le en UTF-8)")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _build(node, path, offset, lines, problems, rel, loader):
    lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in out:
                problems.append(Problem(rel, key_node.start_mark.line + 1 + offset, format_path(path + (key,)),
                                        f"la clé « {key} » est écrite deux fois (la seconde écraserait la première)"))
            lines[path + (key,)] = key_node.start_mark.line + 1 + offset
            out[key] = _build(value_node, path + (key,), offset, lines, problems, rel, loader)
            lines[path + (key,)] = key_node.start_mark.line + 1 + offset
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(n, path + (i,), offset, lines, problems, rel, loader) for i, n in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, rel: str, offset: int = 0) -> Parsed:
    """Parse YAML text; ``offset`` is the number of file lines before ``text``."""
    result = Parsed()
    for i, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            result.problems.append(Problem(rel, i + 1 + offset, "", "tabulation en début de ligne : YAML n'accepte que des espaces pour l'indentation"))
    if result.problems:
        return result
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            result.data = _build(node, (), offset, result.lines, result.problems, rel, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else 0
        what = exc.problem or str(exc)
        result.problems.append(Problem(rel, line, "", f"YAML illisible ({_yaml_fr(what)})"))
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
        if lines[end].strip() in ("---", "..."):
            break
    else:
        p = Parsed(body="")
        p.problems.append(Problem(rel, 1, "", "en-tête YAML non fermé : ajoutez une ligne « --- » après les champs"))
        return p
    parsed = parse_yaml("\n".join(lines[1:end]), rel, offset=1)
    parsed.body = "\n".join(lines[end + 1:])
    parsed.body_line = end + 2
    if parsed.data is None and not parsed.problems:
        parsed.data = {}
    return parsed


_YAML_FR = {
    "found character '\\t' that cannot start any token": "tabulation interdite",
    "mapping values are not allowed here": "deux-points inattendu ; mettez la valeur entre guillemets",
    "could not find expected ':'": "deux-points manquant",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
    "expected <block end>, but found '<block sequence start>'": "indentation incohérente",
    "expected <block end>, but found '<block mapping start>'": "indentation incohérente",
}


def _yaml_fr(problem: str) -> str:
    for en, fr in _YAML_FR.items():
        if problem.startswith(en):
            return fr
    return problem
