"""framework.routing.bind(...).adapter must build exactly the adapter werkzeug's
Map.bind_to_environ builds, for any environ, including on cache hits."""

from __future__ import annotations

import uuid
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import MapAdapter, Rule
from werkzeug.routing.converters import IntegerConverter

from framework.routing import _CACHE_LIMIT, Map, RequestBinding, bind


def bind_request(
    url_map: Map,
    environ: dict[str, Any],
    server_name: str | None = None,
    subdomain: str | None = None,
) -> MapAdapter:
    """The adapter the framework binds a request with."""
    return bind(url_map, environ, server_name, subdomain).adapter


ADAPTER_FIELDS = (
    "server_name",
    "script_name",
    "subdomain",
    "url_scheme",
    "path_info",
    "default_method",
    "query_args",
    "websocket",
)

hosts = st.sampled_from(
    [
        "localhost",
        "LOCALHOST:5000",
        "example.com",
        "api.example.com",
        "a.b.example.com:8080",
        "example.com:80",
        "example.com:443",
        "bücher.example",
        "127.0.0.1:8000",
        "[::1]:5000",
        "other.org",
    ]
)
paths = st.sampled_from(["/", "", "/a/b", "//x", "/caf\xc3\xa9", "/%41"])


@st.composite
def environs(draw: st.DrawFn) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": draw(st.sampled_from(["GET", "POST", "HEAD"])),
        "wsgi.url_scheme": draw(st.sampled_from(["http", "https"])),
        "SERVER_NAME": draw(st.sampled_from(["localhost", "srv.example.com"])),
        "SERVER_PORT": draw(st.sampled_from(["80", "443", "5000"])),
        "PATH_INFO": draw(paths),
        "SCRIPT_NAME": draw(st.sampled_from(["", "/app", "/caf\xc3\xa9"])),
    }
    if draw(st.booleans()):
        environ["HTTP_HOST"] = draw(hosts)
    if draw(st.booleans()):
        environ["QUERY_STRING"] = draw(st.sampled_from(["", "a=1", "q=\xc3\xa9"]))
    if draw(st.booleans()):
        environ["HTTP_CONNECTION"] = draw(st.sampled_from(["Upgrade", "keep-alive", "x, upgrade"]))
        environ["HTTP_UPGRADE"] = draw(st.sampled_from(["websocket", "h2c"]))
    return environ


def _outcome(call: Any) -> tuple[str, Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            adapter: MapAdapter = call()
        except Exception as e:  # the type and message must match too
            return "error", (type(e), str(e)), [str(w.message) for w in caught]
    fields = tuple(getattr(adapter, name) for name in ADAPTER_FIELDS)
    return "adapter", fields, [str(w.message) for w in caught]


@given(
    environ=environs(),
    host_matching=st.booleans(),
    server_name=st.sampled_from([None, "example.com", "EXAMPLE.com:80", "example.com:443"]),
    subdomain=st.sampled_from([None, "", "api"]),
    default_subdomain=st.sampled_from(["", "www"]),
)
def test_bind_request_matches_bind_to_environ(
    environ: dict[str, Any],
    host_matching: bool,
    server_name: str | None,
    subdomain: str | None,
    default_subdomain: str,
) -> None:
    """For any environ and binding arguments, the fast binding equals werkzeug's,
    on the first call and on the cached second one."""
    url_map = Map([Rule("/", endpoint="index")], host_matching=host_matching)
    url_map.default_subdomain = default_subdomain
    expected = _outcome(
        lambda: url_map.bind_to_environ(dict(environ), server_name=server_name, subdomain=subdomain)
    )
    first = _outcome(lambda: bind_request(url_map, dict(environ), server_name, subdomain))
    second = _outcome(lambda: bind_request(url_map, dict(environ), server_name, subdomain))
    assert first == expected
    assert second == expected


def test_cache_is_bounded() -> None:
    """The per-map cache never holds more than its limit of distinct hosts."""
    url_map = Map([Rule("/", endpoint="index")])
    for i in range(_CACHE_LIMIT * 2 + 5):
        bind_request(
            url_map,
            {
                "REQUEST_METHOD": "GET",
                "wsgi.url_scheme": "http",
                "HTTP_HOST": f"h{i}.test",
                "PATH_INFO": "/",
            },
        )
    assert 0 < len(url_map._framework_bind_cache) <= _CACHE_LIMIT  # type: ignore[attr-defined]


def test_changed_default_subdomain_is_not_served_from_cache() -> None:
    """Changing the map's default subdomain after a binding changes the next binding."""
    url_map = Map([Rule("/", endpoint="index")])
    environ = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "a.test",
        "PATH_INFO": "/",
    }
    assert bind_request(url_map, environ, None, None).subdomain == ""
    url_map.default_subdomain = "www"
    assert bind_request(url_map, environ, "a.test", "").subdomain == ""
    assert (
        bind_request(url_map, environ, None, None).subdomain
        == url_map.bind_to_environ(environ).subdomain
    )


