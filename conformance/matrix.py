"""``python -m conformance matrix``: the suite on several real products, side by side.

Each product of ``conformance/matrix_products.toml`` (Flask 2.3.3, 3.0.3, 3.1.0, the
latest 3.1.x, this project's framework, Quart) gets a virtual environment of its own
under ``build/matrix/<name>/venv``, with the suite installed from this checkout and
the product installed from the package index; the suite then runs there
(``--conformance-json``, the live-server tests left out unless ``--live``), each run
bounded in time, its output shown as it goes and kept in ``build/matrix/<name>/run.log``.
:mod:`conformance.matrix_page` renders the runs as ``index.html`` and ``summary.md``
(default folder ``reports/matrix``).

With ``--check-gates``, the rules a product's run reported not applicable because
its targeted Flask version is outside their range are run once more with the gate
lifted (``--flask-api`` set inside their range): each must then fail, or its
``since``/``until`` claims a change the product does not show ("gate too wide").

A product that needs a driver the suite does not ship yet is not run: its column
says so. Exit code 0 when every product that ran met its expectations, 1 when a run
failed its gate, could not be installed or timed out, 2 for bad arguments.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from conformance.results import (
    FAILING_OUTCOMES,
    NOT_APPLICABLE,
    PASS,
    ResultsError,
    RunResults,
    load_results,
)
from conformance.versions import NEWEST_FLASK, OLDEST_FLASK, holds_in

PRODUCTS_FILE = Path(__file__).resolve().parent / "matrix_products.toml"
REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_WORK = Path("build/matrix")
DEFAULT_OUT = Path("reports/matrix")
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 1200
STAMP = ".flaskspec-matrix"

RAN = "ran"
NO_DRIVER = "no-driver"
INSTALL_FAILED = "install-failed"
TIMED_OUT = "timed-out"
CRASHED = "crashed"
STATUSES = (RAN, NO_DRIVER, INSTALL_FAILED, TIMED_OUT, CRASHED)


class MatrixError(Exception):
    """The product list or the arguments are unusable (the message is one line)."""


@dataclasses.dataclass(frozen=True)
class MatrixProduct:
    """One column of the matrix: a product and how to install and run it."""

    name: str
    title: str
    impl: str
    requirements: list[str]
    upgrade: bool = False
    driver: str | None = None
    flask_api: str | None = None


@dataclasses.dataclass
class ProductRun:
    """What happened to one product: its status, the results if it ran, and a note."""

    product: MatrixProduct
    status: str
    note: str = ""
    duration: float = 0.0
    exit_code: int | None = None
    results: RunResults | None = None
    installed: str | None = None
    """The product's installed version (``pip``'s view), when known."""
    gates_checked: int = 0
    """How many version-gated rules ``--check-gates`` ran with the gate lifted."""
    wide_gates: list[str] = dataclasses.field(default_factory=list)
    """Rules whose gate is too wide: they passed on the product with the gate lifted."""


def load_products(path: Path = PRODUCTS_FILE) -> list[MatrixProduct]:
    """Read the product list; raise :class:`MatrixError` when it is malformed."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MatrixError(f"{path}: cannot read the product list: {exc}")
    products = []
    fields = {field.name for field in dataclasses.fields(MatrixProduct)}
    for index, entry in enumerate(document.get("product", [])):
        unknown = sorted(set(entry) - fields)
        if unknown:
            raise MatrixError(f"{path}: product {index + 1} has unknown keys: {unknown}")
        try:
            product = MatrixProduct(**entry)
        except TypeError as exc:
            raise MatrixError(f"{path}: product {index + 1}: {exc}")
        if not isinstance(product.requirements, list):
            raise MatrixError(f"{path}: product {product.name!r}: requirements must be a list")
        products.append(product)
    names = [product.name for product in products]
    if len(set(names)) != len(names) or not names:
        raise MatrixError(f"{path}: product names must be unique and at least one")
    return products


