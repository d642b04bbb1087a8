"""The loader and validator (core, no MkDocs): one test per check, each on a temporary copy of the
project where a real fiche has been altered. Expected lines are computed from the text we wrote."""
from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

from commons_wiki.catalogue import load_catalogue
from commons_wiki.problems import Problem
from commons_wiki.validate import fast_valid, format_checker, make_validator_class
from conftest import ROOT, copy_project

JUCH = (ROOT / "fiches" / "le-juch.md").read_text(encoding="utf-8")
FULL = "arvieu"  # a fiche with every optional block (acteurs.locaux, liens, photos, note_communs…)


# -- helpers -------------------------------------------------------------------------------
def line_no(text: str, needle: str, after: str | None = None) -> int:
    """1-based number of the first line containing ``needle`` (after the line containing ``after``)."""
    lines = text.split("\n")
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, f"{old!r} not in the fiche any more: update the test"
    return text.replace(old, new, 1)


def write(root, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return text


def problems_of(root, file: str | None = None) -> list[Problem]:
    probs = load_catalogue(root).problems
    return [p for p in probs if file is None or p.file == file]


def the_problem(root, file: str) -> Problem:
    """The single problem reported, which must be about ``file``."""
    probs = problems_of(root)
    assert len(probs) == 1, "\n".join(p.text() for p in probs)
    assert probs[0].file == file
    return probs[0]


@pytest.fixture
def proj(tmp_path):
    return copy_project(tmp_path / "proj")


def mutate_juch(proj, old: str, new: str) -> str:
    return write(proj, "fiches/le-juch.md", replace_once(JUCH, old, new))


# -- the real project is clean ---------------------------------------------------------------
def test_real_project_has_no_problem():
    cat = load_catalogue(ROOT)
    assert cat.problems == [], "\n".join(p.text() for p in cat.problems)
    assert set(cat["fiches"]) == {p.stem for p in (ROOT / "fiches").glob("*.md")}


# -- schema --------------------------------------------------------------------------------
def test_missing_required_field_is_named(proj):
    text = mutate_juch(proj, 'porteur: "Commune du Juch"\n', "")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "titre:"), "porteur")  # the header's first line
    assert p.message == "champ obligatoire manquant"


def test_every_missing_field_is_reported(proj):
    text = mutate_juch(proj, 'porteur: "Commune du Juch"\n', "")
    text = write(proj, "fiches/le-juch.md", replace_once(text, "population: 723\n", ""))
    assert {p.field for p in problems_of(proj)} == {"porteur", "population"}


def test_wrong_type_says_what_was_expected(proj):
    text = mutate_juch(proj, "population: 723", "population: beaucoup")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "population:"), "population")
    assert p.message == "doit être un nombre entier, pas « beaucoup »"


def test_unknown_field_suggests_the_nearest_one(proj):
    text = mutate_juch(proj, "\nremarques:\n", "\nremarque:\n")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "remarque:", after="provenance:"), "remarque")
    assert p.message == "champ inconnu (vouliez-vous dire « remarques » ?)"


def test_nested_field_is_located(proj):
    text = mutate_juch(proj, "      part: 70", "      part: 170")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "part: 170"), "moyens.financiers[1].part")
    assert p.message == "170 est trop grand (maximum 100)"


# -- referentials ---------------------------------------------------------------------------
def test_unknown_term_suggests_the_known_one(proj):
    text = mutate_juch(proj, "thematiques: [mobilite, outils-numeriques, accueil-services]",
                       "thematiques: [outils-numeriques, accueil-services, Mobilite]")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "thematiques: [outils"), "thematiques[2]")
    assert p.message.startswith("« Mobilite » n'existe pas")
    assert p.message.endswith("(vouliez-vous dire « mobilite » ?)")
    assert p.text() == f"fiches/le-juch.md:{p.line}: thematiques[2]: {p.message}"


def test_unknown_term_with_no_close_match_lists_the_values(proj):
    text = mutate_juch(proj, "echelle: commune", "echelle: galaxie")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "echelle:"), "echelle")
    assert "« galaxie » n'existe pas" in p.message and "valeurs possibles : " in p.message
    assert "commune" in p.message.split("valeurs possibles : ")[1]


