"""Ways of running the selection: sharded, in a varied order, repeated, with a fixed seed.

- ``--shard I/N`` keeps the tests whose spec ID falls in shard I of N (a stable
  hash of the ID, so every parameter of a rule lands in the same shard); N jobs
  with I = 1..N together run every test exactly once. Results of the shards are
  combined with ``python -m conformance merge``.
- ``--order-seed S`` runs the selection in an order shuffled with S (0, the
  default, keeps pytest's order). Tests sharing a module- or session-scoped
  parameter (a live server) stay together, so a shuffle starts no extra servers.
- ``--verify K`` runs the selection K times, each in its own pytest process with
  a different order (as collected, reversed blocks, then shuffled) and the same
  Hypothesis seed, and reports every test whose outcome changed between runs
  (flaky), like web-platform-tests' stability check. The exit code is 1 when a
  test is flaky, else that of the runs.
- ``--seed N`` fixes Hypothesis's seed (its ``--hypothesis-seed``). Without it a
  seed is drawn for the run and recorded in the results, so any run can be
  replayed exactly with ``--seed``.

All of them work with pytest-xdist (``-n``): sharding and ordering happen where
collection happens, identically in every worker.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from conformance import results
from conformance.results import ResultsError, load_results
from conformance.run import conformance_roots, roots_in_run

SHARD = re.compile(r"(?P<index>[1-9][0-9]*)/(?P<count>[1-9][0-9]*)")
VERIFY_RUN_TIMEOUT = 3600
_VALUE_OPTIONS = ("--verify", "--conformance-json", "--order-seed")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--shard``, ``--order-seed``, ``--verify`` and ``--seed``."""
    group = parser.getgroup("conformance", "Flask API conformance (flaskspec)")
    group.addoption(
        "--shard",
        default=None,
        metavar="I/N",
        help="run only shard I of N of the selection (split by spec ID); N jobs "
        "together run every test once",
    )
    group.addoption(
        "--order-seed",
        type=int,
        default=0,
        metavar="S",
        help="run the selection in an order shuffled with seed S (0: as collected)",
    )
    group.addoption(
        "--verify",
        type=int,
        default=0,
        metavar="K",
        help="run the selection K times in varied orders and report the tests whose "
        "outcome changed (flaky); exit 1 if any",
    )
    group.addoption(
        "--seed",
        default=None,
        metavar="N",
        help="Hypothesis seed (replays a run exactly; every run records its seed)",
    )


def parse_shard(text: str) -> tuple[int, int]:
    """Return ``(index, count)`` of ``I/N``; raise ``pytest.UsageError`` if it is not valid."""
    match = SHARD.fullmatch(text)
    if not match or int(match["index"]) > int(match["count"]):
        raise pytest.UsageError(f"--shard {text}: expected I/N with 1 <= I <= N, e.g. 2/3")
    return int(match["index"]), int(match["count"])


def shard_of(key: str, count: int) -> int:
    """Return the shard (1..count) a spec ID (or node ID) belongs to."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def _shard_key(item: pytest.Item) -> str:
    marker = item.get_closest_marker("spec")
    if marker is not None and marker.args and isinstance(marker.args[0], str):
        return marker.args[0]
    return item.nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """Fix the Hypothesis seed before anything is configured; run ``--verify`` instead of
    the session."""
    seed = config.getoption("--seed")
    if seed is not None:
        if not seed.isdigit():
            raise pytest.UsageError(f"--seed {seed}: expected a non-negative integer")
        config.option.hypothesis_seed = seed
    elif (
        getattr(config.option, "hypothesis_seed", None) is None
        and not hasattr(config, "workerinput")
        and roots_in_run(config, conformance_roots(config))
    ):
        # Only for runs of spec tests: another project's Hypothesis runs stay as they are.
        config.option.hypothesis_seed = str(random.SystemRandom().randrange(2**32))
    if config.getoption("--shard"):
        parse_shard(config.getoption("--shard"))
    verify = config.getoption("--verify")
    if verify < 0:
        raise pytest.UsageError(f"--verify {verify}: expected a number of runs, at least 1")
    if verify and not hasattr(config, "workerinput"):
        return run_verify(config, verify)
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Keep this shard's tests, then put them in the ``--order-seed`` order."""
    shard = config.getoption("--shard")
    if shard:
        index, count = parse_shard(shard)
        kept = [item for item in items if shard_of(_shard_key(item), count) == index]
        deselected = [item for item in items if shard_of(_shard_key(item), count) != index]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept
    order_seed = config.getoption("--order-seed")
    if order_seed:
        items[:] = varied_order(items, order_seed)


