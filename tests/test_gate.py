"""The werkzeug gate: shortcuts on private names only on tested versions, and the
public path, with the same answers, otherwise (forced here through the environment)."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import framework
from framework import gate

FRAMEWORK_ROOT = Path(framework.__file__).parent

# The private names the gate vouches for, as they appear in the source.
PRIVATE_NAMES = re.compile(
    r"\._matcher\b|\._rules_by_endpoint\b|\._converters\b|\._root\b|\._list\b"
    r"|\._status(_code)?\b|\._on_close\b|c_make_encoder|__werkzeug_"
)


def test_the_gate_is_open_on_tested_versions_only() -> None:
    """The gate is open exactly when the installed werkzeug is in the tested range
    (the newest CI installs is; the lowest may not be), unless forced closed."""
    installed = gate._release(importlib.metadata.version("werkzeug"))
    lowest, untested = gate.TESTED_WERKZEUG
    if os.environ.get(gate.FORCE_VARIABLE, "0") not in ("", "0"):
        assert not gate.OPEN and f"{gate.FORCE_VARIABLE} is set" == gate.CLOSED_BECAUSE
    else:
        assert (lowest <= installed < untested) == gate.OPEN, gate.CLOSED_BECAUSE


@pytest.mark.parametrize(
    ("werkzeug_version", "python_version", "environ", "closed"),
    [
        ("3.1.9", (3, 13, 0), {}, False),
        ("3.1.10rc1", (3, 10, 0), {gate.FORCE_VARIABLE: "0"}, False),
        ("3.1.8", (3, 11, 7), {}, True),
        ("3.1.0", (3, 11, 7), {}, True),
        ("3.0.6", (3, 11, 7), {}, True),
        ("3.2.0", (3, 11, 7), {}, True),
        ("4.0", (3, 11, 7), {}, True),
        ("unknown", (3, 11, 7), {}, True),
        ("3.1.9", (3, 9, 18), {}, True),
        ("3.1.9", (3, 15, 0), {}, True),
        ("3.1.9", (3, 11, 7), {gate.FORCE_VARIABLE: "1"}, True),
    ],
)
def test_the_gate_closes_outside_the_tested_versions(
    werkzeug_version: str, python_version: tuple[int, ...], environ: dict[str, str], closed: bool
) -> None:
    """A werkzeug or Python release outside the tested range, or the environment
    variable, closes the gate, with a reason naming the cause."""
    reason = gate.closed_because(werkzeug_version, python_version, environ)
    assert (reason is not None) == closed
    if reason is not None:
        assert werkzeug_version in reason or "Python" in reason or gate.FORCE_VARIABLE in reason


def test_every_module_using_a_private_name_is_behind_the_gate() -> None:
    """A framework module that touches one of the private names imports the gate (and
    only the modules the gate's docstring lists do)."""
    users = {
        str(path.relative_to(FRAMEWORK_ROOT))
        for path in FRAMEWORK_ROOT.rglob("*.py")
        if PRIVATE_NAMES.search(path.read_text(encoding="utf-8"))
    }
    assert users == {
        "gate.py",
        "routing.py",
        "matcher.py",
        "wrappers.py",
        "json/provider.py",
    }
    for name in users - {"gate.py"}:
        source = (FRAMEWORK_ROOT / name).read_text(encoding="utf-8")
        assert re.search(r"^from \.+ import (.*, )?gate\b", source, re.MULTILINE), name


# A script driving an app through the shortcuts' paths; prints the answers as JSON and
# which strategy each shortcut took.
_DRIVER = r"""
import json, sys
from framework import Flask, abort, jsonify, session
from framework.gate import OPEN
from framework.routing import RequestBinding
from framework.wrappers import Response, _text_plans
from werkzeug.test import EnvironBuilder
from werkzeug.routing.matcher import StateMachineMatcher

app = Flask("gated", static_folder=None, subdomain_matching=True)
app.config.update(SECRET_KEY="k", SERVER_NAME="example.test")

@app.route("/hello")
def hello():
    return "Hello"

@app.route("/items/<int:n>/<path:rest>", methods=["GET", "POST"])
def items(n, rest):
    return jsonify(n=n, rest=rest, data=[1.5, None, "\u00e9"])

@app.route("/folder/")
def folder():
    return "folder"

@app.route("/count")
def count():
    session["n"] = session.get("n", 0) + 1
    return Response(str(session["n"]), mimetype="text/plain")

@app.route("/gone")
def gone():
    abort(410)

@app.route("/", subdomain="api")
def api():
    return {"api": True}

requests = [
    ("GET", "/hello", "example.test"), ("HEAD", "/hello", "example.test"),
    ("GET", "/items/7/a/b", "example.test"), ("PUT", "/items/7/a", "example.test"),
    ("GET", "/items/x/a", "example.test"), ("GET", "/folder", "example.test"),
    ("GET", "/count", "example.test"), ("GET", "/gone", "example.test"),
    ("GET", "/", "api.example.test"), ("OPTIONS", "/hello", "example.test"),
    ("GET", "/nowhere", "example.test"), ("GET", "/hello", "other.test"),
]
answers = []
for method, path, host in requests * 2:  # twice: memos and plans answer the second
    environ = EnvironBuilder(path=path, method=method, headers={"Host": host}).get_environ()
    status = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append((s, sorted(h)))))
    answers.append([method, path, host, status[0][0], status[0][1], body.decode()])
with app.test_request_context("/hello", headers={"Host": "example.test"}):
    from framework.globals import request_ctx
    binding = type(request_ctx._binding).__name__
print(json.dumps({
    "open": OPEN,
    "matcher": type(app.url_map._matcher).__name__,
    "binding": binding,
    "plans": sum(plan is not None for plan in _text_plans.values()),
    "answers": answers,
}))
"""


def _drive(force: bool) -> dict[str, object]:
    environ = {key: value for key, value in os.environ.items() if key != gate.FORCE_VARIABLE}
    if force:
        environ[gate.FORCE_VARIABLE] = "1"
    environ["PYTHONHASHSEED"] = "0"  # the same set order (the Allow header) in both runs
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_forced_fallback_takes_the_public_paths_with_the_same_answers() -> None:
    """With the gate forced closed, werkzeug's own matcher and adapter answer and no
    response plan is made; every status, header and body equals the shortcuts' (the
    session cookie included: its timestamp has a one-second resolution)."""
    fast = _drive(force=False)
    public = _drive(force=True)
    if gate.OPEN:  # on an untested werkzeug both runs take the public path
        assert (fast["open"], fast["matcher"], fast["binding"]) == (
            True,
            "CompiledMatcher",
            "RequestBinding",
        )
        assert fast["plans"]
    assert (public["open"], public["matcher"], public["binding"]) == (
        False,
        "StateMachineMatcher",
        "AdapterBinding",
    )
    assert not public["plans"]

    def comparable(answers: object) -> list[object]:
        # Set-Cookie embeds the signing time: compare it without the signature part.
        text = json.dumps(answers)
        return json.loads(re.sub(r"session=[^;\"]+", "session=<signed>", text))  # type: ignore[no-any-return]

    assert comparable(fast["answers"]) == comparable(public["answers"])
