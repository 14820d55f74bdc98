"""URL routing: werkzeug's ``Map`` and ``Rule``, with per-request binding made cheap.

Binding a map to a request (werkzeug's ``Map.bind_to_environ``) normalises the
host on every request: lower-casing, port stripping, subdomain computation and an
IDNA encoding. Those results depend only on a few environ values, so
:class:`RequestBinding` computes them once per distinct host and reuses them, builds
the ``MapAdapter`` only when something asks for it, and answers repeated requests
for the same URL from a memo (for rules whose variables use werkzeug's built-in
converters). Every answer is the one werkzeug gives.
"""

from __future__ import annotations

import typing as t
import warnings

from werkzeug.exceptions import BadHost, MethodNotAllowed, NotFound
from werkzeug.routing import Map as _WerkzeugMap
from werkzeug.routing import MapAdapter, Rule, RuleFactory
from werkzeug.routing.converters import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)
from werkzeug.routing.exceptions import (
    NoMatch,
    RequestAliasRedirect,
    RequestPath,
    WebsocketMismatch,
)
from werkzeug.routing.matcher import StateMachineMatcher
from werkzeug.wsgi import get_host

from . import gate
from .caches import BoundedCache
from .matcher import CompiledMatcher
from .overrides import DefaultsByClass

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = [
    "AdapterBinding",
    "Binding",
    "Map",
    "MapAdapter",
    "RequestBinding",
    "Rule",
    "bind",
]

# The binding cache, per distinct host: the Host header is client-controlled, so the
# cache keeps at most this many hosts and bytes, and no host part longer than a DNS
# name may be (253 characters, plus port and the other environ values).
_CACHE_LIMIT = 256
_CACHE_BYTES = 128 * 1024
_CACHE_KEY_LENGTH = 320
# Estimated bytes of one entry besides its text: the key and result tuples, the
# strings' headers and the dict slot (measured on CPython 3.11: about 600).
_CACHE_ENTRY_COST = 800


class Map(_WerkzeugMap):
    """werkzeug's ``Map``, matching with :class:`~framework.matcher.CompiledMatcher`
    and counting the rules added to it so that the caches built on it (see
    :class:`RequestBinding`) know when it changed. Takes ``Map``'s arguments."""

    #: Incremented by every :meth:`add`.
    version = 0

    def __init__(
        self,
        rules: t.Iterable[RuleFactory] | None = None,
        default_subdomain: str = "",
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        converters: t.Mapping[str, type[BaseConverter]] | None = None,
        sort_parameters: bool = False,
        sort_key: t.Callable[[t.Any], t.Any] | None = None,
        host_matching: bool = False,
    ) -> None:
        super().__init__(
            None,
            default_subdomain=default_subdomain,
            strict_slashes=strict_slashes,
            merge_slashes=merge_slashes,
            redirect_defaults=redirect_defaults,
            converters=converters,
            sort_parameters=sort_parameters,
            sort_key=sort_key,
            host_matching=host_matching,
        )
        if gate.OPEN:  # otherwise werkzeug's own matcher stays
            self._matcher = CompiledMatcher(merge_slashes)
        for rulefactory in rules or ():
            self.add(rulefactory)

    def add(self, rulefactory: RuleFactory) -> None:
        """Add a rule (or a rule factory's rules) to the map."""
        super().add(rulefactory)
        self.version += 1


# Where the caches live on a map: maps are plain objects, and keeping them there ties
# their lifetime to the map's.
_CACHE_ATTRIBUTE = "_framework_bind_cache"
_MEMO_ATTRIBUTE = "_framework_match_memo"
# The match memo: at most this many answers and bytes, for URLs (domain and path) of
# at most this many characters; longer URLs are matched anew every time.
_MEMO_LIMIT = 1024
_MEMO_BYTES = 512 * 1024
_MEMO_KEY_LENGTH = 256
# Estimated bytes of one answer besides its text: the key and answer tuples, the view
# arguments' dict and the dict slot (measured on CPython 3.11: about 500). The text
# counts twice: once in the key, once in the view arguments taken from it.
_MEMO_ENTRY_COST = 640

_HostResult = tuple[str, str | None, str, str | None]
# (map version, {(domain, path, method, websocket): (rule, view arguments)})
_Memo = tuple[
    tuple[int, bool, bool, bool],
    BoundedCache[tuple[str, str, str, bool], tuple[Rule, dict[str, t.Any]]],
]


