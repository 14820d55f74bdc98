"""framework.routing.bind_request must build exactly the adapter werkzeug's
Map.bind_to_environ builds, for any environ, including on cache hits."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import Map, MapAdapter, Rule

from framework.routing import _CACHE_LIMIT, bind_request

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
