"""Tests of --shard, --order-seed, --verify, --seed and ``python -m conformance merge``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stand_in import FAKE_IMPL, SUITE_INI

from conformance import __main__ as cli
from conformance.runmodes import flaky_tests, parse_shard, shard_of

pytest_plugins = ["pytester"]

REPOSITORY = Path(__file__).resolve().parent.parent


SUITE = '''
import pytest

RULES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.spec(f"app.rule.{name}")) for name in RULES]
)
def test_rule(name):
    """One rule per name; theta fails."""
    assert name != "theta"


@pytest.mark.parametrize("value", [1, 2, 3])
@pytest.mark.spec("json.values")
def test_values(value):
    """A parametrized rule stays in one shard."""
    assert value < 3
'''


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder of spec tests with a stand-in implementation."""
    pytester.makefile(".ini", pytest=SUITE_INI)
    pytester.makeconftest("from conformance.fixtures import *  # noqa: F403\n")
    pytester.makepyfile(fakeimpl=FAKE_IMPL, test_suite=SUITE)
    pytester.syspathinsert()
    return pytester


def outcomes(path: Path) -> dict[str, str]:
    """Return the outcome of each test key in a results file."""
    return {test["key"]: test["outcome"] for test in json.loads(path.read_text())["tests"]}


def test_shard_is_stable_and_valid() -> None:
    assert parse_shard("2/3") == (2, 3)
    assert {shard_of(f"app.rule-{n}", 3) for n in range(50)} == {1, 2, 3}
    assert shard_of("routing.x", 4) == shard_of("routing.x", 4)
    for bad in ("0/3", "4/3", "1", "a/b"):
        with pytest.raises(pytest.UsageError, match="--shard"):
            parse_shard(bad)


def test_three_shards_merged_equal_a_serial_run(suite: pytest.Pytester) -> None:
    suite.runpytest("--impl", "fakeimpl", "--conformance-json", "serial.json")
    paths = []
    for index in (1, 2, 3):
        extra = ["-n", "2"] if index == 2 else []  # one shard under xdist
        runner = suite.runpytest_subprocess if extra else suite.runpytest
        runner(
            "--impl",
            "fakeimpl",
            "--shard",
            f"{index}/3",
            "--conformance-json",
            f"s{index}.json",
            *extra,
        )
        paths.append(suite.path / f"s{index}.json")
    shard_keys = [set(outcomes(path)) for path in paths]
    assert all(shard_keys) and sum(len(keys) for keys in shard_keys) == len(
        set().union(*shard_keys)
    )
    assert (
        len({frozenset(k.split("[")[0] for k in keys) & {"json.values"} for keys in shard_keys})
        <= 2
    )
    merged = suite.path / "merged.json"
    assert cli.main(["merge", *map(str, paths), "--out", str(merged)]) == 0
    assert outcomes(merged) == outcomes(suite.path / "serial.json")
    document = json.loads(merged.read_text())
    assert document["verdict"] == "fail"
    assert json.loads(paths[0].read_text())["selection"]["shard"] == "1/3"


def test_merging_overlapping_results_is_refused(suite: pytest.Pytester) -> None:
    suite.runpytest("--impl", "fakeimpl", "--conformance-json", "one.json")
    path = str(suite.path / "one.json")
    assert cli.main(["merge", path, path, "--out", str(suite.path / "x.json")]) == 2


def test_shards_of_a_real_area_merged_equal_a_serial_run(pytester: pytest.Pytester) -> None:
    area = str(REPOSITORY / "conformance" / "test_flashing.py")
    common = ["-p", "no:cacheprovider", "--impl", "framework"]
    pytester.runpytest_subprocess(area, *common, "--conformance-json", "serial.json")
    paths = []
    for index in (1, 2, 3):
        pytester.runpytest_subprocess(
            area, *common, "--shard", f"{index}/3", "--conformance-json", f"s{index}.json"
        )
        paths.append(str(pytester.path / f"s{index}.json"))
    merged = pytester.path / "merged.json"
    assert cli.main(["merge", *paths, "--out", str(merged)]) == 0
    serial = outcomes(pytester.path / "serial.json")
    assert len(serial) > 10
    assert outcomes(merged) == serial


