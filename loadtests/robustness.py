"""``python -m loadtests.robustness soak|faults JSON...``: the sections of
``reports/robustness.md``.

``soak`` sets the JSON results of ``python -m loadtests soak --json`` side by side,
``faults`` those of ``python -m loadtests faults --json``. Each command rewrites only
its own section of the Markdown file (between ``<!-- soak -->`` and ``<!-- /soak -->``,
say), so the last soak and the last fault run can be made at different times. Exit
code 2, with one line, for an unreadable JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from loadtests.memory import MB
from loadtests.runner import OneLineErrorParser

DEFAULT_OUT = Path("reports/robustness.md")
TITLE = "# Robustness: long runs and faults"
INTRO = (
    "Written by `make soak` and `make faults` (see the README's *Robustness* section); "
    "each section is replaced by its own command. Timings come from a shared machine: "
    "read them as orders of magnitude."
)


class RobustnessError(ValueError):
    """A result file is unusable (the message is one line)."""


def load_results(paths: Sequence[Path], kind: str) -> list[dict[str, Any]]:
    """Return the JSON results at ``paths``, checking that each is of ``kind``."""
    results = []
    for path in paths:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RobustnessError(f"cannot read {path}: {exc}")
        if not isinstance(result, dict) or result.get("kind") != kind:
            raise RobustnessError(f"{path} is not the result of `python -m loadtests {kind}`")
        results.append(result)
    return results


def _mb(value: float) -> str:
    return f"{value / MB:.1f} MB"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def render_soak(results: Sequence[dict[str, Any]]) -> str:
    """Return the soak section: one column per run."""
    header = [
        "",
        *(
            f"{r['impl']} {r['impl_version']}" + ("" if r["traced"] else " (RSS only)")
            for r in results
        ),
    ]

    def row(label: str, value: Any) -> list[str]:
        return [label, *(value(r) for r in results)]

    def measure(r: dict[str, Any], key: str, pick: Any) -> str:
        return _mb(pick([sample[key] for sample in r["samples"]] or [0]))

    def traced(value: Any) -> Any:
        return lambda r: value(r) if r["traced"] else "not traced (--no-trace)"

    hostile = ("long-paths", "unique-hosts", "unique-cookies", "large-sessions")
    rows = [
        row("requests (after a warm-up)", lambda r: f"{r['requests']:,} (+{r['warmup']:,})"),
        row(
            "of which hostile",
            lambda r: (
                f"{sum(r['kinds'].get(k, 0) for k in hostile):,} ({r['hostile_size']:,} bytes each)"
            ),
        ),
        row("time", lambda r: f"{r['seconds']:.0f} s ({r['requests'] / r['seconds']:.0f}/s)"),
        row("RSS at the baseline", lambda r: _mb(r["baseline"]["rss"])),
        row("RSS at the highest sample", lambda r: measure(r, "rss", max)),
        row("RSS at the end", lambda r: _mb(r["samples"][-1]["rss"])),
        row("traced at the baseline", traced(lambda r: _mb(r["baseline"]["traced"]))),
        row("traced at the peak", traced(lambda r: measure(r, "traced_peak", max))),
        row("traced at the end", traced(lambda r: _mb(r["samples"][-1]["traced"]))),
        row(
            "growth: RSS / traced",
            lambda r: (
                f"{_mb(r['rss_growth'])} / {_mb(r['traced_growth']) if r['traced'] else '-'} "
                f"(bound {_mb(r['max_growth'])})"
            ),
        ),
        row("wrong answers", lambda r: str(sum(r["failures"].values()))),
        row("result", lambda r: "ok" if r["ok"] else "FAILED: " + "; ".join(r["problems"])),
    ]
    lines = [
        "## Soak",
        "",
        "`python -m loadtests soak --requests N`: the mixed scenario plus the hostile "
        "streams, in-process; RSS and tracemalloc sampled every tenth of the run; "
        "growth is the worst sample minus the baseline taken after the warm-up.",
        "",
        *_table(header, rows),
        "",
        "RSS at each tenth of the run (MB):",
        "",
    ]
    for r in results:
        values = ", ".join(f"{sample['rss'] / MB:.1f}" for sample in r["samples"])
        lines.append(f"- {r['impl']} (started {r['started_at']}): {values}")
    return "\n".join(lines) + "\n"


def render_faults(results: Sequence[dict[str, Any]]) -> str:
    """Return the fault-run section: one column per implementation, then the failures
    seen in each phase."""
    header = ["", *(f"{r['impl']} {r['impl_version']}" for r in results)]

    def row(label: str, key: str) -> list[str]:
        return [label, *(f"{r[key]:,}" for r in results)]

    rows = [
        ["load", *(f"{r['users']} writers, {r['duration_s']} s" for r in results)],
        row("POSTs sent", "posts"),
        row("answered 2xx", "acknowledged"),
        row("rows in the database", "rows"),
        row("acknowledged but not stored (lost)", "lost"),
        row("duplicate rows", "duplicates"),
        row("stored, answer lost in a fault", "stored_answer_lost"),
        row("rows with an id never sent", "unknown_rows"),
    ]
    names = [window["name"] for window in results[0]["windows"]] if results else []
    for index, name in enumerate(names):
        rows.append(
            [
                f"failed {name}",
                *(
                    f"{r['windows'][index]['failures']} of {r['windows'][index]['requests']}"
                    for r in results
                ),
            ]
        )
    rows.append(["afterwards", *(r["server_after"] for r in results)])
    rows.append(
        ["result", *("ok" if r["ok"] else "FAILED: " + "; ".join(r["problems"]) for r in results)]
    )
    lines = [
        "## Faults: no acknowledged write lost",
        "",
        "`python -m loadtests faults`: gunicorn with 2 sync workers, each accepted POST "
        "committed to SQLite (WAL) before it is answered; one worker is sent SIGKILL a "
        "third of the way in, the master SIGHUP two thirds in. A write whose worker was "
        "killed after its commit but before its answer is stored although the client saw "
        "a failure: it is counted apart, so rows = answered 2xx + stored with the answer "
        "lost.",
        "",
        *_table(header, rows),
        "",
        "Failures by phase:",
        "",
    ]
    for r in results:
        for window in r["windows"]:
            kinds = "; ".join(f"{n} x {kind}" for kind, n in window["failure_kinds"].items())
            workers = ""
            if "workers_before" in window:
                workers = f", workers {window['workers_before']} -> {window['workers_after']}"
            lines.append(
                f"- {r['impl']}, {window['name']} ({window['seconds']:.0f} s{workers}): "
                f"{window['failures']} of {window['requests']} failed"
                + (f": {kinds}" if kinds else "")
            )
    return "\n".join(lines) + "\n"


def replace_section(text: str, name: str, body: str) -> str:
    """Return ``text`` with the section ``name`` (between its markers) replaced by
    ``body``; a missing section is appended."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{body}{end}\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda match: block, text, count=1)
    return f"{text.rstrip()}\n\n{block}" if text.strip() else block


def update_report(path: Path, name: str, body: str) -> None:
    """Rewrite section ``name`` of the report at ``path`` (created if missing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if not text.startswith(TITLE):
        text = f"{TITLE}\n\n{INTRO}\n\n{text}"
    machine = f"Python {platform.python_version()}, {os.cpu_count()} cores."
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(text, name, body + "\n" + machine + "\n"), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m loadtests.robustness``; return 0, or 2 for unusable input."""
    parser = OneLineErrorParser(
        prog="python -m loadtests.robustness",
        description="Write the soak or faults section of reports/robustness.md.",
    )
    parser.add_argument("section", choices=["soak", "faults"])
    parser.add_argument("results", nargs="+", type=Path, help="JSON results of that command")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report ({DEFAULT_OUT})")
    args: argparse.Namespace = parser.parse_args(argv)
    try:
        results = load_results(args.results, args.section)
    except RobustnessError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    render = render_soak if args.section == "soak" else render_faults
    update_report(args.out, args.section, render(results))
    print(f"wrote the {args.section} section of {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
