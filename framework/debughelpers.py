"""Errors that explain common mistakes, raised only in debug mode."""

from __future__ import annotations

import typing as t

import click
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.serving import is_running_from_reloader

if t.TYPE_CHECKING:
    from .wrappers import Request


class DebugFilesKeyError(KeyError, AssertionError):
    """Raised in debug mode when ``request.files`` is read but the request was not
    sent as ``multipart/form-data``, saying how to fix the form."""

    def __init__(self, request: Request, key: str) -> None:
        form_matches = request.form.getlist(key)
        message = (
            f"You tried to access the file {key!r} in the request.files"
            " dictionary but it does not exist. The mimetype for the"
            f" request is {request.mimetype!r} instead of"
            " 'multipart/form-data' which means that no file contents"
            " were transmitted. To fix this error you should provide"
            ' enctype="multipart/form-data" in your form.'
        )
        if form_matches:
            names = ", ".join(repr(x) for x in form_matches)
            message += (
                f"\n\nThe browser instead transmitted some file names. This was submitted: {names}"
            )
        self.msg = message

    def __str__(self) -> str:
        return self.msg


class FilesExplainingEnctype(ImmutableMultiDict[str, t.Any]):
    """``request.files`` in debug mode for a request that was not sent as
    ``multipart/form-data``: looking up a file that arrived as a plain form field
    raises :class:`DebugFilesKeyError`, which says how to fix the form."""

    def __init__(self, request: Request) -> None:
        super().__init__(request.files)
        self.request = request

    def __getitem__(self, key: str) -> t.Any:
        try:
            return super().__getitem__(key)
        except KeyError as missing:
            if key not in self.request.form:
                raise
            error = DebugFilesKeyError(self.request, key)
            raise error.with_traceback(missing.__traceback__) from None


def attach_enctype_error_multidict(request: Request) -> None:
    """Replace the request's (empty) ``files`` with :class:`FilesExplainingEnctype`."""
    request.__dict__["files"] = FilesExplainingEnctype(request)


class FormDataRoutingRedirect(AssertionError):
    """Raised in debug mode when a routing redirect would make the browser drop the
    body of a form submission (a redirect other than 307/308 for a non-GET request)."""

    def __init__(self, request: Request) -> None:
        exc = request.routing_exception
        buf = [
            f"A request was sent to '{request.url}', but routing issued"
            f" a redirect to the canonical URL '{exc.new_url}'."  # type: ignore[union-attr]
        ]
        if f"{request.base_url}/" == exc.new_url.partition("?")[0]:  # type: ignore[union-attr]
            buf.append(
                " The URL was defined with a trailing slash. Flask"
                " will redirect to the URL with a trailing slash if it"
                " was accessed without one."
            )
        buf.append(
            " Send requests to the canonical URL, or use 307 or 308 for"
            " routing redirects. Otherwise, browsers will drop form"
            " data.\n\nThis exception is only raised in debug mode."
        )
        super().__init__("".join(buf))


def explain_ignored_app_run() -> None:
    """Say that ``app.run()`` is ignored when the app is served by the ``run`` command."""
    if not is_running_from_reloader():
        click.secho(
            " * Ignoring a call to app.run() that would block the current"
            " command.\n   Only call app.run() in an"
            " 'if __name__ == \"__main__\"' guard.",
            fg="red",
        )
