"""Schema, referential and cross-reference checks, with French messages.

Three custom schema keywords tie the JSON Schema to the project:
  x-referentiel: <name>   the value must be a term id of that referential
  x-reference: <collection>  the value must be the id of a record of that collection
  x-url: true             http, https or mailto only
  x-email-generique: true an organisation's address, not a person's
"""
from __future__ import annotations

import operator
import re
from urllib.parse import urlparse

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from .problems import Problem, format_path
from .text import did_you_mean, fold, suggest

TYPE_FR = {"string": "un texte", "integer": "un nombre entier", "number": "un nombre", "array": "une liste",
           "object": "un bloc de champs", "boolean": "true ou false", "null": "vide (null)"}

# Local parts that name a function, not a person (mairie.ayen@, contact@, accueil.mairie@…).
GENERIC_MAIL_WORDS = {"mairie", "contact", "accueil", "info", "infos", "information", "secretariat", "bonjour",
                      "hello", "communication", "mission", "missionaccueil", "admin", "direction", "association",
                      "asso", "office", "tourisme", "service", "services", "animation", "projet",
                      "projets", "tierslieu", "cdc", "com", "courrier", "general", "reception", "equipe"}


def is_personal_mail(address: str) -> bool:
    local = address.split("@", 1)[0].lower()
    parts = [p for p in re.split(r"[.\-_]", local) if p]
    if any(fold(p) in GENERIC_MAIL_WORDS or fold(p).startswith(("mairie", "contact", "accueil", "mission")) for p in parts):
        return False
    # prenom.nom, p.nom, prenom-nom: two alphabetic words joined by a separator
    return len(parts) >= 2 and all(p.isalpha() for p in parts)


def make_validator_class(referentials: dict, ids_by_collection: dict):
    """A Draft 2020-12 validator that also knows our x- keywords."""

    def x_referentiel(validator, ref_name, instance, schema):
        ref = referentials.get(ref_name)
        if ref is None or not isinstance(instance, (str, int)):
            return
        if str(instance) not in ref.terms:
            cands = {}
            for t in ref.terms.values():
                cands[t.id] = t.id
                cands[t.label] = t.id
                cands[t.short_label] = t.id
            guess = suggest(str(instance), cands)
            hint = did_you_mean(guess) or f" ; valeurs possibles : {', '.join(list(ref.terms)[:20])}{'…' if len(ref.terms) > 20 else ''}"
            yield ValidationError(f"« {instance} » n'existe pas dans le référentiel {ref.title.lower()}{hint}", validator="x-referentiel")

    def x_reference(validator, collection, instance, schema):
        known = ids_by_collection.get(collection)
        if known is None or not isinstance(instance, str):
            return
        if instance not in known:
            guess = suggest(instance, {k: k for k in known})
            hint = did_you_mean(guess)
            yield ValidationError(f"« {instance} » ne correspond à aucun élément de « {collection} »{hint}", validator="x-reference")

    def x_url(validator, enabled, instance, schema):
        if not enabled or not isinstance(instance, str):
            return
        parsed = urlparse(instance.strip())
        if parsed.scheme not in ("http", "https", "mailto"):
            yield ValidationError(f"« {instance} » : seules les adresses http://, https:// ou mailto: sont acceptées", validator="x-url")
        elif parsed.scheme != "mailto" and not parsed.netloc:
            yield ValidationError(f"« {instance} » n'est pas une adresse web complète", validator="x-url")
        elif instance != instance.strip() or any(c in instance for c in ' "<>'):
            yield ValidationError(f"« {instance} » contient des espaces ou des caractères interdits", validator="x-url")

    def x_email_generique(validator, enabled, instance, schema):
        if enabled and isinstance(instance, str) and is_personal_mail(instance):
            yield ValidationError(f"« {instance} » ressemble à l'adresse d'une personne : indiquez une adresse générique "
                                  "(mairie@, contact@…) ou ajoutez la personne dans « personnes » avec son consentement",
                                  validator="x-email-generique")

    return jsonschema.validators.extend(Draft202012Validator, {
        "x-referentiel": x_referentiel, "x-reference": x_reference,
        "x-url": x_url, "x-email-generique": x_email_generique,
    })


_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-zA-Z]{2,}$")


def format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def _date(value):
        import datetime
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        datetime.date.fromisoformat(value)
        return True

    @checker.checks("email")
    def _email(value):
        return not isinstance(value, str) or bool(_EMAIL.match(value))

    @checker.checks("uri")
    def _uri(value):
        return not isinstance(value, str) or bool(urlparse(value).scheme)

    return checker


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "vide"
    if isinstance(value, (dict, list)):
        return "un bloc" if isinstance(value, dict) else "une liste"
    s = str(value)
    return f"« {s[:60]}{'…' if len(s) > 60 else ''} »"


def _plural(n) -> str:
    return "s" if n > 1 else ""


