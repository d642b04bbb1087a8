"""The French analyser of the search: the same words in the index (built here, at build time) and
in the browser (assets/javascripts/analyse-fr.js, written from data/analyse-fr.js with the same
rules). tests/fixtures/analyse-fr.json holds the cases both sides must give.

A text becomes terms in four steps:
1. fold: lower case, no accents, « œ » -> « oe », « æ » -> « ae » (text.fold);
2. split on everything but letters and digits: hyphens and apostrophes separate words, so
   « l'école » gives « l » and « ecole », « Saint-Étienne » gives « saint » and « etienne »;
3. drop the function words (« de », « la », « l », « qu »…: data/analyse-fr.json);
4. a light stemming that only joins singular and plural, masculine and feminine: « écoles » ->
   « ecole », « mobilités » -> « mobilite », « nouveaux » -> « nouveau », « locaux » -> « local »,
   « citoyennes » -> « citoyen », « participative » -> « participatif ».
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files

from .text import fold

_RULES_FILE = "analyse-fr.json"
_WORD = re.compile(r"[^\W_]+")   # letters and digits, as /[\p{L}\p{N}]+/gu in the browser
_DIGIT = re.compile(r"[0-9]")
_FEMININE = (("enne", "en"), ("elle", "el"), ("ive", "if"), ("ere", "er"))


@lru_cache(maxsize=1)
def rules() -> dict:
    """The analyser's rules (stop words, minimum length to stem), shared with the browser."""
    data = json.loads(files(__package__).joinpath("data", _RULES_FILE).read_text(encoding="utf-8"))
    return {"stopwords": sorted(data["stopwords"]), "min_stem_length": data["min_stem_length"]}


@lru_cache(maxsize=1)
def _stopwords() -> frozenset:
    return frozenset(rules()["stopwords"])


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Singular and plural, masculine and feminine meet: the plural marks « -s », « -x », « -aux »
    (« -eaux ») go, then the feminine endings « -enne », « -elle », « -ive », « -ère » become
    « -en », « -el », « -if », « -er » (« citoyennes » -> « citoyen », « participative » ->
    « participatif »)."""
    if len(word) < rules()["min_stem_length"] or _DIGIT.search(word):
        return word
    return _masculine(_singular(word))


def _singular(word: str) -> str:
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if word.endswith("x"):
        return word[:-1]
    return word


def _masculine(word: str) -> str:
    if len(word) < 5:
        return word
    for ending, replacement in _FEMININE:
        if word.endswith(ending):
            return word[:-len(ending)] + replacement
    return word


def words(text: str) -> list[str]:
    """The folded words of a text, function words included (for highlighting and snippets)."""
    return _WORD.findall(fold(text))


def term(word: str) -> str | None:
    """The index term of one folded word, or None for a function word."""
    return None if word in _stopwords() else stem(word)


def analyse(text: str) -> list[str]:
    """The terms of a text, in order (repeated terms kept: they count in the weights)."""
    stop = _stopwords()
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in stop]


def browser_script() -> str:
    """assets/javascripts/analyse-fr.js: the browser's analyser, with the rules written in."""
    code = files(__package__).joinpath("data", "analyse-fr.js").read_text(encoding="utf-8")
    return code.replace("/*RULES*/null", json.dumps(rules(), ensure_ascii=False, separators=(",", ":")))
