"""Raw WSGI requests for the differential tests, and their standalone reproductions.

:func:`environs` draws a WSGI environ as a server would pass it: any method, a
path of arbitrary bytes (latin-1 decoded, as PEP 3333 says), a query string, a
``Host`` and forwarded headers, cookies, a content type, a ``Content-Length``
that may lie, and a body. :func:`call_app` runs a WSGI app on it and records the
outcome; :func:`reproduction` prints a failing case as a script that runs the
same app and request on both implementations.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from conformance.differences import Outcome

#: Headers that may differ between runs, never compared.
IGNORED_HEADERS = frozenset({"date", "server"})

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")
HOSTS = (
    "localhost",
    "example.com:8080",
    "EXAMPLE.com",
    "",
    "bad host",
    "[::1]:5000",
    "a..b",
    "h\u00e9.test",
    "localhost:99999",
)
CONTENT_TYPES = (
    "",
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=b",
    "multipart/form-data",
    "text/plain; charset=utf-8",
    "application/vnd.api+json",
    "text/html; charset=bogus",
    "garbage",
)
BODIES = (
    b"",
    b'{"a": 1}',
    b"a=1&b=%ZZ&c",
    b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--b--\r\n',
    b'[1, 2, {"x": null}]',
    b"{bad json",
    b"\xff\xfe\x00",
    b"[" * 5000 + b"]" * 5000,
)
ECHO_VIEW = '''

@app.route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def echo():
    """Answer with what the request looks like to the app."""
    return {
        "method": request.method,
        "url": request.url,
        "host": request.host,
        "scheme": request.scheme,
        "remote": request.remote_addr,
        "args": sorted(request.args.lists()),
        "form": sorted(request.form.lists()),
        "cookies": sorted(request.cookies.items()),
        "mimetype": request.mimetype,
        "json": request.get_json(silent=True),
        "length": len(request.get_data()),
    }
'''

#: Settings lines appended to a generated app: host matching, limits, trusted hosts.
SETTING_LINES = (
    'app.config["SERVER_NAME"] = "localhost"',
    'app.config["SERVER_NAME"] = "example.com:8080"',
    "app.subdomain_matching = True",
    'app.config["APPLICATION_ROOT"] = "/app"',
    'app.config["MAX_CONTENT_LENGTH"] = 8',
    'app.config["TRUSTED_HOSTS"] = ["localhost", ".example.com"]',
    'app.config["SESSION_COOKIE_NAME"] = "session"',
    'app.config["TESTING"] = False',
)


def settings_source() -> st.SearchStrategy[str]:
    """Draw a few settings lines for the generated app (possibly none)."""
    lines = st.lists(st.sampled_from(SETTING_LINES), max_size=3, unique=True)
    return lines.map(lambda chosen: "".join(f"\n{line}" for line in chosen) + "\n")


_latin1_bytes = st.binary(max_size=12).map(lambda data: data.decode("latin-1"))
_header_text = st.text(
    st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=16
)


@st.composite
def environs(draw: st.DrawFn, paths: list[str]) -> dict[str, Any]:
    """Draw a raw WSGI environ aimed at one of ``paths`` (or anywhere)."""
    path = draw(
        st.one_of(
            st.sampled_from(paths),
            st.tuples(st.sampled_from(paths), _latin1_bytes).map("".join),
            _latin1_bytes.map(lambda text: "/" + text),
        )
    )
    query = draw(
        st.one_of(
            st.just(""),
            st.sampled_from(["a=1&a=2", "x=%20y+z", "k", "=v", "a=%ZZ", "&&", "q=%C3%A9"]),
            _latin1_bytes,
        )
    )
    body = draw(st.one_of(st.sampled_from(BODIES), st.binary(max_size=24)))
    length = draw(
        st.one_of(st.just(str(len(body))), st.sampled_from(["", "0", "-1", "abc", "999999"]))
    )
    environ: dict[str, Any] = {
        "REQUEST_METHOD": draw(
            st.one_of(st.sampled_from(METHODS), st.sampled_from(["get", "PROPFIND"]))
        ),
        "SCRIPT_NAME": draw(st.sampled_from(["", "", "/app"])),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": draw(st.sampled_from(["http", "https"])),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_TYPE": draw(st.sampled_from(CONTENT_TYPES)),
        "CONTENT_LENGTH": length,
    }
    host = draw(st.sampled_from(HOSTS))
    if host:
        environ["HTTP_HOST"] = host
    optional = {
        "HTTP_COOKIE": st.one_of(
            st.sampled_from(["a=1; b=2", "session=x.y.z", "=;;"]), _header_text
        ),
        "HTTP_X_FORWARDED_FOR": st.sampled_from(["10.0.0.1", "1.1.1.1, 2.2.2.2", "garbage"]),
        "HTTP_X_FORWARDED_PROTO": st.sampled_from(["https", "ftp", ""]),
        "HTTP_FORWARDED": st.sampled_from(["for=1.2.3.4;proto=https", "bogus"]),
        "HTTP_ACCEPT": st.sampled_from(["application/json", "*/*", "text/html;q=0"]),
        "HTTP_IF_NONE_MATCH": st.sampled_from(['"x"', "*"]),
    }
    for key, values in optional.items():
        if draw(st.booleans()):
            environ[key] = draw(values)
    return environ


def copy_environ(environ: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy with fresh input and error streams (each run consumes its own)."""
    copied = dict(environ)
    copied["wsgi.input"] = io.BytesIO(environ["wsgi.input"].getvalue())
    copied["wsgi.errors"] = io.StringIO()
    return copied


