"""The contract between the suite and an implementation: its document, its
completeness, the preflight and ``python -m conformance check-impl``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conformance import __main__ as cli
from conformance.contract import (
    FEATURES,
    ContractError,
    check_feature_names,
    feature_of_name,
    features_needed,
    preflight,
    resolve,
)
from conformance.contract_doc import names_used, render_contract, unlisted_names
from conformance.plugin import CONFORMANCE_DIR

REPOSITORY = CONFORMANCE_DIR.parent


def test_contract_document_is_current() -> None:
    """docs/contract.md is what `python -m conformance contract` prints."""
    committed = (REPOSITORY / "docs" / "contract.md").read_text(encoding="utf-8")
    assert committed == render_contract(), "run: python -m conformance contract > docs/contract.md"


def test_every_name_the_suite_uses_is_in_the_contract() -> None:
    used = names_used()
    assert {"routing", "sessions", "cli", "json"} <= set(used)
    assert unlisted_names(used) == {}


def test_the_scan_sees_chains_and_submodule_calls(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\n"
        '@pytest.mark.spec("app.x")\n'
        "def test_x(impl):\n"
        "    impl.request.args.get('a')\n"
        "    impl.submodule('json.tag').JSONTag\n"
        "    impl.Unlisted.thing\n"
        "    impl.__name__\n"
    )
    used = names_used(tmp_path)
    assert used == {"app": {"request", "json.tag.*", "Unlisted"}}
    assert unlisted_names(used) == {"app": {"Unlisted"}}


@pytest.mark.parametrize("module_name", ["flask", "framework"])
def test_both_products_meet_the_whole_contract(module_name: str) -> None:
    module = __import__(module_name)
    result = preflight(module)
    assert result.ok and not result.undeclared_missing_features
    assert all(check.present for check in result.checks)
    assert result.problem_lines() == []


def test_preflight_of_a_partial_module(tmp_path: Path) -> None:
    """A bare re-export of Flask lacks the views submodule (Flask does not import it) and
    python -m; found as attributes, its other submodules count (a fresh interpreter)."""
    package = tmp_path / "partial"
    package.mkdir()
    (package / "__init__.py").write_text("from flask import *  # noqa\n")
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "check-impl", "partial", "--without", "python-m"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:3] == ["views", "required", "MISSING"] for line in lines)
    assert any(line.split()[:3] == ["sessions", "required", "ok"] for line in lines)
    assert any("python-m" in line and "declared absent" in line for line in lines)
    assert lines[-1] == "preflight: 2 required names missing"


def test_core_missing_is_only_the_names_no_test_can_run_without() -> None:
    result = preflight(ModuleType("empty"))
    assert result.core_missing == ("Flask",)
    assert result.lines()[-1].startswith("preflight: not an implementation: lacks Flask")


def test_resolve_reaches_attributes_and_submodules() -> None:
    import flask

    assert resolve(flask, "json.tag.TaggedJSONSerializer").__name__ == "TaggedJSONSerializer"
    assert resolve(flask, "Flask.wsgi_app") is flask.Flask.wsgi_app
    with pytest.raises(AttributeError):
        resolve(flask, "json.no_such_submodule")
    with pytest.raises(AttributeError):
        resolve(flask, "Flask.no_such_method")


def test_feature_names_are_checked() -> None:
    assert check_feature_names(["cli", "wsgi"], "--without") == ["cli", "wsgi"]
    with pytest.raises(ContractError, match="unknown feature 'teleport'"):
        check_feature_names(["teleport"], "--without")
    with pytest.raises(ContractError, match="'sessions' is required"):
        check_feature_names(["sessions"], "--without")


def test_features_needed_by_area_fixture_and_marker() -> None:
    assert features_needed("cli", [], []) == {"cli"}
    assert features_needed("app", ["runner"], []) == {"cli"}
    assert features_needed("cli", ["command"], []) == {"cli", "python-m"}
    assert features_needed("views", [], ["async"]) == {"async"}
    assert features_needed("deployment", [], []) == {"wsgi"}
    assert features_needed("routing", ["app", "client"], []) == set()


def test_feature_of_a_name_or_its_submodule() -> None:
    assert feature_of_name("cli.FlaskGroup") == "cli"
    assert feature_of_name("cli") == "cli"
    assert feature_of_name("sessions") == "sessions"
    assert feature_of_name("nothing") is None


def test_every_optional_feature_is_reachable_by_some_test() -> None:
    """Each optional feature has an area, a fixture, or tests marked as needing it."""
    sources = "".join(path.read_text() for path in CONFORMANCE_DIR.rglob("test_*.py"))
    for feature in FEATURES:
        if feature.optional:
            assert (
                feature.areas or feature.fixtures or f'mark.needs("{feature.name}")' in sources
            ), feature.name


def test_check_impl_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-impl", "framework"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("implementation 'framework' ")
    assert out.splitlines()[-1] == "preflight: every required name is present"
    assert cli.main(["check-impl", "os"]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("preflight: not an implementation")
    assert cli.main(["check-impl", "no_such_module_here"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        "python -m conformance check-impl: error: check-impl no_such_module_here: "
        "cannot import module 'no_such_module_here': No module named 'no_such_module_here'"
    )
    assert cli.main(["check-impl", "framework", "--without", "teleport"]) == 2
    assert "unknown feature 'teleport'" in capsys.readouterr().err


def test_contract_command_prints_the_document() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "contract"],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stdout == render_contract()