def test_custom_map_class_binds_through_its_own_method() -> None:
    """A Map subclass overriding bind_to_environ is bound by its override."""
    calls: list[str] = []

    class RecordingMap(Map):
        def bind_to_environ(
            self, environ: Any, server_name: Any = None, subdomain: Any = None
        ) -> MapAdapter:
            calls.append("bind_to_environ")
            return super().bind_to_environ(environ, server_name=server_name, subdomain=subdomain)

    url_map = RecordingMap([Rule("/", endpoint="index")])
    environ = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "a.test",
        "PATH_INFO": "/",
    }
    bind_request(url_map, environ)
    assert calls == ["bind_to_environ"]


@pytest.mark.parametrize("host", ["xn--invalid-\udcff.test", "a..b"])
def test_bad_host_is_a_400_like_werkzeug(host: str) -> None:
    """A host that cannot be IDNA-encoded fails the same way as in werkzeug."""
    url_map = Map([Rule("/", endpoint="index")])
    environ = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": host,
        "PATH_INFO": "/",
    }
    assert _outcome(lambda: bind_request(url_map, dict(environ))) == _outcome(
        lambda: url_map.bind_to_environ(dict(environ))
    )


def _match_outcome(call: Any) -> tuple[str, Any]:
    try:
        rule, view_args = call()
    except Exception as e:  # routing exceptions must be the same, with the same data
        detail = getattr(e, "new_url", None) or sorted(getattr(e, "valid_methods", None) or [])
        return "error", (type(e), getattr(e, "code", None), detail)
    return "match", (rule.rule, rule.endpoint, view_args)


RULE_TABLE = [
    Rule("/", endpoint="index"),
    Rule("/about", endpoint="about", methods=["GET", "POST"]),
    Rule("/projects/", endpoint="projects"),
    Rule("/loose", endpoint="loose", strict_slashes=False),
    Rule("/page/", endpoint="page", defaults={"n": 1}),
    Rule("/page/<int:n>", endpoint="page"),
    Rule("/user/<name>", endpoint="user"),
    Rule("/old", endpoint="old", redirect_to="/about"),
    Rule("/only-put", endpoint="only_put", methods=["PUT"]),
    Rule("/ws", endpoint="ws", websocket=True),
    Rule("/", endpoint="api_index", subdomain="api"),
    Rule("/docs/<path:page>", endpoint="docs"),
    Rule("/first/<int:n>", endpoint="twice"),
    Rule("/second/<int:n>", endpoint="twice", alias=True),
    Rule("/legacy/<int:n>", endpoint="legacy", redirect_to="/page/<n>"),
]
request_paths = st.sampled_from(
    [
        "/",
        "",
        "/about",
        "/about/",
        "//about",
        "/projects",
        "/projects/",
        "/loose",
        "/loose/",
        "/page/",
        "/page/1",
        "/page/2",
        "/user/x",
        "/old",
        "/only-put",
        "/ws",
        "/a//b",
        "/nope",
        "/caf\xc3\xa9",
        "/docs/a/b",
        "/docs/",
        "/first/3",
        "/second/3",
        "/legacy/4",
        "/user/x/",
    ]
)


