"""Load every record of the project, validate it, and index it.

``load_catalogue(root)`` is the single entry point used by the CLI, the MkDocs plugin and the
tests. It never raises for a content mistake: problems are collected in ``catalogue.problems``.
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from pathlib import Path

from .body import body_problems, field_problems
from .frontmatter import Parsed, parse_markdown, parse_yaml, read_text
from .problems import Problem, format_path
from .project import Project, as_list, get_field, load_project
from .text import fold, slugify
from .validate import KEBAB, format_checker, make_validator_class, schema_problems


@dataclass
class Record:
    collection: str
    id: str                 # slug (file name without .md) or the record's id field
    file: str               # project-relative source path
    data: dict
    body: str = ""
    parsed: Parsed | None = None
    base: tuple = ()        # path prefix inside the parsed file (yaml-list records)
    title: str = ""

    def line_of(self, *path) -> int:
        return self.parsed.line_of(self.base + tuple(path)) if self.parsed else 0


@dataclass
class Catalogue:
    project: Project
    records: dict = field(default_factory=dict)     # collection -> {id: Record}, in id order
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)    # shown to the contributor; they do not stop the build

    # -- lookups ---------------------------------------------------------------
    def __getitem__(self, collection) -> dict:
        return self.records.get(collection, {})

    def terms_of(self, record: Record, taxonomy: str) -> list:
        tax = self.project.taxonomies[taxonomy]
        return [str(v) for v in as_list(get_field(record.data, tax.field))]

    def records_for_term(self, taxonomy: str, term_id: str, collection: str | None = None) -> list:
        """Records that declare the term, in collection then id order (from an index built once)."""
        if getattr(self, "_by_term", None) is None:
            self._by_term: dict = {}
            for cname, recs in self.records.items():
                for rec in recs.values():
                    for term in self._term_sets()[(cname, rec.id)]:
                        self._by_term.setdefault(term, []).append(rec)
        found = self._by_term.get((taxonomy, str(term_id)), [])
        return [r for r in found if r.collection == collection] if collection else list(found)

    def used_terms(self, taxonomy: str) -> list:
        tax = self.project.taxonomies[taxonomy]
        ref = self.project.referentials[tax.referential]
        used = set()
        for recs in self.records.values():
            for r in recs.values():
                used.update(self.terms_of(r, taxonomy))
        return [t for t in ref.terms if t in used] if tax.only_used else list(ref.terms)

    # Indexes are built once, on first use: a build renders N record pages, each asking for its
    # related records and backlinks; scanning all records each time would be O(N²).
    def _term_sets(self) -> dict:
        if getattr(self, "_terms_cache", None) is None:
            self._terms_cache = {
                (cname, rid): frozenset((t, v) for t in self.project.taxonomies for v in self.terms_of(rec, t))
                for cname, recs in self.records.items() for rid, rec in recs.items()}
        return self._terms_cache

    def related(self, record: Record, limit: int = 5) -> list:
        """Up to ``limit`` records of the same collection sharing the most taxonomy terms
        (ranked by the share of terms in common, then by the number shared, then by id)."""
        import heapq
        if getattr(self, "_masks", None) is None:
            # one bit per (taxonomy, term): shared terms are a bitwise AND, counted by bit_count()
            bits: dict = {}
            self._masks = {}
            for key, terms in self._term_sets().items():
                mask = 0
                for term in terms:
                    mask |= 1 << bits.setdefault(term, len(bits))
                self._masks[key] = (mask, len(terms))
            self._mask_lists: dict = {}
            for (cname, rid), (mask, n) in self._masks.items():
                self._mask_lists.setdefault(cname, []).append((rid, mask, n))
        mine, n_mine = self._masks[(record.collection, record.id)]
        me = record.id
        scored = []
        for rid, theirs, n_theirs in self._mask_lists[record.collection]:
            shared = (mine & theirs).bit_count()
            if shared and rid != me:
                scored.append((-shared / (n_mine + n_theirs - shared), -shared, rid))
        recs = self[record.collection]
        return [recs[rid] for *_, rid in heapq.nsmallest(max(limit, 0), scored)]

    def backlinks(self, target: Record) -> list:
        """Records (of any collection) that cite ``target`` through a field whose schema says
        ``x-reference: <target's collection>``."""
        if getattr(self, "_backlinks_cache", None) is None:
            self._backlinks_cache: dict = {}
            for cname, col in self.project.collections.items():
                paths = keyword_paths(col.schema, "x-reference")
                for rec in self.records.get(cname, {}).values():
                    for path, target_col in paths:
                        for value in values_at(rec.data, path):
                            key = (target_col, str(value))
                            if rec not in self._backlinks_cache.setdefault(key, []):
                                self._backlinks_cache[key].append(rec)
        return [r for r in self._backlinks_cache.get((target.collection, target.id), []) if r is not target]


