"""French département shapes for an inline SVG map (data/departements.json).

The shapes come from the pygal_maps_fr package's SVG (≈600 kB, relative Bézier paths),
simplified once: curves reduced to their end points and coordinates rounded to whole units of
a 2000-wide view box, which keeps the outline readable at a fraction of the weight (≈110 kB).
Origin and licence: data/departements.LICENCE.md.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

SHAPES_FILE = Path(__file__).with_name("data") / "departements.json"


@functools.lru_cache(maxsize=1)
def department_shapes() -> tuple:
    """(view box, transform of the group, ((INSEE code, path, transform of its shape), …)),
    in the source file's order (a département drawn in several parts appears once per part)."""
    data = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))
    shapes = tuple((s["code"], s["d"], s.get("transform", "")) for s in data["departements"])
    return data["viewBox"], data["transform"], shapes
