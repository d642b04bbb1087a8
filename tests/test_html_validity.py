"""Every page of the real build is checked by the Nu HTML Checker (vnu.jar, installed by
`make test`): no error comes from our templates. The theme's own known errors (Material 9.x,
listed in content/a-propos/accessibilite.md) are recognised by their message and element."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

VNU = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# (start of the message, pattern of the element's markup): errors of Material's own templates
THEME_ERRORS = [
    ("Attribute “autocomplete” is only allowed when the input type is", r'<input class="md-toggle"'),
    ("The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     r'<label class="md-nav__title" for="__toc"'),
    ("Bad value “” for attribute “tabindex” on element “label”", r'<label class="md-nav__link'),
]


def is_theme_error(message: dict) -> bool:
    return any(message["message"].startswith(start) and re.search(markup, message.get("extract", ""))
               for start, markup in THEME_ERRORS)


def test_no_html_error_comes_from_our_templates(built_site):
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("Nu HTML Checker absent : lancez `make test`, qui l'installe")
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", "--skip-non-html",
                             str(built_site)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    assert messages, "le validateur n'a rien renvoyé : vérifier qu'il a bien lu les pages"   # the theme's known ones
    ours = [f"{m['url'].split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
            if m["type"] == "error" and not is_theme_error(m)]
    assert not ours, "\n".join(ours[:20])
