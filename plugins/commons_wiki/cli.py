"""Command line: commons-wiki validate | new | export."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .catalogue import load_catalogue
from .problems import Problem, format_problems
from .settings import SiteSettings


def find_root(start: Path) -> Path:
    """The nearest folder upwards that has schema/wiki.yml."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        if (folder / "schema" / "wiki.yml").exists():
            return folder
    return start


def cmd_validate(args) -> int:
    root = find_root(Path(args.root or "."))
    cat = load_catalogue(root)
    problems, warnings = cat.problems, cat.warnings
    if args.paths:
        missing = [Problem(p, 0, "", "fichier ou dossier introuvable : vérifiez le nom (minuscules, tirets, .md)")
                   for p in args.paths if not Path(p).exists()]
        wanted = {Path(p).resolve() for p in args.paths}

        def keep(p):
            f = (root / p.file).resolve()
            return any(f == w or w in f.parents for w in wanted)
        problems = missing + [p for p in problems if keep(p)]
        warnings = [w for w in warnings if keep(w)]
    out = format_problems(problems, args.format, warnings)
    if out:
        print(out, file=sys.stdout)
    if args.format == "text" and not problems:
        counts = ", ".join(f"{len(v)} {k}" for k, v in cat.records.items())
        print(f"({counts})")
    return 1 if problems else 0


def cmd_new(args) -> int:
    from .scaffold import new_record
    root = find_root(Path(args.root or "."))
    return new_record(root, args.collection, args, sys.stdin, sys.stdout)


def _valid_catalogue(args):
    """(project root, catalogue), or None after printing the problems that stop an export."""
    root = find_root(Path(args.root or "."))
    cat = load_catalogue(root)
    if cat.problems:
        print(format_problems(cat.problems), file=sys.stderr)
        return None
    return root, cat


def cmd_export(args) -> int:
    from .export import write_exports
    loaded = _valid_catalogue(args)
    if loaded is None:
        return 1
    root, cat = loaded
    settings = SiteSettings.read(root)
    for path in write_exports(cat, Path(args.out), version=args.version, settings=settings):
        print(path)
    return 0


def cmd_pages(args) -> int:
    """The pages as a plain folder of Markdown (commons_wiki.pages): what another engine builds."""
    from .pages import write_pages
    loaded = _valid_catalogue(args)
    if loaded is None:
        return 1
    root, cat = loaded
    docs = next((root / col.folder for col in cat.project.collections.values() if col.in_docs_dir), None)
    written = write_pages(cat, root / "templates", docs, Path(args.sortie), SiteSettings.read(root))
    print(f"{len(written)} pages écrites dans {args.sortie} (avec les pages de {docs.name if docs else 'aucun dossier'}/).")
    return 0


FORM_FILE = ".github/ISSUE_TEMPLATE/proposer-une-fiche.yml"


def cmd_form(args) -> int:
    """Write (or print) what is derived from the schema for contributors without git: the issue
    form « Proposer une fiche » and the blank fiche for GitHub's web editor."""
    from .issue_form import issue_form
    from .project import load_project
    from .scaffold import blank_fiche, blank_path
    root = find_root(Path(args.root or "."))
    project = load_project(root)
    outputs = {FORM_FILE: issue_form(project), blank_path(project): blank_fiche(project)}
    for rel, text in outputs.items():
        if args.ecrire:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(rel)
        else:
            sys.stdout.write(f"# --- {rel}\n{text}")
    return 0


def cmd_from_form(args) -> int:
    """A submitted form -> fiches/<territoire>.md, validated; or a French comment, nothing written."""
    import datetime

    from .issue_form import form_comment, record_from_issue
    from .project import load_project
    root = find_root(Path(args.root or "."))
    project = load_project(root)
    body = Path(args.corps).read_text(encoding="utf-8") if args.corps != "-" else sys.stdin.read()
    text, slug = record_from_issue(project, "fiches", body, args.auteur, datetime.date.today())
    folder = root / project.collections["fiches"].folder
    target = folder / f"{slug}.md"
    if not slug:
        print(form_comment(project, [], "Le nom du territoire manque : c'est lui qui nomme la fiche."))
        return 1
    if target.exists():
        print(form_comment(project, [], f"Une fiche existe déjà pour ce territoire ({project.rel(target)}) : "
                                        "proposez plutôt une modification de cette fiche."))
        return 1
    target.write_text(text, encoding="utf-8")
    cat = load_catalogue(root)
    problems = [p for p in cat.problems if p.file == project.rel(target)] or cat.problems
    if problems:
        target.unlink()   # nothing is written when the proposal is not valid
        print(form_comment(project, problems))
        return 1
    print(project.rel(target))
    return 0


