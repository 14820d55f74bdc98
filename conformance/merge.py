"""``python -m conformance merge``: one results document from the shards of a run.

N jobs run ``--shard 1/N`` .. ``--shard N/N``; merging their results gives what
one serial run would have recorded: every test once (a test recorded by two
shards is an error), the verdict recomputed over all of them, stale
expectations and problems of every shard (once each), the longest duration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from conformance import results


class MergeError(Exception):
    """The documents are not shards of one run (the message says why)."""


def merge_shards(shards: Sequence[results.RunResults]) -> results.RunResults:
    """Return the results of the run that ``shards`` split between them."""
    if not shards:
        raise MergeError("nothing to merge")
    first = shards[0]
    names = {(shard.implementation.name, shard.implementation.version) for shard in shards}
    if len(names) > 1:
        raise MergeError(f"shards of different implementations: {sorted(names)}")
    tests: dict[str, results.TestResult] = {}
    for shard in shards:
        for test in shard.tests:
            if test.key in tests:
                raise MergeError(f"{test.key} was run by two shards")
            tests[test.key] = test
    stale = list(
        {entry.key: entry for shard in shards for entry in shard.stale_expectations}.values()
    )
    problems = list(dict.fromkeys(problem for shard in shards for problem in shard.problems))
    merged_tests = sorted(tests.values(), key=lambda test: test.nodeid)
    strict = any(shard.strict_levels for shard in shards)
    return dataclasses.replace(
        first,
        selection=dataclasses.replace(first.selection, shard=None),
        duration=max(shard.duration for shard in shards),
        verdict=results.verdict_of(merged_tests, stale, problems, strict),
        problems=problems,
        stale_expectations=stale,
        tests=merged_tests,
    )
