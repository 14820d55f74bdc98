"""Tests of the compatibility matrix: the product list, the runs' records and the page.

The rendering is tested on fabricated results; no environment is created here
(``make test`` runs the real thing for Flask 3.0.3 on a small selection).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conformance import __main__ as cli
from conformance import results
from conformance.matrix import (
    NO_DRIVER,
    RAN,
    MatrixError,
    MatrixProduct,
    ProductRun,
    driver_available,
    last_error,
    load_products,
    pytest_command,
    read_run,
    run_succeeded,
    select_products,
    write_run,
)
from conformance.matrix_page import (
    EVERYWHERE,
    NONE,
    NOT_RUN,
    SOME,
    build_matrix,
    cell_of,
    render_html,
    render_summary,
    write_matrix,
)

FLASK_OLD = MatrixProduct("flask-old", "Flask 3.0.3", "flask", ["flask==3.0.3"])
FLASK_NEW = MatrixProduct("flask-new", "Flask 3.1.3", "flask", ["flask==3.1.3"])
QUART = MatrixProduct("quart", "Quart", "quart", ["quart"], driver="quart-not-there")


def result_of(
    spec_id: str, outcome: str, message: str | None = None, **extra: object
) -> results.TestResult:
    """Return one fabricated test result."""
    key = str(extra.pop("key", spec_id))
    return results.TestResult(
        nodeid=f"conformance/test_x.py::{key}",
        key=key,
        spec_id=spec_id,
        area=spec_id.split(".")[0],
        rule=f"The rule {spec_id}.",
        outcome=outcome,
        duration=0.01,
        message=message,
        **extra,  # type: ignore[arg-type]
    )


def run_of(product: MatrixProduct, tests: list[results.TestResult], flask_api: str) -> ProductRun:
    """Return a finished run of ``product`` with ``tests``."""
    document = results.RunResults(
        suite_version="0.1.0",
        implementation=results.ImplementationInfo(
            name=product.impl,
            version=flask_api,
            distribution="Flask",
            product_version=flask_api,
            flask_api=flask_api,
            flask_api_source="the installed Flask",
        ),
        python=results.PythonInfo(version="3.11.7", implementation="CPython"),
        platform="Linux",
        packages={},
        selection=results.Selection([], [], "", "", [], []),
        hypothesis=results.HypothesisInfo(profile="dev", seed=None),
        started_at="2026-12-03T10:00:00Z",
        duration=1.0,
        verdict=results.verdict_of(tests, [], []),
        problems=[],
        stale_expectations=[],
        tests=tests,
    )
    return ProductRun(product, RAN, duration=12.0, exit_code=0, results=document)


@pytest.fixture
def runs() -> list[ProductRun]:
    """Two Flask versions that differ on a version-gated rule, and Quart without a driver."""
    old = run_of(
        FLASK_OLD,
        [
            result_of("routing.a", results.PASSED),
            result_of(
                "sessions.new",
                results.NOT_APPLICABLE,
                "not applicable: holds since Flask 3.1; the product targets Flask 3.0.3",
                since="3.1",
            ),
            result_of("json.b", results.FAILED, "AssertionError: got 500", key="json.b[x]"),
            result_of("json.b", results.PASSED, key="json.b[y]"),
            result_of("json.c", results.EXPECTED_FAILURE, "known: reason given"),
        ],
        "3.0.3",
    )
    new = run_of(
        FLASK_NEW,
        [
            result_of("routing.a", results.PASSED),
            result_of("sessions.new", results.PASSED, since="3.1"),
            result_of("json.b", results.PASSED, key="json.b[x]"),
            result_of("json.b", results.PASSED, key="json.b[y]"),
            result_of("json.c", results.FAILED, "AssertionError: no"),
        ],
        "3.1.3",
    )
    quart = ProductRun(QUART, NO_DRIVER, "no driver for quart: not run")
    return [old, new, quart]


def test_the_shipped_product_list_covers_the_issue_s_six_products() -> None:
    products = load_products()
    assert [product.name for product in products] == [
        "flask-2.3.3",
        "flask-3.0.3",
        "flask-3.1.0",
        "flask-3.1",
        "framework",
        "quart",
    ]
    quart = products[-1]
    assert (quart.impl, quart.driver, quart.upgrade) == ("quart", "quart", True)
    assert products[4].requirements == []


def test_product_list_problems_are_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "products.toml"
    path.write_text(
        '[[product]]\nname = "a"\ntitle = "A"\nimpl = "a"\nrequirements = []\ncolour = 1\n'
    )
    with pytest.raises(MatrixError, match="unknown keys"):
        load_products(path)
    with pytest.raises(MatrixError, match=r"unknown product nope; known: flask-2\.3\.3"):
        select_products(load_products(), ["nope"])
    assert select_products(load_products(), ["framework"])[0].impl == "framework"


def test_a_product_whose_driver_is_missing_is_not_run() -> None:
    assert driver_available(None)
    assert not driver_available("no-such-driver")


def test_the_suite_command_leaves_out_live_tests_unless_asked(tmp_path: Path) -> None:
    python = tmp_path / "python"
    product = dataclasses.replace(QUART, flask_api="3.1")
    command = pytest_command(python, product, tmp_path / "r.json", ["sessions"], False, 2)
    assert command[:4] == [str(python), "-m", "pytest", "conformance"]
    joined = " ".join(command)
    assert "--impl quart" in joined and "--ignore conformance/live" in joined
    assert "--flask-api 3.1" in joined and "--spec sessions" in joined and "-n 2" in joined
    live = pytest_command(python, FLASK_OLD, tmp_path / "r.json", [], True, 1)
    assert "conformance/live" not in " ".join(live) and "-n" not in live


def test_cells_fold_a_rule_s_tests_worst_first() -> None:
    assert cell_of([]).status == NOT_RUN
    failed = cell_of(
        [
            result_of("a.b", results.PASSED, key="a.b[1]"),
            result_of("a.b", results.FAILED, "boom", key="a.b[2]"),
        ]
    )
    assert failed.status == results.FAILED
    assert failed.message == "1 of 2 failed; a.b[2]: boom"
    assert cell_of([result_of("a.b", results.NOT_APPLICABLE, "why")]).message == "why"
    assert (
        cell_of([result_of("a.b", results.NOT_APPLICABLE), result_of("a.b", results.PASSED)]).status
        == results.PASSED
    )
    assert cell_of([result_of("a.b", results.SKIPPED, "s")]).status == results.SKIPPED


def test_the_matrix_has_rules_down_products_across_and_the_interop_view(
    runs: list[ProductRun],
) -> None:
    matrix = build_matrix(runs)
    assert [row.spec_id for row in matrix.rows] == ["routing.a", "sessions.new", "json.b", "json.c"]
    by_id = {row.spec_id: row for row in matrix.rows}
    assert [cell.status for cell in by_id["sessions.new"].cells] == [
        results.NOT_APPLICABLE,
        results.PASSED,
        NOT_RUN,
    ]
    assert by_id["routing.a"].interop() == EVERYWHERE
    assert by_id["sessions.new"].interop() == EVERYWHERE  # passes wherever it applies
    assert by_id["json.b"].interop() == SOME
    assert by_id["json.c"].interop() == NONE  # an expected failure is not a pass
    assert matrix.interop_counts() == {
        "everywhere": 2,
        "some": 1,
        "none": 1,
        "nowhere applicable": 0,
    }


def test_the_summary_lists_products_failures_and_version_changes(runs: list[ProductRun]) -> None:
    summary = render_summary(build_matrix(runs), "2026-12-03 10:00 UTC")
    rows = [line for line in summary.splitlines() if line.startswith("| ")]
    assert rows[1].startswith("| Flask 3.0.3 | Flask 3.0.3 | 3.0.3 | FAIL | 4 | 1 | 1 | 1 | 1 |")
    assert "| Quart | — | — | NO-DRIVER | 0 | 0 | 0 | 0 | 0 | 0 | — | 0 | no driver" in rows[3]
    assert "- rules passing on some products only: 1" in summary
    assert "### The rule holds since Flask 3.1 (1)" in summary
    assert "| `sessions.new` The rule sessions.new. | n/a | ✓ | — |" in summary
    assert "`json.b`: 1 of 2 failed; json.b[x]: AssertionError: got 500" in summary
    assert "- **Quart**: not run: no driver for quart: not run" in summary


def test_the_page_is_self_contained_and_shows_each_cell(runs: list[ProductRun]) -> None:
    page = render_html(build_matrix(runs), "2026-12-03 10:00 UTC")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert '<td class="c failed" title="1 of 2 failed; json.b[x]: AssertionError: got 500">' in page
    assert 'title="not applicable: holds since Flask 3.1; the product targets Flask 3.0.3"' in page
    assert "[holds since Flask 3.1]" in page
    assert page.count("<th>Quart</th>") >= 2


def test_runs_are_recorded_and_rendered_again_without_running(
    runs: list[ProductRun], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    products = tmp_path / "products.toml"
    lines = []
    for run in runs:
        folder = work / run.product.name
        folder.mkdir(parents=True)
        write_run(run, folder / "run.json")
        if run.results is not None:
            results.dump_results(run.results, folder / "results.json")
        lines.append(
            f'[[product]]\nname = "{run.product.name}"\ntitle = "{run.product.title}"\n'
            f'impl = "{run.product.impl}"\nrequirements = {json.dumps(run.product.requirements)}\n'
        )
    products.write_text("\n".join(lines))
    again = read_run(work / "flask-old")
    assert again is not None and again.results is not None
    assert again.results.tests == runs[0].results.tests  # type: ignore[union-attr]
    assert not run_succeeded(again)  # json.b fails
    assert run_succeeded(runs[2])  # a product without a driver is reported, not failed
    out = tmp_path / "out"
    code = cli.main(
        [
            "matrix",
            "--render-only",
            "--work",
            str(work),
            "--out",
            str(out),
            "--products",
            str(products),
        ]
    )
    assert code == 1
    assert (out / "index.html").exists() and "Flask 3.1.3" in (out / "summary.md").read_text()
    assert f"wrote {out / 'index.html'}" in capsys.readouterr().out


def test_bad_matrix_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["matrix", "--product", "nope"]) == 2
    assert "unknown product nope" in capsys.readouterr().err


def test_write_matrix_writes_both_files(runs: list[ProductRun], tmp_path: Path) -> None:
    written = write_matrix(runs, tmp_path, "now")
    assert [path.name for path in written] == ["index.html", "summary.md"]


def test_a_run_that_stops_early_says_what_stopped_it(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text(
        "INTERNALERROR> E   SystemError: AST constructor recursion depth mismatch\n"
        "INTERNALERROR> E   AssertionError: ('conformance/test_app.py::test_run', "
        "<WorkerController gw0>)\n"
    )
    assert last_error(log) == (
        "SystemError: AST constructor recursion depth mismatch, "
        "in conformance/test_app.py::test_run"
    )
    assert last_error(tmp_path / "missing.log") == "no log"
    stopped = dataclasses.replace(run_of(FLASK_NEW, [result_of("a.b", results.PASSED)], "3.1.3"))
    assert run_succeeded(stopped)
    stopped.exit_code = 3
    assert not run_succeeded(stopped)
