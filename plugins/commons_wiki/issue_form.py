"""« Proposer une fiche » without git: a GitHub issue form generated from the schema, and the
conversion of a submitted form into a fiche file.

- ``issue_form(project, collection)`` -> the form (YAML), one field per field of the schema that
  a contributor writes (``x-scaffold: false`` ones are left out), with the schema's French
  description; small referentials become drop-downs, lists become one-line-per-item text areas,
  lists of records one line per record with « | » between its parts.
- ``record_from_issue(project, collection, body, author, today)`` -> (file text, slug) from the
  body GitHub writes for a submitted form (« ### Label » then the answer); the workflow then
  validates it like any fiche (``commons-wiki depuis-formulaire``).

Both walk the same list of ``FormField`` derived from the schema: the form and its reading
cannot drift apart.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

import yaml

from .project import Project
from .text import slugify

MAX_DROPDOWN = 25            # longer referentials (départements) are typed as codes
# An issue is public as soon as it is sent: persons (even consenting) are added later, in the pull
# request, by the network's staff. Who wrote the fiche defaults to the GitHub account that sent it.
LEFT_OUT = {("contact", "personnes")}
OPTIONAL = {("source", "auteur")}
UNKNOWN = "Je ne sais pas"
NO_RESPONSE = "_No response_"


@dataclass
class FormField:
    path: tuple                 # ("territoire", "nom")
    label: str                  # what the form shows, unique in the form
    description: str
    schema: dict
    kind: str                   # input | textarea | dropdown | lines | records | boolean
    required: bool
    options: list = field(default_factory=list)     # dropdown: (value, label)
    parts: list = field(default_factory=list)       # records: the item's property names, in order
    multiple: bool = False

    @property
    def id(self) -> str:
        return "-".join(self.path).replace("_", "-")


def _types(schema: dict) -> list:
    t = schema.get("type", "string")
    return t if isinstance(t, list) else [t]


def _label(path: tuple) -> str:
    words = {"en_bref": "En bref", "annees_lancement": "Années de lancement", "tiers_lieu": "Recours à un tiers-lieu",
             "public_cible": "Public ciblé", "thematiques_dominantes": "Thématiques dominantes",
             "supra_territoriaux": "acteurs supra-territoriaux", "facteurs_reussite": "facteurs de réussite",
             "points_vigilance": "points de vigilance", "partenaires_techniques": "partenaires techniques",
             "note_communs": "Note sur les Communs", "redigee_le": "rédigée le", "code_postal": "code postal",
             "departements": "départements (codes)", "regions": "régions", "echelle": "Échelle",
             "principes": "Principes directeurs", "thematiques": "Thématiques", "objectifs": "Objectifs",
             "resultats": "résultats", "difficultes": "difficultés", "humains": "humains", "financiers":
             "financiers", "financiers_notes": "financements sans montant", "techniques": "techniques",
             "locaux": "acteurs locaux", "telephone": "téléphone", "references": "sources publiques",
             "auteur": "qui a rédigé la fiche", "email": "courriel", "adresse": "adresse", "liens": "Liens utiles",
             "enseignement": "Enseignement", "texte": "texte", "role": "rôle", "photos": "Photos",
             "remarques": "Remarques sur la source"}
    text = " — ".join(words.get(p, p.replace("_", " ")) for p in path)
    return text[:1].upper() + text[1:]


def form_fields(project: Project, schema: dict, path: tuple = (), required: bool = True) -> list:
    """The fields of the form, in the schema's order."""
    out = []
    needed = set(schema.get("required", []))
    for name, sub in (schema.get("properties") or {}).items():
        if sub.get("x-scaffold") is False or name in ("licence", "mis_a_jour", "origine", "redigee_le"):
            continue   # written by the conversion itself (or reserved to the guide's fiches)
        here = path + (name,)
        if here in LEFT_OUT:
            continue
        is_required = required and (name in needed or sub.get("x-scaffold") is True) and here not in OPTIONAL
        types = _types(sub)
        if "object" in types and "properties" in sub:
            out += form_fields(project, sub, here, is_required)
            continue
        out.append(_field(project, here, sub, is_required))
    return out


