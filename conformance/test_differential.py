"""Spec area ``differential``: the implementation answers like the reference.

Hypothesis builds applications from random rule tables (plus a view echoing what
the request looks like) and raw WSGI environs, ``url_for`` calls with any keyword
names, and test-client calls; implementation and reference must give the same
status, headers (without ``Date``), body and warnings, unless a documented
deliberate difference (``conformance/differences.toml``) applies. A failure
prints a standalone script reproducing it on both implementations.
"""

from __future__ import annotations

import keyword
import warnings
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from conformance.differences import Outcome, excused
from conformance.ruletables import GeneratedApp, RuleTable, build_source, rule_tables, rule_values
from conformance.test_routing_properties import PROPERTY_SETTINGS, REFERENCE_MISSING
from conformance.wsgi_environs import (
    ECHO_VIEW,
    call_app,
    environs,
    normalised_headers,
    reproduction,
    settings_source,
)

pytestmark = pytest.mark.needs("wsgi")


def app_source(table: RuleTable, module: str, settings_lines: str = "") -> str:
    """The table's application, with the echo view and settings, importing from ``module``."""
    return table.source(module) + ECHO_VIEW + settings_lines


def built(table: RuleTable, module: str, settings_lines: str = "") -> GeneratedApp:
    """Build the table's application (with the echo view) on ``module``."""
    return build_source(app_source(table, module, settings_lines))


def mismatch(ours: Outcome, theirs: Outcome) -> list[str]:
    """Return the fields on which two outcomes differ, impl then reference."""
    lines = []
    for name in ("status", "headers", "body", "warnings"):
        mine, reference_value = getattr(ours, name), getattr(theirs, name)
        if mine != reference_value:
            lines += [f"{name}: impl {mine!r}", f"{' ' * len(name)}  reference {reference_value!r}"]
    return lines


@pytest.mark.spec("differential.wsgi.environ")
def test_raw_environs_answer_like_the_reference(impl: Any, reference: Any) -> None:
    """Any raw WSGI request gets the reference's status, headers, body and warnings."""
    if reference is None:
        pytest.skip(REFERENCE_MISSING)

    @PROPERTY_SETTINGS
    @given(table=rule_tables(max_rules=2), lines=settings_source(), data=st.data())
    def check(table: RuleTable, lines: str, data: st.DataObject) -> None:
        ours, theirs = built(table, impl.__name__, lines), built(table, reference.__name__, lines)
        paths = [
            "/echo",
            "/",
            *(rule.path(rule.url_texts(data.draw(rule_values(rule)))) for rule in table.rules),
        ]
        environ = data.draw(environs(paths), label="environ")
        mine, expected = call_app(ours.app, environ), call_app(theirs.app, environ)
        if mine == expected or excused(environ, mine, expected):
            return
        script = reproduction(theirs.source, environ, reference.__name__, impl.__name__)
        note(script)
        raise AssertionError(
            "\n".join(
                ["implementation and reference differ:", *mismatch(mine, expected), "", script]
            )
        )

    check()


# --- url_for with any keyword ------------------------------------------------------------

URL_FOR_APP = """\
from {module} import Flask, url_for

app = Flask("conformance_app")
app.config["SERVER_NAME"] = "example.test"


@app.route("/")
def index():
    return ""


@app.route("/item/<int:n>")
def item(n):
    return ""


@app.route("/user/<name>/<path:rest>")
def user(name, rest):
    return ""
"""

#: Names that collide with url_for's own parameters, Python keywords and Flask internals.
SPECIAL_NAMES = (
    "endpoint",
    "self",
    "values",
    "_anchor",
    "_method",
    "_scheme",
    "_external",
    "_external_host",
    "method",
    "external",
    "force_external",
    "append_unknown",
    "url_scheme",
    "n",
    "name",
    "rest",
    *keyword.kwlist,
)
KEYWORDS = st.one_of(st.sampled_from(SPECIAL_NAMES), st.text(min_size=1, max_size=8))
URL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.sampled_from(["GET", "POST", "https", "x y", "a/b", "#?"]),
)


def url_for_outcome(
    generated: GeneratedApp, in_request: bool, endpoint: str, kwargs: dict[str, Any]
) -> str:
    """Call ``url_for`` in a request or app context; describe the URL or the exception."""
    context = generated.app.test_request_context() if in_request else generated.app.app_context()
    with context, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = f"url {generated.url_for(endpoint, **kwargs)!r}"
        except Exception as error:
            result = f"raised {type(error).__name__}"
    return result + "".join(f"; warning {w.category.__name__}: {w.message}" for w in caught)


