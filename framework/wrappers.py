"""The request and response classes the app uses by default."""

from __future__ import annotations

import typing as t
from http import HTTPStatus
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" error handler)
from werkzeug.datastructures import EnvironHeaders, Headers, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

from . import gate, json
from .caches import BoundedCache
from .debughelpers import attach_enctype_error_multidict
from .globals import _cv_app
from .overrides import DefaultsByClass, keeps_default

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from werkzeug.routing import Rule


class _AppConfigLimit:
    """A request size limit: the value assigned on the request itself, else the current
    app's config key, else werkzeug's class default (outside an application context)."""

    def __init__(self, config_key: str, doc: str) -> None:
        self.config_key = config_key
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @t.overload
    def __get__(self, request: None, owner: type) -> _AppConfigLimit: ...
    @t.overload
    def __get__(self, request: object, owner: type) -> int | None: ...
    def __get__(self, request: object, owner: type) -> t.Any:
        if request is None:
            return self
        assigned = request.__dict__.get(self.name)
        if assigned is not None:
            return assigned
        ctx = _cv_app.get(None)
        if ctx is None:
            return getattr(_WerkzeugRequest, self.name)
        return ctx.app.config[self.config_key]

    def __set__(self, request: object, value: int | None) -> None:
        request.__dict__[self.name] = value


