"""Spec: the command line — application commands, the command group, discovery.

Application commands are exercised in-process through ``app.test_cli_runner()`` and
the implementation's ``cli.FlaskGroup``; application discovery and its error messages
through a subprocess running the implementation's own command
(``python -m <impl>``) in project folders written by the tests.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pytest
from click.testing import CliRunner

from conformance.implementation import environment_for


@pytest.fixture(autouse=True)
def restore_process_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The command group writes ``FLASK_*`` variables and may import from the
    current directory: restore the environment and ``sys.path`` after each test."""
    saved_environ = dict(os.environ)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("FLASK_APP", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI", "FLASK_SKIP_DOTENV"):
        os.environ.pop(name, None)
    yield
    os.environ.clear()
    os.environ.update(saved_environ)


@pytest.fixture
def cli_module(impl: ModuleType) -> ModuleType:
    """The implementation's ``cli`` submodule (``FlaskGroup``, ``AppGroup``...)."""
    return impl.submodule("cli")


def flask_group(cli_module: ModuleType, app: Any, **kwargs: Any) -> Any:
    """A ``FlaskGroup`` building ``app``, without env-file loading unless asked."""
    kwargs.setdefault("load_dotenv", False)
    return cli_module.FlaskGroup(create_app=lambda: app, **kwargs)


# -- application commands through the test runner ------------------------------------------


@pytest.mark.spec("cli.app-group.per-app")
def test_app_cli_is_an_app_group_named_after_the_app(app: Any, cli_module: ModuleType) -> None:
    """Every application has ``app.cli``, an ``AppGroup`` named after the application."""
    assert isinstance(app.cli, cli_module.AppGroup)
    assert isinstance(app.cli, click.Group)
    assert app.cli.name == app.name


@pytest.mark.spec("cli.app-command.register-and-invoke")
def test_app_command_runs_through_the_test_runner(app: Any, driver: Any) -> None:
    """``@app.cli.command()`` registers a command, named after the function, that
    ``app.test_cli_runner().invoke(args=[name])`` runs."""

    @app.cli.command()
    def greet() -> None:
        click.echo("hello")

    result = driver.cli_runner(app).invoke(args=["greet"])
    assert result.exit_code == 0
    assert result.output == "hello\n"


@pytest.mark.spec("cli.app-command.explicit-name")
def test_app_command_with_an_explicit_name(app: Any, runner: Any) -> None:
    """``@app.cli.command("name")`` registers the command under that name."""

    @app.cli.command("create-user")
    def create_user() -> None:
        click.echo("created")

    assert runner.invoke(args=["create-user"]).output == "created\n"
    assert "create-user" in app.cli.commands


@pytest.mark.spec("cli.app-command.click-parameters")
def test_app_command_takes_click_arguments_and_options(app: Any, runner: Any) -> None:
    """Application commands accept click arguments and options like any click command."""

    @app.cli.command()
    @click.argument("name")
    @click.option("--times", type=int, default=1)
    def repeat(name: str, times: int) -> None:
        click.echo(" ".join([name] * times))

    result = runner.invoke(args=["repeat", "ab", "--times", "3"])
    assert result.exit_code == 0
    assert result.output == "ab ab ab\n"
    assert runner.invoke(args=["repeat", "ab", "--times", "x"]).exit_code == 2


@pytest.mark.spec("cli.app-command.app-context")
def test_app_command_runs_in_the_app_context(app: Any, runner: Any, impl: ModuleType) -> None:
    """An application command runs with the application context pushed: ``current_app``
    is the app and ``g`` is usable."""

    @app.cli.command()
    def where() -> None:
        impl.g.value = "set"
        click.echo(f"{impl.current_app._get_current_object() is app} {impl.g.value}")

    assert runner.invoke(args=["where"]).output == "True set\n"


@pytest.mark.spec("cli.app-command.without-appcontext")
def test_app_command_with_appcontext_false_has_no_context(
    app: Any, runner: Any, impl: ModuleType
) -> None:
    """``@app.cli.command(with_appcontext=False)`` does not push an application context
    (invoked through the test runner)."""

    @app.cli.command(with_appcontext=False)
    def bare() -> None:
        click.echo(f"has context: {impl.has_app_context()}")

    assert runner.invoke(args=["bare"]).output == "has context: False\n"


@pytest.mark.spec("cli.app-group.nested")
def test_nested_groups_are_app_groups(
    app: Any, runner: Any, impl: ModuleType, cli_module: ModuleType
) -> None:
    """``app.cli.group()`` creates an ``AppGroup`` whose commands also run in the
    application context."""

    @app.cli.group()
    def db() -> None:
        """Database commands."""

    @db.command()
    def init() -> None:
        click.echo(f"init {impl.current_app.name}")

    assert isinstance(db, cli_module.AppGroup)
    result = runner.invoke(args=["db", "init"])
    assert result.exit_code == 0
    assert result.output == f"init {app.name}\n"


@pytest.mark.spec("cli.runner.exception")
def test_runner_captures_an_exception_from_a_command(app: Any, runner: Any) -> None:
    """An exception raised by a command is captured on the runner's result, exit code 1."""

    @app.cli.command()
    def fail() -> None:
        raise LookupError("missing thing")

    result = runner.invoke(args=["fail"])
    assert result.exit_code == 1
    assert isinstance(result.exception, LookupError)


@pytest.mark.spec("cli.runner.unknown-command")
def test_runner_unknown_command_is_a_usage_error(runner: Any) -> None:
    """Invoking a command the app does not have exits with code 2 and "No such command"."""
    result = runner.invoke(args=["does-not-exist"])
    assert result.exit_code == 2
    assert "No such command 'does-not-exist'" in result.output


@pytest.mark.spec("cli.with-appcontext.loads-runner-app")
def test_with_appcontext_command_gets_the_runner_app(
    app: Any, runner: Any, impl: ModuleType, cli_module: ModuleType
) -> None:
    """A plain click command decorated with ``with_appcontext`` and invoked by the app's
    test runner runs in that app's context."""

    @click.command()
    @cli_module.with_appcontext
    def standalone() -> None:
        click.echo(impl.current_app.name)

    result = runner.invoke(standalone)
    assert result.exit_code == 0
    assert result.output == f"{app.name}\n"


@pytest.mark.spec("cli.with-appcontext.reuses-active-context")
def test_with_appcontext_reuses_an_active_context(
    make_app: Callable[..., Any], impl: ModuleType, cli_module: ModuleType, driver: Any
) -> None:
    """When an application context is already active, ``with_appcontext`` uses it and
    does not load an application from the script info."""
    active = make_app("active_app")

    def must_not_be_called() -> Any:
        raise AssertionError("the app was loaded although a context was active")

    @click.command()
    @cli_module.with_appcontext
    def show() -> None:
        click.echo(impl.current_app.name)

    with driver.app_context(active):
        result = CliRunner().invoke(show, obj=cli_module.ScriptInfo(create_app=must_not_be_called))
    assert result.output == "active_app\n"


@pytest.mark.spec("cli.shell-context.default")
def test_make_shell_context_has_app_and_g(app: Any, impl: ModuleType, driver: Any) -> None:
    """``app.make_shell_context()`` contains ``app`` (the application) and ``g``."""
    with driver.app_context(app):
        context = app.make_shell_context()
        assert context["app"] is app
        assert context["g"] is impl.g


@pytest.mark.spec("cli.shell-context.processors")
def test_shell_context_processors_add_names(app: Any, driver: Any) -> None:
    """Values returned by ``@app.shell_context_processor`` functions are merged into the
    shell context, later processors winning."""

    @app.shell_context_processor
    def first() -> dict[str, Any]:
        return {"answer": 1, "db": "database"}

    @app.shell_context_processor
    def second() -> dict[str, Any]:
        return {"answer": 42}

    with driver.app_context(app):
        context = app.make_shell_context()
    assert context["answer"] == 42
    assert context["db"] == "database"


# -- blueprint commands -------------------------------------------------------------------


def blueprint_with_command(impl: ModuleType, name: str, **kwargs: Any) -> Any:
    """A blueprint with one command, ``<name>-cmd``, printing the current app's name."""
    blueprint = impl.Blueprint(name, __name__, **kwargs)

    @blueprint.cli.command(f"{name}-cmd")
    def command() -> None:
        click.echo(f"{name} in {impl.current_app.name}")

    return blueprint


@pytest.mark.spec("cli.blueprint.default-group")
def test_blueprint_commands_default_to_a_group_named_after_it(
    app: Any, runner: Any, impl: ModuleType
) -> None:
    """A blueprint's commands are registered under a group named after the blueprint."""
    app.register_blueprint(blueprint_with_command(impl, "users"))
    result = runner.invoke(args=["users", "users-cmd"])
    assert result.exit_code == 0
    assert result.output == f"users in {app.name}\n"
    assert runner.invoke(args=["users-cmd"]).exit_code == 2


@pytest.mark.spec("cli.blueprint.cli-group-none")
def test_blueprint_cli_group_none_merges_commands(app: Any, runner: Any, impl: ModuleType) -> None:
    """With ``cli_group=None`` a blueprint's commands join the application's group."""
    app.register_blueprint(blueprint_with_command(impl, "merged", cli_group=None))
    assert runner.invoke(args=["merged-cmd"]).output == f"merged in {app.name}\n"


@pytest.mark.spec("cli.blueprint.cli-group-name")
def test_blueprint_cli_group_names_the_group(app: Any, runner: Any, impl: ModuleType) -> None:
    """``cli_group="name"`` puts a blueprint's commands in a group with that name."""
    app.register_blueprint(blueprint_with_command(impl, "named", cli_group="tools"))
    assert runner.invoke(args=["tools", "named-cmd"]).output == f"named in {app.name}\n"


@pytest.mark.spec("cli.blueprint.cli-group-at-registration")
def test_register_blueprint_cli_group_overrides(app: Any, runner: Any, impl: ModuleType) -> None:
    """``register_blueprint(bp, cli_group=...)`` overrides the blueprint's own choice."""
    app.register_blueprint(blueprint_with_command(impl, "over"), cli_group="admin")
    assert runner.invoke(args=["admin", "over-cmd"]).output == f"over in {app.name}\n"


# -- the command group ----------------------------------------------------------------------


@pytest.mark.spec("cli.flask-group.create-app")
def test_flask_group_runs_commands_of_the_created_app(app: Any, cli_module: ModuleType) -> None:
    """``FlaskGroup(create_app=...)`` serves the commands of the app the factory returns."""

    @app.cli.command()
    def hello() -> None:
        click.echo("hello from the app")

    result = CliRunner().invoke(flask_group(cli_module, app), ["hello"])
    assert result.exit_code == 0
    assert result.output == "hello from the app\n"


@pytest.mark.spec("cli.flask-group.help")
def test_flask_group_help_lists_builtin_and_app_commands(app: Any, cli_module: ModuleType) -> None:
    """The group's help lists the options ``--env-file``, ``--app``, ``--debug``,
    ``--version`` and the commands ``routes``, ``run``, ``shell`` and the app's own."""

    @app.cli.command()
    def custom() -> None:
        """Do the custom thing."""

    result = CliRunner().invoke(flask_group(cli_module, app), ["--help"])
    assert result.exit_code == 0
    for text in ("-e, --env-file FILE", "-A, --app IMPORT", "--debug / --no-debug", "--version"):
        assert text in result.output
    for line in (
        "custom  Do the custom thing.",
        "routes  Show the routes for the app.",
        "run     Run a development server.",
        "shell   Run a shell in the app context.",
    ):
        assert line in result.output


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.flask-group.pushes-app-context")
def test_flask_group_pushes_the_app_context_for_app_commands(
    app: Any, cli_module: ModuleType, impl: ModuleType
) -> None:
    """Run through the command group, even a plain click command added to ``app.cli``
    runs inside the application context."""
    app.cli.add_command(
        click.Command("plain", callback=lambda: click.echo(f"{impl.has_app_context()}"))
    )
    assert CliRunner().invoke(flask_group(cli_module, app), ["plain"]).output == "True\n"


@pytest.mark.spec("cli.flask-group.without-defaults")
def test_flask_group_without_default_commands_and_version(app: Any, cli_module: ModuleType) -> None:
    """``add_default_commands=False`` leaves out run/shell/routes and
    ``add_version_option=False`` the ``--version`` option."""
    group = flask_group(cli_module, app, add_default_commands=False, add_version_option=False)
    result = CliRunner().invoke(group, ["--help"])
    assert result.exit_code == 0
    assert "routes" not in result.output
    assert "--version" not in result.output
    assert CliRunner().invoke(group, ["routes"]).exit_code == 2


@pytest.mark.spec("cli.flask-group.version")
def test_flask_group_version_option(app: Any, cli_module: ModuleType) -> None:
    """``--version`` prints the Python, framework and Werkzeug versions, one per line."""
    result = CliRunner().invoke(flask_group(cli_module, app), ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0] == f"Python {'.'.join(map(str, sys.version_info[:3]))}"
    assert lines[2].startswith("Werkzeug ")


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.flask-group.debug-option")
def test_flask_group_debug_option_sets_debug(
    make_app: Callable[..., Any], cli_module: ModuleType, impl: ModuleType
) -> None:
    """``--debug`` sets ``FLASK_DEBUG=1`` and the loaded app's ``debug``; ``--no-debug``
    sets ``FLASK_DEBUG=0``; without either, the app keeps debug off."""
    for args, expected in (
        (["--debug"], "1 True"),
        (["--no-debug"], "0 False"),
        ([], "None False"),
    ):
        os.environ.pop("FLASK_DEBUG", None)
        app = make_app("debug_app")

        @app.cli.command()
        def show() -> None:
            click.echo(f"{os.environ.get('FLASK_DEBUG')} {impl.current_app.debug}")

        result = CliRunner().invoke(flask_group(cli_module, app), [*args, "show"])
        assert result.output == f"{expected}\n", args


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.flask-group.flask-debug-variable")
def test_flask_group_reads_flask_debug(app: Any, cli_module: ModuleType, impl: ModuleType) -> None:
    """The ``FLASK_DEBUG`` environment variable turns debug mode on for the loaded app."""
    os.environ["FLASK_DEBUG"] = "1"

    @app.cli.command()
    def show() -> None:
        click.echo(str(impl.current_app.debug))

    assert CliRunner().invoke(flask_group(cli_module, app), ["show"]).output == "True\n"


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.flask-group.run-from-cli")
def test_flask_group_marks_the_process_as_run_from_the_cli(
    app: Any, cli_module: ModuleType
) -> None:
    """Running the command group sets ``FLASK_RUN_FROM_CLI=true`` (so ``app.run()`` in
    the app's module does not start a second server)."""
    CliRunner().invoke(flask_group(cli_module, app), ["--help"])
    assert os.environ.get("FLASK_RUN_FROM_CLI") == "true"


@pytest.mark.spec("cli.flask-group.unknown-command")
def test_flask_group_unknown_command(app: Any, cli_module: ModuleType) -> None:
    """An unknown command exits with code 2 and "No such command"."""
    result = CliRunner().invoke(flask_group(cli_module, app), ["nope"])
    assert result.exit_code == 2
    assert "Error: No such command 'nope'." in result.output


@pytest.mark.spec("cli.script-info.load-app-once")
def test_script_info_loads_the_app_once(
    make_app: Callable[..., Any], cli_module: ModuleType
) -> None:
    """``ScriptInfo(create_app=f).load_app()`` calls ``f`` once and returns the same app
    afterwards."""
    built: list[Any] = []

    def factory() -> Any:
        built.append(make_app("built_once"))
        return built[-1]

    info = cli_module.ScriptInfo(create_app=factory)
    assert info.load_app() is info.load_app() is built[0]
    assert len(built) == 1
    assert info.data == {}


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.script-info.no-app")
def test_script_info_without_an_app_raises_no_app_exception(
    cli_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no factory, no import path and no ``wsgi.py``/``app.py`` in the current
    directory, ``load_app()`` raises ``NoAppException``, a click ``UsageError``."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(cli_module.NoAppException) as info:
        cli_module.ScriptInfo().load_app()
    assert isinstance(info.value, click.UsageError)
    assert "Could not locate a Flask application." in str(info.value)
    assert "'FLASK_APP' environment variable" in str(info.value)


# -- env files ----------------------------------------------------------------------------


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.dotenv.precedence")
def test_env_files_precedence(
    app: Any, cli_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``.env`` wins over ``.flaskenv``, an ``--env-file`` over both, and variables
    already in the environment over all of them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".flaskenv").write_text("A=flaskenv\nB=flaskenv\nC=flaskenv\nD=flaskenv\n")
    (tmp_path / ".env").write_text("B=env\nC=env\nD=env\n")
    (tmp_path / "custom.env").write_text("C=custom\nD=custom\n")
    for name in "ABC":
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("D", "environment")

    @app.cli.command()
    def show() -> None:
        click.echo(" ".join(os.environ[name] for name in "ABCD"))

    group = cli_module.FlaskGroup(create_app=lambda: app)
    result = CliRunner().invoke(group, ["--env-file", "custom.env", "show"])
    assert result.exit_code == 0, result.output
    assert result.output == "flaskenv env custom environment\n"


@pytest.mark.spec("cli.dotenv.disabled")
def test_env_files_not_loaded_when_disabled(
    app: Any, cli_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``FlaskGroup(load_dotenv=False)`` does not load ``.env``/``.flaskenv``, but still
    loads a file given with ``--env-file``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("FROM_DEFAULT=1\n")
    (tmp_path / "custom.env").write_text("FROM_CUSTOM=1\n")
    monkeypatch.delenv("FROM_DEFAULT", raising=False)
    monkeypatch.delenv("FROM_CUSTOM", raising=False)

    @app.cli.command()
    def show() -> None:
        click.echo(f"{os.environ.get('FROM_DEFAULT')} {os.environ.get('FROM_CUSTOM')}")

    group = cli_module.FlaskGroup(create_app=lambda: app, load_dotenv=False)
    assert CliRunner().invoke(group, ["-e", "custom.env", "show"]).output == "None 1\n"


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.dotenv.result-counts-values")
def test_load_dotenv_result_is_whether_values_were_read(
    cli_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``load_dotenv()`` returns whether the env files defined any key, not whether
    files exist: an empty ``.env`` gives False."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("")
    assert cli_module.load_dotenv() is False
    (tmp_path / ".env").write_text("SPEC_DOTENV_DEFINED=1\n")
    monkeypatch.delenv("SPEC_DOTENV_DEFINED", raising=False)
    assert cli_module.load_dotenv() is True
    assert os.environ["SPEC_DOTENV_DEFINED"] == "1"


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.dotenv.bare-key-overrides")
def test_load_dotenv_bare_key_overrides_an_earlier_file(
    cli_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are merged with later ones winning, and a key without a value in
    ``.env`` overrides the ``.flaskenv`` value, leaving the variable unset."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".flaskenv").write_text("SPEC_DOTENV_BARE=1\nSPEC_DOTENV_KEPT=1\n")
    (tmp_path / ".env").write_text("SPEC_DOTENV_BARE\n")
    monkeypatch.delenv("SPEC_DOTENV_BARE", raising=False)
    monkeypatch.delenv("SPEC_DOTENV_KEPT", raising=False)
    assert cli_module.load_dotenv() is True
    assert "SPEC_DOTENV_BARE" not in os.environ
    assert os.environ["SPEC_DOTENV_KEPT"] == "1"


# -- routes -------------------------------------------------------------------------------


def app_with_routes(make_app: Callable[..., Any], **kwargs: Any) -> Any:
    """An app without static route and four rules registered out of order."""
    app = make_app("routes_app", static_folder=None, **kwargs)

    def view() -> str:
        return ""

    app.add_url_rule("/b", "zeta", view, methods=["POST", "PUT"])
    app.add_url_rule("/a/<int:x>", "alpha", view)
    app.add_url_rule("/c", "beta", view, methods=["DELETE"])
    app.add_url_rule("/a", "alpha2", view)
    return app


def routes_lines(cli_module: ModuleType, app: Any, *args: str) -> list[str]:
    result = CliRunner().invoke(flask_group(cli_module, app), ["routes", *args])
    assert result.exit_code == 0, result.output
    return list(result.output.splitlines())


@pytest.mark.spec("cli.routes.table")
def test_routes_table(make_app: Callable[..., Any], cli_module: ModuleType) -> None:
    """``routes`` prints an Endpoint/Methods/Rule table, columns padded to their widest
    cell and separated by two spaces, sorted by endpoint, without HEAD and OPTIONS."""
    assert routes_lines(cli_module, app_with_routes(make_app)) == [
        "Endpoint  Methods    Rule      ",
        "--------  ---------  ----------",
        "alpha     GET        /a/<int:x>",
        "alpha2    GET        /a        ",
        "beta      DELETE     /c        ",
        "zeta      POST, PUT  /b        ",
    ]


@pytest.mark.spec("cli.routes.sort")
@pytest.mark.parametrize(
    ("sort", "endpoints"),
    [
        ("endpoint", ["alpha", "alpha2", "beta", "zeta"]),
        ("methods", ["beta", "alpha", "alpha2", "zeta"]),
        ("rule", ["alpha2", "alpha", "zeta", "beta"]),
        ("match", ["zeta", "alpha", "beta", "alpha2"]),
    ],
)
def test_routes_sort(
    make_app: Callable[..., Any], cli_module: ModuleType, sort: str, endpoints: list[str]
) -> None:
    """``routes --sort`` orders by endpoint, methods, rule, or the match (registration)
    order; ties keep the match order."""
    lines = routes_lines(cli_module, app_with_routes(make_app), "--sort", sort)[2:]
    assert [line.split()[0] for line in lines] == endpoints


@pytest.mark.spec("cli.routes.all-methods")
def test_routes_all_methods(make_app: Callable[..., Any], cli_module: ModuleType) -> None:
    """``routes --all-methods`` also shows HEAD and OPTIONS."""
    lines = routes_lines(cli_module, app_with_routes(make_app), "--all-methods")
    assert lines[2] == "alpha     GET, HEAD, OPTIONS  /a/<int:x>"
    assert lines[5] == "zeta      OPTIONS, POST, PUT  /b        "


@pytest.mark.spec("cli.routes.invalid-sort")
def test_routes_invalid_sort(make_app: Callable[..., Any], cli_module: ModuleType) -> None:
    """An unknown ``--sort`` value exits with code 2 naming the valid choices."""
    group = flask_group(cli_module, app_with_routes(make_app))
    result = CliRunner().invoke(group, ["routes", "-s", "size"])
    assert result.exit_code == 2
    assert "'size' is not one of 'endpoint', 'methods', 'domain', 'rule', 'match'." in (
        result.output
    )


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.routes.subdomain-column")
def test_routes_subdomain_column(make_app: Callable[..., Any], cli_module: ModuleType) -> None:
    """When a rule has a subdomain, a Subdomain column appears before Rule; ``--sort
    domain`` orders by it."""
    app = app_with_routes(make_app)
    app.add_url_rule("/api", "api", lambda: "", subdomain="api")
    lines = routes_lines(cli_module, app, "--sort", "domain")
    assert lines[0] == "Endpoint  Methods    Subdomain  Rule      "
    assert lines[2] == "zeta      POST, PUT             /b        "
    assert lines[-1] == "api       GET        api        /api      "


@pytest.mark.spec("cli.routes.host-column")
def test_routes_host_column(make_app: Callable[..., Any], cli_module: ModuleType) -> None:
    """With host matching and rules bound to hosts, a Host column is shown."""
    app = make_app("hosts", host_matching=True, static_folder=None)
    app.add_url_rule("/x", "x", lambda: "", host="api.test")
    app.add_url_rule("/y", "y", lambda: "", host="www.test")
    assert routes_lines(cli_module, app) == [
        "Endpoint  Methods  Host      Rule",
        "--------  -------  --------  ----",
        "x         GET      api.test  /x  ",
        "y         GET      www.test  /y  ",
    ]


@pytest.mark.spec("cli.routes.empty")
def test_routes_without_routes(make_app: Callable[..., Any], cli_module: ModuleType) -> None:
    """``routes`` on an app without rules prints "No routes were registered."."""
    app = make_app("no_routes", static_folder=None)
    assert routes_lines(cli_module, app) == ["No routes were registered."]


# -- run (the server call is recorded, not made) ------------------------------------------


@pytest.fixture
def run_simple_calls(
    monkeypatch: pytest.MonkeyPatch, cli_module: ModuleType
) -> list[dict[str, Any]]:
    """Replace werkzeug's ``run_simple`` (also where the cli module holds a reference to
    it) by a recorder of its bound arguments."""
    import werkzeug.serving

    signature = inspect.signature(werkzeug.serving.run_simple)
    calls: list[dict[str, Any]] = []

    def record(*args: Any, **kwargs: Any) -> None:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        calls.append(dict(bound.arguments))

    monkeypatch.setattr(werkzeug.serving, "run_simple", record)
    if hasattr(cli_module, "run_simple"):
        monkeypatch.setattr(cli_module, "run_simple", record)
    return calls


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.run.defaults")
def test_run_defaults(
    app: Any, cli_module: ModuleType, run_simple_calls: list[dict[str, Any]]
) -> None:
    """``run`` serves the app on 127.0.0.1:5000, threaded, without reloader or debugger
    when debug is off."""
    result = CliRunner().invoke(flask_group(cli_module, app), ["run"])
    assert result.exit_code == 0, result.output
    (call,) = run_simple_calls
    assert (call["hostname"], call["port"], call["application"]) == ("127.0.0.1", 5000, app)
    assert (call["use_reloader"], call["use_debugger"], call["threaded"]) == (False, False, True)
    assert call["ssl_context"] is None
    assert " * Debug mode: off" in result.output


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.run.options")
def test_run_options(
    app: Any, cli_module: ModuleType, run_simple_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    """``--host``, ``--port``, ``--reload``, ``--debugger``, ``--without-threads`` and
    ``--extra-files`` (separated by ``os.pathsep``) reach the server."""
    extra = [str(tmp_path / "one.cfg"), str(tmp_path / "two.cfg")]
    args = ["run", "-h", "0.0.0.0", "-p", "8080", "--reload", "--debugger", "--without-threads"]
    args += ["--extra-files", os.pathsep.join(extra)]
    result = CliRunner().invoke(flask_group(cli_module, app), args)
    assert result.exit_code == 0, result.output
    (call,) = run_simple_calls
    assert (call["hostname"], call["port"]) == ("0.0.0.0", 8080)
    assert (call["use_reloader"], call["use_debugger"], call["threaded"]) == (True, True, False)
    assert list(call["extra_files"]) == extra


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.run.debug")
def test_run_debug_enables_reloader_and_debugger(
    app: Any, cli_module: ModuleType, run_simple_calls: list[dict[str, Any]]
) -> None:
    """``--debug`` turns the reloader and debugger on unless disabled explicitly."""
    result = CliRunner().invoke(flask_group(cli_module, app), ["--debug", "run", "--no-reload"])
    assert result.exit_code == 0, result.output
    (call,) = run_simple_calls
    assert (call["use_reloader"], call["use_debugger"]) == (False, True)
    assert " * Debug mode: on" in result.output


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.run.key-requires-cert")
def test_run_key_without_cert(
    app: Any, cli_module: ModuleType, run_simple_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    """``--key`` without ``--cert`` is a usage error (exit 2) and no server starts."""
    key = tmp_path / "key.pem"
    key.write_text("not really a key")
    result = CliRunner().invoke(flask_group(cli_module, app), ["run", "--key", str(key)])
    assert result.exit_code == 2
    assert '"--cert" must also be specified.' in result.output
    assert run_simple_calls == []


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.run.cert-requires-key")
def test_run_cert_file_without_key(
    app: Any, cli_module: ModuleType, run_simple_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A certificate file given with ``--cert`` needs ``--key``: usage error otherwise."""
    cert = tmp_path / "cert.pem"
    cert.write_text("not really a certificate")
    result = CliRunner().invoke(flask_group(cli_module, app), ["run", "--cert", str(cert)])
    assert result.exit_code == 2
    assert "Invalid value for '--key': Required when using \"--cert\"." in result.output
    assert run_simple_calls == []


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.run.cert-missing-file")
def test_run_cert_missing_file(
    app: Any, cli_module: ModuleType, run_simple_calls: list[dict[str, Any]]
) -> None:
    """A ``--cert`` that is neither a file, ``adhoc`` nor an SSLContext import path is a
    usage error naming the file."""
    result = CliRunner().invoke(flask_group(cli_module, app), ["run", "--cert", "nope.pem"])
    assert result.exit_code == 2
    assert "Invalid value for '--cert': File 'nope.pem' does not exist." in result.output
    assert run_simple_calls == []


# -- discovery by string, in process -------------------------------------------------------


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.factory-keyword-unpacking-ignored")
def test_find_app_by_string_ignores_keyword_unpacking(
    make_app: Callable[..., Any], cli_module: ModuleType
) -> None:
    """In ``name(...)``, ``**mapping`` arguments are dropped without being evaluated
    (real Flask's behaviour); named keyword arguments are passed."""
    calls: list[dict[str, Any]] = []

    def create_app(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return make_app("from_factory")

    factory_module = ModuleType("factory_module")
    factory_module.create_app = create_app  # type: ignore[attr-defined]
    cli_module.find_app_by_string(factory_module, "create_app(count=2, **{'x': 9})")
    cli_module.find_app_by_string(factory_module, "create_app(**not_a_literal)")
    assert calls == [{"count": 2}, {}]


@pytest.mark.spec("cli.discovery.function-reference-simple-name")
def test_find_app_by_string_call_needs_a_simple_name(cli_module: ModuleType) -> None:
    """Calling anything but a plain name (``a.b()``, ``f()()``) is refused with
    "Function reference must be a simple name"."""
    for reference in ("a.b()", "f()()"):
        with pytest.raises(cli_module.NoAppException) as info:
            cli_module.find_app_by_string(ModuleType("m"), reference)
        assert str(info.value) == f"Function reference must be a simple name: {reference!r}."


# -- discovery, through the implementation's own command ------------------------------------

APP_SOURCE = """\
import click
from {impl} import Flask, current_app

app = Flask("{name}")

@app.cli.command()
def hello():
    click.echo(f"hello from {{current_app.name}}")
"""

FACTORY_SOURCE = """\
import click
from {impl} import Flask

def create_app(name="default", count=1):
    app = Flask(name)

    @app.cli.command()
    def hello():
        click.echo(f"hello from {{app.name}} x{{count}}")

    return app
"""


@pytest.fixture
def command(impl: ModuleType, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Return a function running ``python -m <impl> ARGS`` in ``tmp_path`` (the project
    folder), with no ``FLASK_*`` variables but those given."""

    def run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env = environment_for(impl, {**env, **environ, "PYTHONDONTWRITEBYTECODE": "1"})
        return subprocess.run(
            [sys.executable, "-m", impl.__name__, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def write(tmp_path: Path, relative_path: str, source: str, impl: ModuleType, **fields: str) -> None:
    """Write a project file, with ``{impl}`` replaced by the implementation's module name."""
    path = tmp_path / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source.format(impl=impl.__name__, **fields))


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.module")
def test_discovery_of_an_app_in_a_named_module(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """``--app module`` imports the module and uses its ``app`` attribute."""
    write(tmp_path, "hello.py", APP_SOURCE, impl, name="named_module")
    result = command("--app", "hello", "hello")
    assert (result.returncode, result.stdout) == (0, "hello from named_module\n"), result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.factory-arguments")
def test_discovery_calls_a_factory_with_literal_arguments(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """``--app 'module:create_app("x", count=2)'`` calls the factory with those literal
    arguments."""
    write(tmp_path, "factory.py", FACTORY_SOURCE, impl)
    result = command("--app", "factory:create_app('custom', count=2)", "hello")
    assert (result.returncode, result.stdout) == (0, "hello from custom x2\n"), result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.factory-non-literal-arguments")
def test_discovery_rejects_non_literal_factory_arguments(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """Factory arguments that are not Python literals are refused with a one-line
    error and exit code 2."""
    write(tmp_path, "factory.py", FACTORY_SOURCE, impl)
    result = command("--app", "factory:create_app(name)", "routes")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Failed to parse arguments as literal values: 'create_app(name)'."
    )


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.auto-detect")
def test_discovery_prefers_wsgi_py_then_app_py(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """Without ``--app`` or ``FLASK_APP``, ``wsgi.py`` in the current directory is used
    before ``app.py``, and a ``create_app`` factory is found there."""
    write(tmp_path, "wsgi.py", FACTORY_SOURCE, impl)
    write(tmp_path, "app.py", APP_SOURCE, impl, name="from_app_py")
    result = command("hello")
    assert (result.returncode, result.stdout) == (0, "hello from default x1\n"), result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.file-path")
def test_discovery_of_a_file_path_inside_packages(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """``--app path/to/module.py`` imports the file under its dotted package name (the
    folders with an ``__init__.py``); ``FLASK_APP`` works like ``--app``."""
    write(tmp_path, "src/pkg/__init__.py", "", impl)
    write(tmp_path, "src/pkg/web.py", APP_SOURCE.replace('"{name}"', "__name__"), impl)
    result = command("hello", FLASK_APP="src/pkg/web.py")
    assert (result.returncode, result.stdout) == (0, "hello from pkg.web\n"), result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.dotenv-flask-app")
def test_discovery_from_flaskenv(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """``FLASK_APP`` set in ``.flaskenv`` selects the application."""
    write(tmp_path, "chosen.py", APP_SOURCE, impl, name="from_flaskenv")
    write(tmp_path, ".flaskenv", "FLASK_APP=chosen\n", impl)
    result = command("hello")
    assert (result.returncode, result.stdout) == (0, "hello from from_flaskenv\n"), result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.multiple-apps")
def test_discovery_with_two_apps_is_an_error(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """A module with two applications and no ``app`` attribute is refused (exit 2),
    asking for ``module:name``."""
    write(
        tmp_path,
        "two.py",
        "from {impl} import Flask\nfirst = Flask('a')\nsecond = Flask('b')\n",
        impl,
    )
    result = command("--app", "two", "routes")
    assert result.returncode == 2
    assert (
        "Error: Detected multiple Flask applications in module 'two'. Use 'two:name' to"
        " specify the correct one"
    ) in result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.factory-needs-arguments")
def test_discovery_factory_needing_arguments(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """A detected ``create_app`` that cannot be called without arguments gives a
    one-line error (exit 2) suggesting ``module:create_app(args)``."""
    write(
        tmp_path,
        "needs.py",
        "from {impl} import Flask\ndef create_app(config):\n    return Flask(config)\n",
        impl,
    )
    result = command("--app", "needs", "routes")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Detected factory 'create_app' in module 'needs', but could not call it"
        " without arguments. Use 'needs:create_app(args)' to specify arguments."
    )
    assert "Traceback" not in result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.not-found")
def test_discovery_of_a_missing_module(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """An ``--app`` module that does not exist gives "Could not import" and exit 2."""
    result = command("--app", "no_such_module", "routes")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "Error: Could not import 'no_such_module'."


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.no-app")
def test_discovery_without_any_app(command: Callable[..., Any]) -> None:
    """With nothing to load, a command needing the app exits with code 2 saying how to
    name the application."""
    result = command("routes")
    assert result.returncode == 2
    assert "Error: Could not locate a Flask application." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.spec("cli.discovery.module-raises")
def test_discovery_reports_an_exception_raised_by_the_app_module(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """When the app module itself raises while imported, the command fails and shows the
    module's traceback (real Flask lets the exception escape; exit code is not 0)."""
    write(tmp_path, "boom.py", "import {impl}\nraise ValueError('kaboom')\n", impl)
    result = command("--app", "boom", "routes")
    # Any non-zero code: Flask and Quart exit 1 (the exception escapes), the framework exits 2.
    assert result.returncode != 0
    assert 'boom.py", line 2' in result.stderr
    assert "ValueError: kaboom" in result.stderr


@pytest.mark.needs("flask-command")
@pytest.mark.spec("cli.discovery.help-lists-app-commands")
def test_help_alone_lists_the_commands_of_the_flask_app(
    command: Callable[..., Any], impl: ModuleType, tmp_path: Path
) -> None:
    """``--help`` given alone still reads ``FLASK_APP`` first, so the help lists the
    app's commands."""
    write(tmp_path, "hello.py", APP_SOURCE, impl, name="helped")
    result = command("--help", FLASK_APP="hello")
    assert result.returncode == 0, result.stderr
    assert "\n  hello\n" in result.stdout
    assert "Could not locate" not in result.stderr