def keyword_paths(schema: dict, keyword: str, path: tuple = ()) -> list:
    """[(path of keys, the keyword's value)] for every use of a custom keyword in a schema
    (x-reference, x-url…; lists are transparent)."""
    out = []
    if not isinstance(schema, dict):
        return out
    if keyword in schema:
        out.append((path, schema[keyword]))
    for name, sub in (schema.get("properties") or {}).items():
        out += keyword_paths(sub, keyword, path + (name,))
    if isinstance(schema.get("items"), dict):
        out += keyword_paths(schema["items"], keyword, path)
    return out


def values_at(data, path: tuple) -> list:
    """The values at a path of keys, through lists (None and blocks left out)."""
    if isinstance(data, list):
        return [v for item in data for v in values_at(item, path)]
    if not path:
        return [] if data is None or isinstance(data, dict) else [data]
    return values_at(data.get(path[0]), path[1:]) if isinstance(data, dict) else []


def _files(folder: Path, suffixes: tuple) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes)


def _read_and_parse(item) -> tuple:
    path, rel = item
    text, errs = read_text(path, rel)
    return rel, (errs, None if text is None else parse_markdown(text, rel))


def load_catalogue(root: Path | str, schema_dir: str = "schema") -> Catalogue:
    # Loading makes many small objects and no reference cycles: pausing the garbage collector
    # saves about a fifth of the time on a thousand fiches.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_catalogue(root, schema_dir)
    finally:
        if was_enabled:
            gc.enable()


def _load_catalogue(root: Path | str, schema_dir: str) -> Catalogue:
    project = load_project(root, schema_dir)
    cat = Catalogue(project)
    cat.problems.extend(project.problems)
    # 1. read and parse every file (ids first, so references can be checked)
    parsed_files = {cname: _read_collection(cat, col) for cname, col in project.collections.items()}
    # 2. validate each record against its schema, referentials and references
    _validate_records(cat, parsed_files)
    _check_consistency(cat)
    _check_duplicates(cat)
    _check_link_references(cat)
    cat.problems = sorted(set(cat.problems))
    cat.warnings = sorted(set(cat.warnings))
    # keep records in a stable, human order
    for cname in cat.records:
        cat.records[cname] = dict(sorted(cat.records[cname].items()))
    return cat


def _read_collection(cat: Catalogue, col) -> list:
    """Fills ``cat.records[col.name]``; returns the records read from a file (to validate)."""
    folder = cat.project.root / col.folder
    cat.records[col.name] = {}
    if not folder.exists():
        return []
    if col.format == "markdown":
        return _read_markdown_collection(cat, col, folder)
    return _read_yaml_list_collection(cat, col, folder)   # yaml-list: each file holds a list of records


def _read_markdown_collection(cat: Catalogue, col, folder: Path) -> list:
    project = cat.project
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    # one process: a fork pool gained nothing measurable on two cores (1.38-1.47 s serial against
    # 1.55-1.57 s in parallel for 1,000 fiches) and does not belong in `mkdocs serve`'s threads
    texts = dict(map(_read_and_parse, [(p, project.rel(p)) for p in paths if p.suffix == ".md"]))
    read = []
    for path in paths:
        rel = project.rel(path)
        if path.suffix != ".md":
            if not col.in_docs_dir:
                cat.problems.append(Problem(rel, 0, "", f"seuls des fichiers .md sont permis dans {col.folder}/"))
            continue
        rec, readable = _markdown_record(cat, col, folder, path, rel, texts[rel])
        cat.records[col.name][rec.id] = rec
        if readable:
            read.append(rec)
    return read