def test_departement_outside_the_declared_regions(proj):
    # 13 (Bouches-du-Rhône) is in Provence-Alpes-Côte d'Azur (93), not in Bretagne (53)
    text = mutate_juch(proj, 'departements: ["29"]', 'departements: ["29", "13"]')
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "departements:"), "territoire.departements[1]")
    assert p.message == ("Bouches-du-Rhône (13) appartient à Provence-Alpes-Côte d'Azur (93), "
                         "qui manque dans territoire.regions")


# -- cross-references -----------------------------------------------------------------------
def test_page_citing_a_missing_fiche(proj):
    rel = "content/ressources/financer.md"
    text = (ROOT / rel).read_text(encoding="utf-8")
    text = write(proj, rel, replace_once(text, "fiches: [arvieu,", "fiches: [arvieux,"))
    p = the_problem(proj, rel)
    assert (p.line, p.field) == (line_no(text, "fiches: [arvieux"), "fiches[0]")
    assert p.message == "« arvieux » ne correspond à aucun élément de « fiches » (vouliez-vous dire « arvieu » ?)"


def test_fiche_citing_a_missing_page(proj):
    rel = "fiches/petr-sud-lozere.md"
    text = (ROOT / rel).read_text(encoding="utf-8")
    text = write(proj, rel, replace_once(text, "visite: terrain/sud-lozere.md", "visite: terrain/sud-lozer.md"))
    p = the_problem(proj, rel)
    assert (p.line, p.field) == (line_no(text, "visite: terrain"), "source.visite")
    assert "« terrain/sud-lozer.md » ne correspond à aucun élément de « pages »" in p.message
    assert "(vouliez-vous dire « terrain/sud-lozere.md » ?)" in p.message


def test_removing_a_cited_fiche_is_reported_on_the_citing_pages(proj):
    (proj / "fiches" / "le-juch.md").unlink()
    citing = {p.file for p in problems_of(proj)}
    expected = {f.relative_to(ROOT).as_posix() for f in (ROOT / "content").rglob("*.md")
                if "le-juch" in str(yaml.safe_load(f.read_text(encoding="utf-8").split("---")[1]).get("fiches", []))}
    assert expected and citing == expected


# -- file names, slugs, duplicates -----------------------------------------------------------
def test_file_name_must_be_kebab_case(proj):
    (proj / "fiches" / "le-juch.md").rename(proj / "fiches" / "Le_Juch.md")
    probs = problems_of(proj, "fiches/Le_Juch.md")
    assert [(p.line, p.field) for p in probs] == [(0, "")]
    assert "nom de fichier invalide" in probs[0].message and "« le-juch.md »" in probs[0].message
    assert probs[0].text().startswith("fiches/Le_Juch.md: nom de fichier invalide")


def test_no_other_file_in_fiches(proj):
    (proj / "fiches" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    p = the_problem(proj, "fiches/photo.jpg")
    assert (p.line, p.field) == (0, "")
    assert p.message == "seuls des fichiers .md sont permis dans fiches/"


def test_duplicate_resource_id(proj):
    rel = "ressources/reseaux.yml"
    text = (ROOT / rel).read_text(encoding="utf-8")
    text = write(proj, rel, replace_once(text, "- id: cerema", "- id: banque-des-territoires"))
    p = the_problem(proj, rel)
    index = [r["id"] for r in yaml.safe_load(text)].index("banque-des-territoires", 1)
    first = line_no(text, "- id: banque-des-territoires")
    assert (p.line, p.field) == (line_no(text, "- id: banque-des-territoires", after="id: banque-des-territoires"),
                                 f"[{index}].id")
    assert p.message == f"identifiant « banque-des-territoires » déjà utilisé ({rel}:{first})"


def test_same_territory_and_title_is_a_duplicate(proj):
    write(proj, "fiches/kergo.md", JUCH.replace('titre: "L\'électromobilité partagée"',
                                                  'titre: "L\'ÉLECTROMOBILITÉ partagée "'))
    probs = problems_of(proj)
    assert len(probs) == 1, [p.text() for p in probs]
    p = probs[0]
    other = ({"fiches/kergo.md", "fiches/le-juch.md"} - {p.file}).pop()
    assert (p.line, p.field) == (line_no(JUCH, "titre:"), "titre")
    assert p.message == f"doublon : même titre et territoire.nom que {other}"


def test_same_title_elsewhere_is_not_a_duplicate(proj):
    write(proj, "fiches/kergo.md", JUCH.replace('nom: "Le Juch"', 'nom: "Douarnenez"'))
    assert problems_of(proj) == []


# -- YAML itself -----------------------------------------------------------------------------
def test_duplicate_yaml_key(proj):
    text = mutate_juch(proj, "echelle: commune\n", "echelle: commune\npopulation: 800\n")
    p = the_problem(proj, "fiches/le-juch.md")
    # the second occurrence is the one reported
    assert (p.line, p.field) == (line_no(text, "population:", after="population: 800"), "population")
    assert p.message == "la clé « population » est écrite deux fois (la seconde écraserait la première)"


def test_tab_indentation(proj):
    text = mutate_juch(proj, '  nom: "Le Juch"', '\tnom: "Le Juch"')
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, '\tnom: "Le Juch"'), "")
    assert p.message.startswith("tabulation en début de ligne")


