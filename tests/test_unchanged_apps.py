"""Apps written for Flask run unchanged on framework once their import line is rewritten.

Each sample app in ``tests/apps/`` is loaded twice: as written (on Flask) and with only
``from flask import`` replaced by ``from framework import``. Both are driven through
their test clients with the same requests, and every response must match: status,
body and headers (session cookies compared by their payload, since the signature
embeds a timestamp). A few explicit expectations per app make sure both are right, not
merely equally wrong.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import framework

APPS_DIR = Path(__file__).parent / "apps"
_FLASK_IMPORT = re.compile(r"^from flask import", re.MULTILINE)


@dataclass(frozen=True)
class Step:
    """One request of a scenario: ``client.open(path, method=method, **options)``."""

    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Observed:
    """What a response looked like: status line, body and normalised headers."""

    status: str
    body: bytes
    headers: tuple[tuple[str, str], ...]


def rewrite_for_framework(source: str) -> str:
    """Return ``source`` with its ``from flask import`` line pointing at framework."""
    return _FLASK_IMPORT.sub("from framework import", source)


def load_app(
    name: str, implementation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Load ``tests/apps/<name>.py`` for ``implementation`` ("flask" or "framework")
    as a fresh module and return its ``app``."""
    source = (APPS_DIR / f"{name}.py").read_text()
    if implementation == "framework":
        source = rewrite_for_framework(source)
    module_name = f"unchanged_{implementation}_{name}_{uuid.uuid4().hex}"
    path = tmp_path / implementation / f"{module_name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, module_name, module)
    spec.loader.exec_module(module)
    return module.app


def normalise_cookie(header: str) -> str:
    """Replace the timestamp and signature of a signed session cookie by placeholders,
    keeping its payload and attributes."""
    name, _, rest = header.partition("=")
    value, sep, attributes = rest.partition(";")
    if name == "session" and value:
        compressed = value.startswith(".")
        payload = value.lstrip(".").split(".")[0]
        value = f"{'.' if compressed else ''}{payload}.<timestamp>.<signature>"
    return f"{name}={value}{sep}{attributes}"


def normalise_header(key: str, value: str) -> str:
    """Normalise values that legitimately vary between runs: session cookie signatures,
    and the order of ``Allow`` (built from a set)."""
    if key == "Set-Cookie":
        return normalise_cookie(value)
    if key == "Allow":
        return ", ".join(sorted(value.split(", ")))
    return value


def observe(response: Any) -> Observed:
    """Return the comparable parts of a test client response."""
    headers = tuple(
        sorted((key, normalise_header(key, value)) for key, value in response.headers.items())
    )
    return Observed(status=response.status, body=response.get_data(), headers=headers)


def run_scenario(app: Any, steps: list[Step]) -> list[Observed]:
    """Send ``steps`` in order through one client of ``app`` (cookies carry over)."""
    client = app.test_client()
    observed = []
    for step in steps:
        response = client.open(step.path, method=step.method, **step.options)
        observed.append(observe(response))
        response.close()
    return observed


def session_payload(observed: Observed) -> str:
    """Return the session cookie value a response set (normalised), or ''."""
    for key, value in observed.headers:
        if key == "Set-Cookie" and value.startswith("session="):
            return value
    return ""


# --- scenarios -------------------------------------------------------------------

HELLO_STEPS = [
    Step("GET", "/"),
    Step("HEAD", "/"),
    Step("OPTIONS", "/"),
    Step("POST", "/"),
    Step("GET", "/hello/"),
    Step("GET", "/hello"),
    Step("GET", "/hello/Ann", {"headers": {"X-Visitor": "ann"}}),
    Step("GET", "/post/41"),
    Step("GET", "/post/forty"),
    Step("GET", "/price/3.5"),
    Step("GET", "/price/3"),
    Step("GET", "/files/a/b/c.txt"),
    Step("GET", "/items/12345678-1234-5678-1234-567812345678"),
    Step("GET", "/items/not-a-uuid"),
    Step("GET", "/lang/fr"),
    Step("GET", "/lang/de"),
    Step("POST", "/greet", {"data": {"name": "Zoë"}}),
    Step("GET", "/greet"),
    Step("GET", "/greet", {"query_string": {"name": "Bo"}}),
    Step("POST", "/greet", {"data": {"wrong": "field"}}),
    Step("GET", "/old-home"),
    Step("GET", "/admin"),
    Step("GET", "/premium"),
    Step("GET", "/crash"),
    Step("GET", "/", {"headers": {"X-Visitor": "mallory"}}),
    Step("GET", "/a//b"),
    Step("GET", "/stats"),
]

