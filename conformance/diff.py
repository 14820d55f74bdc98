"""Comparing two results documents test by test, matched by expectation key (spec ID,
plus the parameter), so renaming a test function changes nothing.

A test *fails* when its outcome is failed, error or expected-failure (the
implementation did not conform, known or not) and *passes* when it is passed or
unexpected-pass; skipped is neither. A test present in both runs is *newly
failing* when it fails now and did not before, and *newly passing* when it passes
now and failed before. Tests only in the new run are *added*, only in the old one
*removed*; those do not count as newly failing or passing.
"""

from __future__ import annotations

import dataclasses

from conformance.results import FAILING_OUTCOMES, PASSING_OUTCOMES, RunResults, TestResult


@dataclasses.dataclass(frozen=True)
class Change:
    """A test whose outcome changed between two runs."""

    key: str
    old_outcome: str
    new_outcome: str
    message: str | None


@dataclasses.dataclass(frozen=True)
class ResultsDiff:
    """The differences between an old and a new run, each list sorted by expectation key."""

    newly_failing: list[Change]
    newly_passing: list[Change]
    added: list[TestResult]
    removed: list[TestResult]

    @property
    def has_regressions(self) -> bool:
        """Whether any test that is in both runs newly fails."""
        return bool(self.newly_failing)


def diff_results(old: RunResults, new: RunResults) -> ResultsDiff:
    """Return how ``new`` differs from ``old``."""
    old_tests = old.tests_by_key()
    new_tests = new.tests_by_key()
    newly_failing, newly_passing = [], []
    for key in sorted(old_tests.keys() & new_tests.keys()):
        before, after = old_tests[key], new_tests[key]
        change = Change(key, before.outcome, after.outcome, after.message)
        if after.outcome in FAILING_OUTCOMES and before.outcome not in FAILING_OUTCOMES:
            newly_failing.append(change)
        elif after.outcome in PASSING_OUTCOMES and before.outcome in FAILING_OUTCOMES:
            newly_passing.append(change)
    return ResultsDiff(
        newly_failing=newly_failing,
        newly_passing=newly_passing,
        added=[new_tests[key] for key in sorted(new_tests.keys() - old_tests.keys())],
        removed=[old_tests[key] for key in sorted(old_tests.keys() - new_tests.keys())],
    )


def render_diff(diff: ResultsDiff) -> str:
    """Return a plain-text listing of ``diff`` ending with a one-line count summary."""
    lines: list[str] = []

    def section(title: str, entries: list[str]) -> None:
        if entries:
            lines.append(f"{title} ({len(entries)}):")
            lines.extend(f"  {entry}" for entry in entries)

    section(
        "Newly failing",
        [
            f"{change.key}  {change.old_outcome} -> {change.new_outcome}"
            + (f": {change.message}" if change.message else "")
            for change in diff.newly_failing
        ],
    )
    section(
        "Newly passing",
        [
            f"{change.key}  {change.old_outcome} -> {change.new_outcome}"
            for change in diff.newly_passing
        ],
    )
    section("Added", [f"{test.key}  ({test.outcome})" for test in diff.added])
    section("Removed", [f"{test.key}  (was {test.outcome})" for test in diff.removed])
    lines.append(
        f"{len(diff.newly_failing)} newly failing, {len(diff.newly_passing)} newly passing, "
        f"{len(diff.added)} added, {len(diff.removed)} removed"
    )
    return "\n".join(lines) + "\n"
