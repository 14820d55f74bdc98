"""Command line of the suite: ``python -m conformance check-impl|contract|report|diff|ecosystem``.

- ``check-impl MODULE [--without FEATURE]`` checks a module against the contract and
  prints, per feature, what is present and what is missing; exits 1 when a
  required name is missing, 2 when the module cannot be imported.
- ``contract`` prints the contract (``docs/contract.md`` is this output).
- ``registry sync [--check] [PATH...]`` registers the spec IDs that collecting
  PATH (default: the suite) finds unregistered; ``--check`` only reports them.
- ``registry review [--flagged] [--json]`` lists each rule with the evidence for its
  level, source and error_path (see :mod:`conformance.registry_review`).

- ``report RESULTS.json... [--out DIR]`` writes ``index.html`` and ``summary.md``
  (default folder ``conformance-report`` in the current folder) and prints their paths.
- ``coverage [--json PATH]`` measures the suite against the registry and the
  description (untested rules, error paths without a negative test, sections and
  promised names without a rule); exits 1 when something is uncovered.
- ``merge SHARD.json... --out MERGED.json`` combines the results of ``--shard``
  jobs into the results of one run (exit 2 if they are not shards of one run).
- ``diff OLD.json NEW.json`` lists newly failing, newly passing, added and removed
  tests; exits 1 if any test newly fails, else 0.
- ``ecosystem --impl MODULE``: see :mod:`conformance.ecosystem`.
- ``matrix [--product NAME] [--spec PREFIX] [--live]``: the suite on each product of
  the compatibility matrix; see :mod:`conformance.matrix`.

Unusable input (a missing file, not JSON, not a results document) prints one
error line and exits 2, like a usage error.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from conformance import matrix_cli
from conformance.contract import ContractError, check_feature_names, preflight
from conformance.contract_doc import render_contract
from conformance.coverage import coverage_of_listing, read_json, write_json
from conformance.diff import diff_results, render_diff
from conformance.ecosystem import cli as ecosystem_cli
from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from conformance.merge import MergeError, merge_shards
from conformance.registry import RULES_DIR, suite_registry
from conformance.registry_review import render, review
from conformance.registry_sync import SyncError, collect_listing, sync
from conformance.report import write_report
from conformance.results import ResultsError, dump_results, load_results

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
        "--coverage",
        type=Path,
        default=None,
        metavar="COVERAGE.json",
        help="figures of python -m conformance coverage --json, shown in the report",
    )
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
    registry = commands.add_parser("registry", help="maintain the registry of rules")
    registry_commands = registry.add_subparsers(dest="registry_command", required=True)
    sync_parser = registry_commands.add_parser(
        "sync", help="register the spec IDs that collection finds unregistered"
    )
    sync_parser.add_argument(
        "paths",
        nargs="*",
        default=[str(RULES_DIR.parent)],
        metavar="PATH",
        help="test paths to collect (default: the suite)",
    )
    sync_parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if an ID is unregistered"
    )
    review_parser = registry_commands.add_parser(
        "review", help="each rule with the evidence for its level, source and error_path"
    )
    review_parser.add_argument(
        "--flagged", action="store_true", help="only the rules with a finding"
    )
    review_parser.add_argument("--json", action="store_true", help="print JSON")
    coverage = commands.add_parser(
        "coverage", help="rules without tests, sections and promises without rules"
    )
    coverage.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the figures as JSON (for the report)",
    )
    merge = commands.add_parser("merge", help="merge the results of --shard jobs into one")
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD.json")
    merge.add_argument("--out", type=Path, required=True, metavar="MERGED.json")
    diff = commands.add_parser(
        "diff", help="compare two results files; exit 1 if a test newly fails"
    )
    diff.add_argument("old", type=Path, metavar="OLD.json")
    diff.add_argument("new", type=Path, metavar="NEW.json")
    ecosystem_cli.add_command(commands)
    matrix_cli.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "check-impl":
        return check_impl(parser.prog, arguments.module, arguments.without)
    if arguments.command == "coverage":
        return run_coverage(arguments.json)
    if arguments.command == "registry" and arguments.registry_command == "review":
        print(render(review(suite_registry().values()), arguments.flagged, arguments.json))
        return EXIT_OK
    if arguments.command == "registry":
        return sync(arguments.paths, arguments.check)
    if arguments.command == "contract":
        sys.stdout.write(render_contract())
        return EXIT_OK
    if arguments.command == ecosystem_cli.COMMAND:
        return ecosystem_cli.run(arguments)
    if arguments.command == matrix_cli.COMMAND:
        return matrix_cli.run(arguments)
    try:
        if arguments.command == "report":
            runs = [load_results(path) for path in arguments.results]
            try:
                measured = read_json(arguments.coverage) if arguments.coverage else None
            except (OSError, ValueError, TypeError) as exc:
                raise ResultsError(f"{arguments.coverage}: not coverage figures: {exc}")
            try:
                written = write_report(runs, arguments.out, measured)
            except OSError as exc:
                raise ResultsError(f"{arguments.out}: cannot write report: {exc.strerror or exc}")
            for path in written:
                print(f"wrote {path}")
            return EXIT_OK
        if arguments.command == "merge":
            try:
                merged = merge_shards([load_results(path) for path in arguments.shards])
            except MergeError as exc:
                raise ResultsError(str(exc))
            dump_results(merged, arguments.out)
            print(f"wrote {arguments.out} ({len(merged.tests)} tests, {merged.verdict})")
            return EXIT_OK
        old, new = load_results(arguments.old), load_results(arguments.new)
    except ResultsError as exc:
        print(f"{parser.prog} {arguments.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    difference = diff_results(old, new)
    sys.stdout.write(render_diff(difference))
    return EXIT_REGRESSION if difference.has_regressions else EXIT_OK


def run_coverage(json_path: Path | None) -> int:
    """Measure and print coverage (collecting the suite); return 1 if anything is uncovered."""
    try:
        listing = collect_listing([str(RULES_DIR.parent)])
    except (SyncError, subprocess.TimeoutExpired) as exc:
        print(f"python -m conformance coverage: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    measured = coverage_of_listing(suite_registry(), listing)
    for line in measured.lines():
        print(line)
    if json_path is not None:
        write_json(measured, json_path)
        print(f"wrote {json_path}")
    return EXIT_OK if measured.complete else EXIT_REGRESSION


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