NOTES_STEPS = [
    Step("GET", "/"),
    Step("GET", "/api/notes"),
    Step("POST", "/api/notes", {"json": {"text": "Buy <milk>", "tags": ["home", "food"]}}),
    Step("POST", "/api/notes", {"json": {"text": "Call Ann"}}),
    Step("POST", "/api/notes", {"json": {"text": "   "}}),
    Step("POST", "/api/notes", {"data": "{not json", "content_type": "application/json"}),
    Step("POST", "/api/notes", {"data": "text", "content_type": "text/plain"}),
    Step("GET", "/api/notes"),
    Step("GET", "/api/notes/1"),
    Step("GET", "/api/notes/9"),
    Step("PUT", "/api/notes/1"),
    Step("DELETE", "/api/notes/2"),
    Step("DELETE", "/api/notes/2"),
    Step("GET", "/api/nothing"),
    Step("GET", "/"),
    Step("GET", "/notes"),
    Step("GET", "/notes/"),
]

ACCOUNTS_STEPS = [
    Step("GET", "/"),
    Step("GET", "/private"),
    Step("GET", "/"),
    Step("GET", "/login", {"query_string": {"next": "/private"}}),
    Step("POST", "/login", {"data": {"username": "ann", "password": "wrong"}}),
    Step("GET", "/"),
    Step(
        "POST",
        "/login",
        {
            "query_string": {"next": "/private"},
            "data": {"username": "ann", "password": "correct horse"},
        },
    ),
    Step("GET", "/private"),
    Step("GET", "/"),
    Step("POST", "/cart/apple"),
    Step("POST", "/cart/pear"),
    Step("GET", "/cart"),
    Step("GET", "/cart/apple"),
    Step("GET", "/logout"),
    Step("GET", "/"),
    Step("GET", "/cart"),
]

SCENARIOS = {"hello": HELLO_STEPS, "notes": NOTES_STEPS, "accounts": ACCOUNTS_STEPS}


@pytest.fixture
def results(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, list[Observed]]:
    """Run the scenario named by the test's ``app_name`` parameter on both implementations."""
    name = request.param
    steps = SCENARIOS[name]
    return {
        implementation: run_scenario(load_app(name, implementation, tmp_path, monkeypatch), steps)
        for implementation in ("flask", "framework")
    }


