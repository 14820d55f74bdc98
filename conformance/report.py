"""Rendering results documents as a static HTML page and a Markdown summary.

Both open with each run's verdict (pass or fail under its expectations), then
show a matrix of spec areas (rows) by implementation run (columns) with pass
counts and rates. The rate of a cell is passed / (tests - skipped - not
applicable): those say nothing about conformance. Unexpected passes count as
passed, expected failures as failures (the implementation does not conform, even
if it is known). Then, per run, what decided the verdict: unexpected failures
and passes, stale expectations and problems, with each rule's sentence; then the
expected failures and the features declared absent.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from conformance.coverage import Coverage
from conformance.ecosystem.report import with_ecosystem_section
from conformance.report_sections import (
    LEVELS_NOTE,
    coverage_rows,
    html_table,
    level_rows,
    remaining,
)
from conformance.results import (
    ERROR,
    EXPECTED_FAILURE,
    FAIL,
    FAILED,
    FAILING_OUTCOMES,
    GATE_FAILURES,
    NOT_APPLICABLE,
    PASSED,
    PASSING_OUTCOMES,
    SKIPPED,
    UNEXPECTED_PASS,
    RunResults,
    TestResult,
    count_outcomes,
)
from conformance.spec import AREAS
from conformance.versions import describe_range

HTML_NAME = "index.html"
MARKDOWN_NAME = "summary.md"


@dataclasses.dataclass
class Tally:
    """Pass counts over a set of tests, and the failing ones."""

    total: int = 0
    passed: int = 0
    skipped: int = 0
    not_applicable: int = 0
    failures: list[TestResult] = dataclasses.field(default_factory=list)

    def add(self, test: TestResult) -> None:
        """Count ``test``."""
        self.total += 1
        if test.outcome in PASSING_OUTCOMES:
            self.passed += 1
        elif test.outcome == SKIPPED:
            self.skipped += 1
        elif test.outcome == NOT_APPLICABLE:
            self.not_applicable += 1
        elif test.outcome in FAILING_OUTCOMES:
            self.failures.append(test)

    @property
    def applicable(self) -> int:
        """The number of tests that ran to a verdict (not skipped, not not-applicable)."""
        return self.total - self.skipped - self.not_applicable

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


def _level_cell(tests: Iterable[TestResult]) -> str:
    tally = Tally()
    for test in tests:
        tally.add(test)
    return tally.cell_text()


def _markdown_extra(
    runs: Sequence[RunResults], labels: list[str], coverage: Coverage | None
) -> list[str]:
    lines = ["", "## Pass rate by rule level", ""]
    lines += _markdown_table(["Level", *labels], level_rows(runs, _level_cell))
    lines += ["", LEVELS_NOTE]
    if coverage is not None:
        lines += ["", "## Coverage of the specification", ""]
        lines += _markdown_table(["Measure", "Value"], coverage_rows(coverage))
        lines += [""] + [f"- {entry}" for entry in remaining(coverage)]
    return lines


def _html_extra(
    runs: Sequence[RunResults], labels: list[str], coverage: Coverage | None
) -> list[str]:
    parts = [
        "<h2>Pass rate by rule level</h2>",
        html_table(["Level", *labels], level_rows(runs, _level_cell)),
        f"<p>{html.escape(LEVELS_NOTE)}</p>",
    ]
    if coverage is not None:
        parts += [
            "<h2>Coverage of the specification</h2>",
            html_table(["Measure", "Value"], coverage_rows(coverage)),
            "<ul>" + "".join(f"<li>{html.escape(e)}</li>" for e in remaining(coverage)) + "</ul>",
        ]
    return parts


def render_markdown(runs: Sequence[RunResults], coverage: Coverage | None = None) -> str:
    """Return the Markdown summary: verdicts, the area matrix, and what decided each verdict."""
    rows, columns = build_columns(runs)
    lines = ["# Conformance summary", ""]
    lines += _markdown_table(RUN_COLUMNS, [_run_row(column.run) for column in columns])
    lines += [""]
    lines += _markdown_table(
        ["Area", *(column.label for column in columns)],
        [
            [area, *(column.areas.get(area, Tally()).cell_text() for column in columns)]
            for area in rows
        ]
        + [["**Total**", *(f"**{column.total.cell_text()}**" for column in columns)]],
    )
    lines += _markdown_extra(runs, [column.label for column in columns], coverage)
    for column in columns:
        run = column.run
        lines += ["", f"## {column.label}: {run.verdict.upper()}", ""]
        sections = _run_sections(run)
        if not any(entries for _, entries in sections):
            lines.append("Every test met its expectation; nothing was left out.")
        for title, entries in sections:
            if entries:
                lines += [f"### {title} ({len(entries)})", ""]
                lines += [f"- {entry.markdown()}" for entry in entries]
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


RUN_COLUMNS = [
    "Implementation",
    "Product",
    "Verdict",
    "Tests",
    "Passed",
    "Failed",
    "Unexpected passes",
    "Stale expectations",
    "Expected failures",
    "Not applicable",
    "Skipped",
    "Run time (s)",
]
"""The per-run columns shared by the Markdown and HTML run tables (see ``_run_row``)."""
_NUMERIC_RUN_COLUMNS = range(3, len(RUN_COLUMNS))


def _run_row(run: RunResults) -> list[str]:
    counts = count_outcomes(run.tests)
    return [
        run.implementation.name,
        product_text(run),
        run.verdict.upper(),
        str(len(run.tests)),
        str(counts[PASSED]),
        str(counts[FAILED] + counts[ERROR]),
        str(counts[UNEXPECTED_PASS]),
        str(len(run.stale_expectations)),
        str(counts[EXPECTED_FAILURE]),
        str(counts[NOT_APPLICABLE]),
        str(counts[SKIPPED]),
        f"{run.duration:.2f}",
    ]


def product_text(run: RunResults) -> str:
    """Return the product of a run and the Flask API it targets (``Flask 3.0.3``,
    ``flaskspec 0.1.0, Flask API 3.1.3``), or the module's version for older results."""
    info = run.implementation
    if info.distribution is None:
        return info.version
    product = f"{info.distribution} {info.product_version or info.version}"
    if info.flask_api and info.flask_api != info.product_version:
        product += f", Flask API {info.flask_api}"
    return product


