"""Rendering results documents as a static HTML page and a Markdown summary.

Both show a matrix of spec areas (rows) by implementation run (columns) with
pass counts and rates. The rate of a cell is passed / (tests - skipped): skipped
tests say nothing about conformance. Unexpected passes count as passed, expected
failures as failures (the implementation does not conform, even if it is known).
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from conformance.ecosystem.report import with_ecosystem_section
from conformance.results import (
    ERROR,
    EXPECTED_FAILURE,
    FAILED,
    FAILING_OUTCOMES,
    PASSING_OUTCOMES,
    SKIPPED,
    UNEXPECTED_PASS,
    RunResults,
    TestResult,
    count_outcomes,
)
from conformance.spec import AREAS

HTML_NAME = "index.html"
MARKDOWN_NAME = "summary.md"


@dataclasses.dataclass
class Tally:
    """Pass counts over a set of tests, and the failing ones."""

    total: int = 0
    passed: int = 0
    skipped: int = 0
    failures: list[TestResult] = dataclasses.field(default_factory=list)

    def add(self, test: TestResult) -> None:
        """Count ``test``."""
        self.total += 1
        if test.outcome in PASSING_OUTCOMES:
            self.passed += 1
        elif test.outcome == SKIPPED:
            self.skipped += 1
        elif test.outcome in FAILING_OUTCOMES:
            self.failures.append(test)

    @property
    def applicable(self) -> int:
        """The number of tests that ran to a verdict (not skipped)."""
        return self.total - self.skipped

    @property
    def rate(self) -> float | None:
        """The fraction of applicable tests that passed, or None when none applied."""
        return self.passed / self.applicable if self.applicable else None

    def percent(self) -> str:
        """Return the rate as a percentage; only a full pass shows as 100.0%."""
        if self.rate is None:
            return "—"
        text = f"{self.rate:.1%}"
        return "99.9%" if text == "100.0%" and self.rate < 1 else text

    def cell_text(self) -> str:
        """Return ``passed/applicable (rate%)``, or an em dash when nothing applied."""
        if self.rate is None:
            return "—"
        return f"{self.passed}/{self.applicable} ({self.percent()})"


@dataclasses.dataclass
class RunColumn:
    """One implementation run as a column of the matrix."""

    label: str
    run: RunResults
    areas: dict[str, Tally]
    total: Tally


def build_columns(runs: Sequence[RunResults]) -> tuple[list[str], list[RunColumn]]:
    """Return the matrix rows (areas in registry order, then unknown ones) and columns."""
    columns = []
    seen_labels: dict[str, int] = {}
    for run in runs:
        label = f"{run.implementation.name} {run.implementation.version}"
        seen_labels[label] = seen_labels.get(label, 0) + 1
        if seen_labels[label] > 1:
            label = f"{label} (#{seen_labels[label]})"
        areas: dict[str, Tally] = {}
        total = Tally()
        for test in run.tests:
            areas.setdefault(test.area, Tally()).add(test)
            total.add(test)
        columns.append(RunColumn(label, run, areas, total))
    present = {area for column in columns for area in column.areas}
    rows = [area for area in AREAS if area in present] + sorted(present - AREAS.keys())
    return rows, columns


def render_markdown(runs: Sequence[RunResults]) -> str:
    """Return the Markdown summary: the area matrix and each run's counts and time."""
    rows, columns = build_columns(runs)
    lines = ["# Conformance summary", ""]
    lines += _markdown_table(
        ["Area", *(column.label for column in columns)],
        [
            [area, *(column.areas.get(area, Tally()).cell_text() for column in columns)]
            for area in rows
        ]
        + [["**Total**", *(f"**{column.total.cell_text()}**" for column in columns)]],
    )
    lines += ["", "## Runs", ""]
    lines += _markdown_table(RUN_COLUMNS, [_run_row(column.run) for column in columns])
    return "\n".join(lines) + "\n"


RUN_COLUMNS = [
    "Implementation",
    "Version",
    "Tests",
    "Passed",
    "Failed",
    "Expected failures",
    "Unexpected passes",
    "Skipped",
    "Run time (s)",
]
"""The per-run columns shared by the Markdown and HTML run tables (see ``_run_row``)."""
_NUMERIC_RUN_COLUMNS = range(2, len(RUN_COLUMNS))


def _run_row(run: RunResults) -> list[str]:
    counts = count_outcomes(run.tests)
    return [
        run.implementation.name,
        run.implementation.version,
        str(len(run.tests)),
        str(sum(counts[outcome] for outcome in PASSING_OUTCOMES)),
        str(counts[FAILED] + counts[ERROR]),
        str(counts[EXPECTED_FAILURE]),
        str(counts[UNEXPECTED_PASS]),
        str(counts[SKIPPED]),
        f"{run.duration:.2f}",
    ]


def _markdown_table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(row) for row in rows)]


