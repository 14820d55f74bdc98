"""The command line of ``python -m conformance matrix`` (see :mod:`conformance.matrix`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.matrix import (
    DEFAULT_OUT,
    DEFAULT_WORK,
    PRODUCTS_FILE,
    RUN_TIMEOUT,
    MatrixError,
    ProductRun,
    load_products,
    read_run,
    run_product,
    run_succeeded,
    select_products,
)
from conformance.matrix_page import write_matrix

COMMAND = "matrix"


def add_command(commands: Any) -> None:
    """Add the ``matrix`` command to ``python -m conformance``'s subcommands."""
    parser = commands.add_parser(
        COMMAND, help="run the suite on each product of the compatibility matrix"
    )
    parser.add_argument(
        "--product",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this product (repeatable; default: all of them)",
    )
    parser.add_argument(
        "--spec", action="append", default=[], metavar="PREFIX", help="spec ID prefix to run"
    )
    parser.add_argument("--live", action="store_true", help="include the live-server tests")
    parser.add_argument(
        "--check-gates",
        action="store_true",
        help="run each version-gated rule once more with its gate lifted: it must fail",
    )
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (2)")
    parser.add_argument(
        "--verify",
        type=int,
        default=0,
        metavar="K",
        help="run each product's selection K times in varied orders (pytest --verify K)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=RUN_TIMEOUT,
        help=f"seconds one product's run may take ({RUN_TIMEOUT})",
    )
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help=f"({DEFAULT_WORK})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"({DEFAULT_OUT})")
    parser.add_argument(
        "--products", type=Path, default=PRODUCTS_FILE, help="the product list (TOML)"
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="run nothing: render the page from the runs recorded in --work",
    )


def run(arguments: argparse.Namespace) -> int:
    """Run the ``matrix`` command; return its exit code."""
    prog = f"python -m conformance {COMMAND}"
    try:
        products = select_products(load_products(arguments.products), arguments.product)
        if arguments.workers < 1 or arguments.timeout <= 0 or arguments.verify < 0:
            raise MatrixError("--workers and --timeout must be positive, --verify at least 0")
    except MatrixError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    runs: list[ProductRun] = []
    for index, product in enumerate(products, 1):
        prefix = f"[{index}/{len(products)} {product.name}]"
        if arguments.render_only:
            recorded = read_run(arguments.work / product.name)
            if recorded is not None:
                runs.append(recorded)
            continue
        print(f"{prefix} {product.title}", flush=True)

        def echo(line: str, prefix: str = prefix) -> None:
            print(f"{prefix} {line}", flush=True)

        result = run_product(
            product,
            arguments.work,
            arguments.spec,
            arguments.live,
            arguments.workers,
            arguments.timeout,
            echo,
            ["--verify", str(arguments.verify)] if arguments.verify else [],
            gates=arguments.check_gates,
        )
        echo(f"{result.status} in {result.duration:.0f} s {result.note}".rstrip())
        runs.append(result)
    if not runs:
        print(f"{prog}: error: no recorded runs in {arguments.work}", file=sys.stderr)
        return 2
    for path in write_matrix(runs, arguments.out):
        print(f"wrote {path}")
    return 0 if all(run_succeeded(run) for run in runs) else 1