def test_broken_yaml_gives_a_line(proj):
    text = mutate_juch(proj, 'porteur: "Commune du Juch"', 'porteur: "Commune du Juch')
    probs = problems_of(proj, "fiches/le-juch.md")
    assert len(probs) == 1 and probs[0].message.startswith("guillemet « \" » ouvert ici et jamais fermé")
    assert probs[0].line == line_no(text, "porteur:")    # where the quote was opened, not where YAML choked


def test_not_utf8(proj):
    (proj / "fiches" / "le-juch.md").write_bytes(JUCH.encode("latin-1", errors="replace"))
    p = the_problem(proj, "fiches/le-juch.md")
    first_non_ascii = next(i for i, line in enumerate(JUCH.split("\n")) if not line.isascii()) + 1
    assert (p.line, p.field) == (first_non_ascii, "")
    assert p.message == "le fichier n'est pas encodé en UTF-8 (enregistrez-le en UTF-8)"


def test_control_character(proj):
    text = mutate_juch(proj, "porteur: \"Commune du Juch\"", "porteur: \"Commune\x00 du Juch\"")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "porteur:"), "")
    assert p.message == "caractère de contrôle interdit (U+0000) : supprimez-le"


# -- URL fields, e-mail, dates ----------------------------------------------------------------
@pytest.mark.parametrize("url", ["ftp://www.lejuch.fr/kergo/", "javascript:alert(1)", "www.lejuch.fr/kergo/"])
def test_url_must_be_http_https_or_mailto(proj, url):
    text = mutate_juch(proj, 'url: "http://www.lejuch.fr/kergo/"', f'url: "{url}"')
    probs = problems_of(proj, "fiches/le-juch.md")
    assert probs, f"{url} accepted"
    assert {(p.line, p.field) for p in probs} == {(line_no(text, "url:"), "liens[0].url")}
    assert any("seules les adresses http://, https:// ou mailto: sont acceptées" in p.message for p in probs)


def test_mailto_and_https_urls_are_accepted(proj):
    text = mutate_juch(proj, 'url: "http://www.lejuch.fr/kergo/"', 'url: "mailto:accueil.mairie@lejuch.fr"')
    write(proj, "fiches/le-juch.md", replace_once(text, "  telephone:", '  site: "https://www.lejuch.fr/"\n  telephone:'))
    assert problems_of(proj) == []


def test_personal_email_is_refused(proj):
    text = mutate_juch(proj, 'email: "accueil.mairie@lejuch.fr"', 'email: "jean.dupont@lejuch.fr"')
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "email:"), "contact.email")
    assert p.message.startswith("« jean.dupont@lejuch.fr » ressemble à l'adresse d'une personne")
    assert "adresse générique" in p.message


@pytest.mark.parametrize("date", ["2026-02-30", "26/11/2026", "2026-11"])
def test_invalid_date(proj, date):
    text = mutate_juch(proj, 'mis_a_jour: "2026-11-26"', f'mis_a_jour: "{date}"')
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "mis_a_jour:"), "mis_a_jour")
    assert p.message == f"« {date} » n'est pas une date AAAA-MM-JJ valide"