@dataclasses.dataclass(frozen=True)
class Entry:
    """One line of a run's sections: what it is about, its rule, and what happened."""

    key: str
    rule: str
    detail: str
    outcome: str

    def markdown(self) -> str:
        """Return the entry as one Markdown list item's text."""
        rule = f" {self.rule}" if self.rule else ""
        detail = f" — {self.detail}" if self.detail else ""
        return f"`{self.key}`{rule}{detail}".replace("\n", " ")


def _test_entry(test: TestResult) -> Entry:
    return Entry(test.key, test.rule, test.message or "", test.outcome)


def _run_sections(run: RunResults) -> list[tuple[str, list[Entry]]]:
    """Return a run's sections in order: what failed its gate first, then the rest."""
    by_outcome: dict[str, list[Entry]] = {}
    for test in sorted(run.tests, key=lambda test: test.key):
        by_outcome.setdefault(test.outcome, []).append(_test_entry(test))
    not_applicable: dict[str, int] = {}
    out_of_range: dict[str, int] = {}
    for test in run.tests:
        if test.outcome != NOT_APPLICABLE:
            continue
        absent = [feature for feature in test.features if feature in run.selection.without]
        if (
            not absent
            and (test.since or test.until)
            and "the product targets" in (test.message or "")
        ):
            gate = describe_range(test.since, test.until)
            out_of_range[gate] = out_of_range.get(gate, 0) + 1
            continue
        for feature in absent if test.features else ["(unknown)"]:
            not_applicable[feature] = not_applicable.get(feature, 0) + 1
    return [
        (
            "Problems with the run",
            [Entry("run", "", problem, "problem") for problem in run.problems],
        ),
        ("Unexpected failures", by_outcome.get(FAILED, []) + by_outcome.get(ERROR, [])),
        ("Unexpected passes", by_outcome.get(UNEXPECTED_PASS, [])),
        (
            "Stale expectations",
            [
                Entry(stale.key, "", f"matches no test: remove it ({stale.reason})", "stale")
                for stale in run.stale_expectations
            ],
        ),
        ("Expected failures", by_outcome.get(EXPECTED_FAILURE, [])),
        (
            "Not applicable",
            [
                Entry(feature, "", f"declared absent: {count} tests not applicable", NOT_APPLICABLE)
                for feature, count in sorted(not_applicable.items())
            ]
            + [
                Entry(
                    "version",
                    "",
                    f"the rule {gate} and the product targets Flask "
                    f"{run.implementation.flask_api}: {count} tests not applicable",
                    NOT_APPLICABLE,
                )
                for gate, count in sorted(out_of_range.items())
            ],
        ),
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
table.runs th, table.runs td { font-size: .85em; padding: .3rem .45rem; }
table.environment td, table.environment th { font-size: .8em; color: var(--muted); }
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
.badge.unexpected-pass, .badge.stale, .badge.problem { color: var(--bad); }
.badge.not-applicable { color: var(--muted); }
.rule { color: var(--muted); }
.verdicts { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.verdict { border: 2px solid var(--line); border-radius: 8px; padding: .5rem 1rem; }
.verdict strong { font-size: 1.3rem; }
.verdict.pass { border-color: var(--ok); }
.verdict.pass strong { color: var(--ok); }
.verdict.fail { border-color: var(--bad); }
.verdict.fail strong { color: var(--bad); }
"""


def render_html(runs: Sequence[RunResults], coverage: Coverage | None = None) -> str:
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
        '<p class="lead">Each run\'s verdict under its expectations, then spec areas by '
        "implementation: tests passed out of tests run (skipped and not-applicable tests "
        "excluded). Select a cell to see its failures.</p>",
        '<div class="verdicts">',
        *(_html_verdict(column) for column in columns),
        "</div>",
        "<h2>Runs</h2>",
        _html_runs_table(columns),
        "<h2>Areas</h2>",
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
    parts.append("</tbody></table>")
    parts += _html_extra(runs, [column.label for column in columns], coverage)
    for index, column in enumerate(columns):
        parts.append(f"<h2>{esc(column.label)}: {esc(column.run.verdict.upper())}</h2>")
        sections = _run_sections(column.run)
        if not any(entries for _, entries in sections):
            parts.append("<p>Every test met its expectation; nothing was left out.</p>")
        for title, entries in sections:
            if not entries:
                continue
            parts.append(f"<h3>{esc(title)} ({len(entries)})</h3>")
            for area in sorted({_area_of(entry) for entry in entries}):
                in_area = [entry for entry in entries if _area_of(entry) == area]
                anchor = _anchor(index, area) if title == "Unexpected failures" else None
                parts.append(f'<h4 id="{anchor}">{esc(area)}</h4>' if anchor else "")
                parts += [_html_entry(entry) for entry in in_area]
    parts += ["</body>", "</html>"]
    return "\n".join(part for part in parts if part) + "\n"


def _area_of(entry: Entry) -> str:
    return entry.key.split(".", 1)[0] if "." in entry.key else entry.key


def _html_verdict(column: RunColumn) -> str:
    run = column.run
    counts = count_outcomes(run.tests)
    if run.verdict == FAIL:
        reasons = [
            (counts[FAILED] + counts[ERROR], "unexpected failures"),
            (counts[UNEXPECTED_PASS], "unexpected passes"),
            (len(run.stale_expectations), "stale expectations"),
            (len(run.problems), "problems"),
        ]
        detail = ", ".join(f"{count} {what}" for count, what in reasons if count)
    else:
        detail = f"{counts[PASSED]} passed, {counts[EXPECTED_FAILURE]} known failures"
    return (
        f'<div class="verdict {esc_class(run.verdict)}"><strong>{html.escape(run.verdict.upper())}'
        f"</strong> {html.escape(column.label)}<br><small>{html.escape(detail)}</small></div>"
    )


def esc_class(text: str) -> str:
    """Return ``text`` reduced to characters safe in a CSS class name."""
    return "".join(char for char in text if char.isalnum() or char == "-")


def _anchor(column_index: int, area: str) -> str:
    return f"failures-{column_index}-{area}"


def _html_cell(tally: Tally, anchor: str | None) -> str:
    if tally.rate is None:
        return '<td class="cell">—</td>'
    grade = "full" if tally.rate == 1 else "partial" if tally.rate >= 0.8 else "low"
    counts = f"{tally.passed}/{tally.applicable}"
    if anchor and any(test.outcome in GATE_FAILURES for test in tally.failures):
        counts = f'<a href="#{anchor}">{counts}</a>'
    return (
        f'<td class="cell {grade}">{counts} <span class="rate">{tally.percent()}</span>'
        f'<div class="bar"><span style="width:{tally.rate * 100:.1f}%"></span></div></td>'
    )


def _html_runs_table(columns: Sequence[RunColumn]) -> str:
    rows = [_run_row(column.run) for column in columns]
    environment = ["Run", "Python", "Platform", "Suite", "werkzeug", "Started (UTC)"]
    environment_rows = [
        [
            column.label,
            f"{column.run.python.implementation} {column.run.python.version}",
            column.run.platform,
            column.run.suite_version,
            column.run.packages.get("werkzeug", "—"),
            column.run.started_at,
        ]
        for column in columns
    ]
    return _html_table(RUN_COLUMNS, rows, _NUMERIC_RUN_COLUMNS, "runs") + _html_table(
        environment, environment_rows, range(0), "environment"
    )


def _html_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: range, css_class: str
) -> str:
    esc = html.escape
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{esc(cell)}</td>' if index in numeric else f"<td>{esc(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    head = "".join(f"<th>{esc(name)}</th>" for name in header)
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _html_entry(entry: Entry) -> str:
    esc = html.escape
    rule = f'<span class="rule">{esc(entry.rule)}</span>' if entry.rule else ""
    return (
        f"<details><summary><code>{esc(entry.key)}</code>"
        f'<span class="badge {esc_class(entry.outcome)}">{esc(entry.outcome)}</span>{rule}'
        f"</summary><pre>{esc(entry.detail or '(no message recorded)')}</pre></details>"
    )


def write_report(
    runs: Sequence[RunResults], out_dir: Path, coverage: Coverage | None = None
) -> list[Path]:
    """Write ``index.html`` and ``summary.md`` for ``runs`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / HTML_NAME
    markdown_path = out_dir / MARKDOWN_NAME
    html_path.write_text(
        with_ecosystem_section(render_html(runs, coverage), out_dir), encoding="utf-8"
    )
    markdown_path.write_text(render_markdown(runs, coverage), encoding="utf-8")
    return [html_path, markdown_path]