class Request(_WerkzeugRequest):
    """werkzeug's request object, plus what the app learns while dispatching it.

    ``url_rule``, ``view_args`` and ``routing_exception`` are filled in by URL
    matching; the body limits default to the current app's configuration.
    """

    json_module: t.Any = json

    #: The rule that matched the request, or None before matching or when nothing matched.
    url_rule: Rule | None = None
    #: The keyword arguments the matched rule extracted from the URL.
    view_args: dict[str, t.Any] | None = None
    #: The exception URL matching raised (404, 405, a redirect), re-raised at dispatch.
    routing_exception: HTTPException | None = None

    max_content_length = _AppConfigLimit(
        "MAX_CONTENT_LENGTH",
        "The largest body the request may send, in bytes: the value set on this"
        " request, else ``MAX_CONTENT_LENGTH`` of the current app, else no limit.",
    )
    max_form_memory_size = _AppConfigLimit(
        "MAX_FORM_MEMORY_SIZE",
        "The largest non-file multipart field, in bytes: the value set on this"
        " request, else ``MAX_FORM_MEMORY_SIZE`` of the current app, else 500 kB.",
    )
    max_form_parts = _AppConfigLimit(  # type: ignore[assignment]
        "MAX_FORM_PARTS",
        "The largest number of multipart parts: the value set on this request, else"
        " ``MAX_FORM_PARTS`` of the current app, else 1000.",
    )

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The cookies the request sent, parsed from its ``Cookie`` header.

        Reads the header straight from the WSGI environ (where the server put it, as
        ``HTTP_COOKIE``) rather than scanning every header for it; a request whose
        ``headers`` were replaced by something else reads those, as werkzeug does.
        """
        headers = self.headers
        if type(headers) is EnvironHeaders and headers.environ is self.environ:
            combined = self.environ.get("HTTP_COOKIE", "")
        else:
            combined = ";".join(headers.getlist("Cookie"))
        return parse_cookie(combined, cls=self.dict_storage_class)  # type: ignore[return-value]

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The parsed query string (werkzeug's ``Request.args``).

        Bytes that are not UTF-8 stay percent-encoded, whether the client
        percent-encoded them or (against the URL rules) sent them raw: a raw ``0xFF``
        reads as ``%FF``, just like a sent ``%FF``. werkzeug, and so Flask, fail with
        a 500 on the raw form; the framework does not answer a malformed request with
        a 500.
        """
        return self.parameter_storage_class(
            parse_qsl(_query_text(self.query_string), keep_blank_values=True, errors=_KEEP_QUOTED)
        )

    @cached_property
    def full_path(self) -> str:
        """The path and the query string, with bytes that are not UTF-8 percent-encoded
        (see :attr:`args`)."""
        return f"{self.path}?{_query_text(self.query_string)}"

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule, or None."""
        rule = self.url_rule
        return rule.endpoint if rule is not None else None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint the matched endpoint belongs to, or None."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The names of the current blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        return blueprint_lineage(name)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        # A form posted without multipart encoding has no files; in debug mode, looking
        # one up then explains the missing enctype instead of raising a bare KeyError.
        files_were_possible = self.mimetype == "multipart/form-data" or bool(self.files)
        if not files_were_possible and _current_app_debug():
            attach_enctype_error_multidict(self)

    def close(self) -> None:
        """Close the uploaded files the request parsed, if it parsed any."""
        if not gate.OPEN or "files" in self.__dict__:  # skips werkzeug's walk over no files
            super().close()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> t.Any:
        """Parse the body as JSON (see werkzeug's ``Request.get_json``).

        A body nested more deeply than the parser can follow is a malformed body like
        any other: 400 (or None when ``silent``). Flask lets that ``RecursionError``
        become a 500; the framework does not answer a malformed request with a 500.
        """
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            return self.on_json_loading_failed(ValueError("the JSON body is nested too deeply"))

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Raise the 400 (malformed body) or 415 (wrong content type) for a failed
        ``get_json``; only in debug mode does the message say what was wrong."""
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as detailed:
            if not _current_app_debug():
                # The client gets the generic 400 page; the parser's message stays in
                # the chained exception, for the logs.
                raise BadRequest() from detailed
            raise


# werkzeug's codec error handler (registered by ``werkzeug.urls``) that writes bytes
# which cannot be decoded as their percent-encoded form.
_KEEP_QUOTED = "werkzeug.url_quote"


def _query_text(query_string: bytes) -> str:
    """Decode a raw query string as UTF-8, keeping undecodable bytes percent-encoded;
    for valid UTF-8 this is a plain ``decode()``."""
    return query_string.decode("utf-8", _KEEP_QUOTED)


def _current_app_debug() -> bool:
    """Return whether an application context is active and its app is in debug mode."""
    ctx = _cv_app.get(None)
    return ctx is not None and bool(ctx.app.debug)


def blueprint_lineage(name: str) -> list[str]:
    """Return ``["a.b.c", "a.b", "a"]`` for the dotted blueprint name ``"a.b.c"``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


class Response(_WerkzeugResponse):
    """werkzeug's response object with an HTML default mimetype and the app's JSON
    provider for ``response.json``.

    Two shortcuts keep the common case cheap without changing any result: a response
    built from a plain string (and at most a mimetype) is assembled directly, and a
    buffered response with a known length is handed to the server without werkzeug's
    header rewriting, which would change nothing for it. Subclasses that override the
    methods involved get werkzeug's full path.
    """

    default_mimetype: str | None = "text/html"
    json_module: t.Any = json
    autocorrect_location_header = False

    def __init__(
        self,
        response: t.Any = None,
        status: int | str | HTTPStatus | None = None,
        headers: t.Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        if (
            type(response) is str
            and status is None
            and headers is None
            and content_type is None
            and not direct_passthrough
        ):
            plan = _text_plan(type(self), mimetype)
            if plan is not None:
                body = response.encode()
                self.headers = header_list = Headers()
                header_list._list = [*plan.headers, ("Content-Length", str(len(body)))]
                self._status = plan.status
                self._status_code = plan.status_code
                self.direct_passthrough = False
                self._on_close = []
                self.response = [body]
                return
        super().__init__(response, status, headers, mimetype, content_type, direct_passthrough)

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """The largest cookie a ``set_cookie`` call may write without a warning:
        ``MAX_COOKIE_SIZE`` of the current app, else werkzeug's default."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.config["MAX_COOKIE_SIZE"]
        return super().max_cookie_size

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Start the WSGI response and return its body iterable."""
        body = self.response
        if (
            type(body) is list
            and _SHORTCUTS
            and not self._on_close
            and _PLAIN_CALL_CLASSES[type(self)]
            and self._status_code >= 200
            and self._status_code not in (204, 304)
            and all(type(chunk) is bytes for chunk in body)
        ):
            has_length = False
            for key, _value in self.headers:
                lowered = key.lower()
                if lowered == "content-length":
                    has_length = True
                elif lowered == "location" or lowered == "content-location":
                    break
            else:
                if has_length:
                    start_response(self._status, self.headers.to_wsgi_list())
                    return [] if environ["REQUEST_METHOD"] == "HEAD" else body
        return super().__call__(environ, start_response)


class _TextPlan(t.NamedTuple):
    headers: list[tuple[str, str]]
    status: str
    status_code: int


# Plans by response class and mimetype: mimetypes usually come from code, but a view
# may take one from the request, so the cache is bounded like any request-derived one.
_text_plans: BoundedCache[tuple[t.Any, ...], _TextPlan | None] = BoundedCache(
    max_entries=256, max_bytes=256 * 1024, max_key_length=128
)
# Estimated bytes of one plan besides the mimetype: key, plan, header tuples (about 900
# on CPython 3.11); the mimetype counts twice (key and Content-Type header).
_TEXT_PLAN_COST = 1200

# The werkzeug methods the shortcuts stand in for: a subclass overriding any of
# them gets the full path.
_INIT_METHODS = ("set_data", "_clean_status")
_CALL_METHODS = ("get_wsgi_headers", "get_app_iter", "get_wsgi_response", "iter_encoded", "close")


def _overrides(cls: type, names: tuple[str, ...]) -> bool:
    return not keeps_default(cls, _WerkzeugResponse, *names)


def _text_plan(cls: type[Response], mimetype: str | None) -> _TextPlan | None:
    """Return what ``cls(some_str, mimetype=mimetype)`` sets besides the body, learnt
    once from a real construction through werkzeug, or None when the class cannot take
    the shortcut."""
    # The class attributes the construction reads are part of the key: they may be
    # changed at run time.
    key = (
        cls,
        mimetype,
        cls.default_mimetype,
        cls.default_status,
        cls.automatically_set_content_length,
    )
    try:
        return _text_plans[key]
    except KeyError:
        pass
    plan = None
    if _SHORTCUTS and not _overrides(cls, _INIT_METHODS) and cls.automatically_set_content_length:
        probe = cls.__new__(cls)
        _WerkzeugResponse.__init__(probe, "x", mimetype=mimetype)
        header_items = list(probe.headers)
        expected_attributes = {
            "headers",
            "_status",
            "_status_code",
            "direct_passthrough",
            "_on_close",
            "response",
        }
        if set(vars(probe)) == expected_attributes and header_items[-1:] == [
            ("Content-Length", "1")
        ]:
            plan = _TextPlan(header_items[:-1], probe._status, probe._status_code)
    mimetype_length = len(mimetype or "")
    return _text_plans.remember(
        key, plan, key_length=mimetype_length, cost=_TEXT_PLAN_COST + 2 * mimetype_length
    )


class _PlainCallRegistry(dict[type, bool]):
    """Response class -> whether its ``__call__`` may take the shortcut."""

    def __missing__(self, cls: type) -> bool:
        value = self[cls] = not _overrides(cls, _CALL_METHODS)
        return value


_PLAIN_CALL_CLASSES = _PlainCallRegistry()
# Whether the shortcuts may use werkzeug's private response and header names.
_SHORTCUTS = gate.OPEN


# Error pages of HTTP exceptions that build them the standard way, with their class's
# description, depend only on the class and code: each is built once through werkzeug
# and then copied.
# The descriptions are class attributes (code, not requests); the pages stay bounded in
# bytes all the same. An entry costs its body and description plus about 2 KB of
# response object, headers and key.
_error_pages: BoundedCache[tuple[t.Any, ...], Response] = BoundedCache(
    max_entries=256, max_bytes=512 * 1024, max_key_length=16 * 1024
)
_ERROR_PAGE_COST = 2048


# The methods that build an HTTP exception's error page.
_STANDARD_ERROR_PAGES = DefaultsByClass(
    HTTPException, "get_response", "get_body", "get_headers", "get_description"
)
_is_standard_error_page = _STANDARD_ERROR_PAGES.kept_by_class


def error_page_response(
    response_class: type[Response], error: HTTPException, environ: WSGIEnvironment
) -> Response:
    """Return ``error``'s error page (``error.get_response(environ)``) as an instance of
    ``response_class``, copying a cached page when the exception builds it the
    standard way. The caller makes sure ``error`` is not a WSGI app of its own (an
    overridden ``__call__``)."""
    # Only pages with the class's own, fixed description are cached: a description
    # given per instance (abort(400, description=...)) may carry client input of any
    # size, and one computed by a property (BadRequestKeyError's) varies per instance.
    if not (
        _SHORTCUTS
        and "description" not in error.__dict__
        and type(type(error).description) is str
        and _is_standard_error_page(type(error))
        and response_class is Response
    ):
        return response_class.force_type(error.get_response(environ))  # type: ignore[return-value]
    # The class description is part of the key: it may be changed at run time.
    key = (type(error), error.code, type(error).description, response_class)
    page = _error_pages.get(key)
    if page is None:
        built: Response = response_class.force_type(error.get_response(environ))  # type: ignore[assignment]
        description_length = len(type(error).description)  # type: ignore[arg-type]
        body_length = len(built.get_data())
        page = _error_pages.remember(
            key,
            built,
            key_length=description_length,
            cost=_ERROR_PAGE_COST + description_length + body_length,
        )
    copy = response_class.__new__(response_class)
    copy.__dict__.update(page.__dict__)
    copy.headers = headers = Headers()
    headers._list = list(page.headers._list)
    copy._on_close = []
    copy.response = list(page.response)  # type: ignore[assignment]
    return copy
