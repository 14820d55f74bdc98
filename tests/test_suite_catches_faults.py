"""The conformance suite must catch a deliberately broken implementation: each
module in tests/broken_impls/ is framework with one fault, and a run of the spec
areas concerned must fail the tests stating the rule it breaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.repro import repro_name

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CASES = {
    # module: (spec selections to run, spec IDs that must fail)
    "broken_slash_301": (
        ["routing.trailing-slash", "routing.merge-slashes"],
        {"routing.trailing-slash.redirect", "routing.merge-slashes.redirect"},
    ),
    "broken_no_allow": (
        ["routing.methods", "errors.http-exception"],
        {"routing.methods.not-allowed-allow", "errors.http-exception.405-allow"},
    ),
    "broken_teardown_first": (
        ["lifecycle", "hooks.teardown-request"],
        {"lifecycle.order.normal", "hooks.teardown-request.none-on-success"},
    ),
    "broken_after_request_order": (
        ["hooks.after-request"],
        {"hooks.after-request.reverse-order"},
    ),
    "broken_teardown_order": (
        ["hooks.teardown-request"],
        {"hooks.teardown-request.reverse-order"},
    ),
    "broken_before_request_ignored": (
        ["hooks.before-request"],
        {"hooks.before-request.short-circuit"},
    ),
    "broken_no_vary_cookie": (
        ["sessions.vary"],
        {"sessions.vary.read", "sessions.vary.write"},
    ),
    "broken_samesite_ignored": (
        ["sessions.cookie"],
        {"sessions.cookie.samesite"},
    ),
    "broken_permanent_no_expires": (
        ["sessions.permanent"],
        {"sessions.permanent.expires"},
    ),
    "broken_no_refresh": (
        ["sessions.permanent"],
        {"sessions.permanent.refresh-each-request"},
    ),
    "broken_signs_with_fallback": (
        ["sessions.key-rotation", "sessions.store-and-read"],
        {"sessions.key-rotation.signs-with-current"},
    ),
    "broken_flash_filter_ignored": (
        ["flashing.get"],
        {"flashing.get.category-filter"},
    ),
    "broken_anchor_quoted": (
        ["urls.url-for"],
        {"urls.url-for.anchor-safe-characters"},
    ),
    "broken_scheme_needs_external": (
        ["urls.url-for"],
        {"urls.url-for.scheme-implies-external"},
    ),
    "broken_json_unsorted": (
        ["json.jsonify"],
        {"json.jsonify.sorted-keys"},
    ),
    "broken_json_charset": (
        ["json.jsonify"],
        {"json.jsonify.content-type"},
    ),
    "broken_json_wrong_type_none": (
        ["request.json"],
        {"request.json.wrong-content-type-415"},
    ),
    "broken_handler_exact_class": (
        ["errors.resolution"],
        {"errors.resolution.mro-most-specific"},
    ),
    "broken_options_first_rule": (
        ["routing.options"],
        {"routing.options.all-rules-for-path"},
    ),
    "broken_head_body": (
        ["routing.head"],
        {"routing.head.automatic"},
    ),
    "broken_tuple_headers_dropped": (
        ["response.tuple"],
        {"response.tuple.body-headers-dict", "response.tuple.body-headers-list"},
    ),
    "broken_no_max_content_length": (
        ["request.limits"],
        {"request.limits.content-length-data", "request.limits.content-length-form"},
    ),
    "broken_autoescape_no_svg": (
        ["templates.autoescape"],
        {"templates.autoescape.markup-extensions"},
    ),
    "broken_url_prefix_double_slash": (
        ["blueprints.url-prefix"],
        {"blueprints.url-prefix.join"},
    ),
}


def _run_suite(
    module: str, selections: list[str], results: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE / "broken_impls"), str(ROOT)]))
    args = [
        sys.executable,
        "-m",
        "pytest",
        "conformance",
        "--impl",
        module,
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    for selection in selections:
        args += ["--spec", selection]
    args += ["--conformance-json", str(results), *extra]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


SHOULD_LEVEL_CASES = {"broken_scheme_needs_external"}
"""Faults that break only ``should``-level rules (observed Flask behaviour the
documentation does not state): they fail the run under ``--strict-levels``."""


@pytest.mark.parametrize("module", sorted(CASES))
def test_suite_catches_the_fault(module: str, tmp_path: Path) -> None:
    """The run fails, and among its failures are the rules the fault breaks."""
    selections, must_fail = CASES[module]
    results = tmp_path / "results.json"
    strict = ["--strict-levels"] if module in SHOULD_LEVEL_CASES else []
    completed = _run_suite(module, selections, results, *strict)
    assert completed.returncode == 1, completed.stdout[-2000:] + completed.stderr[-2000:]
    document = json.loads(results.read_text())
    failed = {test["spec_id"] for test in document["tests"] if test["outcome"] == "failed"}
    passed = {test["spec_id"] for test in document["tests"] if test["outcome"] == "passed"}
    assert must_fail <= failed, f"not caught: {sorted(must_fail - failed)}"
    assert passed, "the broken implementation should still pass the rules it keeps"
    first = sorted(
        test["key"]
        for test in document["tests"]
        if test["spec_id"] in must_fail and test["outcome"] == "failed"
    )
    _check_repro_scripts(document, results.parent, first[0])


STANDALONE = """
import runpy, sys