def _msg_required(err, path, val, inst):
    # jsonschema raises one error for all the missing fields: report each of them
    missing = [k for k in val if isinstance(inst, dict) and k not in inst]
    return [(path + (name,), "champ obligatoire manquant") for name in missing]


def _msg_additional_properties(err, path, val, inst):
    props = set((err.schema.get("properties") or {}).keys())
    extras = [k for k in inst if k not in props] if isinstance(inst, dict) else []
    out = []
    for name in extras:
        guess = suggest(str(name), {p: p for p in props})
        hint = did_you_mean(guess) or f" ; champs permis : {', '.join(sorted(props))}"
        out.append((path + (name,), f"champ inconnu{hint}"))
    return out


def _msg_type(err, path, val, inst):
    if inst is None:
        return path, "champ à compléter (il est vide)"
    types = val if isinstance(val, list) else [val]
    return path, f"doit être {' ou '.join(TYPE_FR.get(t, t) for t in types)}, pas {_describe(inst)}"


def _msg_enum(err, path, val, inst):
    guess = suggest(str(inst), {str(x): str(x) for x in val})
    hint = did_you_mean(guess) if guess != str(inst) else ""
    return path, f"{_describe(inst)} n'est pas une valeur permise{hint} ; valeurs possibles : {', '.join(map(str, val))}"


def _msg_min_items(err, path, val, inst):
    return path, f"au moins {val} élément{_plural(val)} attendu{_plural(val)} (il y en a {len(inst)})"


def _msg_max_items(err, path, val, inst):
    return path, f"au plus {val} élément{_plural(val)} permis (il y en a {len(inst)})"


def _msg_min_length(err, path, val, inst):
    return path, f"texte trop court ({len(inst)} caractères, minimum {val})"


def _msg_max_length(err, path, val, inst):
    return path, f"texte trop long ({len(inst)} caractères, maximum {val})"


def _msg_pattern(err, path, val, inst):
    return path, f"{_describe(inst)} n'a pas le format attendu ({err.schema.get('description', val)})"


_FORMATS_FR = {"date": "une date AAAA-MM-JJ valide", "email": "une adresse électronique valide",
               "uri": "une adresse web complète (https://…)"}


def _msg_format(err, path, val, inst):
    return path, f"{_describe(inst)} n'est pas {_FORMATS_FR.get(val, val)}"


def _msg_minimum(err, path, val, inst):
    return path, f"{inst} est trop petit (minimum {val})"


def _msg_maximum(err, path, val, inst):
    return path, f"{inst} est trop grand (maximum {val})"


def _first_duplicate(items):
    seen = set()
    for x in items:
        key = repr(x)
        if key in seen:
            return x
        seen.add(key)
    return None


def _msg_unique_items(err, path, val, inst):
    return path, f"la liste contient deux fois {_describe(_first_duplicate(inst))}"


def _msg_one_of(err, path, val, inst):
    forms = [" + ".join(s.get("required", [])) for s in val if isinstance(s, dict) and s.get("required")]
    return path, "ne correspond à aucune des formes permises" + (f" ; il faut : {' | '.join(forms)}" if forms else "")


def _msg_min_properties(err, path, val, inst):
    return path, f"au moins {val} élément{_plural(val)} attendu{_plural(val)}"


_MESSAGES = {
    "required": _msg_required, "additionalProperties": _msg_additional_properties, "type": _msg_type,
    "enum": _msg_enum, "minItems": _msg_min_items, "maxItems": _msg_max_items, "minLength": _msg_min_length,
    "maxLength": _msg_max_length, "pattern": _msg_pattern, "format": _msg_format,
    "minimum": _msg_minimum, "exclusiveMinimum": _msg_minimum, "maximum": _msg_maximum,
    "exclusiveMaximum": _msg_maximum, "uniqueItems": _msg_unique_items, "oneOf": _msg_one_of,
    "anyOf": _msg_one_of, "minProperties": _msg_min_properties,
}


def french_message(err: ValidationError):
    """(path, message) in French for a jsonschema error (a list of them for unknown fields).
    Our x- keywords already speak French; other keywords we do not use keep jsonschema's text."""
    path = tuple(err.absolute_path)
    message = _MESSAGES.get(str(err.validator))
    if message is None:
        return path, err.message
    return message(err, path, err.validator_value, err.instance)


# Keywords whose subschemas fast_valid() does not walk itself: a schema using them goes
# straight to jsonschema.
_APPLICATORS = {"$ref", "$dynamicRef", "$recursiveRef", "anyOf", "oneOf", "not", "dependentSchemas",
                "dependencies", "prefixItems", "additionalItems", "contains", "patternProperties", "propertyNames",
                "unevaluatedItems", "unevaluatedProperties"}


_PLAIN_TYPES: dict[type, str] = {str: "string", dict: "object", list: "array"}
_LENGTHS = {"minLength": (str, operator.ge), "maxLength": (str, operator.le),
            "minItems": (list, operator.ge), "maxItems": (list, operator.le)}