def select_products(products: Sequence[MatrixProduct], names: Sequence[str]) -> list[MatrixProduct]:
    """Return the products named (all when ``names`` is empty); raise for an unknown name."""
    if not names:
        return list(products)
    known = {product.name: product for product in products}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise MatrixError(f"unknown product {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in names]


def driver_available(driver: str | None) -> bool:
    """Whether the suite ships ``conformance.drivers.<driver>`` (always true without one)."""
    if driver is None:
        return True
    try:
        return importlib.util.find_spec(f"conformance.drivers.{driver}") is not None
    except ModuleNotFoundError:
        return False


# -- running ---------------------------------------------------------------------------


def _stream(
    command: Sequence[str],
    log: TextIO,
    echo: Callable[[str], None],
    timeout: float,
    cwd: Path,
    env: dict[str, str] | None = None,
) -> int | None:
    """Run ``command``, copying its output to ``log`` and ``echo``; None when it timed out
    (its whole process group is then killed)."""
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            if line.strip() and "is ignored: it is neither a file nor a directory" not in line:
                echo(line.rstrip("\n"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        code = None
    reader.join(timeout=10)
    log.flush()
    return code


def _stamp_of(product: MatrixProduct) -> str:
    digest = hashlib.sha256((REPOSITORY / "pyproject.toml").read_bytes())
    digest.update(json.dumps(product.requirements).encode())
    return digest.hexdigest()


def ensure_environment(
    product: MatrixProduct, folder: Path, log: TextIO, echo: Callable[[str], None]
) -> Path | None:
    """Create or refresh the product's venv; return its Python, or None if it failed."""
    venv = folder / "venv"
    python = venv / "bin" / "python"
    stamp = venv / STAMP
    fresh = stamp.exists() and stamp.read_text() == _stamp_of(product)
    if fresh and not product.upgrade:
        echo("environment up to date")
        return python
    if not python.exists():
        echo(f"creating {venv}")
        if _stream([sys.executable, "-m", "venv", str(venv)], log, echo, 120, REPOSITORY) != 0:
            return None
    echo("installing " + " ".join(["flaskspec[conformance]", *product.requirements]))
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        *(["--upgrade"] if product.upgrade else []),
        "-e",
        f"{REPOSITORY}[conformance]",
        "pytest-xdist",
        *product.requirements,
    ]
    if _stream(command, log, echo, INSTALL_TIMEOUT, REPOSITORY) != 0:
        return None
    stamp.write_text(_stamp_of(product))
    return python


def installed_version(python: Path, product: MatrixProduct) -> str | None:
    """Return ``name version`` of the product's distribution in its venv, if installed."""
    if not product.requirements:
        return None
    name = product.requirements[0].split("=")[0].split(">")[0].split("<")[0].strip()
    code = f"import importlib.metadata as m; d = m.distribution({name!r}); print(d.name, d.version)"
    try:
        completed = subprocess.run(
            [str(python), "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip() or None


def pytest_command(
    python: Path,
    product: MatrixProduct,
    results_path: Path,
    specs: Sequence[str],
    live: bool,
    workers: int,
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the command line that runs the suite on ``product`` in its venv."""
    command = [
        str(python),
        "-m",
        "pytest",
        "conformance",
        "-q",
        "-p",
        "no:cacheprovider",
        "--impl",
        product.impl,
        "--conformance-json",
        str(results_path),
    ]
    if workers > 1:
        command += ["-n", str(workers)]
    if not live:
        command += ["--ignore", "conformance/live"]
    if product.flask_api:
        command += ["--flask-api", product.flask_api]
    for spec in specs:
        command += ["--spec", spec]
    return [*command, *extra]


def gated_rules(results: RunResults) -> dict[str, list[str]]:
    """Return the spec IDs a run found outside the product's Flask version, by the
    ``--flask-api`` version that lifts their gate (the newest, or the oldest for ``until``)."""
    target = results.implementation.flask_api
    lifted: dict[str, list[str]] = {}
    for test in results.tests:
        if test.outcome != NOT_APPLICABLE or target is None:
            continue
        if holds_in(test.since, test.until, target):
            continue  # not applicable for another reason (a feature left out)
        version = NEWEST_FLASK if holds_in(test.since, test.until, NEWEST_FLASK) else OLDEST_FLASK
        ids = lifted.setdefault(version, [])
        if test.spec_id not in ids:
            ids.append(test.spec_id)
    return lifted


def check_gates(
    python: Path,
    run: ProductRun,
    folder: Path,
    workers: int,
    timeout: float,
    log: TextIO,
    echo: Callable[[str], None],
) -> None:
    """Run the version-gated rules of ``run`` with their gate lifted; record those that pass."""
    assert run.results is not None
    for version, spec_ids in gated_rules(run.results).items():
        path = folder / f"gates-{version}.json"
        path.unlink(missing_ok=True)
        product = dataclasses.replace(run.product, flask_api=version)
        command = pytest_command(python, product, path, spec_ids, False, workers)
        echo(f"checking {len(spec_ids)} version gates: the rules run as if for Flask {version}")
        _stream(command, log, lambda line: None, timeout, REPOSITORY)
        try:
            lifted = load_results(path)
        except ResultsError as exc:
            run.wide_gates.append(f"(gate check for Flask {version} wrote no results: {exc})")
            continue
        failing = {test.spec_id for test in lifted.tests if test.outcome in FAILING_OUTCOMES}
        run.gates_checked += len(spec_ids)
        run.wide_gates += [spec_id for spec_id in spec_ids if spec_id not in failing]
    if run.wide_gates:
        echo("gates too wide (the rule passes here): " + ", ".join(run.wide_gates))


def run_product(
    product: MatrixProduct,
    work: Path,
    specs: Sequence[str],
    live: bool,
    workers: int,
    timeout: float,
    echo: Callable[[str], None],
    extra: Sequence[str] = (),
    gates: bool = False,
) -> ProductRun:
    """Install and run one product; write ``run.json`` beside its results; return the run."""
    folder = work / product.name
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results_path = folder / "results.json"
    results_path.unlink(missing_ok=True)
    with (folder / "run.log").open("w", encoding="utf-8") as log:
        if not driver_available(product.driver):
            run = ProductRun(
                product,
                NO_DRIVER,
                f"no driver for {product.impl}: the suite has no conformance/drivers/"
                f"{product.driver}.py yet, so --impl {product.impl} was not run",
            )
            echo(run.note)
        else:
            python = ensure_environment(product, folder, log, echo)
            if python is None:
                run = ProductRun(product, INSTALL_FAILED, f"could not install: see {log.name}")
            else:
                installed = installed_version(python, product)
                command = pytest_command(python, product, results_path, specs, live, workers, extra)
                echo(f"running the suite on {installed or product.impl}")
                code = _stream(command, log, echo, timeout, REPOSITORY)
                run = _finished(product, code, results_path, timeout, folder / "run.log")
                run.installed = installed
                if gates and run.results is not None:
                    check_gates(python, run, folder, workers, timeout, log, echo)
    run.duration = round(time.perf_counter() - started, 1)
    write_run(run, folder / "run.json")
    return run


def _finished(
    product: MatrixProduct, code: int | None, results_path: Path, timeout: float, log: Path
) -> ProductRun:
    if code is None:
        return ProductRun(product, TIMED_OUT, f"the run exceeded {timeout:.0f} s and was stopped")
    try:
        results = load_results(results_path)
    except ResultsError as exc:
        return ProductRun(product, CRASHED, f"no results (exit code {code}): {exc}", exit_code=code)
    note = ""
    if code in STOPPED_EARLY:
        note = (
            f"the run stopped early ({STOPPED_EARLY[code]}, exit code {code}) after "
            f"{len(results.tests)} tests: {last_error(log)} (see {log})"
        )
    return ProductRun(product, RAN, note, exit_code=code, results=results)


STOPPED_EARLY = {2: "interrupted", 3: "pytest internal error"}
"""pytest's exit codes for a run that did not reach its end."""


def last_error(log: Path) -> str:
    """Return what stopped a run, from its log: the last ``SomethingError: message`` line
    (other than the assertion pytest-xdist wraps a worker's crash in) and the test the
    crashed worker was running, when the log names it."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log"
    errors = [match.group(1).strip() for line in lines if (match := _ERROR_LINE.search(line))]
    worker_test = [match.group(1) for line in lines if (match := _WORKER_TEST.search(line))]
    causes = [error for error in errors if not error.startswith("AssertionError")] or errors
    cause = causes[-1] if causes else "no error line in the log"
    return f"{cause}, in {worker_test[-1]}" if worker_test else cause


_ERROR_LINE = re.compile(r"\b([A-Z]\w*(?:Error|Exception): .+)$")
_WORKER_TEST = re.compile(r"\('([^']+::[^']+)', <WorkerController")


def write_run(run: ProductRun, path: Path) -> None:
    """Record a product's run (without its results, which have their own file)."""
    document: dict[str, Any] = {
        "product": dataclasses.asdict(run.product),
        "status": run.status,
        "note": run.note,
        "duration": run.duration,
        "exit_code": run.exit_code,
        "installed": run.installed,
        "gates_checked": run.gates_checked,
        "wide_gates": run.wide_gates,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def read_run(folder: Path) -> ProductRun | None:
    """Read a product's recorded run (and its results) from its folder, if there is one."""
    try:
        document = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        product = MatrixProduct(**document["product"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    results = None
    if document.get("status") == RAN:
        try:
            results = load_results(folder / "results.json")
        except ResultsError:
            return None
    return ProductRun(
        product,
        document.get("status", CRASHED),
        document.get("note", ""),
        float(document.get("duration", 0.0)),
        document.get("exit_code"),
        results,
        document.get("installed"),
        int(document.get("gates_checked", 0)),
        list(document.get("wide_gates", [])),
    )


def run_succeeded(run: ProductRun) -> bool:
    """Whether a product's run counts as a success for the exit code."""
    if run.status == NO_DRIVER:
        return True
    verdict = run.results.verdict if run.results is not None else None
    finished = run.exit_code not in STOPPED_EARLY
    return run.status == RAN and verdict == PASS and finished and not run.wide_gates