@given(
    path=request_paths,
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "OPTIONS"]),
    host=st.sampled_from(["localhost", "api.example.com", "example.com"]),
    websocket=st.booleans(),
    subdomain_matching=st.booleans(),
)
def test_memoised_match_equals_werkzeug(
    path: str, method: str, host: str, websocket: bool, subdomain_matching: bool
) -> None:
    """RequestBinding.match answers like MapAdapter.match, on the first (werkzeug)
    call and on the memoised second call."""
    url_map = Map(RULE_TABLE_COPY())
    environ = {
        "REQUEST_METHOD": method,
        "wsgi.url_scheme": "http",
        "HTTP_HOST": host,
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    if websocket:
        environ.update(HTTP_CONNECTION="Upgrade", HTTP_UPGRADE="websocket")
    server_name = "example.com" if subdomain_matching else None
    subdomain = None if subdomain_matching else ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _match_outcome(
            lambda: url_map.bind_to_environ(
                dict(environ), server_name=server_name, subdomain=subdomain
            ).match(return_rule=True)
        )
        for _ in range(2):
            binding = RequestBinding(url_map, dict(environ), server_name, subdomain)
            assert _match_outcome(binding.match) == expected


def RULE_TABLE_COPY() -> list[Rule]:
    return [rule.empty() for rule in RULE_TABLE]


def test_memo_is_dropped_when_rules_are_added() -> None:
    """Adding a rule empties the memo, and the next match sees the new rule."""
    url_map = Map([Rule("/a", endpoint="a", methods=["GET"])])
    environ = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "h",
        "PATH_INFO": "/a",
    }
    assert RequestBinding(url_map, environ).match()[0].endpoint == "a"
    assert len(url_map._framework_match_memo[1]) == 1  # type: ignore[attr-defined]
    url_map.add(Rule("/b", endpoint="b"))
    b_environ = dict(environ, PATH_INFO="/b")
    assert RequestBinding(url_map, b_environ).match()[0].endpoint == "b"
    memo = url_map._framework_match_memo[1]  # type: ignore[attr-defined]
    assert [key[1] for key in memo] == ["/b"]


def test_memo_returns_fresh_view_args() -> None:
    """Changing the view arguments of one match does not leak into the next."""
    url_map = Map([Rule("/p/", endpoint="p", defaults={"n": 1})])
    environ = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "h",
        "PATH_INFO": "/p/",
    }
    first = RequestBinding(url_map, environ).match()[1]
    first["n"] = 99
    assert RequestBinding(url_map, environ).match()[1] == {"n": 1}


def _environ_for(path: str) -> dict[str, Any]:
    return {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "http", "HTTP_HOST": "h", "PATH_INFO": path}


def test_variables_of_built_in_converters_are_memoised_as_fresh_dicts() -> None:
    """A repeated URL of a rule with built-in converters is answered from the memo, and
    each answer is a new dict with equal values."""
    url_map = Map([Rule("/i/<int:n>/<uuid:u>/<path:p>", endpoint="i")])
    environ = _environ_for("/i/7/00000000-0000-0000-0000-000000000001/a/b")
    first = RequestBinding(url_map, environ).match()[1]
    assert len(url_map._framework_match_memo[1]) == 1  # type: ignore[attr-defined]
    first["n"] = 99
    second = RequestBinding(url_map, environ).match()[1]
    assert second == {"n": 7, "u": uuid.UUID(int=1), "p": "a/b"}


def test_custom_converters_are_asked_on_every_request() -> None:
    """A converter that is not one of werkzeug's own may answer differently each time,
    so matches through it are never memoised."""
    calls: list[str] = []

    class Counting(IntegerConverter):
        def to_python(self, value: str) -> Any:
            calls.append(value)
            return len(calls)

    url_map = Map([Rule("/c/<counting:n>", endpoint="c")], converters={"counting": Counting})
    answers = [RequestBinding(url_map, _environ_for("/c/5")).match()[1] for _ in range(3)]
    assert answers == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert calls == ["5", "5", "5"]


def test_methods_replaced_on_instances_are_called() -> None:
    """create_url_adapter replaced on the app, or bind_to_environ on its map, are used
    for matching, as Flask does."""
    from framework import Flask

    app = Flask("patched")
    app.add_url_rule("/", "index", lambda: "index")
    app.add_url_rule("/other", "other", lambda: "other")
    client = app.test_client()
    assert client.get("/").data == b"index"

    original_bind = app.url_map.bind_to_environ

    def to_other(environ: Any, **kwargs: Any) -> MapAdapter:
        return original_bind(dict(environ, PATH_INFO="/other"), **kwargs)

    app.url_map.bind_to_environ = to_other  # type: ignore[method-assign]
    assert client.get("/").data == b"other"
    del app.url_map.bind_to_environ

    seen: list[bool] = []
    original_create = app.create_url_adapter

    def recording(request: Any) -> Any:
        seen.append(request is not None)
        return original_create(request)

    app.create_url_adapter = recording  # type: ignore[method-assign]
    assert client.get("/").data == b"index"
    assert True in seen