def normalised_headers(headers: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Headers without ``Date``/``Server``, names lower-cased, sorted; ``Allow`` sorted."""
    kept = []
    for name, value in headers:
        key = name.lower()
        if key in IGNORED_HEADERS:
            continue
        if key == "allow":
            value = ", ".join(sorted(item.strip() for item in value.split(",")))
        kept.append((key, value))
    return tuple(sorted(kept))


def call_app(app: Any, environ: Mapping[str, Any]) -> Outcome:
    """Run ``app`` on a copy of ``environ``; record status, headers, body and warnings."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            iterable = app(copy_environ(environ), start_response)
            try:
                body = b"".join(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
        except Exception as error:
            return Outcome(f"raised {type(error).__name__}", (), b"", _messages(caught))
    status, headers = started
    return Outcome(status, normalised_headers(headers), body, _messages(caught))


def _messages(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(sorted(f"{w.category.__name__}: {w.message}" for w in caught))


def environ_source(environ: Mapping[str, Any]) -> str:
    """Return Python source rebuilding ``environ`` (streams as ``io`` objects)."""
    lines = ["environ = {"]
    for key, value in environ.items():
        if key == "wsgi.input":
            lines.append(f"    {key!r}: io.BytesIO({value.getvalue()!r}),")
        elif key == "wsgi.errors":
            lines.append(f"    {key!r}: io.StringIO(),")
        else:
            lines.append(f"    {key!r}: {value!r},")
    lines.append("}")
    return "\n".join(lines)


def reproduction(app_source: str, environ: Mapping[str, Any], module: str, reference: str) -> str:
    """Return a standalone script running the app on both implementations with ``environ``."""
    return f"""# Reproduction: python repro.py
import io
import importlib
import warnings

APP = {app_source!r}

{environ_source(environ)}


def run(module):
    namespace = {{"__name__": "conformance_app"}}
    exec(APP.replace("from {module} import", "from " + module + " import"), namespace)
    env = dict(environ, **{{"wsgi.input": io.BytesIO(environ["wsgi.input"].getvalue())}})
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = lambda status, headers, exc=None: seen.append((status, headers))
        body = b"".join(namespace["app"](env, start))
    print(module, seen, body, [str(w.message) for w in caught])


for module in ({module!r}, {reference!r}):
    run(module)
"""
