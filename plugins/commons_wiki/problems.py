"""Problems found in the sources, and the three ways to print them."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str          # path relative to the project root, with forward slashes
    line: int          # 1-based; 0 when the problem concerns the whole file
    field: str         # "thematiques[2]", "" when not about one field
    message: str       # in French, for contributors

    def text(self, label: str = "") -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = f"{label}{self.message}"
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"

    def github(self, command: str = "error") -> str:
        # GitHub annotations: the message must not contain raw newlines or '%'.
        msg = (f"{self.field}: {self.message}" if self.field else self.message)
        msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        line = f",line={self.line}" if self.line else ""
        # property values also escape ',' and ':' (GitHub's workflow-command syntax)
        file = self.file.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
        return f"::{command} file={file}{line}::{msg}"


WARNING_LABEL = "attention : "


def format_problems(problems: list[Problem], fmt: str = "text", warnings: Iterable[Problem] = ()) -> str:
    """Every problem (errors, which stop the build) then every warning, in one of three formats."""
    problems, warnings = sorted(problems), sorted(warnings)
    if fmt == "github":
        return "\n".join([p.github() for p in problems] + [w.github("warning") for w in warnings])
    if fmt == "json":
        return json.dumps([dict(asdict(p), niveau="erreur") for p in problems]
                          + [dict(asdict(w), niveau="avertissement") for w in warnings], ensure_ascii=False, indent=2)
    lines = [p.text() for p in problems] + [w.text(WARNING_LABEL) for w in warnings]
    n = len(problems)
    lines.append(f"{n} problème{'s' if n > 1 else ''} trouvé{'s' if n > 1 else ''}." if n else "Aucun problème.")
    if warnings:
        lines.append(f"{len(warnings)} avertissement{'s' if len(warnings) > 1 else ''} (à relire, sans bloquer la publication).")
    return "\n".join(lines)


def problems_page(problems: list[Problem]) -> str:
    """Markdown of the page `mkdocs serve` shows while the sources are broken (every value escaped:
    a problem quotes what the contributor wrote)."""
    import html
    items = "\n".join(f"<li><code>{html.escape(p.file)}{':' + str(p.line) if p.line else ''}</code>"
                      f"{' — <strong>' + html.escape(p.field) + '</strong>' if p.field else ''} : {html.escape(p.message)}</li>"
                      for p in sorted(problems))
    n = len(problems)
    return (f"# Le contenu comporte {n} problème{'s' if n > 1 else ''}\n\n"
            "Le site reviendra dès que ces erreurs seront corrigées : enregistrez le fichier, la page "
            "se recharge d'elle-même.\n\n"
            f'<ul class="cw-problems">\n{items}\n</ul>\n')


def format_path(path) -> str:
    """("moyens", "financiers", 0, "montant") -> "moyens.financiers[0].montant"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