def _block_key(item: pytest.Item) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Module and the values of its wider-than-function parameters (kept together)."""
    callspec = getattr(item, "callspec", None)
    wide: list[tuple[str, str]] = []
    if callspec is not None:
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        for name, value in callspec.params.items():
            fixturedefs = definitions.get(name) or ()
            if fixturedefs and fixturedefs[-1].scope != "function":
                wide.append((name, repr(value)))
    return (str(item.path), tuple(wide))


def varied_order(items: Sequence[pytest.Item], seed: int) -> list[pytest.Item]:
    """Return ``items`` shuffled with ``seed``: blocks (see ``_block_key``) are shuffled,
    and so are the tests inside each block; seed 1 reverses instead of shuffling."""
    blocks: dict[tuple[str, tuple[tuple[str, str], ...]], list[pytest.Item]] = {}
    for item in items:
        blocks.setdefault(_block_key(item), []).append(item)
    groups = list(blocks.values())
    if seed == 1:
        return [item for group in reversed(groups) for item in reversed(group)]
    shuffler = random.Random(seed)
    shuffler.shuffle(groups)
    ordered: list[pytest.Item] = []
    for group in groups:
        members = list(group)
        shuffler.shuffle(members)
        ordered += members
    return ordered


def _child_arguments(args: Sequence[str]) -> list[str]:
    """Return pytest arguments without the options the verify driver sets itself."""
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in _VALUE_OPTIONS:
            skip = True
            continue
        if arg.startswith(tuple(f"{option}=" for option in _VALUE_OPTIONS)):
            continue
        kept.append(arg)
    return kept


def run_verify(config: pytest.Config, runs: int) -> int:
    """Run the selection ``runs`` times in varied orders; report flaky tests; return the code."""
    invocation = config.invocation_params
    seed = config.option.hypothesis_seed
    base = _child_arguments([str(arg) for arg in invocation.args])
    if config.getoption("--seed") is None:
        base += ["--seed", str(seed)]
    json_option = config.getoption("--conformance-json")
    out = Path(tempfile.mkdtemp(prefix="conformance-verify-"))
    write = sys.stdout.write
    write(f"verify: {runs} runs of the selection, Hypothesis seed {seed}\n")
    codes: list[int] = []
    documents: list[results.RunResults] = []
    for number in range(1, runs + 1):
        json_path = out / f"run-{number}.json"
        order_seed = number - 1
        command = [
            sys.executable,
            "-m",
            "pytest",
            *base,
            "--order-seed",
            str(order_seed),
            "--conformance-json",
            str(json_path),
        ]
        log = out / f"run-{number}.log"
        with log.open("w", encoding="utf-8") as stream:
            completed = subprocess.run(
                command,
                cwd=invocation.dir,
                stdout=stream,
                stderr=subprocess.STDOUT,
                timeout=VERIFY_RUN_TIMEOUT,
                env=dict(os.environ),
                check=False,
            )
        codes.append(completed.returncode)
        try:
            documents.append(load_results(json_path))
        except ResultsError as exc:
            write(f"verify: run {number} wrote no results ({exc}); its log: {log}\n")
            return int(pytest.ExitCode.USAGE_ERROR)
        counts = results.count_outcomes(documents[-1].tests)
        shown = ", ".join(f"{count} {outcome}" for outcome, count in counts.items() if count)
        write(f"verify: run {number}/{runs} (order seed {order_seed}): exit {codes[-1]}; {shown}\n")
    flaky = flaky_tests(documents)
    if json_option:
        target = invocation.dir / json_option
        results.dump_results(documents[0], target)
        write(f"verify: results of run 1 written to {target}\n")
    if flaky:
        write(f"verify: {len(flaky)} flaky tests (outcome changed between runs):\n")
        for key, outcomes in flaky.items():
            write(f"  FLAKY [{key}] {' / '.join(outcomes)}\n")
        return int(pytest.ExitCode.TESTS_FAILED)
    total = len(documents[0].tests)
    write(f"verify: stable: {total} tests had the same outcome in all {runs} runs\n")
    return max(codes)


def flaky_tests(documents: Sequence[results.RunResults]) -> dict[str, list[str]]:
    """Return, per test key whose outcome differs between runs, its outcome in each run."""
    keys = sorted({test.key for document in documents for test in document.tests})
    by_run = [document.tests_by_key() for document in documents]
    flaky: dict[str, list[str]] = {}
    for key in keys:
        outcomes = [run[key].outcome if key in run else "not run" for run in by_run]
        if len(set(outcomes)) > 1:
            flaky[key] = outcomes
    return flaky