def _plan(schema) -> list | None:
    """The keywords of ``schema`` that fast_valid() checks (annotations dropped), None if it cannot."""
    cached = _PLANS.get(id(schema))
    if cached and cached[0] is schema:
        return cached[1]
    plan = None if not _APPLICATORS.isdisjoint(schema) else \
        [(key, value) for key, value in schema.items() if key not in _ANNOTATIONS]
    if len(_PLANS) > 10_000:  # `mkdocs serve` reloads the schemas at each rebuild
        _PLANS.clear()
    _PLANS[id(schema)] = (schema, plan)  # keeping the schema alive keeps its id unique
    return plan


_PLANS: dict = {}
_ANNOTATIONS = {"title", "description", "$schema", "$id", "$comment", "$defs", "definitions", "$anchor",
                "$vocabulary", "default", "examples", "deprecated", "readOnly", "writeOnly", "x-version", "x-scaffold",
                "x-csv-columns",
                "then", "else"}   # then/else are walked with their "if"


def fast_valid(validator, schema, instance) -> bool:
    """True only when ``instance`` is certainly valid: a quick walk for the common case.

    jsonschema creates a validator object at each level it descends (~5 ms per fiche); here we
    walk properties and items ourselves and call jsonschema's own functions for the leaf keywords
    (enum, pattern, format, x-…), so the verdict is the same. Any error, or any keyword we do
    not walk ($ref, anyOf…), answers False and the caller asks jsonschema for the detailed errors.
    """
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False
    plan = _plan(schema)
    if plan is None:
        return False
    for key, value in plan:
        walk = _WALKS.get(key)
        if walk is not None:
            if not walk(validator, schema, value, instance):
                return False
        elif not _leaf_valid(validator, schema, key, value, instance):
            return False
    return True


def _fast_properties(validator, schema, value, instance) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(name not in instance or fast_valid(validator, sub, instance[name]) for name, sub in value.items())


def _fast_additional_properties(validator, schema, value, instance) -> bool:
    if not isinstance(instance, dict):
        return True
    known = schema.get("properties") or {}
    return not any(name not in known and (value is False or not fast_valid(validator, value, item))
                   for name, item in instance.items())


def _fast_items(validator, schema, value, instance) -> bool:
    return not isinstance(instance, list) or all(fast_valid(validator, value, item) for item in instance)


def _fast_all_of(validator, schema, value, instance) -> bool:
    return all(fast_valid(validator, sub, instance) for sub in value)


def _fast_if(validator, schema, value, instance) -> bool:
    # the condition needs an exact answer (not "maybe"): jsonschema decides it, it is small
    branch = schema.get("then") if validator.evolve(schema=value).is_valid(instance) else schema.get("else")
    return branch is None or fast_valid(validator, branch, instance)


def _fast_length(key):
    kind, compare = _LENGTHS[key]

    def check(validator, schema, value, instance) -> bool:
        return not isinstance(instance, kind) or compare(len(instance), value)
    return check


_WALKS = {"properties": _fast_properties, "additionalProperties": _fast_additional_properties,
          "items": _fast_items, "allOf": _fast_all_of, "if": _fast_if,
          **{key: _fast_length(key) for key in _LENGTHS}}


def _leaf_valid(validator, schema, key, value, instance) -> bool:
    """A leaf keyword, checked by jsonschema's own function (unknown ones are annotations)."""
    if key == "type" and _PLAIN_TYPES.get(type(instance)) in (value if isinstance(value, list) else (value,)):
        return True   # the usual case, decided without jsonschema's type checker
    check = validator.VALIDATORS.get(key)
    return not check or next(iter(check(validator, value, instance, schema) or ()), None) is None


def _text_expected(err: ValidationError, plain: dict, base: tuple):
    """(path, message) when YAML read an unquoted value as a number, a date or true/false where
    the schema expects text (« code_postal: 04170 » is the number 2168), else None."""
    written = plain.get(base + tuple(err.absolute_path))
    types = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
    if err.validator != "type" or written is None or "string" not in types or err.instance is None:
        return None
    read = err.instance
    kind = ("true ou false" if isinstance(read, bool) else "un nombre" if str(read) == written
            else f"le nombre {read}")   # 04170 is read as the octal number 2168
    return tuple(err.absolute_path), (f"doit être un texte : « {written} » sans guillemets est lu comme {kind} ; "
                                      f"mettez la valeur entre guillemets : \"{written}\"")


def schema_problems(validator, data, rel: str, line_of, base: tuple = (), plain: dict | None = None) -> list[Problem]:
    if fast_valid(validator, validator.schema, data):
        return []
    problems = []
    for err in validator.iter_errors(data):
        found = _text_expected(err, plain or {}, base) or french_message(err)
        for path, message in (found if isinstance(found, list) else [found]):
            problems.append(Problem(rel, line_of(base + path), format_path(path), message))
    return problems


KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
