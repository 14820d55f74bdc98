"""The mutation report combines per-module runs and says which were measured on what."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN_PY = Path(__file__).parent / "mutation" / "run.py"


@pytest.fixture(scope="module")
def driver() -> ModuleType:
    """The mutation driver, imported from its script."""
    sys.path.insert(0, str(RUN_PY.parent))  # run.py imports mutation_report beside it
    spec = importlib.util.spec_from_file_location("mutation_run", RUN_PY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_run"] = module
    spec.loader.exec_module(module)
    return module


def make_run(driver: ModuleType, module: str, source: str, codes: dict[str, int | None]) -> object:
    return driver.ModuleRun(
        module=module,
        commit="abc123",
        source=source,
        measured="2026-12-03 10:00 UTC",
        description="every mutant",
        exit_codes=codes,
        diffs={name: f"diff of {name}" for name, code in codes.items() if code == 0},
    )


def test_run_files_round_trip(driver: ModuleType, tmp_path: Path) -> None:
    run = make_run(driver, "framework/a.py", "s1", {"framework.a.x_f__mutmut_1": 1})
    run.save(tmp_path)
    assert driver.ModuleRun.load("framework/a.py", tmp_path) == run
    assert driver.ModuleRun.load("framework/b.py", tmp_path) is None


def test_report_marks_unmeasured_and_changed_modules(driver: ModuleType) -> None:
    codes_a = {
        "framework.a.x_f__mutmut_1": 1,
        "framework.a.x_f__mutmut_2": 0,
        "framework.a.x_f__mutmut_3": 0,
        "framework.a.x_f__mutmut_4": -24,
    }
    codes_b = {"framework.b.x_g__mutmut_1": 1, "framework.b.x_g__mutmut_2": 0}
    runs = {
        "framework/a.py": make_run(driver, "framework/a.py", "same", codes_a),
        "framework/b.py": make_run(driver, "framework/b.py", "old", codes_b),
        "framework/c.py": None,
    }
    found = {m: (r.exit_codes if r else {}) for m, r in runs.items()}
    equivalents = {"framework.a.x_f__mutmut_3": "only a cache size"}
    scores = driver.score(found, equivalents)
    text = driver.render_report(
        scores,
        equivalents,
        runs,
        {"framework/a.py": "same", "framework/b.py": "new", "framework/c.py": "c"},
    )
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    # a: 2 killed (one by timeout) of 3 non-equivalent.
    assert rows["| `framework/a.py`"].endswith("| 4 | 2 | 1 | 1 | 0 | 1 | 0 | 66.7% |")
    assert "**module changed since**" in rows["| `framework/b.py`"]
    assert "not measured" in rows["| `framework/c.py`"]
    assert rows["| **measured on current source** (1)"].endswith("**66.7%** |")
    assert rows["| **measured modules** (2)"].endswith("**60.0%** |")
    assert "never measured: `framework/c.py`" in text
    assert "changed since measured: `framework/b.py`" in text
    assert "diff of framework.a.x_f__mutmut_2" in text
    assert "- `framework.a.x_f__mutmut_3`: only a cache size" in text


def test_equivalents_that_time_out_stay_equivalent_and_killed_ones_are_flagged(
    driver: ModuleType,
) -> None:
    codes = {"framework.a.x_f__mutmut_1": -24, "framework.a.x_f__mutmut_2": 1}
    equivalents = {name: "reviewed" for name in codes}
    (entry,) = driver.score({"framework/a.py": codes}, equivalents)
    assert entry.equivalent == ["framework.a.x_f__mutmut_1"]
    assert (entry.killed, entry.wrongly_equivalent) == (1, ["framework.a.x_f__mutmut_2"])
    run = make_run(driver, "framework/a.py", "s", codes)
    text = driver.render_report(
        [entry], equivalents, {"framework/a.py": run}, {"framework/a.py": "s"}
    )
    assert "## Listed as equivalent, but a spec test fails on them" in text


def test_report_quotes_the_recorded_deep_differential_run(
    driver: ModuleType, tmp_path: Path
) -> None:
    deep = tmp_path / "differential-deep.md"
    assert driver.deep_run_summary(deep) is None
    deep.write_text("# Deep\n\n- commit: `abc`\n- exit code: 0\n\ntext\n")
    summary = driver.deep_run_summary(deep)
    assert summary == ["- commit: `abc`", "- exit code: 0"]
    scores = driver.score({}, {})
    report = driver.render_report(scores, {}, {}, {}, summary)
    assert "## Differential fuzzing" in report
    assert "- commit: `abc`" in report
    assert "No deep run recorded." in driver.render_report(scores, {}, {}, {}, None)


def test_sampled_modules_get_an_interval_and_an_estimated_total(driver: ModuleType) -> None:
    sampled_codes = {f"framework.a.x_f__mutmut_{i}": (1 if i <= 9 else 0) for i in range(1, 11)}
    full_codes = {f"framework.b.x_g__mutmut_{i}": 1 for i in range(1, 31)}
    sampled = make_run(driver, "framework/a.py", "same", sampled_codes)
    sampled.description = "a sample of 10 mutants (seed 1); every area"
    sampled.population = 100
    runs = {
        "framework/a.py": sampled,
        "framework/b.py": make_run(driver, "framework/b.py", "same", full_codes),
    }
    scores = driver.score({m: r.exit_codes for m, r in runs.items()}, {})
    report_module = sys.modules["mutation_report"]  # imported by run.py
    value, margin = report_module.estimated_score(
        scores, {"framework/a.py": 100, "framework/b.py": 30}
    )
    # 100 mutants at 90% and 30 at 100%: (90 + 30) / 130.
    assert value == pytest.approx(120 / 130)
    assert 0 < margin < 0.2
    low, high = report_module.wilson_interval(9, 10)
    assert low < 0.9 < high <= 1
    report = driver.render_report(scores, {}, runs, {m: "same" for m in runs})
    assert "a sample of 10 mutants (seed 1) of 100 only" in report
    assert "(95% CI" in report
    assert "**92.3%**" in report


def test_retested_samples_keep_their_first_pass(driver: ModuleType) -> None:
    codes = {f"framework.a.x_f__mutmut_{i}": (1 if i <= 8 else 0) for i in range(1, 11)}
    sampled = make_run(driver, "framework/a.py", "same", codes)
    sampled.description = "a sample of 10 mutants (seed 1); every area"
    sampled.population = 100
    assert driver.first_pass_of(sampled.exit_codes) == {
        "killed": 8,
        "survivors": ["framework.a.x_f__mutmut_9", "framework.a.x_f__mutmut_10"],
    }
    sampled.first_pass = driver.first_pass_of(sampled.exit_codes)
    sampled.exit_codes["framework.a.x_f__mutmut_9"] = 1  # killed by a test written for it
    runs = {"framework/a.py": sampled}
    equivalents = {"framework.a.x_f__mutmut_10": "reviewed"}
    scores = driver.score({m: r.exit_codes for m, r in runs.items()}, equivalents)
    report_module = sys.modules["mutation_report"]
    first = report_module.first_pass_score(scores[0], sampled, equivalents)
    assert (first.killed, first.relevant) == (8, 9)
    report = driver.render_report(scores, equivalents, runs, {"framework/a.py": "same"})
    assert "`framework/a.py` 88.9% (8 of 9)" in report
    assert "at their first pass (conservative)" in report