def _field(project: Project, path: tuple, sub: dict, required: bool) -> FormField:
    types, label, description = _types(sub), _label(path), " ".join(str(sub.get("description", "")).split())
    items = sub.get("items") or {}
    ref = project.referentials.get(sub.get("x-referentiel") or items.get("x-referentiel") or "")
    if ref and len(ref.terms) <= MAX_DROPDOWN:
        return FormField(path, label, description, sub, "dropdown", required,
                         [(t.id, t.short_label) for t in ref.terms.values()], multiple="array" in types)
    if "boolean" in types:
        options = [("true", "Oui"), ("false", "Non")] + ([("null", UNKNOWN)] if "null" in types else [])
        return FormField(path, label, description, sub, "boolean", required, options)
    if "array" in types and "object" in _types(items):
        parts = list(items.get("properties", {}))
        return FormField(path, label, description + f" Une ligne par élément : {' | '.join(parts)}.", sub, "records",
                         required and bool(sub.get("minItems")), parts=parts)
    if "array" in types:
        return FormField(path, label, description + " Une ligne par élément.", sub, "lines",
                         required and bool(sub.get("minItems")))
    long_text = sub.get("maxLength", 0) > 300
    return FormField(path, label, description, sub, "textarea" if long_text else "input", required)


def issue_form(project: Project, collection: str = "fiches") -> str:
    """The GitHub issue form (YAML) « Proposer une fiche »."""
    col = project.collections[collection]
    body: list = [{"type": "markdown", "attributes": {"value": (
        "Merci de proposer une expérience ! Remplissez ce formulaire avec vos propres mots ; un robot en fait "
        "une fiche et une proposition de modification (pull request) que l'équipe du réseau relit. Si un champ "
        "est mal rempli, le robot répond ici en listant ce qu'il faut corriger : modifiez alors votre "
        "demande. Ne publiez ni nom, ni courriel, ni téléphone de personne sans son accord.")}}]
    for f in form_fields(project, col.schema):
        attributes: dict = {"label": f.label, "description": f.description[:1000]}
        if f.kind in ("dropdown", "boolean"):
            attributes["options"] = [label for _, label in f.options]
            if f.multiple:
                attributes["multiple"] = True
            kind = "dropdown"
        elif f.kind == "input":
            kind = "input"
        else:
            kind = "textarea"
        body.append({"type": kind, "id": f.id, "attributes": attributes, "validations": {"required": f.required}})
    for heading in col.required_headings:
        body.append({"type": "textarea", "id": "texte-" + re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-"),
                     "attributes": {"label": heading, "description": f"La section « {heading} » de la fiche, en quelques "
                                                                      "paragraphes, avec vos propres mots."},
                     "validations": {"required": True}})
    form = {"name": "Proposer une fiche", "description": "Ajouter au wiki l'expérience d'un territoire, sans installer d'outil.",
            "title": "Proposition de fiche : ", "labels": ["proposition de fiche"], "body": body}
    header = ("# Generated from schema/fiche.schema.json by `commons-wiki formulaire`: do not edit by hand\n"
              "# (a test fails when it differs from what the schema gives).\n")
    return header + yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=100)


# -- reading a submitted form ------------------------------------------------------------------
def answers(body: str) -> dict:
    """{label: answer} from the Markdown GitHub writes for a submitted issue form."""
    out = {}
    for block in re.split(r"^### ", body.replace("\r\n", "\n"), flags=re.M)[1:]:
        label, _, text = block.partition("\n")
        text = text.strip()
        out[label.strip()] = "" if text == NO_RESPONSE else text
    return out