STYLE = """
:root { --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
p.lead { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid var(--line); padding: .4rem .6rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; }
td.cell a { color: inherit; text-decoration: none; }
td.cell a:hover { text-decoration: underline; }
.rate { font-size: .85em; color: var(--muted); }
.bar { height: 5px; background: #eaeef2; border-radius: 3px; margin-top: .25rem; }
.bar span { display: block; height: 100%; border-radius: 3px; }
.full .bar span { background: var(--ok); }
.partial .bar span { background: var(--warn); }
.low .bar span { background: var(--bad); }
tr.total td { font-weight: 600; }
details { border: 1px solid var(--line); border-radius: 6px; margin: .35rem 0;
          padding: .3rem .6rem; }
summary { cursor: pointer; }
summary code { font-size: .9em; }
pre { background: #f6f8fa; padding: .6rem; border-radius: 4px; white-space: pre-wrap;
      word-break: break-word; margin: .5rem 0 .2rem; }
.badge { display: inline-block; font-size: .75em; padding: 0 .45em; border-radius: 1em;
         border: 1px solid currentColor; margin: 0 .4em; }
.badge.failed, .badge.error { color: var(--bad); }
.badge.expected-failure { color: var(--warn); }
.nodeid { color: var(--muted); font-size: .85em; }
"""


def render_html(runs: Sequence[RunResults]) -> str:
    """Return the self-contained HTML report (inline CSS, no scripts or external assets)."""
    rows, columns = build_columns(runs)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Conformance report</title>",
        f"<style>{STYLE}</style></head>",
        "<body>",
        "<h1>Conformance report</h1>",
        '<p class="lead">Spec areas by implementation: tests passed out of tests run '
        "(skipped tests excluded). Select a cell to see its failures.</p>",
        "<table>",
        "<thead><tr><th>Area</th>"
        + "".join(f"<th>{esc(column.label)}</th>" for column in columns)
        + "</tr></thead>",
        "<tbody>",
    ]
    for area in rows:
        parts.append(
            f'<tr><th scope="row" title="{esc(AREAS.get(area, ""))}">{esc(area)}</th>'
            + "".join(
                _html_cell(column.areas.get(area, Tally()), _anchor(index, area))
                for index, column in enumerate(columns)
            )
            + "</tr>"
        )
    parts.append(
        '<tr class="total"><th scope="row">Total</th>'
        + "".join(_html_cell(column.total, None) for column in columns)
        + "</tr>"
    )
    parts += ["</tbody></table>", "<h2>Runs</h2>", _html_runs_table(columns)]
    parts.append("<h2>Failures</h2>")
    for index, column in enumerate(columns):
        parts.append(f"<h3>{esc(column.label)}</h3>")
        if not column.total.failures:
            parts.append("<p>No failures.</p>")
        for area in rows:
            failures = column.areas.get(area, Tally()).failures
            if failures:
                parts.append(f'<h4 id="{_anchor(index, area)}">{esc(area)}</h4>')
                parts += [_html_failure(test) for test in failures]
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _anchor(column_index: int, area: str) -> str:
    return f"failures-{column_index}-{area}"


def _html_cell(tally: Tally, anchor: str | None) -> str:
    if tally.rate is None:
        return '<td class="cell">—</td>'
    grade = "full" if tally.rate == 1 else "partial" if tally.rate >= 0.8 else "low"
    counts = f"{tally.passed}/{tally.applicable}"
    if anchor and tally.failures:
        counts = f'<a href="#{anchor}">{counts}</a>'
    return (
        f'<td class="cell {grade}">{counts} <span class="rate">{tally.percent()}</span>'
        f'<div class="bar"><span style="width:{tally.rate * 100:.1f}%"></span></div></td>'
    )


def _html_runs_table(columns: Sequence[RunColumn]) -> str:
    header = [*RUN_COLUMNS, "Python", "Platform", "Started (UTC)"]
    body = []
    for column in columns:
        run = column.run
        cells = [
            *_run_row(run),
            f"{run.python.implementation} {run.python.version}",
            run.platform,
            run.started_at,
        ]
        body.append(
            "<tr>"
            + "".join(
                f'<td class="num">{html.escape(cell)}</td>'
                if index in _NUMERIC_RUN_COLUMNS
                else f"<td>{html.escape(cell)}</td>"
                for index, cell in enumerate(cells)
            )
            + "</tr>"
        )
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(name)}</th>" for name in header)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def _html_failure(test: TestResult) -> str:
    esc = html.escape
    return (
        f"<details><summary><code>{esc(test.spec_id)}</code>"
        f'<span class="badge {esc(test.outcome)}">{esc(test.outcome)}</span>'
        f'<span class="nodeid">{esc(test.nodeid)}</span></summary>'
        f"<pre>{esc(test.message or '(no message recorded)')}</pre></details>"
    )


def write_report(runs: Sequence[RunResults], out_dir: Path) -> list[Path]:
    """Write ``index.html`` and ``summary.md`` for ``runs`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / HTML_NAME
    markdown_path = out_dir / MARKDOWN_NAME
    html_path.write_text(with_ecosystem_section(render_html(runs), out_dir), encoding="utf-8")
    markdown_path.write_text(render_markdown(runs), encoding="utf-8")
    return [html_path, markdown_path]