# --- the rewrite itself ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_only_the_import_line_changes(name: str) -> None:
    """The framework version of each app differs from the Flask one by one line only."""
    source = (APPS_DIR / f"{name}.py").read_text()
    rewritten = rewrite_for_framework(source)
    changed = [
        line
        for line in difflib.ndiff(source.splitlines(), rewritten.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    assert len(changed) == 2, changed
    assert changed[0].startswith("- from flask import")
    assert changed[1].startswith("+ from framework import")
    assert "flask" not in rewritten.replace("Flask", "")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_apps_load_on_each_implementation(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The original loads Flask's app class, the rewritten one framework's."""
    flask_app = load_app(name, "flask", tmp_path, monkeypatch)
    framework_app = load_app(name, "framework", tmp_path, monkeypatch)
    assert type(flask_app).__module__.startswith("flask.")
    assert not isinstance(flask_app, framework.Flask)
    assert isinstance(framework_app, framework.Flask)


# --- identical behaviour ---------------------------------------------------------


@pytest.mark.parametrize("results", sorted(SCENARIOS), indirect=True)
def test_same_responses_on_flask_and_framework(results: dict[str, list[Observed]]) -> None:
    """Every request of the scenario gets the same status, body and headers."""
    expected_run, actual_run = results["flask"], results["framework"]
    assert len(expected_run) == len(actual_run)
    mismatches = [
        f"step {index}: flask={expected!r}\n    framework={actual!r}"
        for index, (expected, actual) in enumerate(zip(expected_run, actual_run, strict=True))
        if expected != actual
    ]
    assert not mismatches, "\n".join(mismatches)


# --- explicit expectations -------------------------------------------------------


def responses_of(name: str, results: dict[str, list[Observed]]) -> dict[str, list[Observed]]:
    """Group the framework results by step (method and path), in scenario order."""
    grouped: dict[str, list[Observed]] = {}
    for step, observed in zip(SCENARIOS[name], results["framework"], strict=True):
        grouped.setdefault(str(step), []).append(observed)
    return grouped


def header(observed: Observed, name: str) -> str | None:
    """Return the first value of header ``name`` in ``observed``, or None."""
    return next((value for key, value in observed.headers if key == name), None)


@pytest.mark.parametrize("results", ["hello"], indirect=True)
def test_hello_app_explicit_results(results: dict[str, list[Observed]]) -> None:
    """Spot checks of the hello app: routes, converters, handlers and hooks."""
    by_step = responses_of("hello", results)
    home = by_step["GET /"][0]
    assert (home.status, home.body) == ("200 OK", b"Hello, World!")
    assert header(home, "X-Visitor") == "anonymous"
    assert header(home, "Content-Type") == "text/html; charset=utf-8"
    assert by_step["HEAD /"][0].body == b""
    assert header(by_step["OPTIONS /"][0], "Allow") == "GET, HEAD, OPTIONS"  # sorted
    assert by_step["POST /"][0].status == "405 METHOD NOT ALLOWED"
    assert by_step["GET /hello/"][0].body == b"Hello, stranger!"
    assert by_step["GET /hello"][0].status == "308 PERMANENT REDIRECT"
    assert header(by_step["GET /hello/Ann"][0], "X-Visitor") == "ann"
    assert by_step["GET /post/41"][0].body == b'{"next":"/post/42","post_id":41}\n'
    assert by_step["GET /post/forty"][0].body == b"Page not found: /post/forty"
    assert by_step["GET /price/3.5"][0].body == b"3.50 EUR"
    assert by_step["GET /price/3"][0].status == "404 NOT FOUND"
    assert by_step["GET /files/a/b/c.txt"][0].body == b"File a/b/c.txt"
    assert (
        by_step["GET /items/12345678-1234-5678-1234-567812345678"][0].body
        == b"Item 12345678123456781234567812345678"
    )
    assert by_step["GET /lang/fr"][0].body == b"Bonjour"
    posted, bad_post = by_step["POST /greet"]
    assert (posted.status, posted.body) == ("201 CREATED", "Nice to meet you, Zoë.".encode())
    assert header(posted, "Set-Cookie") == 'name="Zo\\303\\253"; Path=/'
    assert bad_post.status == "400 BAD REQUEST"
    from_cookie, from_args = by_step["GET /greet"]
    assert from_cookie.body == "Hi again, Zoë.".encode()
    assert from_args.body == b"Hi again, Bo."
    assert header(by_step["GET /old-home"][0], "Location") == "/"
    admin = by_step["GET /admin"][0]
    assert (admin.status, admin.body) == ("403 FORBIDDEN", b'{"error":"forbidden"}\n')
    assert header(admin, "X-Reason") == "admins only"
    assert by_step["GET /premium"][0].status.startswith("402")
    assert by_step["GET /crash"][0].body == b"Something broke: ZeroDivisionError"
    banned = by_step["GET /"][1]
    assert (banned.status, banned.body) == ("403 FORBIDDEN", b"You are banned.")
    assert by_step["GET /a//b"][0].status == "404 NOT FOUND"
    stats = by_step["GET /stats"][0]
    assert b'"count":26' in stats.body
    assert b'"ZeroDivisionError"' in stats.body


@pytest.mark.parametrize("results", ["notes"], indirect=True)
def test_notes_app_explicit_results(results: dict[str, list[Observed]]) -> None:
    """Spot checks of the notes app: blueprint JSON API, error handler and templates."""
    by_step = responses_of("notes", results)
    empty_page, full_page = by_step["GET /"]
    assert b"<title>My &lt;notes&gt;</title>" in empty_page.body
    assert b"<h1>MY &lt;NOTES&gt;!</h1>" in empty_page.body
    assert b"<li>No notes yet.</li>" in empty_page.body
    assert b"<footer>Notes &middot; /</footer>" in empty_page.body
    assert b'<a href="/api/notes/1">Buy &lt;milk&gt;</a> [home, food]' in full_page.body
    assert b"Call Ann" not in full_page.body
    created, second, blank, malformed, wrong_type = by_step["POST /api/notes"]
    assert created.status == "201 CREATED"
    assert header(created, "Location") == "/api/notes/1"
    assert header(created, "Content-Type") == "application/json"
    assert header(second, "Location") == "/api/notes/2"
    assert blank.status == "400 BAD REQUEST"
    assert b'"description":"a note needs some text"' in blank.body
    assert malformed.status == "400 BAD REQUEST"
    assert b'"error":"Bad Request"' in malformed.body
    assert wrong_type.status == "415 UNSUPPORTED MEDIA TYPE"
    missing = by_step["GET /api/notes/9"][0]
    assert (missing.status, header(missing, "Content-Type")) == (
        "404 NOT FOUND",
        "application/json",
    )
    assert by_step["PUT /api/notes/1"][0].status == "405 METHOD NOT ALLOWED"
    deleted, deleted_again = by_step["DELETE /api/notes/2"]
    assert (deleted.status, deleted.body) == ("204 NO CONTENT", b"")
    assert deleted_again.status == "404 NOT FOUND"
    # Outside the blueprint the app has no handler: werkzeug's HTML page.
    unknown = by_step["GET /api/nothing"][0]
    assert header(unknown, "Content-Type") == "text/html; charset=utf-8"
    assert header(by_step["GET /notes"][0], "Location") == "http://localhost/notes/"
    assert by_step["GET /notes/"][0].body == b"1 note"


@pytest.mark.parametrize("results", ["accounts"], indirect=True)
def test_accounts_app_explicit_results(results: dict[str, list[Observed]]) -> None:
    """Spot checks of the accounts app: sessions, redirects and flashed messages."""
    by_step = responses_of("accounts", results)
    first, after_redirect, after_failure, logged_in, logged_out = by_step["GET /"]
    assert first.body.strip() == b"Anonymous"
    assert session_payload(first) == ""
    private_anonymous, private_ann = by_step["GET /private"]
    assert header(private_anonymous, "Location") == "/login?next=/private"
    assert b'<p class="message">Please log in first.</p>' in after_redirect.body
    wrong, right = by_step["POST /login"]
    assert wrong.status == "401 UNAUTHORIZED"
    assert b'<p class="error">Invalid credentials.</p>' in after_failure.body
    assert right.status == "302 FOUND"
    assert header(right, "Location") == "/private"
    assert session_payload(right).startswith("session=")
    assert "HttpOnly" in session_payload(right)
    assert private_ann.body == b"The secret page of ann."
    assert b'<p class="success">Welcome back, ann!</p>' in logged_in.body
    assert b"Logged in as ann" in logged_in.body
    assert header(logged_in, "Vary") == "Cookie"
    apple, pear = by_step["POST /cart/apple"] + by_step["POST /cart/pear"]
    assert (apple.status, pear.body) == ("201 CREATED", b"pear added")
    cart_full, cart_empty = by_step["GET /cart"]
    assert cart_full.body == b'{"items":["apple","pear"],"user":"ann"}\n'
    assert by_step["GET /cart/apple"][0].status == "405 METHOD NOT ALLOWED"
    assert b'<p class="info">You are logged out.</p>' in logged_out.body
    assert b"Anonymous" in logged_out.body
    assert cart_empty.body == b'{"items":[],"user":null}\n'
