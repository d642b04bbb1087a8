"""With many files the loader parses in worker processes: same records, same problems."""
from __future__ import annotations

from commons_wiki import catalogue as catalogue_module
from conftest import copy_project


def test_parallel_and_serial_loading_agree(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "proj")
    model = (root / "fiches" / "le-juch.md").read_text(encoding="utf-8")
    existing = len(list((root / "fiches").glob("*.md")))
    n = catalogue_module.PARALLEL_FROM
    for i in range(n):
        text = model.replace("L'électromobilité partagée", f"Initiative {i}", 1).replace("Le Juch", f"Commune {i}")
        if i == 7:
            text = text.replace("thematiques: [mobilite", "thematiques: [Mobilite", 1)   # one mistake among hundreds
        (root / "fiches" / f"copie-{i:03d}.md").write_text(text, encoding="utf-8")
    parallel = catalogue_module.load_catalogue(root)
    monkeypatch.setattr(catalogue_module, "PARALLEL_FROM", 10 ** 9)
    serial = catalogue_module.load_catalogue(root)
    assert len(parallel["fiches"]) == len(serial["fiches"]) == existing + n
    assert [r.data for r in parallel["fiches"].values()] == [r.data for r in serial["fiches"].values()]
    assert parallel.problems == serial.problems
    assert [p.file for p in parallel.problems] == ["fiches/copie-007.md"]
