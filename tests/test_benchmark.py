"""The corpus generator and the side-by-side benchmark keep working (small N)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project

sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402  (benchmarks/generate.py)
from commons_wiki.catalogue import load_catalogue  # noqa: E402


def test_generated_fiches_are_valid_realistic_and_unique(tmp_path):
    root = copy_project(tmp_path / "proj")
    real = sorted(p.name for p in (root / "fiches").glob("*.md"))
    written = generate.generate(root, 120, seed=3, keep_existing=True)
    assert len(written) == 120
    cat = load_catalogue(root)
    assert cat.problems == [], "\n".join(map(str, cat.problems[:10]))
    fiches = cat["fiches"]
    assert len(fiches) - len(real) == 120   # the generated ones, whatever the number of real fiches
    generated = [fiches[p.stem] for p in written]
    # unique titles, territories and files; nothing real was overwritten
    assert len({r.data["titre"] for r in fiches.values()}) == len(fiches)
    assert len({r.data["territoire"]["nom"] for r in fiches.values()}) == len(fiches)
    assert not {p.name for p in written} & set(real)
    # realistic fill, modelled on the real fiches
    bodies = sorted(len(r.body) for r in generated)
    assert 1500 <= bodies[len(bodies) // 2] <= 3500
    assert all("## Contexte" in r.body and "## La démarche" in r.body for r in generated)
    assert {len(r.data["objectifs"]) for r in generated} == {1, 2, 3, 4}
    assert len({r.data["territoire"]["regions"][0] for r in generated}) >= 10
    assert len({t for r in generated for t in r.data["thematiques"]}) >= 15
    assert len({r.data["echelle"] for r in generated}) >= 4


def test_generation_is_deterministic_and_replaces_by_default(tmp_path):
    a, b = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    pa, pb = generate.generate(a, 30, seed=7), generate.generate(b, 30, seed=7)
    assert [p.name for p in pa] == [p.name for p in pb]
    assert [p.read_text(encoding="utf-8") for p in pa] == [p.read_text(encoding="utf-8") for p in pb]
    assert sorted(p.name for p in (a / "fiches").glob("*.md")) == sorted(p.name for p in pa)  # real ones removed
    other = generate.generate(copy_project(tmp_path / "c"), 30, seed=8)
    assert [p.name for p in other] != [p.name for p in pa]


def test_generator_refuses_to_touch_the_repository():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "5", "--root", str(ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "copie du projet" in result.stderr
    assert len(list((ROOT / "fiches").glob("*.md"))) == len(load_catalogue(ROOT)["fiches"])


@pytest.mark.slow
def test_benchmark_runs_and_reports_ratios(tmp_path):
    results = tmp_path / "RESULTS.md"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "16", "20", "--no-browser",
           "--workdir", str(tmp_path / "work"), "--results", str(results)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    text = results.read_text(encoding="utf-8")
    ratio_lines = [line for line in text.splitlines() if line.startswith("ratio")]
    assert any("N=20" in line and "ours/vanilla" in line for line in ratio_lines), text
    assert any("N=20 / N=16" in line and "time" in line for line in ratio_lines), text
    # every figure is a real measurement: a positive number
    for line in ratio_lines:
        value = float(line.split(":")[1].split()[0])
        assert value > 0, line
    assert "| 20 |" in text and "## Objectifs" in text
    assert "ratio build time ours/vanilla at N=20" in run.stdout
    # the working copies are cleaned up, the committed RESULTS.md is untouched
    assert not (tmp_path / "work").exists()


@pytest.mark.slow
@pytest.mark.browser
def test_offline_search_latency_is_measured(tmp_path):
    """A tiny real browser run: the offline site answers a query and the probe returns a time."""
    import run as bench
    root = bench.prepare_ours(tmp_path / "work", 20, seed=2)
    config = bench.offline_config(root)
    bench.build(root, config, site="site-offline")
    # In a separate process: Playwright's sync API cannot start twice in one process, and the
    # session-wide browser fixture may already be running in this pytest worker.
    import json
    import subprocess
    import sys
    code = (f"import json, sys; sys.path.insert(0, {str(Path(bench.__file__).parent)!r}); import run as bench; "
            "print(json.dumps(bench.search_latency(__import__('pathlib').Path("
            f"{str(root / 'site-offline')!r}), throttle=1, timeout_s=30)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    assert 0 < measured["first"] < 30
    assert 0 < measured["second"] < 30
    assert measured["external"] == []
