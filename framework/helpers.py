"""Functions views call: URL building, redirects, aborts, responses, flashing,
streaming and file sending."""

from __future__ import annotations

import importlib.util
import os
import sys
import typing as t
from datetime import datetime
from functools import update_wrapper

import werkzeug.utils
from werkzeug.exceptions import abort as _werkzeug_abort
from werkzeug.utils import redirect as _werkzeug_redirect

from . import signals
from .ctx import require_request_context
from .globals import _cv_app, current_app, request, request_ctx, session

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from .wrappers import Response

# Values that switch an environment flag off; any other non-empty value switches it on.
_OFF_VALUES = frozenset({"0", "false", "no"})


def _environment_flag(name: str) -> bool | None:
    """Return whether the environment variable ``name`` is switched on, or None when it
    is unset or empty."""
    value = os.environ.get(name)
    if not value:
        return None
    return value.lower() not in _OFF_VALUES


def get_debug_flag() -> bool:
    """Return whether the ``FLASK_DEBUG`` environment variable asks for debug mode."""
    return _environment_flag("FLASK_DEBUG") is True


def get_load_dotenv(default: bool = True) -> bool:
    """Return whether ``.env``/``.flaskenv`` should be loaded: ``default`` unless
    ``FLASK_SKIP_DOTENV`` is set to a true value."""
    skip = _environment_flag("FLASK_SKIP_DOTENV")
    return default if skip is None else not skip


def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]],
) -> t.Iterator[t.AnyStr]:
    """Make the current request context active again while a streamed response is
    produced.

    Wraps an iterator (returning a new iterator), or decorates a generator function.
    The request's own contexts are popped when the view returns, as usual; iterating
    the result pushes the same application and request contexts again (so ``g`` and
    the session carry over), and pops them, running the teardown functions a second
    time, when the iterator is exhausted or closed. Raises ``RuntimeError`` outside a
    request context.
    """
    try:
        inner = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:
        function = t.cast(t.Callable[..., t.Iterator[t.AnyStr]], generator_or_function)

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(function(*args, **kwargs))

        return update_wrapper(decorator, function)  # type: ignore[return-value]

    ctx = require_request_context("stream_with_context")

    app_ctx = _cv_app.get()

    def generator() -> t.Iterator[t.AnyStr]:
        # The view's own push is over (and torn down) by the time the server pulls the
        # body; iterating pushes the same contexts again until the end. The app context
        # goes first so the request context does not create a fresh one (and a fresh g).
        with app_ctx, ctx:
            try:
                yield from inner
            finally:
                close = getattr(inner, "close", None)
                if close is not None:
                    close()

    return generator()


def make_response(*args: t.Any) -> Response:
    """Turn view-style return values into a response object of the current app.

    No argument gives an empty response; one is converted like a view's return
    value; several are treated as a tuple ``(body, status, headers)``.
    """
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        return current_app.make_response(args[0])
    return current_app.make_response(args)


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL of ``endpoint`` with the current app; see ``Flask.url_for``."""
    return current_app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """Return a response redirecting to ``location`` with status ``code``, built by
    the current app's ``redirect`` when an app context is active."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.redirect(location, code=code)
    return _werkzeug_redirect(location, code=code, Response=Response)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the ``HTTPException`` for ``code`` (or wrapping a response), through the
    current app's ``aborter`` when an app context is active."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.app.aborter(code, *args, **kwargs)
    _werkzeug_abort(code, *args, **kwargs)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return a macro or variable ``attribute`` exported by the template ``template_name``."""
    return getattr(current_app.jinja_env.get_template(template_name).module, attribute)


def flash(message: str, category: str = "message") -> None:
    """Store ``message`` in the session for the next request, under ``category``,
    and send the ``message_flashed`` signal."""
    # Stored as a new list so the session sees an assignment and is saved.
    session["_flashes"] = [*session.get("_flashes", ()), (category, message)]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    signals.message_flashed.send(
        app, _async_wrapper=app.ensure_sync, message=message, category=category
    )


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Return the flashed messages, removing them from the session.

    Within one request the same list is returned on every call. With
    ``with_categories`` the items are ``(category, message)`` pairs;
    ``category_filter`` keeps only the named categories.
    """
    ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
    if ctx.flashes is None:
        # The first call of the request takes the messages out of the session; later
        # calls see the same list.
        ctx.flashes = session.pop("_flashes") if "_flashes" in session else []
    wanted = set(category_filter)
    selected = [item for item in ctx.flashes if not wanted or item[0] in wanted]
    if with_categories:
        return selected
    return [message for _category, message in selected]


def _send_file_arguments(**kwargs: t.Any) -> dict[str, t.Any]:
    """Return werkzeug's ``send_file`` arguments: ``kwargs`` plus what the current
    request and app supply (environ, X-Sendfile, response class, root path, and the
    app's ``get_send_file_max_age`` when no ``max_age`` was given)."""
    environ = request.environ  # outside a request this says so first, as Flask does
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    max_age = kwargs.get("max_age")
    return {
        **kwargs,
        "max_age": app.get_send_file_max_age if max_age is None else max_age,
        "environ": environ,
        "use_x_sendfile": app.config["USE_X_SENDFILE"],
        "response_class": app.response_class,
        "_root_path": app.root_path,
    }


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.BinaryIO,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: int | t.Callable[[str | None], int | None] | None = None,
) -> Response:
    """Send a file (a path relative to the app's root path, or a binary file object)
    as the response; see ``werkzeug.utils.send_file`` for the arguments."""
    return werkzeug.utils.send_file(  # type: ignore[return-value]
        **_send_file_arguments(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    **kwargs: t.Any,
) -> Response:
    """Send the file ``path`` from inside ``directory``; a path that escapes the
    directory or does not exist gives a 404."""
    return werkzeug.utils.send_from_directory(  # type: ignore[return-value]
        directory, path, **_send_file_arguments(**kwargs)
    )


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package ``import_name``, or the current
    working directory when it cannot be found (an interactive session, say)."""
    module = sys.modules.get(import_name)
    module_file = getattr(module, "__file__", None)
    if module_file is not None:
        return os.path.dirname(os.path.abspath(module_file))

    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.loader is None:
        return os.getcwd()

    origin = spec.origin
    if origin is None or origin in {"built-in", "frozen"}:
        raise RuntimeError(
            "No root path can be found for the provided module"
            f" {import_name!r}. This can happen because the module"
            " came from an import hook that does not provide file"
            " name information or because it's a namespace package."
            " In this case the root path needs to be explicitly"
            " provided."
        )
    return os.path.dirname(os.path.abspath(origin))
