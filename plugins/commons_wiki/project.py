"""The project description (schema/wiki.yml), its referentials and schemas."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .frontmatter import parse_yaml, read_text
from .problems import Problem, format_path

DEFAULT_SCHEMA_DIR = "schema"
PROJECT_FILE = "wiki.yml"


@dataclass
class Term:
    id: str
    label: str
    short_label: str
    description: str
    extra: dict = field(default_factory=dict)


@dataclass
class Referential:
    name: str
    title: str
    singular: str
    description: str
    terms: dict  # id -> Term, in file order
    file: str

    def label(self, term_id, short=False) -> str:
        term = self.terms.get(str(term_id))
        if term is None:
            return str(term_id)
        return term.short_label if short else term.label


@dataclass
class Collection:
    name: str
    folder: str
    format: str                     # "markdown" | "yaml-list"
    schema: dict
    schema_file: str
    url: str = ""
    title_field: str = "title"
    id_field: str = ""
    date_field: str = ""
    template: str = ""
    required_headings: list = field(default_factory=list)
    unique_together: list = field(default_factory=list)
    similar_together: list = field(default_factory=list)   # same values: a warning (near-duplicate)
    in_docs_dir: bool = False
    published: bool = False
    source: str = ""                # the document every record was drawn from, if there is one
    raw_html: dict = field(default_factory=dict)   # element -> attributes its Markdown may use
    label: str = ""                 # « Fiches expériences »: the changelog, the release
    scaffold: dict = field(default_factory=dict)   # `commons-wiki new`: noun, questions (scaffold.py)


@dataclass
class Taxonomy:
    name: str
    field: str
    referential: str
    url: str
    only_used: bool = False


@dataclass
class Project:
    root: Path
    schema_dir: Path
    config: dict
    referentials: dict            # name -> Referential
    collections: dict             # name -> Collection
    taxonomies: dict              # name -> Taxonomy
    problems: list

    @property
    def name(self) -> str:
        return self.config.get("name", "wiki")

    def rel(self, path: Path) -> str:
        if path.is_relative_to(self.root):  # the usual case, without resolving symlinks (slow)
            return path.relative_to(self.root).as_posix()
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def _load_referential(name: str, spec: str, schema_dir: Path, root: Path, problems: list) -> Referential | None:
    file, _, key = spec.partition("#")
    path = schema_dir / file
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    if not path.exists():
        problems.append(Problem(rel, 0, "", f"référentiel « {name} » introuvable"))
        return None
    text, errs = read_text(path, rel)
    if errs or text is None:
        problems.extend(errs)
        return None
    parsed = parse_yaml(text, rel)
    problems.extend(parsed.problems)
    data: Any = parsed.data
    if key:
        data = (data or {}).get(key)
    prefix = (key,) if key else ()
    if not isinstance(data, dict) or not isinstance(data.get("termes"), list):
        problems.append(Problem(rel, parsed.line_of(prefix), "termes", "liste « termes » attendue"))
        return None
    schema_problems = check_against(REFERENTIAL_SCHEMA, data, rel, lambda path: parsed.line_of(prefix + tuple(path)))
    if schema_problems:
        problems.extend(schema_problems)
        return None
    terms = _terms(data["termes"], prefix, rel, parsed.line_of, problems)
    return Referential(name, str(data.get("titre", name)), str(data.get("titre_singulier", name)),
                       str(data.get("description", "")).strip(), terms, rel)


_TERM_FIELDS = ("id", "libelle", "libelle_court", "description")


def _terms(items: list, prefix: tuple, rel: str, line_of, problems: list) -> dict:
    """{id: Term} of a referential's « termes », in file order (a term missing a field left out)."""
    terms: dict = {}
    for i, t in enumerate(items):
        where = prefix + ("termes", i)
        missing = [k for k in _TERM_FIELDS if not (isinstance(t, dict) and t.get(k) not in (None, ""))]
        if missing:
            problems.append(Problem(rel, line_of(where), f"termes[{i}]", "champ(s) manquant(s) : " + ", ".join(missing)))
            continue
        tid = str(t["id"])
        if tid in terms:
            problems.append(Problem(rel, line_of(where + ("id",)), f"termes[{i}].id", f"identifiant « {tid} » en double"))
        extra = {k: v for k, v in t.items() if k not in _TERM_FIELDS}
        terms[tid] = Term(tid, str(t["libelle"]), str(t["libelle_court"]), str(t["description"]).strip(), extra)
    return terms


