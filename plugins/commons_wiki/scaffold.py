"""`commons-wiki new fiche`: ask a few questions, write a complete fiche skeleton.

The skeleton is derived from schema/fiche.schema.json, the single source of truth: every field
of the schema is present in schema order, preceded by its `description` as a French comment.
Required fields are active; optional blocks are commented out. Fields the contributor still has
to fill are left empty (YAML null) with a « À COMPLÉTER » comment: the validator reports every
one of them until it is filled, so an unfinished fiche cannot be published by mistake.

Answers are read line by line from ``stdin`` (a terminal, or a pipe in scripts and tests).
"""
from __future__ import annotations

import datetime
import json
import re
import textwrap
from pathlib import Path

from .body import PLACEHOLDER
from .project import Project, load_project
from .text import did_you_mean, fold, slugify, suggest
from .validate import french_message, make_validator_class

TODO = PLACEHOLDER   # the validator reports every one left (body.py)
MAX_LISTED_CHOICES = 20        # longer referentials are not listed in comments


class Stop(Exception):
    """The contributor's answers ran out (end of input): nothing is written."""


# -- questions ---------------------------------------------------------------------------------
class Asker:
    def __init__(self, stdin, stdout):
        self.stdin, self.stdout = stdin, stdout

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def ask(self, prompt: str) -> str:
        self.stdout.write(f"{prompt} ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise Stop
        return line.strip()


def _sub_schema(schema: dict, dotted: str) -> dict:
    for part in dotted.split("."):
        schema = schema["properties"][part]
    return schema


def _schema_error(validator_cls, schema: dict, value) -> str | None:
    """First schema message (in French) for ``value`` against one field's schema."""
    for err in validator_cls(schema).iter_errors(value):
        found = french_message(err)
        return (found[0] if isinstance(found, list) else found)[1]
    return None


def _choices(ref, limit: int | None = None) -> str:
    terms = list(ref.terms.values())
    shown = ", ".join(f"{t.id} ({t.label})" if t.label != t.id else t.id for t in terms[:limit])
    return shown + ("…" if limit and len(terms) > limit else "")


def scaffold_of(col) -> dict:
    """What `commons-wiki new` asks for a collection (wiki.yml `scaffold`), with defaults: the
    title field names the file and is the only question."""
    conf = dict(col.scaffold)
    conf.setdefault("noun", col.name)
    conf.setdefault("title", f"Nouvel élément dans « {col.label} »")
    conf.setdefault("file_name_from", col.title_field)
    conf.setdefault("questions", list(dict.fromkeys([conf["file_name_from"], col.title_field])))
    conf.setdefault("derived", [])
    return conf


def collection_for(project: Project, noun: str):
    """The collection `commons-wiki new <noun>` writes to: its scaffold noun or its name."""
    for col in project.collections.values():
        if col.format == "markdown" and not col.in_docs_dir and noun in (scaffold_of(col)["noun"], col.name):
            return col
    return None


def _referential_of(sub: dict) -> str | None:
    return sub.get("x-referentiel") or (sub.get("items") or {}).get("x-referentiel")


def _label(sub: dict, dotted: str) -> str:
    """The question's words: the field's title, or its description up to the first comma or bracket."""
    text = sub.get("title") or re.split(r",| \(|\. ", str(sub.get("description") or ""))[0].strip().rstrip(".")
    return text or dotted


def _term_id(raw: str, ref, numbered: bool):
    """A term of the referential from its code, its label or (a short list) its number."""
    for candidate in (raw, raw.upper(), "0" + raw if re.fullmatch(r"\d", raw) else None):   # « 4 » -> « 04 »
        if candidate in ref.terms:
            return candidate
    terms = list(ref.terms.values())
    if numbered and raw.isdigit() and 1 <= int(raw) <= len(terms):
        return terms[int(raw) - 1].id
    names = {fold(n): t.id for t in terms for n in (t.id, t.label, t.short_label)}
    return names.get(fold(raw))


def parse_terms(text: str, ref, many: bool) -> tuple[list, list]:
    """Codes, labels (or numbers, for a short list) -> (term ids, French error messages)."""
    raws = [p.strip() for p in re.split(r"[,;]|\s+(?=\d)", text) if p.strip()] if many else [text.strip()]
    found, errors = [], []
    for raw in raws:
        tid = _term_id(raw, ref, numbered=not many)
        if tid is not None:
            found.append(tid)
            continue
        guess = suggest(raw, {n: t.id for t in ref.terms.values() for n in (t.id, t.label)})
        hint = did_you_mean(guess, f", {ref.label(guess)}" if guess else "")
        errors.append(f"« {raw} » n'est pas dans la liste « {ref.title} »{hint}")
    return list(dict.fromkeys(found)), errors


def gather_answers(project: Project, col, given: dict, interactive: bool, asker: Asker, folder: Path) -> dict | None:
    """Dotted field -> answer, for the collection's questions. None when they cannot be completed."""
    conf = scaffold_of(col)
    ask = _TextQuestion(make_validator_class(project.referentials, {}), col.schema, asker, folder, interactive,
                        conf["file_name_from"])
    if interactive:
        asker.say(f"{conf['title']}. Répondez aux questions (Ctrl+D pour abandonner sans rien écrire).")
    answers: dict = {}
    for dotted in conf["questions"]:
        sub = _sub_schema(col.schema, dotted)
        ref_name = _referential_of(sub)
        if ref_name and ref_name in project.referentials:
            if interactive:
                answers[dotted] = _ask_terms(project.referentials[ref_name], sub, dotted, asker)
            continue
        answers[dotted] = ask(dotted, given.get(dotted))
        if answers[dotted] is None and dotted == conf["file_name_from"]:
            return None
    return {k: v for k, v in answers.items() if v not in (None, [], "")}


class _TextQuestion:
    """Asks for one text field until its answer fits the schema (once only when not interactive)."""

    def __init__(self, validator_cls, schema: dict, asker: Asker, folder: Path, interactive: bool, file_field: str):
        self.validator_cls, self.schema, self.asker = validator_cls, schema, asker
        self.folder, self.interactive, self.file_field = folder, interactive, file_field

    def __call__(self, dotted: str, given):
        sub = _sub_schema(self.schema, dotted)
        label = _label(sub, dotted)
        value = given
        while True:
            if value is not None:
                error = self.error(dotted, sub, value)
                if not error:
                    return value
                self.asker.say(f"  → {error}")
                if not self.interactive:
                    return None
            elif not self.interactive:
                if dotted == self.file_field:
                    self.asker.say(f"« {label} » est nécessaire pour nommer le fichier : "
                                   f"utilisez --territoire \"…\" (ou --champ {dotted}=\"…\").")
                return None
            else:
                self.asker.say(f"{label} — {sub.get('description', '')}")
            value = self.asker.ask(f"{label} :")

    def error(self, dotted: str, sub: dict, value) -> str | None:
        error = _schema_error(self.validator_cls, sub, value)
        if error or dotted != self.file_field:
            return error
        slug = slugify(value)
        if not slug:
            return "ce nom ne donne aucun nom de fichier (lettres ou chiffres attendus)"
        if (self.folder / f"{slug}.md").exists():
            return (f"{self.folder.name}/{slug}.md existe déjà : complétez-le, "
                    "ou précisez le nom (par exemple en ajoutant la commune ou le pays)")
        return None


def _ask_terms(ref, sub: dict, dotted: str, asker: Asker):
    """One term (a single value) or several (a list), by code, label or number."""
    many = "array" in _types(sub)
    label = _label(sub, dotted)
    asker.say(f"{label} — {sub.get('description', '')}")
    numbered = not many and len(ref.terms) <= MAX_LISTED_CHOICES
    if numbered:
        for i, t in enumerate(ref.terms.values(), 1):
            asker.say(f"  {i}. {t.label}")
    else:
        asker.say(("  Plusieurs valeurs : séparez-les par des virgules. " if many else "  ")
                  + "Tapez « ? » pour la liste.")
    while True:
        text = asker.ask(f"{label} (numéro de 1 à {len(ref.terms)}, ou nom) :" if numbered else f"{label} :")
        if text == "?":
            asker.say(textwrap.fill(_choices(ref), 100, initial_indent="  ", subsequent_indent="  "))
            continue
        found, errors = parse_terms(text, ref, many)
        if found and not errors:
            return found if many else found[0]
        for e in errors or [f"au moins une valeur de la liste « {ref.title} » est attendue"]:
            asker.say(f"  → {e} ; choisissez parmi : {_choices(ref, MAX_LISTED_CHOICES)}")


# -- the skeleton ----------------------------------------------------------------------------
def _comment(text: str, indent: str) -> list:
    # no line break just inside French quotes: « x » is kept together with its neighbours
    text = " ".join(str(text).split()).replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    lines = textwrap.wrap(text, 100 - len(indent) - 2, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# ",
                          break_on_hyphens=False) if text else []
    return [line.replace("\u00a0", " ") for line in lines]


def _scalar(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _todo_hint(sub: dict, project: Project) -> str:
    """« À COMPLÉTER », with the possible values when there are few."""
    ref_name = sub.get("x-referentiel") or (sub.get("items") or {}).get("x-referentiel")
    if sub.get("enum"):
        return f"{TODO} : {' | '.join(map(str, sub['enum']))}"
    if ref_name and ref_name in project.referentials:
        ref = project.referentials[ref_name]
        if len(ref.terms) <= MAX_LISTED_CHOICES:
            return f"{TODO} : {', '.join(ref.terms)}"
        return f"{TODO} (voir schema/{ref.file.split('schema/', 1)[-1]})"
    if sub.get("type") == "array" and not sub.get("minItems"):
        return f"{TODO} (une ligne « - … » par élément, ou [] s'il n'y en a pas)"
    if sub.get("type") == "array":
        return f"{TODO} (une ligne « - … » par élément)"
    return TODO


def _types(sub: dict) -> list:
    t = sub.get("type", "string")
    return t if isinstance(t, list) else [t]


class Skeleton:
    def __init__(self, project: Project, answers: dict, defaults: dict):
        self.project = project
        self.answers = answers      # dotted field -> value
        self.defaults = defaults

    def field(self, name: str, sub: dict, dotted: str, indent: str, required: bool) -> list:
        """Description comment + the field's lines; commented out when optional.

        ``x-scaffold`` in the schema overrides: false leaves the field out (fields reserved to
        records taken from a published document), true writes it active (required in practice)."""
        if sub.get("x-scaffold") is False:
            return []
        required = required or sub.get("x-scaffold") is True
        body = self.lines(name, sub, dotted, indent)
        if not required and dotted not in self.answers:
            body = [f"{indent}# {line[len(indent):]}" for line in body]
        # inside a commented-out block, descriptions are « # # … », so that removing one « # »
        # from every line of the block gives valid YAML with its comments kept
        return _comment(sub.get("description", ""), indent) + body

    def lines(self, name: str, sub: dict, dotted: str, indent: str) -> list:
        if dotted in self.answers:
            value = self.answers[dotted]
            return [f"{indent}{name}: [{', '.join(_scalar(v) for v in value)}]" if isinstance(value, list)
                    else f"{indent}{name}: {_scalar(value)}"]
        if dotted in self.defaults:
            return [f"{indent}{name}: {_scalar(self.defaults[dotted])}"]
        types = _types(sub)
        if "object" in types and "properties" in sub:
            out = [f"{indent}{name}:"]
            for child, csub in sub["properties"].items():
                out += self.field(child, csub, f"{dotted}.{child}", indent + "  ", child in sub.get("required", []))
            return out
        if "array" in types:
            items = sub.get("items", {})
            if "object" in _types(items) and "properties" in items:
                return [f"{indent}{name}:"] + self.item_object(items, dotted, indent + "  ")
            hint = _todo_hint(sub, self.project)
            return [f"{indent}{name}:", f"{indent}  -   # {hint}"]
        if "null" in types:
            # null is an accepted answer here (« inconnu »): a text placeholder fails until replaced
            return [f"{indent}{name}: {_scalar(TODO)}   # true, false ou null (si vous ne savez pas)"]
        return [f"{indent}{name}:   # {_todo_hint(sub, self.project)}"]

    def item_object(self, items: dict, dotted: str, indent: str) -> list:
        """One list item, « - » on its first active line; optional sub-fields commented out."""
        out, dashed = [], False
        for child, csub in items["properties"].items():
            required = child in items.get("required", [])
            block = self.field(child, csub, f"{dotted}[].{child}", indent + "  ", required)
            if required and not dashed:
                # put the dash on the field line itself (descriptions stay above it)
                for i, line in enumerate(block):
                    if not line.lstrip().startswith("#"):
                        block[i] = f"{indent}- {line[len(indent) + 2:]}"
                        break
                dashed = True
            out += block
        return out


def schema_defaults(schema: dict, today: datetime.date, prefix: str = "") -> dict:
    """Dotted field -> value prefilled by the scaffold: the schema's ``default``, today for dates."""
    out = {}
    for name, sub in (schema.get("properties") or {}).items():
        dotted = f"{prefix}{name}"
        if "default" in sub:
            out[dotted] = sub["default"]
        elif sub.get("format") == "date":
            out[dotted] = today.isoformat()
        elif "properties" in sub:
            out.update(schema_defaults(sub, today, dotted + "."))
    return out


def fiche_text(project: Project, collection, answers: dict, today: datetime.date) -> str:
    schema = collection.schema
    licence_ref = project.referentials.get("licences")
    licence = project.config.get("licence_id") or (next(iter(licence_ref.terms)) if licence_ref else None)
    defaults = schema_defaults(schema, today)
    if licence:
        defaults["licence"] = licence
    known = dict(answers)
    for rule in scaffold_of(collection)["derived"]:   # a département's region, for instance
        source = project.referentials.get(_referential_of(_sub_schema(schema, rule["from"])) or "")
        values = known.get(rule["from"]) or []
        if source is not None and values:
            derived = [str(source.terms[v].extra.get(rule["attribute"])) for v in values
                       if source.terms[v].extra.get(rule["attribute"])]
            known[rule["field"]] = list(dict.fromkeys(derived))

    skeleton = Skeleton(project, known, defaults)
    lines = ["---",
             f"# Fichier créé avec « commons-wiki new {scaffold_of(collection)['noun']} ». Chaque champ est précédé de sa description",
             f"# (tirée de {collection.schema_file}). Remplacez chaque « {TODO} » ; « commons-wiki validate »",
             "# signale tous ceux qui restent. Les blocs facultatifs sont en commentaire : pour en utiliser",
             "# un, retirez le premier « # » de chacune de ses lignes.",
             ""]
    required = schema.get("required", [])
    for name, sub in schema.get("properties", {}).items():
        lines += skeleton.field(name, sub, name, "", name in required)
    lines.append("---")
    lines.append("")
    for heading in collection.required_headings:
        lines += [f"## {heading}", "", f"{TODO} : votre texte, avec vos propres mots ; citez vos sources.", ""]
    return "\n".join(lines)


def main_collection(project: Project):
    """The collection contributors add to: wiki.yml `publish.collection`, else the first that can."""
    name = (project.config.get("publish") or {}).get("collection")
    if name in project.collections:
        return project.collections[name]
    return next((c for c in project.collections.values() if c.format == "markdown" and not c.in_docs_dir), None)


def blank_path(project: Project) -> str:
    """modeles/<noun>-vierge.md: the blank record for GitHub's web editor."""
    return f"modeles/{scaffold_of(main_collection(project))['noun']}-vierge.md"


def blank_fiche(project: Project) -> str:
    """The blank record a contributor copies in GitHub's web editor: the scaffold with nothing
    answered, and its dates to write too (a committed file must not change every day)."""
    col = main_collection(project)
    noun = scaffold_of(col)["noun"]
    text = fiche_text(project, col, {}, datetime.date(2000, 1, 1))
    text = text.replace('"2000-01-01"', f'"AAAA-MM-JJ"   # {TODO} : la date du jour')
    return text.replace(f"# Fichier créé avec « commons-wiki new {noun} ».",
                        f"# Modèle vierge ({blank_path(project)}) : copiez-le dans un nouveau fichier de {col.folder}/.", 1)


def _given(args, col, conf: dict) -> dict:
    """Answers given on the command line: --territoire (the field naming the file), --titre, --champ."""
    given = {}
    for pair in getattr(args, "champ", None) or []:
        key, _, value = pair.partition("=")
        given[key.strip()] = value.strip()
    if getattr(args, "territoire", None):
        given[conf["file_name_from"]] = args.territoire
    if getattr(args, "titre", None):
        given[col.title_field] = args.titre
    return given


def new_record(root, noun: str, args, stdin, stdout) -> int:
    root = Path(root)
    asker = Asker(stdin, stdout)
    project = load_project(root)
    if project.problems:
        asker.say("La description du wiki (schema/wiki.yml) est illisible ; corrigez d'abord :")
        for p in project.problems:
            asker.say(f"  {p.text()}")
        return 1
    col = collection_for(project, noun)
    if col is None:
        nouns = [scaffold_of(c)["noun"] for c in project.collections.values() if c.format == "markdown" and not c.in_docs_dir]
        asker.say(f"Type « {noun} » inconnu : type(s) disponible(s) : {', '.join(nouns) or 'aucun'}"
                  + (f" (commons-wiki new {nouns[0]})." if nouns else "."))
        return 2
    conf = scaffold_of(col)
    folder = root / col.folder
    try:
        answers = gather_answers(project, col, _given(args, col, conf), not getattr(args, "non_interactif", False),
                                 asker, folder)
    except Stop:
        asker.say("Abandon : aucun fichier n'a été écrit.")
        return 1
    if answers is None:
        asker.say("Aucun fichier n'a été écrit.")
        return 1
    target = folder / f"{slugify(answers[conf['file_name_from']])}.md"
    if target.exists():  # checked again: never overwrite
        asker.say(f"{project.rel(target)} existe déjà : rien n'a été écrit.")
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as f:
        f.write(fiche_text(project, col, answers, datetime.date.today()))
    rel = project.rel(target)
    sections = f" et les sections du texte ({', '.join(col.required_headings)})" if col.required_headings else ""
    asker.say(f"Fichier créé : {rel}")
    asker.say(f"Complétez les champs marqués « {TODO} »{sections}, puis vérifiez :")
    asker.say(f"  commons-wiki validate {rel}")
    return 0
