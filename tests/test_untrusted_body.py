"""A fiche's Markdown body is untrusted input: raw HTML, executable links, personal data and the
scaffold's placeholders are refused by the validator, with the file, the line and a French
message; the build stops, and nothing reaches a page. Each collection declares the raw HTML its
Markdown may use (schema/wiki.yml: raw_html)."""
from __future__ import annotations

import pytest

from commons_wiki.body import body_problems, url_problem
from commons_wiki.catalogue import load_catalogue
from conftest import ROOT, copy_project, run_mkdocs

CONTRIBUTION = (ROOT / "tests" / "fixtures" / "contribution.md").read_text(encoding="utf-8")
FILE = "fiches/val-des-essais.md"
ANCHOR = "qui adapte ses menus aux récoltes de la semaine."

# (what a contributor wrote at the end of the body, start of the French message)
UNSAFE = [
    ("<script>alert(1)</script>", "balise HTML <script> non permise : écrivez en Markdown"),
    ('<iframe src="https://exemple.org/video"></iframe>', "balise HTML <iframe> non permise"),
    ("<style>body { display: none }</style>", "balise HTML <style> non permise"),
    ('<object data="x.swf"></object>', "balise HTML <object> non permise"),
    ('<embed src="x.swf">', "balise HTML <embed> non permise"),
    ('<form action="https://exemple.org"></form>', "balise HTML <form> non permise"),
    ('<img src="x.png" onerror="alert(1)">', "balise HTML <img> non permise"),
    ("[le site](javascript:alert(1))", "adresse « javascript:alert(1) » refusée"),
    ("[le site](JaVaScRiPt&#58;alert(1))", "adresse « JaVaScRiPt&#58;alert(1) » refusée"),
    ("![photo](data:text/html;base64,PHNjcmlwdD4=)", "adresse « data:text/html;base64,PHNjcmlwdD4= » refusée"),
    ("[ici][piege]\n\n[piege]: vbscript:msgbox(1)", "adresse « vbscript:msgbox(1) » refusée"),
    ('Un paragraphe piégé.\n{: onclick="alert(1)" }', "attribut « onclick » interdit : il exécuterait du code"),
    ("Écrivez à jeanne.martin@gmail.com pour visiter.", "« jeanne.martin@gmail.com » ressemble à l'adresse d'une personne"),
    ("Appelez le 06 12 34 56 78 le soir.", "« 06 12 34 56 78 » est un numéro de portable"),
    ("Ou le +33 7 12 34 56 78.", "« +33 7 12 34 56 78 » est un numéro de portable"),
    ("À COMPLÉTER : votre texte, avec vos propres mots.", "« À COMPLÉTER » : remplacez ce repère par votre texte"),
]


def with_body_end(extra: str) -> str:
    return CONTRIBUTION.replace(ANCHOR, ANCHOR + "\n\n" + extra)


def line_of(text: str, needle: str, after: str = "---\n\n") -> int:
    return text[: text.index(needle, text.index(after))].count("\n") + 1


@pytest.mark.parametrize("extra,message", UNSAFE, ids=[m[:40] for _, m in UNSAFE])
def test_unsafe_or_unfinished_body_is_refused_with_file_line_and_message(tmp_path, extra, message):
    root = copy_project(tmp_path / "proj")
    text = with_body_end(extra)
    (root / FILE).write_text(text, encoding="utf-8")
    problems = [p for p in load_catalogue(root).problems]
    assert len(problems) == 1, [p.text() for p in problems]
    p = problems[0]
    assert p.file == FILE and p.message.startswith(message), p.text()
    expected = line_of(text, extra.split("\n")[-1], after=ANCHOR)   # the line that holds the mistake
    assert p.line == expected, (p.line, expected, p.text())


