"""Text helpers shared by the validator, the scaffold, the catalogue and the booklet: accent
folding, slugs and « vouliez-vous dire » suggestions."""
from __future__ import annotations

import difflib
import re
import unicodedata

# the combining marks NFKD separates from their letters: the same ranges as commons.js and analyse-fr.js
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without accents or ligatures (« Cœur » -> « coeur »): suggestions, slugs and the
    catalogue's text filter. commons.js folds the same way (tests/fixtures/pliage.json, run in both)."""
    text = _MARKS.sub("", unicodedata.normalize("NFKD", str(text))).lower()
    return text.replace("œ", "oe").replace("æ", "ae").replace("\u2019", "'")


def slugify(text: str) -> str:
    """« Montauban-sur-l'Ouvèze » -> « montauban-sur-l-ouveze » (accents folded, kebab-case);
    "" when nothing is left (the caller chooses its default)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def suggest(value, candidates: dict) -> str | None:
    """Nearest known id; ``candidates`` maps comparable text (ids, labels) to the id."""
    folded = {fold(k): v for k, v in candidates.items()}
    key = fold(value)
    if key in folded:
        return folded[key]
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def did_you_mean(guess: str | None, detail: str = "") -> str:
    """« (vouliez-vous dire « x » ?) » for a message, "" without a guess."""
    return f" (vouliez-vous dire « {guess} »{detail} ?)" if guess else ""