@pytest.mark.spec("differential.url-for.keywords")
def test_url_for_any_keyword_like_the_reference(impl: Any, reference: Any) -> None:
    """``url_for`` with any keyword names builds the reference's URL or raises its error type."""
    if reference is None:
        pytest.skip(REFERENCE_MISSING)
    ours = build_source(URL_FOR_APP.format(module=impl.__name__))
    theirs = build_source(URL_FOR_APP.format(module=reference.__name__))

    @PROPERTY_SETTINGS
    @given(
        endpoint=st.sampled_from(["index", "item", "user", "missing", ".index"]),
        kwargs=st.dictionaries(KEYWORDS, URL_VALUES, max_size=4),
        in_request=st.booleans(),
    )
    def check(endpoint: str, kwargs: dict[str, Any], in_request: bool) -> None:
        mine = url_for_outcome(ours, in_request, endpoint, dict(kwargs))
        expected = url_for_outcome(theirs, in_request, endpoint, dict(kwargs))
        call = f"url_for({endpoint!r}, **{kwargs!r})"
        context = "app.test_request_context()" if in_request else "app.app_context()"
        assert mine == expected, (
            f"implementation and reference differ:\nimpl      {mine}\nreference {expected}\n\n"
            f"# Reproduction\n{theirs.source}\nwith {context}:\n    print({call})\n"
        )

    check()


# --- the test client's API ---------------------------------------------------------------

CLIENT_QUERY = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2),
)
CLIENT_DATA = st.one_of(
    st.none(),
    st.binary(max_size=12),
    st.text(max_size=8),
    st.dictionaries(st.sampled_from(["a", "b", "é"]), st.text(max_size=4), max_size=2),
)


@st.composite
def client_calls(draw: st.DrawFn) -> dict[str, Any]:
    """Draw keyword arguments for ``client.open``."""
    call: dict[str, Any] = {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE"]))
    }
    query = draw(CLIENT_QUERY)
    if query is not None:
        call["query_string"] = query
    if draw(st.booleans()):
        call["json"] = draw(
            st.one_of(
                st.none(), st.integers(), st.text(max_size=4), st.lists(st.integers(), max_size=3)
            )
        )
    else:
        data = draw(CLIENT_DATA)
        if data is not None:
            call["data"] = data
    if draw(st.booleans()):
        call["content_type"] = draw(
            st.sampled_from(["text/plain", "application/json", "application/x-www-form-urlencoded"])
        )
    if draw(st.booleans()):
        call["headers"] = {
            "X-Test": draw(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=6))
        }
    if draw(st.booleans()):
        call["base_url"] = draw(st.sampled_from(["http://example.test/", "https://h:8443/app/"]))
    call["follow_redirects"] = draw(st.booleans())
    return call


def client_outcome(generated: GeneratedApp, path: str, call: dict[str, Any]) -> Outcome:
    """Send one test-client request; record status, headers, body and warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            response = generated.app.test_client().open(path, **call)
        except Exception as error:
            return Outcome(f"raised {type(error).__name__}", (), b"")
        messages = tuple(sorted(f"{w.category.__name__}: {w.message}" for w in caught))
        return Outcome(
            response.status,
            normalised_headers(list(response.headers.items())),
            response.data,
            messages,
        )


@pytest.mark.spec("differential.test-client.open")
def test_test_client_calls_like_the_reference(impl: Any, reference: Any) -> None:
    """The test client's ``open`` with any query, body, headers or base URL answers alike."""
    if reference is None:
        pytest.skip(REFERENCE_MISSING)

    @PROPERTY_SETTINGS
    @given(table=rule_tables(max_rules=2), data=st.data())
    def check(table: RuleTable, data: st.DataObject) -> None:
        ours, theirs = built(table, impl.__name__), built(table, reference.__name__)
        rule_paths = [
            rule.path(rule.url_texts(data.draw(rule_values(rule)))) for rule in table.rules
        ]
        path = data.draw(st.sampled_from(["/echo", *rule_paths]), label="path")
        call = data.draw(client_calls(), label="call")
        mine, expected = client_outcome(ours, path, call), client_outcome(theirs, path, call)
        assert mine == expected or excused(None, mine, expected), "\n".join(
            [
                "implementation and reference differ:",
                *mismatch(mine, expected),
                "",
                "# Reproduction",
                theirs.source,
                f"print(app.test_client().open({path!r}, **{call!r}).get_data())",
            ]
        )

    check()