def cmd_pr_summary(args) -> int:
    """The French summary of a pull request (the workflow writes it to the job's summary)."""
    from .pr_summary import pr_summary
    root = find_root(Path(args.root or "."))
    sys.stdout.write(pr_summary(root, args.base, args.artefact))
    return 0


def cmd_watch(args) -> int:
    """The weekly report: dead or slow external links, fiches to update (empty: nothing to do)."""
    import datetime

    from .linkwatch import watch
    root = find_root(Path(args.root or "."))
    text = watch(load_catalogue(root), datetime.date.today(), timeout=args.delai)
    if args.rapport:
        Path(args.rapport).write_text(text, encoding="utf-8")
    print(text or "Rien à signaler : tous les liens répondent et aucune fiche n'a plus de deux ans.")
    return 0


# argparse's own words, in French (it looks them up through its module-level gettext alias)
ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "ces arguments sont obligatoires : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur est attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}


def _french_argparse() -> None:
    argparse._ = lambda text: ARGPARSE_FR.get(text, text)   # type: ignore[attr-defined]  # argparse's gettext


def main(argv=None) -> int:
    _french_argparse()
    parser = argparse.ArgumentParser(prog="commons-wiki", description="Valider, créer et exporter les fiches du wiki.")
    parser.add_argument("--root", help="dossier du projet (par défaut : le dossier courant ou un parent)")
    sub = parser.add_subparsers(dest="command", required=True, title="commandes", metavar="COMMANDE")
    v = sub.add_parser("validate", help="vérifier toutes les fiches, pages et ressources")
    v.add_argument("paths", nargs="*", metavar="FICHIER", help="limiter le rapport à ces fichiers ou dossiers")
    v.add_argument("--format", choices=["text", "github", "json"], default="text",
                   help="text : pour vous ; github : annotations de pull request ; json : pour un outil")
    v.set_defaults(func=cmd_validate)
    n = sub.add_parser("new", help="créer un nouveau fichier (par exemple : new fiche)")
    n.add_argument("collection", help="type d'élément, par exemple « fiche »")
    n.add_argument("--territoire", help="le champ qui donne son nom au fichier (fiches : le territoire ; sinon demandé)")
    n.add_argument("--titre", help="le titre (fiches : le nom de l'initiative ; sinon demandé)")
    n.add_argument("--champ", action="append", metavar="CHAMP=VALEUR",
                   help="la réponse à une question, par exemple --champ commune=Saint-Jean (répétable)")
    n.add_argument("--non-interactif", action="store_true", help="ne rien demander ; laisser les champs à remplir")
    n.set_defaults(func=cmd_new)
    e = sub.add_parser("export", help="écrire les données ouvertes (JSON, CSV, datapackage)")
    e.add_argument("--out", default="dist/donnees", help="dossier de sortie (par défaut : dist/donnees)")
    e.add_argument("--version", default="dev", help="numéro de version inscrit dans les données")
    e.set_defaults(func=cmd_export)
    p = sub.add_parser("pages", help="écrire toutes les pages en Markdown dans un dossier, sans MkDocs (pour un autre moteur)")
    p.add_argument("--sortie", default="dist/pages", help="dossier de sortie (par défaut : dist/pages ; il est remplacé)")
    p.set_defaults(func=cmd_pages)
    f = sub.add_parser("formulaire", help="écrire le formulaire « Proposer une fiche » et la fiche vierge, d'après le schéma")
    f.add_argument("--ecrire", action="store_true", help="les écrire dans le dépôt (sinon : les afficher)")
    f.set_defaults(func=cmd_form)
    d = sub.add_parser("depuis-formulaire", help="faire une fiche d'un formulaire reçu (texte de l'issue)")
    d.add_argument("corps", metavar="FICHIER", help="le texte de l'issue (« - » : l'entrée standard)")
    d.add_argument("--auteur", required=True, help="qui a rempli le formulaire (son identifiant GitHub)")
    d.set_defaults(func=cmd_from_form)
    s = sub.add_parser("resume-pr", help="résumé en français d'une proposition (fiches ajoutées, modifiées, vérification)")
    s.add_argument("--base", required=True, help="la branche ou le commit de départ (par exemple origin/main)")
    s.add_argument("--artefact", default="site", help="nom de l'archive du site construit, dans l'onglet « Checks »")
    s.set_defaults(func=cmd_pr_summary)
    w = sub.add_parser("veille", help="vérifier les liens externes et lister les fiches à actualiser")
    w.add_argument("--delai", type=float, default=10, help="secondes accordées à chaque site (par défaut : 10)")
    w.add_argument("--rapport", help="écrire le rapport dans ce fichier (vide s'il n'y a rien à signaler)")
    w.set_defaults(func=cmd_watch)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