def load_project(root: Path | str, schema_dir: str = DEFAULT_SCHEMA_DIR) -> Project:
    root = Path(root)
    sdir = root / schema_dir
    problems: list[Problem] = []
    rel = f"{schema_dir}/{PROJECT_FILE}"
    config, config_problems = _read_config(sdir / PROJECT_FILE, rel, problems)
    if config_problems:   # a typo in a key: say where, build nothing on it (no traceback)
        return Project(root, sdir, {}, {}, {}, {}, problems + config_problems)

    referentials = {}
    for name, spec in (config.get("referentials") or {}).items():
        ref = _load_referential(name, str(spec), sdir, root, problems)
        if ref:
            referentials[name] = ref
    collections = {name: _collection(name, c, sdir, schema_dir, problems)
                   for name, c in (config.get("collections") or {}).items()}
    taxonomies = {name: Taxonomy(name, t["field"], t["referential"], t.get("url", name), bool(t.get("only_used")))
                  for name, t in (config.get("taxonomies") or {}).items()}
    for t in taxonomies.values():
        if t.referential not in referentials:
            problems.append(Problem(rel, 0, f"taxonomies.{t.name}", f"référentiel « {t.referential} » inconnu"))
    return Project(root, sdir, config, referentials, collections, taxonomies, problems)


def _read_config(path: Path, rel: str, problems: list) -> tuple[dict, list]:
    """(wiki.yml's content, its problems against the package's schema); reading problems go to
    ``problems``, and the config is then empty."""
    if not path.exists():
        problems.append(Problem(rel, 0, "", "fichier de description du wiki introuvable"))
        return {}, []
    text, errs = read_text(path, rel)
    problems.extend(errs)
    if text is None:
        return {}, []
    parsed = parse_yaml(text, rel)
    problems.extend(parsed.problems)
    config = parsed.data if isinstance(parsed.data, dict) else {}
    return config, check_config(config, rel, parsed.line_of) if not parsed.problems else []


def _collection(name: str, c: dict, sdir: Path, schema_dir: str, problems: list) -> Collection:
    schema_file = sdir / c["schema"]
    try:
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(Problem(f"{schema_dir}/{c['schema']}", 0, "", f"schéma illisible : {exc}"))
        schema = {}
    return Collection(
        name=name, folder=c["folder"], format=c.get("format", "markdown"), schema=schema,
        schema_file=f"{schema_dir}/{c['schema']}", url=c.get("url", name), title_field=c.get("title_field", "title"),
        id_field=c.get("id_field", ""), date_field=c.get("date_field", ""), template=c.get("template", ""),
        required_headings=list(c.get("required_headings") or []), unique_together=list(c.get("unique_together") or []),
        similar_together=list(c.get("similar_together") or []),
        in_docs_dir=bool(c.get("in_docs_dir")), published=bool(c.get("published")), source=str(c.get("source", "")),
        raw_html={str(tag): [str(a) for a in (attrs or [])] for tag, attrs in (c.get("raw_html") or {}).items()},
        label=str(c.get("label") or name.capitalize()), scaffold=dict(c.get("scaffold") or {}))


CONFIG_SCHEMA = Path(__file__).with_name("data") / "wiki.schema.json"
REFERENTIAL_SCHEMA = Path(__file__).with_name("data") / "referential.schema.json"


def wiki_schema() -> dict:
    """The package's JSON Schema of schema/wiki.yml."""
    return json.loads(CONFIG_SCHEMA.read_text(encoding="utf-8"))


def check_config(config: dict, rel: str, line_of) -> list:
    """Problems of wiki.yml against the package's schema of it, and names that point nowhere."""
    return check_against(CONFIG_SCHEMA, config, rel, line_of) or _unknown_collections(config, rel, line_of)


def check_against(schema_file: Path, data, rel: str, line_of) -> list:
    """French problems (file, line, field) of some YAML data against one of the package's schemas."""
    from jsonschema import Draft202012Validator

    from .validate import french_message
    validator = Draft202012Validator(json.loads(schema_file.read_text(encoding="utf-8")))
    problems = []
    for err in validator.iter_errors(data):
        found = french_message(err)
        for path, message in (found if isinstance(found, list) else [found]):
            problems.append(Problem(rel, line_of(path), format_path(path), message))
    return problems


def _unknown_collections(config: dict, rel: str, line_of) -> list:
    """Problems for the names of collections wiki.yml uses without declaring them."""
    collections = set(config.get("collections") or {})
    named: list[tuple[tuple, Any]] = [((section, "collection"), (config.get(section) or {}).get("collection"))
             for section in ("publish", "catalogue", "funders", "map", "search")]
    named += [(("publish", "also_export", i), name) for i, name in enumerate((config.get("publish") or {}).get("also_export") or [])]
    return [Problem(rel, line_of(path), format_path(path),
                    f"collection « {name} » inconnue ; collections : {', '.join(sorted(collections))}")
            for path, name in named if name is not None and name not in collections]


def get_field(data, dotted: str):
    """Value at "territoire.regions" in a record (None when absent)."""
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def source_paths(project: Project, templates_dir: Path) -> list:
    """Every folder or file the wiki is built from, besides docs_dir (for `mkdocs serve` to watch)."""
    paths = [project.schema_dir, templates_dir]
    paths += [project.root / c.folder for c in project.collections.values() if not c.in_docs_dir]
    if project.config.get("link_references"):
        paths.append(project.root / project.config["link_references"])
    return [p for p in dict.fromkeys(paths) if p.exists()]
