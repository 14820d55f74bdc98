"""The ``run`` command: werkzeug's development server, with its TLS options."""

from __future__ import annotations

import collections.abc as cabc
import importlib
import importlib.metadata
import importlib.util
import os
import ssl
import traceback
import typing as t

import click
from werkzeug import serving
from werkzeug.serving import is_running_from_reloader
from werkzeug.utils import import_string

from ..helpers import get_debug_flag
from .appgroup import pass_script_info
from .discovery import NoAppException, ScriptInfo
from .options import _make_debug_option

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


# -- the run command -----------------------------------------------------------------------


def show_server_banner(debug: bool, app_import_path: str | None) -> None:
    """Print which app the development server serves and whether debug mode is on.
    Nothing is printed in the reloader's child process: the parent already did."""
    if is_running_from_reloader():
        return
    banner = []
    if app_import_path is not None:
        banner.append(f" * Serving Flask app '{app_import_path}'")
    if debug is not None:
        banner.append(f" * Debug mode: {'on' if debug else 'off'}")
    for line in banner:
        click.echo(line)


def _special_certificate(
    name: str, ctx: click.Context | None, param: click.Parameter | None
) -> t.Any:
    """``"adhoc"``, or the ``ssl.SSLContext`` that ``name`` imports; None if
    ``name`` is neither."""
    if name == "adhoc":
        if importlib.util.find_spec("cryptography") is None:
            raise click.BadParameter(
                "Using ad-hoc certificates requires the cryptography library.", ctx, param
            )
        return name
    imported = import_string(name, silent=True)
    return imported if isinstance(imported, ssl.SSLContext) else None


class CertParamType(click.ParamType):
    """Type of the ``--cert`` option: an existing certificate file, ``adhoc`` (a
    throw-away certificate, needs the cryptography library), or the import path of
    an ``ssl.SSLContext``."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the resolved file path, ``"adhoc"`` or the ``SSLContext``; any
        other value is reported as a missing file."""
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            special = _special_certificate(click.STRING(value, param, ctx).lower(), ctx, param)
            if special is None:
                raise
            return special


# Why ``--key`` is refused, by what ``--cert`` is (see _certificate_kind).
_KEY_NOT_USED = {
    "missing": '"--cert" must also be specified.',
    "context": 'When "--cert" is an SSLContext object, "--key" is not used.',
    "adhoc": 'When "--cert" is "adhoc", "--key" is not used.',
}


def _certificate_kind(cert: t.Any) -> str:
    if cert is None:
        return "missing"
    if isinstance(cert, ssl.SSLContext):
        return "context"
    return "adhoc" if cert == "adhoc" else "file"


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """Check ``--key`` against the already converted ``--cert`` and, for a
    certificate file, replace ``cert`` by the ``(certificate, key)`` pair."""
    cert = ctx.params.get("cert")
    kind = _certificate_kind(cert)
    if value is None:
        if kind == "file":
            raise click.BadParameter('Required when using "--cert".', ctx, param)
        return value
    if kind in _KEY_NOT_USED:
        raise click.BadParameter(_KEY_NOT_USED[kind], ctx, param)
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(t.cast(str, cert), value)
    except (ssl.SSLError, OSError) as exc:
        raise click.BadParameter(
            f"Could not load the certificate {cert!r} with this key: {exc}", ctx, param
        ) from None
    ctx.params["cert"] = (cert, value)
    return value


class SeparatedPathType(click.Path):
    """Several paths in one value, separated by ``os.path.pathsep``; each is checked
    as by :class:`click.Path`."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Return the list of the converted paths."""
        convert_one = super().convert
        return [convert_one(item, param, ctx) for item in self.split_envvar_value(value)]


def _app_raising(error: Exception) -> WSGIApplication:
    """A WSGI app that raises ``error`` for every request."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> cabc.Iterable[bytes]:
        raise error from None

    return app


def _app_to_serve(info: ScriptInfo) -> WSGIApplication:
    """Load the app for the server. In the reloader's child process a load error is
    printed and served instead, so the reloader keeps watching for a fix."""
    try:
        return info.load_app()
    except Exception as exc:
        if not is_running_from_reloader():
            raise
        if isinstance(exc, NoAppException):
            click.secho(f"Error: {exc.format_message()}", err=True, fg="red")
        else:
            traceback.print_exc()
        return _app_raising(exc)


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, help="The port to bind to.")
@click.option(
    "--cert",
    type=CertParamType(),
    help="Specify a certificate file to use HTTPS.",
    is_eager=True,
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The key file to use when specifying a certificate.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Enable or disable the reloader. By default the reloader is active if debug is enabled.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Enable or disable the debugger. By default the debugger is active if debug is enabled.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    help="Enable or disable multithreading.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help="Extra files that trigger a reload on change. Multiple paths are"
    f" separated by {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="Files matching these fnmatch patterns will not trigger a reload on change."
    f" Multiple patterns are separated by {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: ssl.SSLContext | tuple[str, str | None] | t.Literal["adhoc"] | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run a local development server.

    This server is for development purposes only. It does not provide the
    stability, security, or performance of production WSGI servers.

    The reloader and debugger are enabled by default with the '--debug' option.
    """
    app = _app_to_serve(info)
    debug = get_debug_flag()
    show_server_banner(debug, info.app_import_path)

    serving.run_simple(
        host,
        port,
        app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


run_command.params.insert(0, _make_debug_option())