def _markdown_record(cat: Catalogue, col, folder: Path, path: Path, rel: str, read: tuple) -> tuple[Record, bool]:
    """(the record of one Markdown file, whether it could be read and is to be validated)."""
    slug = path.relative_to(folder).with_suffix("").as_posix()
    rid = slug + ".md" if col.in_docs_dir else slug
    if not col.in_docs_dir and not KEBAB.match(slug):
        cat.problems.append(Problem(rel, 0, "", "nom de fichier invalide : minuscules, chiffres et tirets seulement, "
                                               f"par exemple « {slugify(path.stem) or 'fiche'}.md »"))
    errs, parsed = read
    cat.problems.extend(errs)
    if parsed is None:
        # keep an empty record: the file exists, so pages citing it are not wrong too
        return Record(col.name, rid, rel, {}, "", Parsed(problems=errs), title=slug), False
    cat.problems.extend(parsed.problems)
    data = parsed.data if isinstance(parsed.data, dict) else {}
    if parsed.data is not None and not isinstance(parsed.data, dict):
        cat.problems.append(Problem(rel, 2, "", "l'en-tête doit être une suite de champs « nom: valeur »"))
    rec = Record(col.name, rid, rel, data, parsed.body, parsed)
    rec.title = str(data.get(col.title_field) or slug)
    return rec, True


def _read_yaml_list_collection(cat: Catalogue, col, folder: Path) -> list:
    read = []
    for path in _files(folder, (".yml", ".yaml")):
        rel = cat.project.rel(path)
        for rec in _yaml_list_records(cat, col, path, rel):
            if rec.id in cat.records[col.name]:
                first = cat.records[col.name][rec.id]
                cat.problems.append(Problem(rel, rec.line_of(col.id_field), f"[{rec.base[0]}].{col.id_field}",
                                            f"identifiant « {rec.id} » déjà utilisé ({first.file}:{first.line_of(col.id_field)})"))
                continue
            cat.records[col.name][rec.id] = rec
            read.append(rec)
    return read


def _yaml_list_records(cat: Catalogue, col, path: Path, rel: str) -> list:
    """The records of one yaml-list file, in file order (none when it cannot be read as a list)."""
    text, errs = read_text(path, rel)
    cat.problems.extend(errs)
    if text is None:
        return []
    parsed = parse_yaml(text, rel, comments_cut=True)
    cat.problems.extend(parsed.problems)
    if parsed.data is None and not parsed.problems:
        return []
    if not isinstance(parsed.data, list):
        if not parsed.problems:
            cat.problems.append(Problem(rel, 1, "", "le fichier doit contenir une liste d'éléments (« - id: … »)"))
        return []
    records = []
    for i, item in enumerate(parsed.data):
        item = item if isinstance(item, dict) else {}
        rid = str(item.get(col.id_field) or f"{path.stem}[{i}]")
        rec = Record(col.name, rid, rel, item, "", parsed, base=(i,))
        rec.title = str(item.get(col.title_field) or rid)
        records.append(rec)
    return records


def _private_fields(project: Project) -> tuple:
    """Path of the list wiki.yml's ``publish.private`` keeps out of the site (checked elsewhere)."""
    publish = project.config.get("publish") or {}
    return tuple(str(publish.get("private", {}).get("list", "")).split(".")) if publish.get("private") else ()


def _validate_records(cat: Catalogue, parsed_files: dict) -> None:
    project = cat.project
    ids = {c: set(recs) for c, recs in cat.records.items()}
    Validator = make_validator_class(project.referentials, ids)
    checker = format_checker()
    private = _private_fields(project)
    for cname, col in project.collections.items():
        validator = Validator(col.schema, format_checker=checker)
        for rec in parsed_files.get(cname, []):
            _validate_record(cat, col, validator, rec, private)


def _validate_record(cat: Catalogue, col, validator, rec: Record, private: tuple) -> None:
    parsed = rec.parsed
    if parsed is None or (parsed.problems and parsed.data is None):
        return  # unreadable YAML: already reported
    if not rec.base and not isinstance(parsed.data, dict):
        _check_headings(rec, col, cat.problems)
        return  # a list or a scalar instead of fields: already reported, no field to check
    prefix = "" if not rec.base else format_path(rec.base)
    schema_found = [Problem(p.file, p.line, (prefix + ("." if prefix and p.field else "") + p.field) if prefix else p.field, p.message)
                    for p in schema_problems(validator, rec.data, rec.file, parsed.line_of, rec.base, parsed.plain)]
    cat.problems.extend(schema_found)
    _check_headings(rec, col, cat.problems)
    # one message per field: « tiers_lieu: "À COMPLÉTER" » is already a type error
    reported = {p.field for p in schema_found}
    cat.problems.extend(p for p in _untrusted_text_problems(rec, col, private) if not p.field or p.field not in reported)


