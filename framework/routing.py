"""URL routing: werkzeug's ``Map`` and ``Rule``, with per-request binding made cheap.

Binding a map to a request (werkzeug's ``Map.bind_to_environ``) normalises the
host on every request: lower-casing, port stripping, subdomain computation and an
IDNA encoding. Those results depend only on a few environ values, so
:func:`bind_request` computes them once per distinct host and reuses them; the
adapter it returns is the one ``bind_to_environ`` would have built.
"""

from __future__ import annotations

import typing as t
import warnings

from werkzeug.exceptions import BadHost
from werkzeug.routing import Map, MapAdapter, Rule
from werkzeug.wsgi import get_host

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["Map", "MapAdapter", "Rule", "bind_request"]

# How many distinct hosts the binding cache remembers before it starts over; the
# Host header is client-controlled, so the cache must stay bounded.
_CACHE_LIMIT = 256

# Where the cache lives on a map: maps are plain objects, and keeping it there ties
# its lifetime to the map's.
_CACHE_ATTRIBUTE = "_framework_bind_cache"

_HostResult = tuple[str, str | None, str, str | None]


def _decode(value: str | None) -> str | None:
    """werkzeug's WSGI string decoding (latin-1 bytes as UTF-8), skipped for ASCII."""
    if value is None or value.isascii():
        return value
    return value.encode("latin1").decode(errors="replace")


def _normalise_host(
    url_map: Map, environ: WSGIEnvironment, server_name: str | None, subdomain: str | None
) -> _HostResult:
    """Do the host half of ``bind_to_environ`` + ``bind``: return the server name the
    adapter gets, its subdomain, the URL scheme, and the mismatch warning (or None)."""
    wsgi_server_name = get_host(environ).lower()
    scheme = environ["wsgi.url_scheme"]
    upgrade = any(
        v.strip(" \t") == "upgrade" for v in environ.get("HTTP_CONNECTION", "").lower().split(",")
    )
    if upgrade and environ.get("HTTP_UPGRADE", "").lower() == "websocket":
        scheme = "wss" if scheme == "https" else "ws"

    if server_name is None:
        server_name = wsgi_server_name
    else:
        server_name = server_name.lower()
        if scheme in {"http", "ws"} and server_name.endswith(":80"):
            server_name = server_name[:-3]
        elif scheme in {"https", "wss"} and server_name.endswith(":443"):
            server_name = server_name[:-4]

    warning = None
    if subdomain is None and not url_map.host_matching:
        current = wsgi_server_name.split(".")
        configured = server_name.split(".")
        offset = -len(configured)
        if current[offset:] != configured:
            warning = (
                f"Current server name {wsgi_server_name!r} doesn't match configured"
                f" server name {server_name!r}"
            )
            subdomain = "<invalid>"
        else:
            subdomain = ".".join(filter(None, current[:offset]))

    if url_map.host_matching:
        if subdomain is not None:
            raise RuntimeError("host matching enabled and a subdomain was provided")
    elif subdomain is None:
        subdomain = url_map.default_subdomain

    host, port_sep, port = server_name.partition(":")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise BadHost() from e
    return f"{host}{port_sep}{port}", subdomain, scheme, warning


def bind_request(
    url_map: Map,
    environ: WSGIEnvironment,
    server_name: str | None = None,
    subdomain: str | None = None,
) -> MapAdapter:
    """Return ``url_map.bind_to_environ(environ, server_name, subdomain)``, computing the
    host part once per distinct host. A map class that overrides ``bind_to_environ``
    or ``bind`` is bound through its own methods."""
    map_class = type(url_map)
    if map_class.bind_to_environ is not Map.bind_to_environ or map_class.bind is not Map.bind:
        return url_map.bind_to_environ(environ, server_name=server_name, subdomain=subdomain)

    # Everything the host half reads: see _normalise_host.
    key = (
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ["wsgi.url_scheme"],
        server_name,
        subdomain,
        url_map.host_matching,
        url_map.default_subdomain,
        (environ.get("HTTP_CONNECTION"), environ["HTTP_UPGRADE"])
        if "HTTP_UPGRADE" in environ
        else None,
    )
    cache: dict[t.Any, _HostResult] | None = url_map.__dict__.get(_CACHE_ATTRIBUTE)
    if cache is None or len(cache) >= _CACHE_LIMIT:
        cache = {}
        setattr(url_map, _CACHE_ATTRIBUTE, cache)
    result = cache.get(key)
    if result is None:
        result = cache[key] = _normalise_host(url_map, environ, server_name, subdomain)
    bound_name, bound_subdomain, scheme, warning = result
    if warning is not None:
        warnings.warn(warning, stacklevel=3)

    script_name = _decode(environ.get("SCRIPT_NAME")) or "/"
    path_info = _decode(environ.get("PATH_INFO"))
    return MapAdapter(
        url_map,
        bound_name,
        script_name,
        bound_subdomain,
        scheme,
        "/" if path_info is None else path_info,
        environ["REQUEST_METHOD"],
        _decode(environ.get("QUERY_STRING")),
    )