def _value(f: FormField, text: str):
    """The answer to one field as the schema expects it (left as text where it does not fit)."""
    if f.kind in ("dropdown", "boolean"):
        return _choice(f, text)
    if f.kind == "lines":
        return [line.strip().lstrip("-*• ").strip() for line in text.split("\n") if line.strip()]
    if f.kind == "records":
        return [_record(f, line) for line in text.split("\n") if line.strip()]
    if f.kind == "input":
        text = " ".join(text.split())   # a one-line field stays on one line
    if "integer" in _types(f.schema) or "number" in _types(f.schema):
        digits = re.sub(r"[\s\u202f\u00a0]", "", text)
        return int(digits) if digits.isdigit() else text
    return text


def _choice(f: FormField, text: str):
    """The value(s) of the chosen option(s) of a dropdown or a yes/no question."""
    if f.multiple:   # GitHub joins the chosen options with « , » (a label may hold a comma too)
        padded = f", {text.strip()}, "
        chosen = [value for value, label in f.options if f", {label}, " in padded] or [text]
    else:
        chosen = [{label: value for value, label in f.options}.get(text, text)]
    if f.kind == "boolean":
        return json.loads(chosen[0]) if chosen and chosen[0] in ("true", "false", "null") else text
    return chosen if f.multiple else chosen[0]


def _record(f: FormField, line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    item: dict = {}
    for name, part in zip(f.parts, parts, strict=False):   # a line may give fewer parts
        if not part:
            continue
        sub = (f.schema.get("items") or {}).get("properties", {}).get(name, {})
        if {"integer", "number"} & set(_types(sub)):
            number = part.replace("\u202f", "").replace(" ", "").replace(",", ".").rstrip("€%")
            try:
                item[name] = int(number) if "integer" in _types(sub) or float(number).is_integer() else float(number)
            except ValueError:
                item[name] = part
        else:
            item[name] = part
    return item


def record_from_issue(project: Project, collection: str, body: str, author: str,
                      today: datetime.date) -> tuple[str, str]:
    """(the fiche's file text, the territory's name) from a submitted form."""
    col = project.collections[collection]
    given = answers(body)
    data: dict = {}
    for f in form_fields(project, col.schema):
        text = given.get(f.label, "")
        if not text:
            continue
        holder = data
        for part in f.path[:-1]:
            holder = holder.setdefault(part, {})
        holder[f.path[-1]] = _value(f, text)
    source = data.setdefault("source", {})
    source["origine"] = "contribution"
    source.setdefault("auteur", author)
    source["redigee_le"] = today.isoformat()
    data["mis_a_jour"] = today.isoformat()
    licences = project.referentials.get("licences")
    if licences:
        data["licence"] = (project.config.get("publish") or {}).get("licence") or next(iter(licences.terms))
    order = list(col.schema.get("properties", {}))
    data = {k: data[k] for k in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    sections = [f"## {heading}\n\n{given.get(heading, '').strip()}\n" for heading in col.required_headings]
    place = str((data.get("territoire") or {}).get("nom") or "")
    return f"---\n{front}---\n\n" + "\n".join(sections), slugify(place)


def form_comment(project: Project, problems: list, reason: str = "") -> str:
    """The French comment the robot leaves on the issue: every problem, by the form's labels."""
    labels = {".".join(f.path): f.label for f in form_fields(project, project.collections["fiches"].schema)}
    lines = ["Merci pour cette proposition ! La fiche n'a pas encore pu être créée.", ""]
    if reason:
        lines.append(reason)
    for p in sorted(problems):
        bare = re.sub(r"\[\d+\]", "", p.field)
        where = labels.get(bare) or labels.get(bare.rsplit(".", 1)[0]) or ("Texte" if not p.field else p.field)
        lines.append(f"- **{where}** : {p.message}")
    lines += ["", "Modifiez votre demande (menu « … » puis « Edit ») : le robot relira le formulaire."]
    return "\n".join(lines)