def _untrusted_text_problems(rec: Record, col, private: tuple) -> list:
    """Raw HTML, unsafe links, personal data and leftover placeholders (body.py)."""
    found = field_problems(rec.file, rec.data, lambda path: rec.line_of(*path), skip=private)
    if col.format == "markdown" and rec.parsed:
        found += body_problems(rec.file, rec.body, rec.parsed.body_line, col.raw_html)
    if rec.base:   # records of a yaml-list file: field paths start with the item's index
        found = [Problem(p.file, p.line, format_path(rec.base) + (f".{p.field}" if p.field else ""), p.message)
                 for p in found]
    return found


REFERENCE_USE = re.compile(r"\]\[([A-Za-z0-9_-]+)\]")
REFERENCE_DEF = re.compile(r"^\[([A-Za-z0-9_-]+)\]:\s*\S+", re.M)


def link_references(project) -> str:
    """Text of the shared link-reference file declared in wiki.yml ("" when there is none)."""
    rel = project.config.get("link_references")
    path = project.root / rel if rel else None
    return path.read_text(encoding="utf-8") if path and path.exists() else ""


def _check_link_references(cat: Catalogue) -> None:
    """Every [texte][ref] of a Markdown body must be defined in the shared reference file."""
    rel = cat.project.config.get("link_references")
    if not rel:
        return
    defined = set(REFERENCE_DEF.findall(link_references(cat.project)))
    for recs in cat.records.values():
        for rec in recs.values():
            local = set(REFERENCE_DEF.findall(rec.body)) if "]:" in rec.body else set()
            for m in REFERENCE_USE.finditer(rec.body):
                if m.group(1) not in defined and m.group(1) not in local:
                    line = (rec.parsed.body_line if rec.parsed else 1) + rec.body.count("\n", 0, m.start())
                    cat.problems.append(Problem(rec.file, line, "", f"lien « {m.group(1)} » absent de {rel}"))


def _check_headings(rec: Record, col, problems: list) -> None:
    if not col.required_headings:
        return
    found = {m.group(1).strip() for m in re.finditer(r"^##\s+(.+?)\s*#*\s*$", rec.body, re.M)}
    for h in col.required_headings:
        if h not in found:
            problems.append(Problem(rec.file, rec.parsed.body_line if rec.parsed else 0, "",
                                    f"le texte doit contenir une section « ## {h} »"))


def _check_consistency(cat: Catalogue) -> None:
    """Cross-field rules of wiki.yml (``consistency``), one kind of rule per key:
    attribute/within (a département's region is among the regions), subset_of (dominant themes
    are among the themes), requires (a note on the commons needs that principle), postal_code_of
    (the postal code belongs to one of the départements)."""
    for rule in cat.project.config.get("consistency") or []:
        check = next((f for key, f in _RULES.items() if key in rule), None)
        if check is None:
            continue
        for recs in cat.records.values():
            for rec in recs.values():
                if get_field(rec.data, rule["field"]) not in (None, "", []):
                    for path, message in check(cat, rule, rec):
                        cat.problems.append(Problem(rec.file, rec.line_of(*path), format_path(path), message))


def _field_path(dotted: str, *more) -> tuple:
    return tuple(dotted.split(".")) + more


def _rule_attribute_within(cat: Catalogue, rule: dict, rec: Record):
    ref = cat.project.referentials.get(rule["referential"])
    if not ref:
        return
    # the referential of the "within" field, for a readable name ("Bretagne" rather than "53")
    within_ref = next((cat.project.referentials.get(t.referential) for t in cat.project.taxonomies.values()
                       if t.field == rule["within"]), None)
    within = [str(v) for v in as_list(get_field(rec.data, rule["within"]))]
    for i, v in enumerate(as_list(get_field(rec.data, rule["field"]))):
        term = ref.terms.get(str(v))
        expected = term.extra.get(rule["attribute"]) if term else None
        if expected and str(expected) not in within:
            owner = within_ref.label(expected) if within_ref else expected
            yield _field_path(rule["field"], i), f"{term.label} ({v}) appartient à {owner} ({expected}), qui manque dans {rule['within']}"


