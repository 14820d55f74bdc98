"""Data of the report's sections beyond the area matrix: pass rates per rule level,
and the coverage of the specification (``python -m conformance coverage --json``).
:mod:`conformance.report` renders them."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from conformance.coverage import Coverage
from conformance.registry import LEVELS
from conformance.results import RunResults, TestResult

LEVELS_NOTE = (
    "must: documented Flask behaviour (gates every run); should: observed Flask 3.1 "
    "behaviour where the documentation is silent (gates only with --strict-levels)."
)


def level_rows(
    runs: Sequence[RunResults], cell: Callable[[Iterable[TestResult]], str]
) -> list[list[str]]:
    """Return one row per level: the level, then ``cell`` of that level's tests per run."""
    return [
        [level, *(cell(test for test in run.tests if test.level == level) for run in runs)]
        for level in LEVELS
    ]


def coverage_rows(coverage: Coverage) -> list[list[str]]:
    """Return the coverage figures as ``[measure, value]`` rows."""
    levels = ", ".join(f"{count} {level}" for level, count in coverage.levels.items())
    sources = ", ".join(f"{count} {source}" for source, count in coverage.sources.items())
    return [
        ["Registered rules", f"{coverage.rules} ({levels})"],
        ["Rules without a test", str(len(coverage.untested))],
        [
            "Error-path rules without a negative test",
            f"{len(coverage.error_paths_without_negative)} of {coverage.error_paths}",
        ],
        [
            "Sections of the description without a rule",
            f"{len(coverage.uncovered_sections)} of {coverage.sections}",
        ],
        [
            "Promised names no rule mentions",
            f"{len(coverage.unmet_promises)} of {coverage.promises}",
        ],
        ["Sources of rules", sources],
    ]


def remaining(coverage: Coverage) -> list[str]:
    """Return what coverage leaves open, one entry per line."""
    return [
        *(f"untested rule {entry}" for entry in coverage.untested),
        *(
            f"error path without a negative test: {entry}"
            for entry in coverage.error_paths_without_negative
        ),
        *(f"section with no rule: {entry}" for entry in coverage.uncovered_sections),
        *(f"promise no rule mentions: {entry}" for entry in coverage.unmet_promises),
    ]


def html_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return a plain HTML table of text cells."""
    esc = html.escape
    head = "".join(f"<th>{esc(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
