"""``python -m conformance ecosystem``: run extensions' own test suites on an
implementation and on the reference, and write the comparison.

Exit codes: 0 when every suite ran and the implementation's outcomes equal the
reference's (apart from documented differences), 1 otherwise, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from conformance.ecosystem.catalogue import EXTENSIONS, EXTENSIONS_BY_NAME
from conformance.ecosystem.environment import REFERENCE, Cache
from conformance.ecosystem.results import (
    ExtensionResult,
    RunLabel,
    build_document,
    unexplained_differences,
    write_results,
)
from conformance.ecosystem.runner import run_suite
from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)

COMMAND = "ecosystem"
DEFAULT_CACHE = Path(".cache/ecosystem")
DEFAULT_OUT = Path("reports/ecosystem")
EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_ARGUMENTS = 0, 1, 2


def add_command(commands: Any) -> None:
    """Register the ``ecosystem`` subcommand on ``commands`` (argparse subparsers)."""
    parser = commands.add_parser(
        COMMAND, help="run Flask extensions' own test suites on an implementation"
    )
    parser.add_argument(
        "--impl",
        default="framework",
        metavar="MODULE",
        help="the implementation under test (default: framework)",
    )
    parser.add_argument(
        "--reference",
        default=REFERENCE,
        metavar="MODULE",
        help="the implementation compared against (default: flask; 'none' for no comparison)",
    )
    parser.add_argument(
        "--extension",
        action="append",
        dest="extensions",
        metavar="NAME",
        help="run only this extension (repeatable; default: all of "
        + ", ".join(extension.name for extension in EXTENSIONS)
        + ")",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        metavar="DIR",
        help=f"where sdists and environments are kept (default: {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"where results.json and summary.md are written (default: {DEFAULT_OUT})",
    )


def run(arguments: argparse.Namespace) -> int:
    """Run the ``ecosystem`` command; return the exit code."""
    prog = f"python -m conformance {COMMAND}"
    unknown = [name for name in arguments.extensions or [] if name not in EXTENSIONS_BY_NAME]
    if unknown:
        print(
            f"{prog}: error: --extension {unknown[0]}: unknown extension"
            f" (known: {', '.join(EXTENSIONS_BY_NAME)})",
            file=sys.stderr,
        )
        return EXIT_BAD_ARGUMENTS
    try:
        implementation = import_implementation(arguments.impl)
        reference = (
            None
            if arguments.reference in ("none", arguments.impl)
            else import_implementation(arguments.reference, "--reference")
        )
    except ImplementationError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    extensions = [EXTENSIONS_BY_NAME[name] for name in arguments.extensions or []] or list(
        EXTENSIONS
    )
    cache = Cache(arguments.cache.resolve())
    modules = [implementation] + ([reference] if reference is not None else [])
    started_at = datetime.datetime.now(datetime.timezone.utc)
    results = []
    for index, extension in enumerate(extensions, 1):
        runs = {}
        for module in modules:
            label = f"[{index}/{len(extensions)}] {extension.distribution} {extension.version}"
            print(f"{label} on {module.__name__}: setting up and running", flush=True)
            suite = run_suite(cache, extension, module)
            runs[module.__name__] = suite
            print(
                f"{label} on {module.__name__}: {suite.summary()} ({suite.duration:.0f} s)",
                flush=True,
            )
        results.append(ExtensionResult(extension, runs))
    document = build_document(
        results,
        RunLabel(implementation.__name__, implementation_version(implementation)),
        RunLabel(reference.__name__, implementation_version(reference))
        if reference is not None
        else None,
        started_at,
    )
    for path in write_results(document, arguments.out):
        print(f"wrote {path}")
    unexplained = unexplained_differences(document)
    if unexplained:
        print(f"{unexplained} undocumented difference(s) or incomplete suite(s)", file=sys.stderr)
        return EXIT_DIFFERENT
    return EXIT_OK
