"""The summary of a pull request, in French, for the people who review it and the one who wrote
it: which fiches are added, changed or removed, what the validator says, and where to see each
changed fiche in the built site the workflow attaches (an archive named ``site``: the offline build, which opens
from the disk)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from .catalogue import load_catalogue
from .problems import format_problems


def changed_records(root: Path, base: str, folder: str) -> dict:
    """{"A"|"M"|"D": [file names]} of the folder's Markdown files changed since ``base``."""
    diff = subprocess.run(["git", "diff", "--name-status", "--no-renames", f"{base}...HEAD", "--", f"{folder}/"],
                          cwd=root, capture_output=True, text=True)
    changes: dict = {"A": [], "M": [], "D": []}
    for line in diff.stdout.splitlines():
        status, _, path = line.partition("\t")
        if path.endswith(".md"):
            changes.get(status[:1], changes["M"]).append(path)
    return changes


def pr_summary(root: Path, base: str, artefact: str = "site") -> str:
    cat = load_catalogue(root)
    col = cat.project.collections["fiches"]
    changes = changed_records(root, base, col.folder)
    lines = ["## Aperçu de la proposition", ""]
    titles = {rec.file: f"{rec.title} ({rec.data.get('territoire', {}).get('nom', '')})" for rec in cat["fiches"].values()}
    for kind, heading in (("A", "Fiches ajoutées"), ("M", "Fiches modifiées"), ("D", "Fiches retirées")):
        files = sorted(changes[kind])
        if not files:
            continue
        lines += [f"**{heading} ({len(files)})**", ""]
        for path in files:
            slug = Path(path).stem
            page = f"`{col.url}/{slug}.html`" if kind != "D" else ""   # the offline build: opens from the disk
            lines.append(f"- {titles.get(path, slug)} — `{path}`" + (f" ; dans l'archive « {artefact} » : {page}" if page else ""))
        lines.append("")
    if not any(changes.values()):
        lines += ["Aucune fiche n'est ajoutée, modifiée ou retirée.", ""]
    if cat.problems:
        lines += [f"**Vérification : {len(cat.problems)} problème{'s' if len(cat.problems) > 1 else ''} à corriger**", "",
                  "```", format_problems(cat.problems, warnings=cat.warnings), "```", ""]
    else:
        lines += ["**Vérification : aucun problème.**", ""]
        lines += [f"- attention : {w.text()}" for w in cat.warnings]
    lines += [f"Pour voir le site tel qu'il sera : téléchargez l'archive « {artefact} » en bas de cette page, "
              "décompressez-la et ouvrez `index.html` ou la page d'une fiche : elle fonctionne sans connexion.", ""]
    return "\n".join(lines)