def _text_length(key: tuple[t.Any, ...]) -> int:
    """The number of characters of text in ``key`` (nested tuples included)."""
    return sum(
        len(part) if isinstance(part, str) else _text_length(part)
        for part in key
        if isinstance(part, (str, tuple))
    )


# Converters whose values depend only on the URL text and are immutable (str, int,
# float, UUID), so one match's values may be handed to later requests. Subclasses are
# left out: they may convert differently.
_PURE_CONVERTERS = frozenset(
    (AnyConverter, FloatConverter, IntegerConverter, PathConverter, UnicodeConverter, UUIDConverter)
)


def _values_are_shareable(rule: Rule) -> bool:
    """Return whether every variable of ``rule`` uses a pure built-in converter."""
    return all(type(converter) in _PURE_CONVERTERS for converter in rule._converters.values())


def _decode(value: str | None) -> str | None:
    """werkzeug's WSGI string decoding (latin-1 bytes as UTF-8), skipped for ASCII."""
    if value is None or value.isascii():
        return value
    return value.encode("latin1").decode(errors="replace")


def _normalise_host(
    url_map: _WerkzeugMap,
    environ: WSGIEnvironment,
    server_name: str | None,
    subdomain: str | None,
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


class Binding(t.Protocol):
    """A request's binding to a URL map, whatever the strategy behind it: what the
    request context matches the request with and builds URLs through."""

    @property
    def adapter(self) -> MapAdapter:
        """The werkzeug ``MapAdapter`` bound to the request."""
        ...

    def match(self) -> tuple[Rule, dict[str, t.Any]]:
        """Return the matched rule and its view arguments; raise werkzeug's routing
        exceptions (``NotFound``, ``MethodNotAllowed``, ``RequestRedirect``...)."""
        ...


class AdapterBinding:
    """werkzeug's own strategy: a ``MapAdapter`` built up front (by the map's
    ``bind_to_environ``, or by an app's own ``create_url_adapter``)."""

    __slots__ = ("adapter",)

    def __init__(self, adapter: MapAdapter) -> None:
        self.adapter = adapter

    def match(self) -> tuple[Rule, dict[str, t.Any]]:
        """Return ``adapter.match(return_rule=True)``."""
        return t.cast("tuple[Rule, dict[str, t.Any]]", self.adapter.match(return_rule=True))


class RequestBinding:
    """The fast strategy: one request's binding to a URL map whose host part is
    resolved (and validated) on creation; the werkzeug ``MapAdapter`` is built only
    if something needs it.

    :meth:`match` answers repeated requests for the same URL from a memo of earlier
    answers (kept on the map, dropped when the map changes, and only for rules whose
    variables use werkzeug's built-in converters); everything else is matched anew.
    """

    __slots__ = ("_adapter", "environ", "scheme", "server_name", "subdomain", "url_map")

    def __init__(
        self,
        url_map: _WerkzeugMap,
        environ: WSGIEnvironment,
        server_name: str | None = None,
        subdomain: str | None = None,
    ) -> None:
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
        cache: BoundedCache[t.Any, _HostResult] | None = url_map.__dict__.get(_CACHE_ATTRIBUTE)
        if cache is None:
            cache = BoundedCache(
                max_entries=_CACHE_LIMIT, max_bytes=_CACHE_BYTES, max_key_length=_CACHE_KEY_LENGTH
            )
            setattr(url_map, _CACHE_ATTRIBUTE, cache)
        result = cache.get(key)
        if result is None:
            result = _normalise_host(url_map, environ, server_name, subdomain)
            key_length = _text_length(key)
            # The result repeats the host (server name, mismatch warning): 3x the text.
            cache.remember(
                key, result, key_length=key_length, cost=_CACHE_ENTRY_COST + 3 * key_length
            )
        self.server_name, self.subdomain, self.scheme, warning = result
        if warning is not None:
            warnings.warn(warning, stacklevel=3)
        self.url_map = url_map
        self.environ = environ
        self._adapter: MapAdapter | None = None

    @property
    def adapter(self) -> MapAdapter:
        """The ``MapAdapter`` werkzeug's ``bind_to_environ`` would build, built on first
        use."""
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = self._build_adapter()
        return adapter

    def _build_adapter(self) -> MapAdapter:
        environ = self.environ
        path_info = _decode(environ.get("PATH_INFO"))
        return MapAdapter(
            self.url_map,
            self.server_name,
            _decode(environ.get("SCRIPT_NAME")) or "/",
            self.subdomain,
            self.scheme,
            "/" if path_info is None else path_info,
            environ["REQUEST_METHOD"],
            _decode(environ.get("QUERY_STRING")),
        )

    def match(self) -> tuple[Rule, dict[str, t.Any]]:
        """Return the matched rule and its view arguments, as ``adapter.match`` would;
        raise its routing exceptions the same way."""
        url_map = self.url_map
        environ = self.environ
        path_info = _decode(environ.get("PATH_INFO"))
        if path_info is None:
            path_info = "/"
        method = environ["REQUEST_METHOD"].upper()
        websocket = self.scheme in {"ws", "wss"}
        domain = self.server_name
        if not url_map.host_matching and self.subdomain is not None:
            domain = self.subdomain
        key = (domain, f"/{path_info.lstrip('/')}" if path_info else "", method, websocket)

        version = (
            url_map.version,  # type: ignore[attr-defined]
            url_map.merge_slashes,
            url_map.strict_slashes,
            url_map.redirect_defaults,
        )
        memo: _Memo | None = url_map.__dict__.get(_MEMO_ATTRIBUTE)
        if memo is None or memo[0] != version:
            memo = (
                version,
                BoundedCache(
                    max_entries=_MEMO_LIMIT, max_bytes=_MEMO_BYTES, max_key_length=_MEMO_KEY_LENGTH
                ),
            )
            setattr(url_map, _MEMO_ATTRIBUTE, memo)
        hit = memo[1].get(key)
        if hit is not None:
            return hit[0], dict(hit[1])

        found = self._match_directly(*key) if self._adapter is None else None
        if found is None:  # a redirect, or an adapter already exists: let it answer
            found = AdapterBinding.match(self)  # type: ignore[arg-type]
        rule, view_args = found
        if not rule.alias and rule.redirect_to is None and _values_are_shareable(rule):
            # The same key always yields the same answer (including "no redirect") until
            # the map changes: a rule without variables gives its defaults, and the
            # built-in converters turn the same text into equal immutable values.
            key_length = len(domain) + len(key[1])
            memo[1].remember(
                key,
                (rule, dict(view_args)),
                key_length=key_length,
                cost=_MEMO_ENTRY_COST + 2 * key_length,
            )
        return rule, view_args

    def _match_directly(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]] | None:
        """Ask the map's matcher as ``MapAdapter.match`` does, without building an
        adapter. Return the rule and its arguments, raise ``NotFound``,
        ``MethodNotAllowed`` or ``WebsocketMismatch`` as the adapter would, or return
        None when the answer is a redirect, which the adapter then builds."""
        url_map = self.url_map
        url_map.update()
        try:
            rule, view_args = url_map._matcher.match(domain, path, method, websocket)
        except NoMatch as e:
            if e.have_match_for:
                raise MethodNotAllowed(valid_methods=list(e.have_match_for)) from None
            if e.websocket_mismatch:
                raise WebsocketMismatch() from None
            raise NotFound() from None
        except (RequestPath, RequestAliasRedirect):
            return None
        if rule.redirect_to is not None:
            return None
        # An earlier rule of the same endpoint may provide defaults for this one, and
        # then werkzeug redirects to it: only the first rule of an endpoint is safe.
        if url_map.redirect_defaults and url_map._rules_by_endpoint[rule.endpoint][0] is not rule:
            return None
        return rule, view_args  # type: ignore[return-value]  # the matcher's dict


