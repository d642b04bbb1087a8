"""French département shapes for an inline SVG map, read from the pygal_maps_fr package's data.

The package's SVG (≈600 kB, relative Bézier paths) is simplified once: curves are reduced to
their end points and coordinates rounded to whole units of a 2000-wide view box, which keeps
the outline readable at a fraction of the weight. Only the data file is used, not pygal.
"""
from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "z": 0}


def _svg_source() -> str:
    spec = importlib.util.find_spec("pygal_maps_fr")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("le paquet pygal_maps_fr est introuvable (make test l'installe)")
    return (Path(list(spec.submodule_search_locations)[0]) / "fr.departments.svg").read_text(encoding="utf-8")


def _simplify(d: str) -> str:
    """Path data -> absolute integer polygon(s) 'M x y L … Z'."""
    tokens = _TOKEN.findall(d)
    out, x, y, start, cmd, i = [], 0.0, 0.0, (0.0, 0.0), "", 0
    last = None
    while i < len(tokens):
        t = tokens[i]
        if t.isalpha():
            cmd = t
            i += 1
            if cmd in "zZ":
                out.append("Z")
                x, y = start
                last = None
            continue
        n = _ARGS[cmd.lower()]
        args = [float(v) for v in tokens[i:i + n]]
        i += n
        rel = cmd.islower()
        c = cmd.lower()
        if c == "h":
            x = x + args[0] if rel else args[0]
        elif c == "v":
            y = y + args[0] if rel else args[0]
        else:
            nx, ny = args[-2], args[-1]
            x, y = (x + nx, y + ny) if rel else (nx, ny)
        pt = (round(x), round(y))
        if c == "m":
            start = (x, y)
            out.append(f"M{pt[0]} {pt[1]}")
            cmd = "l" if rel else "L"  # implicit line-to after a move
            last = pt
        elif pt != last:
            out.append(f"L{pt[0]} {pt[1]}")
            last = pt
    return "".join(out)


@functools.lru_cache(maxsize=1)
def department_shapes() -> tuple:
    """((code, simplified path, transform of its group), …) for every département in the file."""
    src = _svg_source()
    view_box = re.search(r'viewBox="([^"]+)"', src).group(1)   # type: ignore[union-attr]
    transform = re.search(r'<g id="departements" transform="([^"]+)"', src).group(1)   # type: ignore[union-attr]
    shapes = []
    for m in re.finditer(r'<g class="z(\w+) departement[^"]*"[^>]*>(.*?)</g>', src, re.S):
        code = m.group(1).upper()
        paths = re.findall(r'\sd="([^"]+)"', m.group(2))
        inner_t = re.findall(r'transform="([^"]+)"', m.group(2))
        shapes.append((code, "".join(_simplify(p) for p in paths), inner_t[0] if inner_t else ""))
    return view_box, transform, tuple(shapes)