def test_unquoted_date_is_accepted(proj):
    mutate_juch(proj, 'mis_a_jour: "2026-11-26"', "mis_a_jour: 2026-11-26")
    assert problems_of(proj) == []


def test_required_heading(proj):
    text = mutate_juch(proj, "## Contexte\n", "## Le contexte\n")
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "---", after="licence:") + 1, "")  # where the body starts
    assert p.message == "le texte doit contenir une section « ## Contexte »"


# -- valid variants ----------------------------------------------------------------------------
def test_crlf_and_bom_are_accepted(proj):
    (proj / "fiches" / "le-juch.md").write_bytes(b"\xef\xbb\xbf" + JUCH.replace("\n", "\r\n").encode("utf-8"))
    cat = load_catalogue(proj)
    assert cat.problems == []
    assert cat["fiches"]["le-juch"].data["titre"] == "L'électromobilité partagée"
    assert "\r" not in cat["fiches"]["le-juch"].body


def test_crlf_keeps_line_numbers(proj):
    text = replace_once(JUCH, "population: 723", "population: beaucoup")
    (proj / "fiches" / "le-juch.md").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    p = the_problem(proj, "fiches/le-juch.md")
    assert (p.line, p.field) == (line_no(text, "population:"), "population")


OPTIONAL = [("acteurs", "locaux"), ("liens",), ("photos",), ("note_communs",), ("enseignement",), ("provenance",),
            ("remarques",), ("moyens", "partenaires_techniques"), ("moyens", "techniques")]


