"""Command line of the suite: ``python -m conformance check-impl|contract|report|diff|ecosystem``.

- ``check-impl MODULE [--without FEATURE]`` checks a module against the contract and
  prints, per feature, what is present and what is missing; exits 1 when a
  required name is missing, 2 when the module cannot be imported.
- ``contract`` prints the contract (``docs/contract.md`` is this output).

- ``report RESULTS.json... [--out DIR]`` writes ``index.html`` and ``summary.md``
  (default folder ``conformance-report`` in the current folder) and prints their paths.
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

from conformance.contract import ContractError, check_feature_names, preflight
from conformance.contract_doc import render_contract
from conformance.diff import diff_results, render_diff
from conformance.ecosystem import cli as ecosystem_cli
from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from conformance.report import write_report
from conformance.results import ResultsError, load_results

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_BAD_INPUT = 2
DEFAULT_REPORT_DIR = Path("conformance-report")


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
    check = commands.add_parser(
        "check-impl",
        help="check a module against the contract (preflight) and exit 1 if it falls short",
    )
    check.add_argument("module", metavar="MODULE")
    check.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="FEATURE",
        help="an optional feature the implementation leaves out; repeatable",
    )
    commands.add_parser("contract", help="print the contract as Markdown")
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
    if arguments.command == "check-impl":
        return check_impl(parser.prog, arguments.module, arguments.without)
    if arguments.command == "contract":
        sys.stdout.write(render_contract())
        return EXIT_OK
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


def check_impl(prog: str, name: str, without: Sequence[str]) -> int:
    """Print the preflight of module ``name``; return 0 if every required name is there."""
    try:
        declared = check_feature_names(without, "--without")
        module = import_implementation(name, "check-impl")
    except (ContractError, ImplementationError) as exc:
        print(f"{prog} check-impl: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = preflight(module, declared)
    print(f"implementation {name!r} {implementation_version(module)}")
    for line in result.lines():
        print(line)
    return EXIT_OK if result.ok else EXIT_REGRESSION


if __name__ == "__main__":
    sys.exit(main())