def _rule_subset_of(cat: Catalogue, rule: dict, rec: Record):
    among = {fold(v) for v in as_list(get_field(rec.data, rule["subset_of"]))}
    for i, v in enumerate(as_list(get_field(rec.data, rule["field"]))):
        if fold(v) not in among:
            yield _field_path(rule["field"], i), f"« {v} » doit aussi figurer dans {rule['subset_of']}"


def _rule_requires(cat: Catalogue, rule: dict, rec: Record):
    need = rule["requires"]
    if str(need["contains"]) not in {str(v) for v in as_list(get_field(rec.data, need["field"]))}:
        yield _field_path(rule["field"]), (f"ce champ suppose « {need['contains']} » dans {need['field']} : "
                                           f"ajoutez-le, ou retirez ce champ")


def postal_departements(code: str) -> set:
    """Départements a French postal code can belong to (« 20xxx » is Corsica, « 97x.. » overseas)."""
    if code.startswith("20"):
        return {"2A", "2B"}
    return {code[:3]} if code.startswith(("97", "98")) else {code[:2]}


def _rule_postal_code_of(cat: Catalogue, rule: dict, rec: Record):
    code = str(get_field(rec.data, rule["field"]))
    declared = {str(v) for v in as_list(get_field(rec.data, rule["postal_code_of"]))}
    if declared and len(code) == 5 and code.isdigit() and not postal_departements(code) & declared:
        yield _field_path(rule["field"]), (f"le code postal {code} n'appartient à aucun des départements de "
                                           f"{rule['postal_code_of']} ({', '.join(sorted(declared))})")


_RULES = {"within": _rule_attribute_within, "subset_of": _rule_subset_of, "requires": _rule_requires,
          "postal_code_of": _rule_postal_code_of}


def _check_duplicates(cat: Catalogue) -> None:
    """Same values of ``unique_together``: an error; same values of ``similar_together`` only: a
    warning. Both are reported on the newer file, the one a pull request adds."""
    for cname, col in cat.project.collections.items():
        for fields, report in ((col.unique_together, _report_duplicate), (col.similar_together, _report_similar)):
            if not fields:
                continue
            groups: dict = {}
            for rec in cat.records[cname].values():
                key = tuple(fold(str(get_field(rec.data, f) or "")).strip() for f in fields)
                if all(key):
                    groups.setdefault(key, []).append(rec)
            for group in groups.values():
                if len(group) > 1:
                    oldest, *newer = sorted(group, key=lambda r: _added_order(cat.project.root, r, col))
                    for rec in newer:
                        report(cat, col, fields, rec, oldest)


def _report_duplicate(cat: Catalogue, col, fields: list, rec: Record, first: Record) -> None:
    cat.problems.append(Problem(rec.file, rec.line_of(col.title_field), col.title_field,
                                f"doublon : même {' et '.join(fields)} que {first.file}"))


def _report_similar(cat: Catalogue, col, fields: list, rec: Record, first: Record) -> None:
    same_title = fold_eq(rec.title, first.title)
    if same_title and col.unique_together:
        return   # already an error
    cat.warnings.append(Problem(rec.file, rec.line_of(*fields[0].split(".")), fields[0],
                                f"même {' et '.join(fields)} que {first.file} : s'il s'agit de la même initiative, "
                                "complétez plutôt cette fiche"))


def fold_eq(a: str, b: str) -> bool:
    return fold(a).strip() == fold(b).strip()


def _added_order(root: Path, rec: Record, col) -> tuple:
    """Sort key, oldest first: when git added the file (a file git does not know yet is the newest),
    then the record's date, then its name."""
    import subprocess
    try:
        out = subprocess.run(["git", "log", "--diff-filter=A", "--format=%ct", "--", rec.file], cwd=root,
                             capture_output=True, text=True, timeout=30)
        stamps = out.stdout.split() if out.returncode == 0 else []
    except (OSError, subprocess.SubprocessError):
        stamps = []
    added = (0, int(stamps[-1])) if stamps else (1, 0)
    return added, str(rec.data.get(col.date_field, "")) if col.date_field else "", rec.file