def _without(path_in_data: tuple, fiche: str) -> str:
    text = (ROOT / "fiches" / f"{fiche}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    target = data
    for part in path_in_data[:-1]:
        target = target[part]
    assert path_in_data[-1] in target, f"{fiche} has no {path_in_data}: pick another fiche"
    del target[path_in_data[-1]]
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body


@pytest.mark.parametrize("path", OPTIONAL, ids=[".".join(p) for p in OPTIONAL])
def test_optional_block_may_be_absent(proj, path):
    write(proj, f"fiches/{FULL}.md", _without(path, FULL))
    assert problems_of(proj) == []


def test_all_optional_blocks_absent_at_once(proj):
    text = (ROOT / "fiches" / f"{FULL}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    for path in OPTIONAL:
        target = data
        for part in path[:-1]:
            target = target[part]
        target.pop(path[-1], None)
    write(proj, f"fiches/{FULL}.md", "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body)
    assert problems_of(proj) == []


# -- hostile junk: never a traceback ----------------------------------------------------------
def _huge() -> bytes:
    # ~10 MB: a real fiche with a very long body
    return replace_once(JUCH, "## Contexte\n", "## Contexte\n" + ("Du texte sans fin. " * 50 + "\n") * 10000).encode()


JUNK = {
    "vide": (b"", 1, "en-tête YAML absent"),
    "binaire": (bytes(range(256)) * 40, bytes(range(0x80)).count(b"\n") + 1, "n'est pas encodé en UTF-8"),
    "liste": (b"---\n- un\n- deux\n---\n\n## Contexte\n\n## La d\xc3\xa9marche\n", 2,
              "l'en-tête doit être une suite de champs"),
    "scalaire": (b"---\njuste une phrase\n---\n\n## Contexte\n\n## La d\xc3\xa9marche\n", 2,
                 "l'en-tête doit être une suite de champs"),
    "non-ferme": (b"---\ntitre: Sans fin\nporteur: Moi\n", 1, "en-tête YAML non fermé"),
    "latin1": ("---\ntitre: \"Café\"\n---\n".encode("latin-1"), 2, "n'est pas encodé en UTF-8"),
    "alias-recursif": (b"---\na: &a [*a]\n---\n", 2, "alias YAML qui se contient lui-même"),
    "alias-en-cascade": (("---\na: &a [" + ",".join(["x"] * 9) + "]\n" + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True)) + "---\n").encode(),
        2, "en-tête trop volumineux"),
    "imbrication": (b"---\nx: " + b"[" * 500 + b"]" * 500 + b"\n---\n", 2, "blocs imbriqués"),
    "etiquette": (b"---\ntitre: !!python/object:os.system x\n---\n", 2, "étiquette YAML"),
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_hostile_file_is_reported_not_raised(proj, name):
    content, line, message = JUNK[name]
    (proj / "fiches" / f"{name}.md").write_bytes(content)
    probs = problems_of(proj)
    assert probs and {p.file for p in probs} == {f"fiches/{name}.md"}, [p.text() for p in probs]
    first = probs[0]
    assert (first.line, message) == (line, message) and message in first.message, [p.text() for p in probs]


def test_huge_file_is_read(proj):
    (proj / "fiches" / "le-juch.md").write_bytes(_huge())
    cat = load_catalogue(proj)
    assert cat.problems == []
    assert len(cat["fiches"]["le-juch"].body) > 9_000_000


def test_hostile_files_together_through_the_cli(proj):
    """The command itself: exit 1, every junk file listed, no traceback."""
    for name, (content, _, _) in JUNK.items():
        (proj / "fiches" / f"{name}.md").write_bytes(content)
    (proj / "fiches" / "enorme.md").write_bytes(_huge().replace(b"L'\xc3\xa9lectromobilit\xc3\xa9", b"Un autre titre"))
    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "validate"], cwd=proj,
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    listed = {line.split(":")[0] for line in result.stdout.splitlines()
              if line.startswith("fiches/") and "attention :" not in line}   # warnings are not problems
    assert listed == {f"fiches/{name}.md" for name in JUNK}


# -- all at once, sorted ------------------------------------------------------------------------
def test_every_class_of_mistake_in_one_run(proj):
    t = replace_once(JUCH, "thematiques: [mobilite,", "thematiques: [Mobilite,")          # referential
    t = replace_once(t, "population: 723", "population: beaucoup")                          # schema: type
    t = replace_once(t, 'url: "http://www.lejuch.fr/kergo/"', 'url: "ftp://www.lejuch.fr/"')  # URL
    t = replace_once(t, 'email: "accueil.mairie@lejuch.fr"', 'email: "jean.dupont@lejuch.fr"')  # personal mail
    t = replace_once(t, 'mis_a_jour: "2026-11-26"', 'mis_a_jour: "2026-02-30"')              # date
    t = replace_once(t, 'departements: ["29"]', 'departements: ["29", "13"]')                 # consistency
    t = replace_once(t, "echelle: commune\n", "echelle: commune\nechelle: commune\n")         # duplicate key
    write(proj, "fiches/le-juch.md", t)
    a = (ROOT / "fiches" / "ayen.md").read_text(encoding="utf-8")
    a_tab = write(proj, "fiches/ayen.md", a.replace("\n  ", "\n\t", 1))                     # tab
    (proj / "fiches" / "Mauvais Nom.md").write_text(JUCH.replace("Le Juch", "Ailleurs"), encoding="utf-8")  # name
    (proj / "fiches" / "notes.txt").write_text("brouillon", encoding="utf-8")               # other file
    (proj / "fiches" / "kergo.md").write_text(JUCH, encoding="utf-8")                         # duplicate
    (proj / "fiches" / "latin.md").write_bytes(JUCH.replace("Le Juch", "Latin").encode("latin-1", errors="replace"))  # encoding
    write(proj, "fiches/casse.md", JUCH.replace('"Le Juch"', '"Le Juch', 1))           # YAML syntax
    sans = write(proj, "fiches/sans-contexte.md",                                               # heading
                 JUCH.replace("Le Juch", "Sans contexte").replace("## Contexte\n", "## Avant\n"))
    rel_page = "content/ressources/financer.md"
    page = write(proj, rel_page, (ROOT / rel_page).read_text(encoding="utf-8").replace("fiches: [arvieu,", "fiches: [arvieux,"))
    res = "ressources/reseaux.yml"
    write(proj, res, (ROOT / res).read_text(encoding="utf-8").replace("- id: cerema", "- id: banque-des-territoires"))

    result = subprocess.run([sys.executable, "-m", "commons_wiki.cli", "validate"], cwd=proj, capture_output=True,
                            text=True, timeout=120, env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = result.stdout.splitlines()
    j = "fiches/le-juch.md"
    expected = [
        f"{j}:{line_no(t, 'thematiques: [Mobilite')}: thematiques[0]: « Mobilite » n'existe pas",
        f"{j}:{line_no(t, 'population:')}: population: doit être un nombre entier",
        f"{j}:{line_no(t, 'url:')}: liens[0].url: « ftp://www.lejuch.fr/ » : seules les adresses",
        f"{j}:{line_no(t, 'email:')}: contact.email: « jean.dupont@lejuch.fr » ressemble",
        f"{j}:{line_no(t, 'mis_a_jour:')}: mis_a_jour: « 2026-02-30 » n'est pas une date",
        f"{j}:{line_no(t, 'departements:')}: territoire.departements[1]: Bouches-du-Rhône (13) appartient",
        f"{j}:{line_no(t, 'echelle:', after='echelle:')}: echelle: la clé « echelle » est écrite deux fois",
        f"fiches/ayen.md:{line_no(a_tab, chr(9))}: tabulation en début de ligne",
        "fiches/Mauvais Nom.md: nom de fichier invalide",
        "fiches/notes.txt: seuls des fichiers .md",
        f"fiches/latin.md:{line_no(JUCH, 'électromobilité')}: le fichier n'est pas encodé en UTF-8",
        "fiches/casse.md:", "guillemet « \" » ouvert ici et jamais fermé",
        f"fiches/sans-contexte.md:{line_no(sans, '---', after='licence:') + 1}: le texte doit contenir une section « ## Contexte »",
        "doublon : même titre et territoire.nom que",
        f"{rel_page}:{line_no(page, 'fiches: [arvieux')}: fiches[0]: « arvieux » ne correspond à aucun élément",
        f"{res}:{line_no((proj / res).read_text(encoding='utf-8'), '- id: banque-des-territoires', after='id: banque-des-territoires')}: ",
    ]
    for start in expected:
        assert any(line.startswith(start) or start in line for line in out), f"missing: {start}\n{result.stdout}"
    problems = out[:-1]
    assert out[-1] == f"{len(problems)} problèmes trouvés."

    def key(line):
        file, rest = line.split(":", 1)
        number = rest.split(":", 1)[0]
        return (file, int(number) if number.isdigit() else 0)
    assert [key(line) for line in problems] == sorted(key(line) for line in problems)


# -- the fast path gives jsonschema's verdict ------------------------------------------------
def test_fast_path_agrees_with_jsonschema():
    """fast_valid() skips jsonschema for valid records; it must never accept what jsonschema refuses."""
    cat = load_catalogue(ROOT)
    ids = {c: set(r) for c, r in cat.records.items()}
    Validator = make_validator_class(cat.project.referentials, ids)
    checker = format_checker()
    mutations = [
        ("population", "beaucoup"), ("population", True), ("population", 2.5), ("population", 0), ("titre", ""),
        ("titre", None), ("principes", []), ("principes", ["numerique", "numerique"]), ("thematiques", ["Mobilite"]),
        ("tiers_lieu", "oui"), ("mis_a_jour", "2026-13-01"), ("licence", "WTFPL"), ("inconnu", 1),
        ("objectifs", ["ok ok", "x"]), ("territoire", {"nom": "X"}), ("contact", {"organisation": "M", "email": "a.b@c.fr"}),
        ("liens", [{"libelle": "Lien", "url": "ftp://x.fr"}]), ("annees_lancement", [{"annee": 1800}]),
        ("moyens", {"humains": ["deux"], "financiers": [{"libelle": "x", "periodicite": "mensuel"}]}),
        ("en_bref", "court"), ("population", 723.0),
    ]
    checked = 0
    for cname, col in cat.project.collections.items():
        validator = Validator(col.schema, format_checker=checker)
        for rec in cat[cname].values():
            variants = [rec.data] + ([dict(copy.deepcopy(rec.data), **{k: v}) for k, v in mutations]
                                     if cname == "fiches" else [])
            for data in variants:
                assert fast_valid(validator, col.schema, data) == validator.is_valid(data), (rec.id, data)
                checked += 1
    assert checked > 300
