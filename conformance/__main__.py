"""Command line for conformance results: ``python -m conformance report|diff|ecosystem``.

- ``report RESULTS.json... [--out DIR]`` writes ``index.html`` and ``summary.md``
  (default folder ``reports/conformance``) and prints their paths.
- ``diff OLD.json NEW.json`` lists newly failing, newly passing, added and removed
  tests; exits 1 if any test newly fails, else 0.
- ``ecosystem --impl MODULE``: see :mod:`conformance.ecosystem`.

Unusable input (a missing file, not JSON, not a results document) prints one
error line and exits 2, like a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from conformance.diff import diff_results, render_diff
from conformance.ecosystem import cli as ecosystem_cli
from conformance.report import write_report
from conformance.results import ResultsError, load_results

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_BAD_INPUT = 2
DEFAULT_REPORT_DIR = Path("reports/conformance")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m conformance``."""
    parser = argparse.ArgumentParser(
        prog="python -m conformance", description="Render and compare conformance results."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser(
        "report", help="render results files as an HTML page and a Markdown summary"
    )
    report.add_argument("results", nargs="+", type=Path, metavar="RESULTS.json")
    report.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        metavar="DIR",
        help=f"folder to write index.html and summary.md into (default: {DEFAULT_REPORT_DIR})",
    )
    diff = commands.add_parser(
        "diff", help="compare two results files; exit 1 if a test newly fails"
    )
    diff.add_argument("old", type=Path, metavar="OLD.json")
    diff.add_argument("new", type=Path, metavar="NEW.json")
    ecosystem_cli.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == ecosystem_cli.COMMAND:
        return ecosystem_cli.run(arguments)
    try:
        if arguments.command == "report":
            runs = [load_results(path) for path in arguments.results]
            try:
                written = write_report(runs, arguments.out)
            except OSError as exc:
                raise ResultsError(f"{arguments.out}: cannot write report: {exc.strerror or exc}")
            for path in written:
                print(f"wrote {path}")
            return EXIT_OK
        old, new = load_results(arguments.old), load_results(arguments.new)
    except ResultsError as exc:
        print(f"{parser.prog} {arguments.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    difference = diff_results(old, new)
    sys.stdout.write(render_diff(difference))
    return EXIT_REGRESSION if difference.has_regressions else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
