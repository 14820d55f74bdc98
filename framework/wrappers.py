"""The request and response classes the app uses by default."""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

from . import json
from .globals import _cv_app

if t.TYPE_CHECKING:
    from werkzeug.routing import Rule


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

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    def _config_limit(self, key: str, fallback: int | None) -> int | None:
        ctx = _cv_app.get(None)
        return ctx.app.config[key] if ctx is not None else fallback

    @property
    def max_content_length(self) -> int | None:
        """The largest body the request may send, in bytes: the value set on this
        request, else ``MAX_CONTENT_LENGTH`` of the current app, else no limit."""
        if self._max_content_length is not None:
            return self._max_content_length
        return self._config_limit("MAX_CONTENT_LENGTH", _WerkzeugRequest.max_content_length)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file multipart field, in bytes: the value set on this
        request, else ``MAX_FORM_MEMORY_SIZE`` of the current app, else 500 kB."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        return self._config_limit("MAX_FORM_MEMORY_SIZE", _WerkzeugRequest.max_form_memory_size)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """The largest number of multipart parts: the value set on this request, else
        ``MAX_FORM_PARTS`` of the current app, else 1000."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        return self._config_limit("MAX_FORM_PARTS", _WerkzeugRequest.max_form_parts)

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

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
        ctx = _cv_app.get(None)
        if (
            ctx is not None
            and ctx.app.debug
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Raise the 400 (malformed body) or 415 (wrong content type) for a failed
        ``get_json``; in debug mode the message says what was wrong."""
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as error:
            ctx = _cv_app.get(None)
            if ctx is not None and ctx.app.debug:
                raise
            raise BadRequest() from error


def blueprint_lineage(name: str) -> list[str]:
    """Return ``["a.b.c", "a.b", "a"]`` for the dotted blueprint name ``"a.b.c"``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


class Response(_WerkzeugResponse):
    """werkzeug's response object with an HTML default mimetype and the app's JSON
    provider for ``response.json``."""

    default_mimetype: str | None = "text/html"
    json_module: t.Any = json
    autocorrect_location_header = False

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """The largest cookie a ``set_cookie`` call may write without a warning:
        ``MAX_COOKIE_SIZE`` of the current app, else werkzeug's default."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.config["MAX_COOKIE_SIZE"]
        return super().max_cookie_size
