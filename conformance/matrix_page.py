"""The compatibility matrix as a page and a summary: rules down, products across.

:func:`build_matrix` folds the results of each product's run (see
:mod:`conformance.matrix`) into one cell per rule and product: passed, failed (with
the message), expected failure (with the reason), not applicable (with the reason:
a feature the product leaves out, or a Flask version the rule does not hold in),
skipped, or not run. :func:`write_matrix` writes ``index.html`` (self-contained: no
script, no external resource) and ``summary.md``: the products, the interop view
(rules that pass on every product they apply to, on some, on none), what changes
across Flask versions (the rules with a ``since``/``until``), and the whole matrix
by area.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from conformance.matrix import RAN, ProductRun
from conformance.registry import SHOULD
from conformance.report_sections import html_table
from conformance.results import (
    ERROR,
    EXPECTED_FAILURE,
    FAILED,
    NOT_APPLICABLE,
    PASSED,
    SKIPPED,
    UNEXPECTED_PASS,
    TestResult,
)
from conformance.spec import AREAS
from conformance.versions import OLDEST_FLASK, describe_range

NOT_RUN = "not-run"
CELL_STATUSES = (
    PASSED,
    FAILED,
    UNEXPECTED_PASS,
    EXPECTED_FAILURE,
    NOT_APPLICABLE,
    SKIPPED,
    NOT_RUN,
)
SYMBOLS = {
    PASSED: "✓",
    FAILED: "✗",
    UNEXPECTED_PASS: "✓!",
    EXPECTED_FAILURE: "xfail",
    NOT_APPLICABLE: "n/a",
    SKIPPED: "skip",
    NOT_RUN: "—",
}
EVERYWHERE = "everywhere"
SOME = "some"
NONE = "none"
NOWHERE_APPLICABLE = "nowhere applicable"
MESSAGE_SHOWN = 220


@dataclasses.dataclass(frozen=True)
class Cell:
    """One rule on one product."""

    status: str
    message: str = ""


@dataclasses.dataclass
class Row:
    """One rule across the products."""

    spec_id: str
    area: str
    rule: str
    level: str
    since: str | None
    until: str | None
    cells: list[Cell]

    @property
    def version_gated(self) -> bool:
        """Whether the rule holds only in some of the Flask versions the suite knows."""
        return self.until is not None or (self.since is not None and self.since != OLDEST_FLASK)

    def interop(self) -> str:
        """Where the rule passes among the products it applies to (see the module doc)."""
        applicable = [c for c in self.cells if c.status not in (NOT_APPLICABLE, NOT_RUN, SKIPPED)]
        passing = [c for c in applicable if c.status in (PASSED, UNEXPECTED_PASS)]
        if not applicable:
            return NOWHERE_APPLICABLE
        if len(passing) == len(applicable):
            return EVERYWHERE
        return NONE if not passing else SOME


@dataclasses.dataclass
class Matrix:
    """The runs (columns) and the rules (rows) of the matrix."""

    runs: list[ProductRun]
    rows: list[Row]

    def interop_counts(self) -> dict[str, int]:
        """Return how many rules pass everywhere, on some products, on none."""
        counts = dict.fromkeys((EVERYWHERE, SOME, NONE, NOWHERE_APPLICABLE), 0)
        for row in self.rows:
            counts[row.interop()] += 1
        return counts


def cell_of(tests: Sequence[TestResult]) -> Cell:
    """Fold the tests of one rule on one product (one per parameter) into a cell."""
    if not tests:
        return Cell(NOT_RUN, "no test of this rule ran")
    failing = [test for test in tests if test.outcome in (FAILED, ERROR)]
    if failing:
        message = failing[0].message or failing[0].outcome
        if len(tests) > 1:
            message = f"{len(failing)} of {len(tests)} failed; {failing[0].key}: {message}"
        return Cell(FAILED, message)
    for status in (UNEXPECTED_PASS, EXPECTED_FAILURE):
        found = [test for test in tests if test.outcome == status]
        if found:
            return Cell(status, found[0].message or "")
    if any(test.outcome == PASSED for test in tests):
        return Cell(PASSED)
    if all(test.outcome == NOT_APPLICABLE for test in tests):
        return Cell(NOT_APPLICABLE, tests[0].message or "")
    skipped = next(test for test in tests if test.outcome != NOT_APPLICABLE)
    return Cell(SKIPPED, skipped.message or "")


def build_matrix(runs: Sequence[ProductRun]) -> Matrix:
    """Return the matrix of ``runs``: every rule any run tested, in area order."""
    by_run: list[dict[str, list[TestResult]]] = []
    known: dict[str, TestResult] = {}
    for run in runs:
        tests: dict[str, list[TestResult]] = {}
        for test in run.results.tests if run.results else []:
            tests.setdefault(test.spec_id, []).append(test)
            known.setdefault(test.spec_id, test)
        by_run.append(tests)
    areas = list(AREAS)

    def order(spec_id: str) -> tuple[int, str]:
        area = known[spec_id].area
        return (areas.index(area) if area in areas else len(areas), spec_id)

    rows = []
    for spec_id in sorted(known, key=order):
        first = known[spec_id]
        cells = [
            cell_of(tests.get(spec_id, []))
            if run.status == RAN
            else Cell(NOT_RUN, run.note or run.status)
            for run, tests in zip(runs, by_run, strict=True)
        ]
        rows.append(
            Row(spec_id, first.area, first.rule, first.level, first.since, first.until, cells)
        )
    return Matrix(list(runs), rows)


# -- shared text ------------------------------------------------------------------------


def product_label(run: ProductRun) -> str:
    """Return the product as installed (``Flask 3.0.3``), else its title."""
    info = run.results.implementation if run.results else None
    if info is not None and info.distribution:
        return f"{info.distribution} {info.product_version or info.version}"
    return run.installed or run.product.title


def flask_api_of(run: ProductRun) -> str:
    """Return the Flask API version the product targeted in its run, if it ran."""
    info = run.results.implementation if run.results else None
    return info.flask_api or "—" if info is not None else "—"


def counts_of(matrix: Matrix, index: int) -> dict[str, int]:
    """Return how many rules had each cell status on product ``index``."""
    counts = dict.fromkeys(CELL_STATUSES, 0)
    for row in matrix.rows:
        counts[row.cells[index].status] += 1
    return counts


PRODUCT_HEADER = [
    "Product",
    "Installed",
    "Flask API",
    "Verdict",
    "Rules",
    "Passed",
    "Failed",
    "Expected failures",
    "Not applicable",
    "Skipped",
    "Version gates checked",
    "Time (s)",
    "Note",
]


def product_rows(matrix: Matrix) -> list[list[str]]:
    """Return one row per product for the products table (rules counted, not tests)."""
    rows = []
    for index, run in enumerate(matrix.runs):
        counts = counts_of(matrix, index)
        ran = run.status == RAN and run.results is not None
        rows.append(
            [
                run.product.title,
                product_label(run) if ran else "—",
                flask_api_of(run),
                run.results.verdict.upper() if run.results else run.status.upper(),
                str(len(matrix.rows) - counts[NOT_RUN]) if ran else "0",
                str(counts[PASSED] + counts[UNEXPECTED_PASS]),
                str(counts[FAILED]),
                str(counts[EXPECTED_FAILURE]),
                str(counts[NOT_APPLICABLE]),
                str(counts[SKIPPED]),
                _gates_text(run),
                f"{run.duration:.0f}",
                run.note
                + (f"gates too wide: {', '.join(run.wide_gates)}" if run.wide_gates else ""),
            ]
        )
    return rows


def _gates_text(run: ProductRun) -> str:
    if not run.gates_checked:
        return "—"
    wide = len(run.wide_gates)
    verdict = f"{wide} too wide" if wide else "all hold"
    return f"{run.gates_checked} ({verdict})"


def failing_products(matrix: Matrix, row: Row) -> list[str]:
    """Return the titles of the products a rule fails or is an expected failure on."""
    return [
        run.product.title
        for run, cell in zip(matrix.runs, row.cells, strict=True)
        if cell.status in (FAILED, EXPECTED_FAILURE)
    ]


def version_groups(matrix: Matrix) -> dict[str, list[Row]]:
    """Return the version-gated rules grouped by their range (``holds since Flask 3.1``)."""
    groups: dict[str, list[Row]] = {}
    for row in matrix.rows:
        if row.version_gated:
            groups.setdefault(describe_range(row.since, row.until), []).append(row)
    return dict(sorted(groups.items()))


# -- Markdown ---------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def render_summary(matrix: Matrix, generated: str) -> str:
    """Return ``summary.md``: products, interop, version changes, failures."""
    counts = matrix.interop_counts()
    lines = [
        "# Compatibility matrix",
        "",
        f"Generated {generated} by `python -m conformance matrix` ({len(matrix.rows)} rules). "
        "Counts are of rules (a parametrized rule is one rule); see index.html for every cell.",
        "",
        *_md_table(PRODUCT_HEADER, product_rows(matrix)),
        "",
        "## Interop",
        "",
        f"- rules passing on every product that ran them (where they apply): {counts[EVERYWHERE]}",
        f"- rules passing on some products only: {counts[SOME]}",
        f"- rules passing on none: {counts[NONE]}",
        f"- rules applicable to no product run: {counts[NOWHERE_APPLICABLE]}",
        "",
    ]
    differing = [row for row in matrix.rows if row.interop() in (SOME, NONE)]
    if differing:
        lines += _md_table(
            ["Rule", "Fails on", "Rule text"],
            (
                [f"`{row.spec_id}`", ", ".join(failing_products(matrix, row)), row.rule]
                for row in differing
            ),
        )
        lines.append("")
    lines += ["## What changes across Flask versions", ""]
    titles = [run.product.title for run in matrix.runs]
    for gate, rows in version_groups(matrix).items():
        lines += [f"### The rule {gate} ({len(rows)})", ""]
        lines += _md_table(
            ["Rule", *titles],
            (
                [f"`{row.spec_id}` {row.rule}", *(SYMBOLS[cell.status] for cell in row.cells)]
                for row in rows
            ),
        )
        lines.append("")
    lines += ["## Failures", ""]
    for index, run in enumerate(matrix.runs):
        failures = [
            (row, row.cells[index]) for row in matrix.rows if row.cells[index].status == FAILED
        ]
        if run.status != RAN:
            lines.append(f"- **{run.product.title}**: not run: {run.note or run.status}")
            continue
        lines.append(f"- **{run.product.title}**: {len(failures)} failing rules")
        for row, cell in failures:
            level = " (should)" if row.level == SHOULD else ""
            lines.append(f"  - `{row.spec_id}`{level}: {_md_cell(cell.message)}")
    return "\n".join(lines).rstrip() + "\n"


# -- HTML -------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;max-width:1500px}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #d4d4d4;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f2f2f2;position:sticky;top:0}
.c{text-align:center;min-width:5.5em;font-weight:600}
.passed{background:#dff3e3;color:#17642b}.failed{background:#fbdada;color:#8a1212}
.expected-failure{background:#fdf0cf;color:#7a5200}.unexpected-pass{background:#fbdada}
.not-applicable{background:#eeeeee;color:#666}.skipped,.not-run{background:#f7f7f7;color:#888}
.msg{font-weight:400;font-size:11px;text-align:left;max-width:26em;word-break:break-word}
.id{font-family:ui-monospace,monospace;font-size:12px;white-space:nowrap}
.rule{max-width:34em}.should{color:#666;font-size:11px}
details{margin:.3em 0}summary{cursor:pointer;font-weight:600}
.products td:last-child{overflow-wrap:anywhere;min-width:18em}
.legend span{display:inline-block;padding:1px 6px;margin-right:6px;border:1px solid #ccc}
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _html_cell(cell: Cell, with_message: bool) -> str:
    message = cell.message
    shown = message if len(message) <= MESSAGE_SHOWN else message[: MESSAGE_SHOWN - 1] + "…"
    detail = (
        f'<div class="msg">{_esc(shown)}</div>'
        if with_message and message and cell.status in (FAILED, EXPECTED_FAILURE)
        else ""
    )
    title = f' title="{_esc(message)}"' if message else ""
    return f'<td class="c {cell.status}"{title}>{_esc(SYMBOLS[cell.status])}{detail}</td>'


def _rule_rows(matrix: Matrix, rows: Iterable[Row]) -> str:
    out = []
    for row in rows:
        level = ' <span class="should">(should)</span>' if row.level == SHOULD else ""
        gate = (
            f' <span class="should">[{_esc(describe_range(row.since, row.until))}]</span>'
            if row.version_gated
            else ""
        )
        cells = "".join(_html_cell(cell, True) for cell in row.cells)
        out.append(
            f'<tr><td class="id">{_esc(row.spec_id)}</td>'
            f'<td class="rule">{_esc(row.rule)}{level}{gate}</td>{cells}</tr>'
        )
    return "".join(out)


def _matrix_table(matrix: Matrix, rows: Sequence[Row]) -> str:
    head = "".join(f"<th>{_esc(run.product.title)}</th>" for run in matrix.runs)
    return f"<table><tr><th>Spec ID</th><th>Rule</th>{head}</tr>{_rule_rows(matrix, rows)}</table>"


def render_html(matrix: Matrix, generated: str) -> str:
    """Return the self-contained ``index.html`` of the matrix."""
    counts = matrix.interop_counts()
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<title>flaskspec compatibility matrix</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Compatibility matrix of the Flask API specification</h1>",
        f"<p>Generated {_esc(generated)} by <code>python -m conformance matrix</code>: "
        f"{len(matrix.rows)} rules, {len(matrix.runs)} products. Counts are of rules; "
        "a rule a product's targeted Flask version does not have is <em>not applicable</em>, "
        "never failed.</p>",
        '<p class="legend">'
        + "".join(
            f'<span class="{status}">{_esc(SYMBOLS[status])} {_esc(status)}</span>'
            for status in CELL_STATUSES
        )
        + "</p>",
        "<h2>Products</h2>",
        f'<div class="products">{html_table(PRODUCT_HEADER, product_rows(matrix))}</div>',
        "<h2>Interop</h2>",
        html_table(
            ["Rules passing", "Count"],
            [
                ["on every product that ran them (where they apply)", str(counts[EVERYWHERE])],
                ["on some products only", str(counts[SOME])],
                ["on none", str(counts[NONE])],
                ["applicable to no product run", str(counts[NOWHERE_APPLICABLE])],
            ],
        ),
    ]
    differing = [row for row in matrix.rows if row.interop() in (SOME, NONE)]
    parts.append(f"<h3>Rules that do not pass everywhere they apply ({len(differing)})</h3>")
    parts.append(_matrix_table(matrix, differing) if differing else "<p>None.</p>")
    parts.append("<h2>What changes across Flask versions</h2>")
    parts.append(
        "<p>Rules that hold only from (or up to) some Flask version: a migration guide. "
        "On a product targeting an older Flask they are not applicable; "
        "<em>version gates checked</em> counts the rules run once more on the product "
        "with the gate lifted, where each must fail (else the gate is too wide).</p>"
    )
    for gate, rows in version_groups(matrix).items():
        parts.append(f"<h3>The rule {_esc(gate)} ({len(rows)})</h3>")
        parts.append(_matrix_table(matrix, rows))
    parts.append("<h2>Every rule, by area</h2>")
    for area in dict.fromkeys(row.area for row in matrix.rows):
        rows = [row for row in matrix.rows if row.area == area]
        troubled = sum(1 for row in rows if row.interop() in (SOME, NONE))
        note = f", {troubled} not passing everywhere" if troubled else ""
        parts.append(
            f"<details{' open' if troubled else ''}><summary>{_esc(area)} "
            f"({len(rows)} rules{note})</summary>{_matrix_table(matrix, rows)}</details>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_matrix(runs: Sequence[ProductRun], out: Path, generated: str | None = None) -> list[Path]:
    """Write ``index.html`` and ``summary.md`` of ``runs`` into ``out``; return the paths."""
    when = generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    matrix = build_matrix(runs)
    out.mkdir(parents=True, exist_ok=True)
    page, summary = out / "index.html", out / "summary.md"
    page.write_text(render_html(matrix, when), encoding="utf-8")
    summary.write_text(render_summary(matrix, when), encoding="utf-8")
    return [page, summary]
