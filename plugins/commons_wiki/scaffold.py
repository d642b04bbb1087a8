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
COLLECTION_ALIASES = {"fiche": "fiches", "fiches": "fiches"}
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


def parse_departements(text: str, ref) -> tuple[list, list]:
    """Codes (or names) separated by commas or spaces -> (known codes, error messages)."""
    candidates = {}
    for t in ref.terms.values():
        candidates[t.id] = t.id
        candidates[t.label] = t.id
    codes, errors = [], []
    for raw in [p.strip() for p in re.split(r"[,;]|\s+(?=\d)", text) if p.strip()]:
        code = raw.upper() if re.fullmatch(r"\d[\dAaBb]?\d?", raw) else raw
        if re.fullmatch(r"\d", code):
            code = "0" + code      # « 4 » -> « 04 »
        if code in ref.terms:
            codes.append(code)
            continue
        exact = {fold(t.label): t.id for t in ref.terms.values()}.get(fold(raw))
        if exact:
            codes.append(exact)
            continue
        guess = suggest(raw, candidates)
        hint = did_you_mean(guess, f", {ref.label(guess)}" if guess else "")
        errors.append(f"« {raw} » n'est pas un département connu{hint}")
    return list(dict.fromkeys(codes)), errors


def parse_echelle(text: str, ref) -> str | None:
    terms = list(ref.terms.values())
    if text.isdigit() and 1 <= int(text) <= len(terms):
        return terms[int(text) - 1].id
    for t in terms:
        if fold(text) in (fold(t.id), fold(t.label), fold(t.short_label)):
            return t.id
    return None


def gather_answers(project: Project, schema: dict, args, asker: Asker, folder: Path) -> dict | None:
    """Territory, title, départements, échelle. None when the answers cannot be completed."""
    refs = project.referentials
    interactive = not getattr(args, "non_interactif", False)
    ask = _TextQuestion(make_validator_class(refs, {}), schema, asker, folder, interactive)
    if interactive:
        asker.say("Nouvelle fiche expérience. Répondez aux questions (Ctrl+D pour abandonner sans rien écrire).")
    answers: dict = {"territoire": ask("territoire", "territoire.nom", getattr(args, "territoire", None),
                                       "Nom du territoire")}
    if answers["territoire"] is None:
        if not getattr(args, "territoire", None):
            asker.say("Le nom du territoire est nécessaire pour nommer le fichier : utilisez --territoire \"…\".")
        return None
    answers["titre"] = ask("titre", "titre", getattr(args, "titre", None), "Nom de l'initiative")
    if not interactive:
        return answers   # the rest stays « À COMPLÉTER »
    answers["departements"] = _ask_departements(refs["departements"], schema, asker)
    answers["echelle"] = _ask_echelle(refs["echelles"], schema, asker)
    return answers


class _TextQuestion:
    """Asks for one text field until its answer fits the schema (once only when not interactive)."""

    def __init__(self, validator_cls, schema: dict, asker: Asker, folder: Path, interactive: bool):
        self.validator_cls, self.schema, self.asker = validator_cls, schema, asker
        self.folder, self.interactive = folder, interactive

    def __call__(self, key: str, dotted: str, given, label: str):
        sub = _sub_schema(self.schema, dotted)
        value = given
        while True:
            if value is not None:
                error = self.error(key, sub, value)
                if not error:
                    return value
                self.asker.say(f"  → {error}")
                if not self.interactive:
                    return None
            elif not self.interactive:
                return None
            else:
                self.asker.say(f"{label} — {sub.get('description', '')}")
            value = self.asker.ask(f"{label} :")

    def error(self, key: str, sub: dict, value) -> str | None:
        error = _schema_error(self.validator_cls, sub, value)
        if error or key != "territoire":
            return error
        slug = slugify(value)
        if not slug:
            return "ce nom ne donne aucun nom de fichier (lettres ou chiffres attendus)"
        if (self.folder / f"{slug}.md").exists():
            return (f"une fiche existe déjà pour ce territoire ({self.folder.name}/{slug}.md) : complétez-la, "
                    "ou précisez le nom (par exemple en ajoutant la commune ou le pays)")
        return None