def bind(
    url_map: _WerkzeugMap,
    environ: WSGIEnvironment,
    server_name: str | None = None,
    subdomain: str | None = None,
) -> Binding:
    """Bind ``url_map`` to the request in ``environ``, as
    ``url_map.bind_to_environ(environ, server_name, subdomain)`` does: the one place
    choosing the strategy. While :data:`framework.gate.OPEN`, a :class:`Map` binding
    and matching the standard way gets a :class:`RequestBinding`; any other map (one
    whose ``bind_to_environ``, ``bind`` or ``add`` is overridden by its class or on
    the instance, or another matcher) is bound through its own methods."""
    if (
        gate.OPEN
        and isinstance(url_map, Map)
        and _PLAIN_MAPS.kept_by(url_map)
        and isinstance(url_map._matcher, StateMachineMatcher)
    ):
        return RequestBinding(url_map, environ, server_name, subdomain)
    return AdapterBinding(
        url_map.bind_to_environ(environ, server_name=server_name, subdomain=subdomain)
    )


# The map methods RequestBinding stands in for: binding, and counting the rules added
# (which keeps the match memo current).
_STOOD_IN_FOR = ("bind", "bind_to_environ", "add")
_PLAIN_MAPS = DefaultsByClass(Map, *_STOOD_IN_FOR)
