"""What a contributor who is not a developer trips on gets a French message with the fix and the
right line: the common YAML slips, cross-field rules, duplicates reported on the new file, a path
that does not exist; and every message CONTRIBUTING.md quotes is one the validator really prints."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from commons_wiki.catalogue import load_catalogue
from commons_wiki.problems import format_problems
from conftest import ROOT, copy_project

CONTRIBUTION = (ROOT / "tests" / "fixtures" / "contribution.md").read_text(encoding="utf-8")
FILE = "fiches/val-des-essais.md"

# (what is written instead of a line of the contribution, start of the French message)
SLIPS = {
    "indentation": (('  departements: ["68"]', '   departements: ["68"]'),
                    "indentation incorrecte : alignez cette ligne sur les autres champs du même bloc"),
    "apostrophe": (('titre: "Le jardin partagé de l\'école"', "titre: 'Le jardin partagé de l'école'"),
                   "apostrophe à l'intérieur d'une valeur écrite entre apostrophes : entourez toute la valeur de "
                   "guillemets droits, par exemple \"Le jardin partagé de l'école\""),
    "unclosed quote": (('porteur: "Commune de Val-des-Essais"', 'porteur: "Commune de Val-des-Essais'),
                       "guillemet « \" » ouvert ici et jamais fermé : ajoutez-le à la fin de la valeur"),
    "unquoted colon": (('titre: "Le jardin partagé de l\'école"', "titre: Jardin: le potager de l'école"),
                       "deux-points dans une valeur : entourez toute la valeur de guillemets droits, "
                       "par exemple \"Jardin: le potager de l'école\""),
    "number for text": (('departements: ["68"]', "departements: [68]"),
                        "doit être un texte : « 68 » sans guillemets est lu comme un nombre ; "
                        "mettez la valeur entre guillemets : \"68\""),
    "octal postal code": (('code_postal: "68190"', "code_postal: 04170"),
                          "doit être un texte : « 04170 » sans guillemets est lu comme le nombre 2168 ; "
                          "mettez la valeur entre guillemets : \"04170\""),
    "hash cuts a value": (('commune: "Val-des-Essais"', "commune: Val-des-Essais #2 bis"),
                          "« #2 bis » est ignoré : en YAML, « # » après une espace commence un commentaire"),
}


def broken(root, old: str, new: str) -> str:
    assert old in CONTRIBUTION, old
    text = CONTRIBUTION.replace(old, new, 1)
    (root / FILE).write_text(text, encoding="utf-8")
    return text


def line_with(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def proj(tmp_path):
    return copy_project(tmp_path / "proj")


@pytest.mark.parametrize("slip", list(SLIPS))
def test_yaml_slip_gets_the_fix_on_the_right_line(proj, slip):
    (old, new), message = SLIPS[slip]
    text = broken(proj, old, new)
    problems = load_catalogue(proj).problems
    assert len(problems) == 1, [p.text() for p in problems]
    p = problems[0]
    assert p.file == FILE and p.message.startswith(message), p.text()
    assert p.line == line_with(text, new.strip().split("\n")[-1]), p.text()


def test_cross_field_rules(proj):
    text = broken(proj, "thematiques_dominantes: [alimentation]", "thematiques_dominantes: [mobilite]")
    text = text.replace('code_postal: "68190"', 'code_postal: "29100"').replace(
        "licence: CC-BY-SA-4.0", "note_communs: \"Un jardin géré en commun par les familles.\"\nlicence: CC-BY-SA-4.0")
    (proj / FILE).write_text(text, encoding="utf-8")
    found = {p.field: (p.line, p.message) for p in load_catalogue(proj).problems}
    assert found == {
        "thematiques_dominantes[0]": (line_with(text, "thematiques_dominantes:"),
                                      "« mobilite » doit aussi figurer dans thematiques"),
        "contact.code_postal": (line_with(text, "code_postal:"),
                                "le code postal 29100 n'appartient à aucun des départements de territoire.departements (68)"),
        "note_communs": (line_with(text, "note_communs:"),
                         "ce champ suppose « communs » dans principes : ajoutez-le, ou retirez ce champ"),
    }


def test_corsican_and_overseas_postal_codes(proj):
    text = CONTRIBUTION.replace('departements: ["68"]', 'departements: ["2B"]').replace('regions: ["44"]', 'regions: ["94"]')
    (proj / FILE).write_text(text.replace('code_postal: "68190"', 'code_postal: "20250"'), encoding="utf-8")
    assert load_catalogue(proj).problems == []


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(root)})


def test_a_duplicate_is_reported_on_the_new_file_not_the_existing_one(proj):
    git(proj, "init", "-q")
    git(proj, "add", ".")
    git(proj, "commit", "-q", "-m", "existing fiches")
    # « aaa- » sorts before « le-juch »: the order of names must not decide which file is new
    juch = (proj / "fiches" / "le-juch.md").read_text(encoding="utf-8")
    (proj / "fiches" / "aaa-le-juch.md").write_text(juch.replace("L'électromobilité", "L'ÉLECTROMOBILITÉ"), encoding="utf-8")
    [p] = load_catalogue(proj).problems
    assert (p.file, p.field) == ("fiches/aaa-le-juch.md", "titre")
    assert p.message == "doublon : même titre et territoire.nom que fiches/le-juch.md"


def test_same_territory_other_initiative_is_a_warning_on_the_new_file(proj):
    git(proj, "init", "-q")
    git(proj, "add", ".")
    git(proj, "commit", "-q", "-m", "existing fiches")
    juch = (proj / "fiches" / "le-juch.md").read_text(encoding="utf-8")
    (proj / "fiches" / "aaa-velos.md").write_text(juch.replace("L'électromobilité partagée", "Des vélos pour tous"),
                                                  encoding="utf-8")
    cat = load_catalogue(proj)
    assert cat.problems == []
    [w] = cat.warnings
    assert (w.file, w.field) == ("fiches/aaa-velos.md", "territoire.nom")
    assert w.message.startswith("même territoire.nom que fiches/le-juch.md : s'il s'agit de la même initiative")
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(proj), "validate"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "fiches/aaa-velos.md:" in result.stdout and "attention : même territoire.nom" in result.stdout


def test_validating_a_file_that_does_not_exist_is_an_error(proj):
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "--root", str(proj), "validate", "fiches/typo.md"],
                            capture_output=True, text=True, timeout=120, cwd=proj)
    assert result.returncode == 1
    assert "fiches/typo.md: fichier ou dossier introuvable" in result.stdout
    assert "Aucun problème" not in result.stdout


# -- CONTRIBUTING.md quotes the validator word for word -----------------------------------------
def all_messages(root) -> list:
    """The printed lines of a project copy broken in every way CONTRIBUTING.md explains."""
    def fiche(name: str, old: str, new: str, base: str = CONTRIBUTION):
        assert old in base, old
        (root / "fiches" / f"{name}.md").write_text(base.replace(old, new, 1), encoding="utf-8")
    juch = (ROOT / "fiches" / "le-juch.md").read_text(encoding="utf-8")
    for i, ((old, new), _) in enumerate(SLIPS.values()):
        fiche(f"slip-{i}", old, new.replace("Val-des-Essais", f"Val {i}"))
    fiche("vide", 'porteur: "Commune de Val-des-Essais"', "porteur:")
    fiche("manque", 'porteur: "Commune de Val-des-Essais"\n', "")
    fiche("inconnu", "porteur:", "porteurs:")
    fiche("terme", "echelle: commune", "echelle: Commune")
    fiche("region", 'departements: ["68"]', 'departements: ["68", "29"]')
    fiche("court", "en_bref: >-", 'en_bref: "Trop court."\nautre: >-')
    fiche("date", 'mis_a_jour: "2026-11-20"', 'mis_a_jour: "20/11/2026"')
    fiche("format", 'code_postal: "68190"', 'code_postal: "6819"')
    fiche("mail", 'email: "mairie@val-des-essais.example.org"', 'email: "jeanne.martin@val-des-essais.example.org"')
    fiche("adresse", 'url: "https://val-des-essais.example.org/conseil/2023-03-04"', 'url: "www.val-des-essais.example.org"')
    fiche("cle", "echelle: commune\n", "echelle: commune\nechelle: commune\n")
    fiche("titres", "## Contexte", "## Le contexte")
    fiche("html", "## La démarche\n", "## La démarche\n\n<iframe src=\"https://exemple.org\"></iframe>\n")
    fiche("lien", "## La démarche\n", "## La démarche\n\n[le site](javascript:void(0))\n")
    fiche("portable", "## La démarche\n", "## La démarche\n\nAppelez le 06 12 34 56 78.\n")
    fiche("perso", "## La démarche\n", "## La démarche\n\nÉcrivez à jeanne.martin@orange.fr.\n")
    fiche("repere", "## La démarche\n", "## La démarche\n\nÀ COMPLÉTER : votre texte.\n")
    fiche("dominante", "thematiques_dominantes: [alimentation]", "thematiques_dominantes: [mobilite]")
    fiche("postal", 'code_postal: "68190"', 'code_postal: "29100"')
    fiche("communs", "licence: CC-BY-SA-4.0", 'note_communs: "Un jardin en commun."\nlicence: CC-BY-SA-4.0')
    fiche("origine", "  auteur: \"Service communication de Val-des-Essais\"\n", "")
    fiche("doublon", 'nom: "Le Juch"', 'nom: "Le Juch"', base=juch)
    fiche("voisine", "L'électromobilité partagée", "Des vélos en libre-service", base=juch)
    (root / "fiches" / "Mauvais Nom.md").write_text(CONTRIBUTION.replace("Val-des-Essais", "Ailleurs"), encoding="utf-8")
    (root / "fiches" / "latin.md").write_bytes(CONTRIBUTION.replace("Val-des-Essais", "Latin").encode("latin-1", "replace"))
    (root / "fiches" / "tab.md").write_text(CONTRIBUTION.replace("\n  nom:", "\n\tnom:", 1), encoding="utf-8")
    cat = load_catalogue(root)
    return format_problems(cat.problems, "text", cat.warnings).splitlines()   # as the contributor reads them


def quoted_messages() -> list:
    """The messages quoted (in backquotes) in the first column of CONTRIBUTING.md's table."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text[text.index("## Ce que dit le vérificateur"):]
    table = table[: table.index("\n## ", 5)]
    quotes = []
    for row in re.findall(r"^\| (.+?) \| .+ \|$", table, re.M):
        quotes += re.findall(r"`([^`]+)`", row)
    return [q for q in quotes if q != "Message"]


def test_every_message_quoted_in_contributing_is_printed_word_for_word(tmp_path):
    messages = all_messages(copy_project(tmp_path / "proj"))
    quotes = quoted_messages()
    assert len(quotes) >= 20, quotes
    for quote in quotes:
        # « … » in a quote stands for the part that depends on the fiche
        pattern = ".*?".join(re.escape(part) for part in quote.split("…"))
        assert any(re.search(pattern, m) for m in messages), f"CONTRIBUTING.md cite un message introuvable : {quote}"