def _ask_departements(deps, schema: dict, asker: Asker) -> list:
    asker.say(f"Département(s) — {_sub_schema(schema, 'territoire.departements').get('description', '')}")
    asker.say("  Plusieurs départements : séparez-les par des virgules. Tapez « ? » pour la liste.")
    while True:
        text = asker.ask("Code(s) du ou des départements :")
        if text == "?":
            asker.say(textwrap.fill(_choices(deps), 100, initial_indent="  ", subsequent_indent="  "))
            continue
        codes, errors = parse_departements(text, deps)
        if codes and not errors:
            return codes
        for e in errors or ["au moins un code de département est attendu (par exemple 29, 2A ou 973)"]:
            asker.say(f"  → {e}")


def _ask_echelle(echelles, schema: dict, asker: Asker) -> str:
    asker.say(f"Échelle — {_sub_schema(schema, 'echelle').get('description', '')}")
    for i, t in enumerate(echelles.terms.values(), 1):
        asker.say(f"  {i}. {t.label}")
    while True:
        text = asker.ask(f"Échelle (numéro de 1 à {len(echelles.terms)}, ou nom) :")
        found = parse_echelle(text, echelles)
        if found:
            return found
        asker.say(f"  → « {text} » n'est pas une échelle connue ; choisissez parmi : {_choices(echelles)}")


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
    known = {"titre": answers.get("titre"), "territoire.nom": answers.get("territoire"),
             "territoire.departements": answers.get("departements"), "echelle": answers.get("echelle")}
    if answers.get("departements"):
        deps = project.referentials["departements"]
        regions = [str(deps.terms[d].extra.get("region")) for d in answers["departements"] if deps.terms[d].extra.get("region")]
        known["territoire.regions"] = list(dict.fromkeys(regions))
    known = {k: v for k, v in known.items() if v}

    skeleton = Skeleton(project, known, defaults)
    lines = ["---",
             "# Fiche créée avec « commons-wiki new fiche ». Chaque champ est précédé de sa description",
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


BLANK_TEMPLATE = "modeles/fiche-vierge.md"


def blank_fiche(project: Project) -> str:
    """The blank fiche a contributor copies in GitHub's web editor: the scaffold with nothing
    answered, and its dates to write too (a committed file must not change every day)."""
    text = fiche_text(project, project.collections[COLLECTION_ALIASES["fiche"]], {}, datetime.date(2000, 1, 1))
    text = text.replace('"2000-01-01"', f'"AAAA-MM-JJ"   # {TODO} : la date du jour')
    return text.replace("# Fiche créée avec « commons-wiki new fiche ».",
                        f"# Fiche vierge ({BLANK_TEMPLATE}) : copiez-la dans un nouveau fichier de fiches/.", 1)


def new_record(root, collection: str, args, stdin, stdout) -> int:
    root = Path(root)
    name = COLLECTION_ALIASES.get(collection)
    asker = Asker(stdin, stdout)
    if name is None:
        asker.say(f"Type « {collection} » inconnu : seul « fiche » est disponible (commons-wiki new fiche).")
        return 2
    project = load_project(root)
    if project.problems or name not in project.collections:
        asker.say("La description du wiki (schema/wiki.yml) est illisible ; corrigez d'abord :")
        for p in project.problems:
            asker.say(f"  {p.text()}")
        return 1
    col = project.collections[name]
    folder = root / col.folder
    try:
        answers = gather_answers(project, col.schema, args, asker, folder)
    except Stop:
        asker.say("Abandon : aucune fiche n'a été écrite.")
        return 1
    if answers is None:
        asker.say("Aucune fiche n'a été écrite.")
        return 1
    target = folder / f"{slugify(answers['territoire'])}.md"
    if target.exists():  # checked again: never overwrite
        asker.say(f"{project.rel(target)} existe déjà : rien n'a été écrit.")
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="\n") as f:
        f.write(fiche_text(project, col, answers, datetime.date.today()))
    rel = project.rel(target)
    asker.say(f"Fiche créée : {rel}")
    asker.say(f"Complétez les champs marqués « {TODO} » et les deux sections du texte, puis vérifiez :")
    asker.say(f"  commons-wiki validate {rel}")
    return 0