def refuse(event, args):
    if event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.system"):
        raise RuntimeError(f"the reproduction script started a process ({event})")

sys.addaudithook(refuse)
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
    code = 0
except SystemExit as exc:
    code = exc.code
if "conformance.plugin" in sys.modules:
    print("STANDALONE BROKEN: the conformance plugin was loaded")
    code = 3
sys.exit(code)
"""
"""Runs a script as ``python script`` does, refusing any child process (no pytest run
hides behind it) and failing if the conformance plugin was loaded."""


def _run_repro(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a reproduction script with plain Python from an unrelated folder, as an
    implementer would, with no child process and without the conformance plugin."""
    return subprocess.run(
        [sys.executable, "-c", STANDALONE, str(script), *args],
        cwd=script.parent,
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _check_repro_scripts(document: dict[str, object], folder: Path, spec_id: str) -> None:
    """Every failing test got repro/<key>.py; the one for test ``spec_id`` (a key) fails
    on the broken module and passes on flask."""
    tests = document["tests"]
    assert isinstance(tests, list)
    failing = {test["key"] for test in tests if test["outcome"] in ("failed", "error")}
    assert {path.name for path in (folder / "repro").glob("*.py")} == {
        repro_name(key) for key in failing
    }
    script = folder / "repro" / repro_name(spec_id)
    broken = _run_repro(script)
    assert broken.returncode == 1, broken.stdout[-2000:] + broken.stderr[-2000:]
    assert f"FAULT: {document['implementation']['name']} breaks [{spec_id}]" in broken.stdout  # type: ignore[index]
    assert "\n  got: " in broken.stdout or "the test raised:" in broken.stdout, broken.stdout
    fixed = _run_repro(script, "--impl", "flask")
    assert fixed.returncode == 0, fixed.stdout[-2000:] + fixed.stderr[-2000:]


def test_a_should_level_fault_gates_only_under_strict_levels(tmp_path: Path) -> None:
    """``repr(app)`` is a should-level rule: reported, not gated, unless --strict-levels."""
    results = tmp_path / "results.json"
    lenient = _run_suite("broken_app_repr", ["app.repr", "app.name"], results)
    assert lenient.returncode == 0, lenient.stdout[-2000:]
    assert "should-level failures (not gated): app.repr" in lenient.stdout
    document = json.loads(results.read_text())
    assert {t["key"]: (t["level"], t["outcome"]) for t in document["tests"]}["app.repr"] == (
        "should",
        "failed",
    )
    _check_repro_scripts(document, tmp_path, "app.repr")
    strict = _run_suite(
        "broken_app_repr", ["app.repr"], tmp_path / "strict.json", "--strict-levels"
    )
    assert strict.returncode == 1, strict.stdout[-2000:]