def test_every_problem_is_listed_at_once(tmp_path):
    root = copy_project(tmp_path / "proj")
    (root / FILE).write_text(with_body_end("\n\n".join(extra for extra, _ in UNSAFE)), encoding="utf-8")
    messages = [p.message for p in load_catalogue(root).problems if p.file == FILE]
    for _, message in UNSAFE:
        assert any(m.startswith(message) for m in messages), message


def test_code_shows_html_without_running_it():
    body = "Exemple :\n\n```html\n<script>alert(1)</script>\n```\n\nEt `<iframe>` en ligne.\n"
    assert body_problems(FILE, body, 10, {}) == []


def test_safe_links_are_accepted():
    for url in ("https://exemple.org/a?b=1", "http://exemple.org", "mailto:mairie@exemple.org", "tel:+33299000000",
                "../terrain/lormes.md", "#contexte", "fiches/arvieu.md"):
        assert url_problem(url) is None, url


def test_method_pages_keep_their_checklist_blocks_but_nothing_else(tmp_path):
    root = copy_project(tmp_path / "proj")
    page = root / "content" / "methode" / "mobilite.md"
    text = page.read_text(encoding="utf-8")
    assert '<div class="checklist"' in text
    page.write_text(text + '\n<div class="note" style="color: red">x</div>\n<span>y</span>\n', encoding="utf-8")
    messages = sorted(p.message for p in load_catalogue(root).problems)
    assert messages == ["attribut « style » non permis sur <div> ; attributs permis : class, id, data-checklist, markdown",
                        "balise HTML <span> non permise : balises permises ici : <div>"], messages


def test_a_person_who_consented_may_be_published(tmp_path):
    root = copy_project(tmp_path / "proj")
    text = CONTRIBUTION.replace('  email: "mairie@val-des-essais.example.org"\n',
                                '  email: "mairie@val-des-essais.example.org"\n  personnes:\n'
                                '    - nom: "Camille Exemple"\n      fonction: "Animatrice"\n'
                                '      email: "camille.exemple@val-des-essais.example.org"\n'
                                '      telephone: "06 12 34 56 78"\n      consentement: true\n')
    (root / FILE).write_text(text, encoding="utf-8")
    assert load_catalogue(root).problems == []


def test_personal_data_in_a_text_field_is_refused(tmp_path):
    root = copy_project(tmp_path / "proj")
    text = CONTRIBUTION.replace('    - "Une vingtaine de bénévoles"', '    - "Une vingtaine de bénévoles (joindre paul.durand@orange.fr)"')
    (root / FILE).write_text(text, encoding="utf-8")
    [p] = load_catalogue(root).problems
    assert (p.file, p.line, p.field) == (FILE, line_of(text, "paul.durand", after="---"), "moyens.humains[1]")
    assert p.message.startswith("« paul.durand@orange.fr » ressemble à l'adresse d'une personne")


@pytest.mark.parametrize("extra", ["<script>alert('cw')</script>", "[x](javascript:alert('cw'))"])
def test_the_build_stops_and_nothing_is_published(tmp_path, extra):
    root = copy_project(tmp_path / "proj")
    (root / FILE).write_text(with_body_end(extra), encoding="utf-8")
    result = run_mkdocs(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Le contenu comporte des erreurs ; rien n'a été publié." in output
    assert FILE in output and "Traceback" not in output
    assert not (root / "site" / "fiches" / "val-des-essais").exists()


def test_post_build_check_refuses_a_foreign_script(tmp_path):
    """Were a script to get past the validator (a template mistake), the build still fails."""
    root = copy_project(tmp_path / "proj")
    template = root / "templates" / "fiche.md.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{{ body }}", '{{ body }}\n\n<script>window.cw = 1</script>\n', 1), encoding="utf-8")
    result = run_mkdocs(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "la construction a réussi avec un script étranger"
    assert "Vérification après construction en échec" in output
    n = len(list((root / "fiches").glob("*.md")))
    assert f"(et {n - 1} autres pages) : script en ligne inconnu (window.cw = 1" in output, output[-2000:]