def test_order_seed_changes_the_order_not_the_outcomes(suite: pytest.Pytester) -> None:
    plain = suite.runpytest("--impl", "fakeimpl", "-v", "--conformance-json", "a.json")
    shuffled = suite.runpytest(
        "--impl", "fakeimpl", "-v", "--order-seed", "7", "--conformance-json", "b.json"
    )
    ran = [
        [
            line.split(" ")[0]
            for line in result.outlines
            if "::test_" in line and ("PASSED" in line or "FAILED" in line)
        ]
        for result in (plain, shuffled)
    ]
    assert sorted(ran[0]) == sorted(ran[1]) and ran[0] != ran[1]
    assert outcomes(suite.path / "a.json") == outcomes(suite.path / "b.json")


def test_verify_reports_a_flaky_test(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_flaky='''
        import pathlib
        import pytest

        @pytest.mark.spec("app.flaky")
        def test_flaky():
            """Fails every other time it runs."""
            counter = pathlib.Path("runs.txt")
            runs = int(counter.read_text()) if counter.exists() else 0
            counter.write_text(str(runs + 1))
            assert runs % 2 == 0
        '''
    )
    result = suite.runpytest("--impl", "fakeimpl", "--verify", "3", "-k", "flaky or values")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "verify: 3 runs of the selection, Hypothesis seed *",
            "verify: run 2/3 (order seed 1): exit 1;*",
            "verify: 1 flaky tests (outcome changed between runs):",
            "  FLAKY [[]app.flaky[]] passed / failed / passed",
        ]
    )


def test_verify_of_a_stable_suite_passes_under_xdist(suite: pytest.Pytester) -> None:
    result = suite.runpytest(
        "--impl",
        "fakeimpl",
        "--verify",
        "2",
        "-k",
        "values",
        "-n",
        "2",
        "--conformance-json",
        "v.json",
    )
    result.stdout.fnmatch_lines(["verify: stable: 3 tests had the same outcome in all 2 runs"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # json.values[3] fails every time
    assert outcomes(suite.path / "v.json")["json.values[3]"] == "failed"


def test_flaky_tests_compares_outcomes_by_key() -> None:
    assert flaky_tests([]) == {}


HYPOTHESIS_SUITE = '''
import pathlib
import pytest
from hypothesis import given, strategies as st

@pytest.mark.spec("app.drawn")
@given(st.integers())
def test_drawn(number):
    """Records what it drew."""
    with pathlib.Path("drawn.txt").open("a") as out:
        out.write(f"{number}\\n")
'''


def test_seed_replays_a_hypothesis_run_and_is_recorded(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)  # the dev profile: random unless seeded
    suite.makepyfile(test_drawn=HYPOTHESIS_SUITE)
    drawn = []
    for name in ("one", "two"):
        suite.runpytest_subprocess(
            "--impl",
            "fakeimpl",
            "-k",
            "drawn",
            "--seed",
            "1234",
            "--conformance-json",
            f"{name}.json",
        )
        drawn.append((suite.path / "drawn.txt").read_text())
        (suite.path / "drawn.txt").unlink()
        assert json.loads((suite.path / f"{name}.json").read_text())["hypothesis"]["seed"] == "1234"
    assert drawn[0] == drawn[1]
    suite.runpytest_subprocess(
        "--impl", "fakeimpl", "-k", "drawn", "--conformance-json", "free.json"
    )
    assert json.loads((suite.path / "free.json").read_text())["hypothesis"]["seed"].isdigit()
    result = suite.runpytest("--impl", "fakeimpl", "--seed", "x")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_runs_of_other_projects_get_no_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain=(
            "def test_plain(request):\n    assert request.config.option.hypothesis_seed is None\n"
        )
    )
    assert pytester.runpytest_subprocess("-p", "no:cacheprovider").ret == pytest.ExitCode.OK
