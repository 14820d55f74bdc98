"""Unit tests of framework.cli: application discovery, the groups, the built-in
commands, env files, and the ``framework`` console script itself."""

from __future__ import annotations

import importlib.machinery
import os
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner

from framework import Blueprint, Flask, current_app
from framework.cli import (
    AppGroup,
    CertParamType,
    FlaskGroup,
    NoAppException,
    ScriptInfo,
    SeparatedPathType,
    find_app_by_string,
    find_best_app,
    load_dotenv,
    locate_app,
    prepare_import,
    routes_command,
    run_command,
    shell_command,
    show_server_banner,
    with_appcontext,
)

CLI_APPS = Path(__file__).parent / "cli_apps"
TEST_CERT = str(CLI_APPS / "test-cert.pem")
TEST_KEY = str(CLI_APPS / "test-key.pem")


@pytest.fixture(autouse=True)
def isolated_process_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Restore the environment and ``sys.path`` after each test, and forget the app
    modules it imported from its project folder: the CLI sets ``FLASK_*`` variables,
    loads env files and imports app modules. Library modules imported on the way
    (lazily, by httpx say) stay, as removing them breaks later users."""
    saved_environ = dict(os.environ)
    saved_modules = set(sys.modules)
    project_root = str(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("FLASK_APP", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI", "FLASK_SKIP_DOTENV"):
        os.environ.pop(name, None)
    os.environ.pop("WERKZEUG_RUN_MAIN", None)
    yield
    os.environ.clear()
    os.environ.update(saved_environ)
    for name in set(sys.modules) - saved_modules:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(project_root) or not module_file:
            del sys.modules[name]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Return a function writing a file (dedented) under a fresh project folder,
    which is the current directory and first on ``sys.path``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(relative_path: str, source: str = "") -> Path:
        path = tmp_path / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    return write


APP_MODULE = """\
    import click
    from framework import Flask, current_app

    app = Flask("{name}")

    @app.cli.command()
    def hello():
        click.echo(f"hello from {{current_app.name}}")
"""


def module(name: str, **attributes: Any) -> types.ModuleType:
    """Build an in-memory module with the given globals."""
    mod = types.ModuleType(name)
    mod.__dict__.update(attributes)
    return mod


def invoke(group: click.Command, args: list[str], **kwargs: Any) -> Any:
    """Invoke ``group`` with click's runner, stderr kept separate."""
    return CliRunner().invoke(group, args, **kwargs)


# -- find_best_app ----------------------------------------------------------------------


def test_find_best_app_prefers_the_app_attribute() -> None:
    app, other = Flask("main"), Flask("other")
    assert find_best_app(module("m", other=other, app=app)) is app


def test_find_best_app_uses_the_application_attribute() -> None:
    application = Flask("main")
    assert find_best_app(module("m", application=application)) is application


def test_find_best_app_skips_an_app_attribute_that_is_not_an_app() -> None:
    real = Flask("real")
    assert find_best_app(module("m", app="not an app", real=real)) is real


def test_find_best_app_finds_the_single_instance_under_any_name() -> None:
    web = Flask("web")
    assert find_best_app(module("m", web=web, x=1)) is web


def test_find_best_app_counts_one_app_bound_to_two_names_once() -> None:
    web = Flask("web")
    assert find_best_app(module("m", web=web, alias=web)) is web


def test_find_best_app_with_two_apps_names_both() -> None:
    mod = module("two", first=Flask("a"), second=Flask("b"))
    with pytest.raises(NoAppException) as info:
        find_best_app(mod)
    message = str(info.value)
    assert "Detected multiple Flask applications in module 'two'" in message
    assert "'first'" in message and "'second'" in message


@pytest.mark.parametrize("factory_name", ["create_app", "make_app"])
def test_find_best_app_calls_a_factory(factory_name: str) -> None:
    built = Flask("built")
    assert find_best_app(module("m", **{factory_name: lambda: built})) is built


def test_find_best_app_tries_make_app_when_create_app_returns_no_app() -> None:
    built = Flask("built")
    mod = module("m", create_app=lambda: None, make_app=lambda: built)
    assert find_best_app(mod) is built


def test_find_best_app_factory_needing_arguments_is_a_clear_error() -> None:
    def create_app(config: str) -> Flask:
        return Flask(config)

    with pytest.raises(NoAppException) as info:
        find_best_app(module("facmod", create_app=create_app))
    assert str(info.value) == (
        "Detected factory 'create_app' in module 'facmod', but could not call it"
        " without arguments. Use 'facmod:create_app(args)' to specify arguments."
    )


def test_find_best_app_reports_an_exception_raised_inside_the_factory() -> None:
    def create_app() -> Flask:
        raise RuntimeError("database unreachable")

    with pytest.raises(NoAppException) as info:
        find_best_app(module("facmod", create_app=create_app))
    message = str(info.value)
    assert message.startswith("While calling 'facmod:create_app()', a RuntimeError was raised:")
    assert "database unreachable" in message
    assert "raise RuntimeError" in message  # the factory's own traceback


def test_find_best_app_ignores_a_callable_that_is_not_a_function() -> None:
    class Factory:
        def __call__(self) -> Flask:
            return Flask("never")

    with pytest.raises(NoAppException, match="Failed to find Flask application or factory"):
        find_best_app(module("m", create_app=Factory()))


def test_find_best_app_without_candidates() -> None:
    with pytest.raises(NoAppException) as info:
        find_best_app(module("empty", x=1))
    assert str(info.value) == (
        "Failed to find Flask application or factory in module 'empty'."
        " Use 'empty:name' to specify one."
    )


# -- find_app_by_string -----------------------------------------------------------------


def test_find_app_by_string_attribute() -> None:
    web = Flask("web")
    assert find_app_by_string(module("m", web=web), "web") is web


def test_find_app_by_string_calls_with_literal_arguments() -> None:
    calls: list[tuple[Any, ...]] = []

    def create_app(*args: Any, **kwargs: Any) -> Flask:
        calls.append((args, kwargs))
        return Flask("made")

    mod = module("m", create_app=create_app)
    find_app_by_string(mod, "create_app('dev', 2, flags=[1, None])")
    assert calls == [(("dev", 2), {"flags": [1, None]})]


@pytest.mark.parametrize(
    "reference", ["create_app(**{'x': 9})", "create_app(debug=True, **{'x': 9})", "create_app(**x)"]
)
def test_find_app_by_string_ignores_keyword_unpacking(reference: str) -> None:
    """Like Flask, ``**mapping`` in the call is dropped without being evaluated."""
    calls: list[dict[str, Any]] = []

    def create_app(**kwargs: Any) -> Flask:
        calls.append(kwargs)
        return Flask("made")

    find_app_by_string(module("m", create_app=create_app), reference)
    assert calls == [{"debug": True} if "debug" in reference else {}]


def test_find_app_by_string_with_empty_parentheses_calls_without_arguments() -> None:
    built = Flask("built")
    assert find_app_by_string(module("m", create_app=lambda: built), " create_app() ") is built


def test_find_app_by_string_call_syntax_on_an_instance_returns_the_instance() -> None:
    web = Flask("web")
    assert find_app_by_string(module("m", app=web), "app()") is web


@pytest.mark.parametrize("reference", ["create_app(", "1abc", "a.b", "", "app:x"])
def test_find_app_by_string_unparsable_reference(reference: str) -> None:
    with pytest.raises(NoAppException) as info:
        find_app_by_string(module("m"), reference)
    assert str(info.value) == (
        f"Failed to parse {reference!r} as an attribute name or function call."
    )


@pytest.mark.parametrize("reference", ["f()()", "a.b()", "(lambda: 1)()"])
def test_find_app_by_string_call_of_something_other_than_a_name(reference: str) -> None:
    with pytest.raises(NoAppException) as info:
        find_app_by_string(module("m"), reference)
    assert str(info.value) == f"Function reference must be a simple name: {reference!r}."


@pytest.mark.parametrize("reference", ["create_app(foo)", "create_app(1+2)", "create_app(*[1])"])
def test_find_app_by_string_rejects_non_literal_arguments(reference: str) -> None:
    mod = module("m", create_app=lambda *a: Flask("x"))
    with pytest.raises(NoAppException) as info:
        find_app_by_string(mod, reference)
    assert str(info.value) == f"Failed to parse arguments as literal values: {reference!r}."


def test_find_app_by_string_missing_attribute() -> None:
    with pytest.raises(NoAppException) as info:
        find_app_by_string(module("hello"), "nope")
    assert str(info.value) == "Failed to find attribute 'nope' in 'hello'."


def test_find_app_by_string_wrong_arguments() -> None:
    def create_app(config: str) -> Flask:
        return Flask(config)

    with pytest.raises(NoAppException) as info:
        find_app_by_string(module("facmod", create_app=create_app), "create_app(1, 2)")
    assert str(info.value) == (
        "The factory 'create_app(1, 2)' in module 'facmod' could not be called with"
        " the specified arguments."
    )


@pytest.mark.parametrize("reference", ["value", "make()"])
def test_find_app_by_string_result_must_be_an_app(reference: str) -> None:
    mod = module("m", value=3, make=lambda: "nope")
    with pytest.raises(NoAppException) as info:
        find_app_by_string(mod, reference)
    assert str(info.value) == f"A valid Flask application was not obtained from 'm:{reference}'."


# -- prepare_import ---------------------------------------------------------------------


def test_prepare_import_of_a_module_file(project: Callable[..., Path], tmp_path: Path) -> None:
    project("src/hello.py")
    assert prepare_import("src/hello.py") == "hello"
    assert sys.path[0] == str(tmp_path / "src")


def test_prepare_import_without_the_py_suffix(project: Callable[..., Path]) -> None:
    project("hello.py")
    assert prepare_import("hello") == "hello"


def test_prepare_import_walks_up_packages(project: Callable[..., Path], tmp_path: Path) -> None:
    project("src/pkg/__init__.py")
    project("src/pkg/sub/__init__.py")
    project("src/pkg/sub/web.py")
    assert prepare_import("src/pkg/sub/web.py") == "pkg.sub.web"
    assert prepare_import("src/pkg/sub/__init__.py") == "pkg.sub"
    assert prepare_import("src/pkg/") == "pkg"
    assert sys.path[0] == str(tmp_path / "src")


def test_prepare_import_keeps_a_dotted_name(project: Callable[..., Path], tmp_path: Path) -> None:
    assert prepare_import("src.pkg") == "src.pkg"
    assert sys.path[0] == str(tmp_path)


def test_prepare_import_does_not_insert_the_folder_twice(project: Callable[..., Path]) -> None:
    project("hello.py")
    prepare_import("hello.py")
    length = len(sys.path)
    prepare_import("hello.py")
    assert len(sys.path) == length


# -- locate_app -------------------------------------------------------------------------


def test_locate_app_imports_and_finds(project: Callable[..., Path]) -> None:
    project("hello.py", APP_MODULE.format(name="hello"))
    assert locate_app("hello", None).name == "hello"
    assert locate_app("hello", "app").name == "hello"


def test_locate_app_missing_module(project: Callable[..., Path]) -> None:
    with pytest.raises(NoAppException) as info:
        locate_app("no_such_module_xyz", None)
    assert str(info.value) == "Could not import 'no_such_module_xyz'."
    assert locate_app("no_such_module_xyz", None, raise_if_not_found=False) is None


def test_locate_app_missing_submodule_of_a_package(project: Callable[..., Path]) -> None:
    project("pkg/__init__.py")
    with pytest.raises(NoAppException, match=r"^Could not import 'pkg\.missing'\.$"):
        locate_app("pkg.missing", None)


@pytest.mark.parametrize("name", [".hello", "a..b"])
def test_locate_app_malformed_module_name(name: str) -> None:
    with pytest.raises(NoAppException, match="Could not import"):
        locate_app(name, None)
    assert locate_app(name, None, raise_if_not_found=False) is None


def test_locate_app_reports_an_import_error_inside_the_module(
    project: Callable[..., Path],
) -> None:
    project("broken.py", "import framework\nimport does_not_exist_xyz\n")
    with pytest.raises(NoAppException) as info:
        locate_app("broken", None, raise_if_not_found=False)
    message = str(info.value)
    assert message.startswith("While importing 'broken', an ImportError was raised:")
    assert "broken.py" in message
    assert "No module named 'does_not_exist_xyz'" in message
    assert "framework/cli.py" not in message  # the traceback starts in the user's code


def test_locate_app_reports_an_exception_raised_by_the_module(
    project: Callable[..., Path],
) -> None:
    project("boom.py", "raise ValueError('kaboom')\n")
    with pytest.raises(NoAppException) as info:
        locate_app("boom", None)
    message = str(info.value)
    assert message.startswith("While importing 'boom', a ValueError was raised:")
    assert "ValueError: kaboom" in message
    assert 'boom.py", line 1' in message


def test_locate_app_reports_a_syntax_error(project: Callable[..., Path]) -> None:
    project("syn.py", "app = (\n")
    with pytest.raises(NoAppException, match="While importing 'syn', a SyntaxError was raised"):
        locate_app("syn", None)


# -- ScriptInfo -------------------------------------------------------------------------


def test_script_info_defaults() -> None:
    info = ScriptInfo()
    assert info.app_import_path is None
    assert info.create_app is None
    assert info.data == {}
    assert info.set_debug_flag is True
    assert info.load_dotenv_defaults is True


def test_script_info_load_dotenv_defaults_honours_flask_skip_dotenv() -> None:
    os.environ["FLASK_SKIP_DOTENV"] = "1"
    assert ScriptInfo().load_dotenv_defaults is False
    assert ScriptInfo(load_dotenv_defaults=False).load_dotenv_defaults is False


def test_script_info_calls_create_app_once() -> None:
    calls: list[Flask] = []

    def factory() -> Flask:
        calls.append(Flask("made"))
        return calls[-1]

    info = ScriptInfo(create_app=factory)
    assert info.load_app() is info.load_app() is calls[0]
    assert len(calls) == 1


def test_script_info_create_app_wins_over_the_import_path() -> None:
    made = Flask("made")
    assert ScriptInfo("no_such_module", create_app=lambda: made).load_app() is made


def test_script_info_factory_returning_none() -> None:
    with pytest.raises(NoAppException, match="Could not locate a Flask application"):
        ScriptInfo(create_app=lambda: None).load_app()  # type: ignore[arg-type,return-value]


def test_script_info_import_path_with_name(project: Callable[..., Path]) -> None:
    project(
        "factory.py",
        """\
        from framework import Flask
        def create_app(name="default"):
            return Flask(name)
        """,
    )
    assert ScriptInfo("factory:create_app('custom')").load_app().name == "custom"
    assert ScriptInfo("factory.py").load_app().name == "default"


def test_script_info_sets_debug_from_the_environment() -> None:
    os.environ["FLASK_DEBUG"] = "1"
    app = Flask("x")
    app.debug = False
    assert ScriptInfo(create_app=lambda: app).load_app().debug is True


def test_script_info_leaves_debug_alone_without_set_debug_flag() -> None:
    app = Flask("x")
    os.environ["FLASK_DEBUG"] = "1"
    app.debug = False
    ScriptInfo(create_app=lambda: app, set_debug_flag=False).load_app()
    assert app.debug is False


def test_script_info_detects_wsgi_py_before_app_py(project: Callable[..., Path]) -> None:
    project("wsgi.py", APP_MODULE.format(name="from_wsgi"))
    project("app.py", APP_MODULE.format(name="from_app"))
    assert ScriptInfo().load_app().name == "from_wsgi"


def test_script_info_detects_app_py(project: Callable[..., Path]) -> None:
    project("app.py", APP_MODULE.format(name="from_app"))
    assert ScriptInfo().load_app().name == "from_app"


def test_script_info_detects_an_app_package(project: Callable[..., Path]) -> None:
    project("app/__init__.py", APP_MODULE.format(name="from_package"))
    assert ScriptInfo().load_app().name == "from_package"


def test_script_info_without_any_app(project: Callable[..., Path]) -> None:
    with pytest.raises(NoAppException) as info:
        ScriptInfo().load_app()
    assert str(info.value) == (
        "Could not locate a Flask application. Use the 'framework --app' option,"
        " 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the"
        " current directory."
    )


# -- with_appcontext, AppGroup ----------------------------------------------------------


def test_with_appcontext_loads_the_app_and_pushes_its_context() -> None:
    app = Flask("ctx")

    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(current_app.name)

    result = invoke(show, [], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0
    assert result.output == "ctx\n"


def test_with_appcontext_uses_an_already_active_context() -> None:
    active = Flask("active")

    def never() -> Flask:
        raise AssertionError("the app must not be loaded again")

    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(current_app.name)

    with active.app_context():
        result = invoke(show, [], obj=ScriptInfo(create_app=never))
    assert result.output == "active\n"


def test_with_appcontext_without_an_app_is_a_usage_error(project: Callable[..., Path]) -> None:
    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo("unreachable")

    result = invoke(show, [])
    assert result.exit_code == 2
    assert "Error: Could not locate a Flask application." in result.output


def test_app_group_commands_run_in_the_app_context() -> None:
    app = Flask("grp")
    group = AppGroup("tools")

    @group.command()
    @click.argument("who")
    def greet(who: str) -> None:
        click.echo(f"{current_app.name} greets {who}")

    result = invoke(group, ["greet", "you"], obj=ScriptInfo(create_app=lambda: app))
    assert result.output == "grp greets you\n"


def test_app_group_command_without_appcontext() -> None:
    group = AppGroup()

    @group.command(with_appcontext=False)
    def plain() -> None:
        click.echo(f"context: {bool(current_app)}")

    result = invoke(group, ["plain"])
    assert result.output == "context: False\n"


def test_app_group_decorators_work_without_parentheses() -> None:
    app = Flask("bare")
    group = AppGroup()

    @group.command
    def first() -> None:
        click.echo(current_app.name)

    @group.group
    def nested() -> None:
        """A nested group."""

    assert isinstance(first, click.Command)
    assert isinstance(nested, AppGroup)
    assert set(group.commands) == {"first", "nested"}
    assert invoke(group, ["first"], obj=ScriptInfo(create_app=lambda: app)).output == "bare\n"


def test_app_group_group_creates_app_groups_with_context() -> None:
    app = Flask("nested")
    group = AppGroup()

    @group.group("db")
    def db() -> None:
        """Database commands."""

    @db.command()
    def init() -> None:
        click.echo(f"init {current_app.name}")

    assert isinstance(db, AppGroup)
    result = invoke(group, ["db", "init"], obj=ScriptInfo(create_app=lambda: app))
    assert result.output == "init nested\n"


def test_app_group_group_respects_an_explicit_cls() -> None:
    group = AppGroup()
    sub = group.group("plain", cls=click.Group)(lambda: None)
    assert type(sub) is click.Group


def test_every_app_and_blueprint_has_an_app_group() -> None:
    app = Flask("owner")
    assert isinstance(app.cli, AppGroup)
    assert app.cli.name == "owner"
    assert isinstance(Blueprint("bp", __name__).cli, AppGroup)


# -- FlaskGroup -------------------------------------------------------------------------


def make_group(app: Flask, **kwargs: Any) -> FlaskGroup:
    """A FlaskGroup building ``app``, without env file loading."""
    kwargs.setdefault("load_dotenv", False)
    return FlaskGroup(create_app=lambda: app, **kwargs)


def test_flask_group_runs_app_commands_in_the_app_context() -> None:
    app = Flask("fg")
    app.cli.add_command(click.Command("plain", callback=lambda: click.echo(bool(current_app))))
    result = invoke(make_group(app), ["plain"])
    assert result.output == "True\n"


def test_flask_group_help_lists_builtin_and_app_commands() -> None:
    app = Flask("fg")

    @app.cli.command()
    def custom() -> None:
        """Do the custom thing."""

    result = invoke(make_group(app), ["--help"])
    assert result.exit_code == 0
    for line in (
        "custom  Do the custom thing.",
        "routes  Show the routes for the app.",
        "run     Run a development server.",
        "shell   Run a shell in the app context.",
    ):
        assert line in result.output
    assert "--version" in result.output


def test_flask_group_without_default_commands_or_version() -> None:
    group = make_group(Flask("fg"), add_default_commands=False, add_version_option=False)
    result = invoke(group, ["--help"])
    assert "routes" not in result.output
    assert "--version" not in result.output
    assert invoke(group, ["--version"]).exit_code == 2


def test_flask_group_keeps_extra_params_and_context_settings() -> None:
    extra = click.Option(["--verbose"], is_flag=True)
    group = make_group(
        Flask("fg"), params=[extra], context_settings={"help_option_names": ["-?", "--help"]}
    )
    assert group.params[0] is extra
    result = invoke(group, ["-?"])
    assert result.exit_code == 0
    assert "--verbose" in result.output


def test_flask_group_version() -> None:
    result = invoke(make_group(Flask("fg")), ["--version"])
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert lines[0].startswith("Python ")
    assert lines[1].startswith("Framework ")
    assert lines[2].startswith("Werkzeug ")


def test_flask_group_unknown_command_reports_the_load_error(
    project: Callable[..., Path],
) -> None:
    result = CliRunner().invoke(FlaskGroup(load_dotenv=False), ["nope"])
    assert result.exit_code == 2
    assert "Error: Could not locate a Flask application." in result.output
    assert "Error: No such command 'nope'." in result.output


def test_flask_group_help_reports_a_broken_factory_but_lists_builtins() -> None:
    def broken() -> Flask:
        raise RuntimeError("factory exploded")

    result = invoke(FlaskGroup(create_app=broken, load_dotenv=False), ["--help"])
    assert result.exit_code == 0
    assert "factory exploded" in result.output
    assert "routes  Show the routes for the app." in result.output


def test_flask_group_marks_the_run_as_from_the_cli() -> None:
    invoke(make_group(Flask("fg")), ["--help"])
    assert os.environ["FLASK_RUN_FROM_CLI"] == "true"


def test_flask_group_uses_a_given_obj() -> None:
    other = Flask("other")
    result = invoke(
        make_group(Flask("ignored")), ["routes"], obj=ScriptInfo(create_app=lambda: other)
    )
    assert result.exit_code == 0
    assert "static" in result.output


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        (["--debug"], {}, ("1", True)),
        (["--no-debug"], {"FLASK_DEBUG": "1"}, ("0", False)),
        ([], {"FLASK_DEBUG": "true"}, ("1", True)),
        ([], {"FLASK_DEBUG": "no"}, ("0", False)),
        ([], {}, (None, False)),
    ],
)
def test_flask_group_debug_option(
    args: list[str], environ: dict[str, str], expected: tuple[str | None, bool]
) -> None:
    os.environ.update(environ)
    app = Flask("dbg")

    @app.cli.command()
    def show() -> None:
        click.echo(f"{os.environ.get('FLASK_DEBUG')} {current_app.debug}")

    result = invoke(make_group(app), [*args, "show"])
    assert result.output == f"{expected[0]} {expected[1]}\n"


def test_flask_group_app_option_and_env_var(project: Callable[..., Path]) -> None:
    project("one.py", APP_MODULE.format(name="one"))
    project("two.py", APP_MODULE.format(name="two"))
    group = FlaskGroup(load_dotenv=False)
    assert invoke(group, ["--app", "one", "hello"]).output == "hello from one\n"
    assert invoke(group, ["-A", "two.py", "hello"]).output == "hello from two\n"
    os.environ["FLASK_APP"] = "two"
    assert invoke(group, ["hello"]).output == "hello from two\n"
    assert invoke(group, ["--app", "one", "hello"]).output == "hello from one\n"


def test_flask_group_without_arguments_shows_the_app_commands(
    project: Callable[..., Path],
) -> None:
    project("one.py", APP_MODULE.format(name="one"))
    os.environ["FLASK_APP"] = "one"
    result = invoke(FlaskGroup(load_dotenv=False), [])
    assert result.exit_code == 2  # click's no_args_is_help
    assert "hello" in result.output


@pytest.mark.parametrize("source", ["environment", ".flaskenv"])
def test_flask_group_help_alone_shows_the_app_commands(
    project: Callable[..., Path], tmp_path: Path, source: str
) -> None:
    project("one.py", APP_MODULE.format(name="one"))
    if source == "environment":
        os.environ["FLASK_APP"] = "one"
    else:
        (tmp_path / ".flaskenv").write_text("FLASK_APP=one\n")
    result = invoke(FlaskGroup(), ["--help"])
    assert result.exit_code == 0
    assert "  hello" in result.output
    assert "Could not locate" not in result.output


def test_flask_group_reads_command_options_from_flask_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = capture_run_simple(monkeypatch)
    os.environ["FLASK_RUN_PORT"] = "8123"
    invoke(make_group(Flask("env")), ["run"])
    assert served["port"] == 8123


def test_blueprint_commands_are_reachable_through_the_group() -> None:
    app = Flask("bps")
    default, merged, named = (
        Blueprint("default_bp", __name__),
        Blueprint("merged_bp", __name__, cli_group=None),
        Blueprint("named_bp", __name__, cli_group="tools"),
    )
    for bp in (default, merged, named):

        @bp.cli.command(f"{bp.name}-cmd")
        def cmd() -> None:
            click.echo(current_app.name)

        app.register_blueprint(bp)
    group = make_group(app)
    assert invoke(group, ["default_bp", "default_bp-cmd"]).output == "bps\n"
    assert invoke(group, ["merged_bp-cmd"]).output == "bps\n"
    assert invoke(group, ["tools", "named_bp-cmd"]).output == "bps\n"


# -- plugin commands ----------------------------------------------------------------------


def install_fake_plugin(site: Path, entry_points: str) -> None:
    """Create a distribution on ``site`` declaring ``entry_points`` and a module
    ``fake_cli_plugin`` with commands."""
    site.mkdir()
    dist = site / "fake_cli_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-cli-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    (site / "fake_cli_plugin.py").write_text(
        textwrap.dedent(
            """\
            import click

            @click.command()
            def from_flask_group():
                click.echo("flask.commands plugin")

            @click.command()
            def from_framework_group():
                click.echo("framework.commands plugin")
            """
        )
    )


def test_plugin_commands_from_both_entry_point_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_plugin(
        tmp_path / "site",
        """\
        [flask.commands]
        legacy = fake_cli_plugin:from_flask_group

        [framework.commands]
        native = fake_cli_plugin:from_framework_group
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    group = make_group(Flask("plug"))
    assert invoke(group, ["legacy"]).output == "flask.commands plugin\n"
    assert invoke(make_group(Flask("plug")), ["native"]).output == "framework.commands plugin\n"
    assert "native" in invoke(make_group(Flask("plug")), ["--help"]).output


def test_a_broken_plugin_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_plugin(
        tmp_path / "site",
        """\
        [framework.commands]
        broken = fake_cli_plugin:does_not_exist
        native = fake_cli_plugin:from_framework_group
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    result = invoke(make_group(Flask("plug")), ["native"])
    assert result.exit_code == 0
    assert "could not load command 'broken'" in result.output
    assert "framework.commands plugin" in result.output


# -- env files ------------------------------------------------------------------------------


def write_env_files(directory: Path) -> None:
    (directory / ".flaskenv").write_text("FOO=flaskenv\nONLY_FLASKENV=1\n")
    (directory / ".env").write_text("FOO=env\nONLY_ENV=1\n")
    (directory / "custom.env").write_text("FOO=custom\n")


def test_load_dotenv_precedence(project: Callable[..., Path], tmp_path: Path) -> None:
    write_env_files(tmp_path)
    assert load_dotenv() is True
    assert os.environ["FOO"] == "env"
    assert os.environ["ONLY_FLASKENV"] == os.environ["ONLY_ENV"] == "1"


def test_load_dotenv_given_file_wins(project: Callable[..., Path], tmp_path: Path) -> None:
    write_env_files(tmp_path)
    assert load_dotenv("custom.env") is True
    assert os.environ["FOO"] == "custom"


def test_load_dotenv_never_overrides_the_environment(
    project: Callable[..., Path], tmp_path: Path
) -> None:
    write_env_files(tmp_path)
    os.environ["FOO"] = "preset"
    load_dotenv("custom.env")
    assert os.environ["FOO"] == "preset"


def test_load_dotenv_finds_files_in_parent_folders(
    project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_env_files(tmp_path)
    (tmp_path / "deeper").mkdir()
    monkeypatch.chdir(tmp_path / "deeper")
    load_dotenv()
    assert os.environ["FOO"] == "env"


def test_load_dotenv_without_defaults(project: Callable[..., Path], tmp_path: Path) -> None:
    write_env_files(tmp_path)
    assert load_dotenv("missing.env", load_defaults=False) is False
    assert "FOO" not in os.environ
    assert load_dotenv("custom.env", load_defaults=False) is True
    assert os.environ["FOO"] == "custom"
    assert "ONLY_ENV" not in os.environ


def test_load_dotenv_without_files(project: Callable[..., Path]) -> None:
    assert load_dotenv() is False


@pytest.mark.parametrize("content", ["", "# only a comment\n"])
def test_load_dotenv_with_a_file_defining_nothing(
    project: Callable[..., Path], tmp_path: Path, content: str
) -> None:
    (tmp_path / ".env").write_text(content)
    assert load_dotenv() is False


def test_load_dotenv_bare_key_overrides_an_earlier_file(
    project: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / ".flaskenv").write_text("BARE=1\nKEPT=1\n")
    (tmp_path / ".env").write_text("BARE\n")
    assert load_dotenv() is True
    assert "BARE" not in os.environ
    assert os.environ["KEPT"] == "1"


def test_load_dotenv_counts_a_bare_key_as_loaded(
    project: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("BARE\n")
    assert load_dotenv() is True
    assert "BARE" not in os.environ


def test_load_dotenv_given_file_bare_key_overrides_the_defaults(
    project: Callable[..., Path], tmp_path: Path
) -> None:
    write_env_files(tmp_path)
    (tmp_path / "bare.env").write_text("FOO\n")
    assert load_dotenv("bare.env") is True
    assert "FOO" not in os.environ
    assert os.environ["ONLY_ENV"] == "1"


def test_load_dotenv_without_python_dotenv_prints_a_tip(
    project: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)  # makes `import dotenv` fail
    assert load_dotenv() is False
    assert capsys.readouterr().err == ""
    write_env_files(tmp_path)
    assert load_dotenv() is False
    assert "FOO" not in os.environ
    tip = " * Tip: There are .env files present. Install python-dotenv to use them.\n"
    assert capsys.readouterr().err == tip


def test_env_file_option(project: Callable[..., Path], tmp_path: Path) -> None:
    write_env_files(tmp_path)
    app = Flask("envs")

    @app.cli.command()
    def show() -> None:
        click.echo(f"{os.environ.get('FOO')} {os.environ.get('ONLY_ENV')}")

    group = FlaskGroup(create_app=lambda: app)
    assert invoke(group, ["-e", "custom.env", "show"]).output == "custom 1\n"


def test_env_file_option_without_defaults(project: Callable[..., Path], tmp_path: Path) -> None:
    write_env_files(tmp_path)
    app = Flask("envs")

    @app.cli.command()
    def show() -> None:
        click.echo(f"{os.environ.get('FOO')} {os.environ.get('ONLY_ENV')}")

    group = FlaskGroup(create_app=lambda: app, load_dotenv=False)
    assert invoke(group, ["show"]).output == "None None\n"
    assert invoke(group, ["--env-file", "custom.env", "show"]).output == "custom None\n"


def test_flask_skip_dotenv(project: Callable[..., Path], tmp_path: Path) -> None:
    write_env_files(tmp_path)
    os.environ["FLASK_SKIP_DOTENV"] = "1"
    app = Flask("envs")

    @app.cli.command()
    def show() -> None:
        click.echo(str(os.environ.get("FOO")))

    assert invoke(FlaskGroup(create_app=lambda: app), ["show"]).output == "None\n"


def test_env_file_sets_flask_app(project: Callable[..., Path], tmp_path: Path) -> None:
    project("one.py", APP_MODULE.format(name="one"))
    (tmp_path / ".flaskenv").write_text("FLASK_APP=one\n")
    assert invoke(FlaskGroup(), ["hello"]).output == "hello from one\n"


def test_env_file_option_errors(
    project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = FlaskGroup(create_app=lambda: Flask("x"))
    result = invoke(group, ["-e", "missing.env", "routes"])
    assert result.exit_code == 2
    assert "Invalid value for '-e' / '--env-file': File 'missing.env' does not exist." in (
        result.output
    )
    write_env_files(tmp_path)
    monkeypatch.setitem(sys.modules, "dotenv", None)
    result = invoke(group, ["-e", "custom.env", "routes"])
    assert result.exit_code == 2
    assert "python-dotenv must be installed to load an env file." in result.output


# -- run --------------------------------------------------------------------------------


def capture_run_simple(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace werkzeug's run_simple with a recorder; return the recorded call."""
    served: dict[str, Any] = {}

    def fake_run_simple(host: str, port: int, application: Any, **options: Any) -> None:
        served.update(host=host, port=port, application=application, **options)

    monkeypatch.setattr("werkzeug.serving.run_simple", fake_run_simple)
    return served


def run_app(app: Flask, *args: str) -> Any:
    return invoke(make_group(app), ["run", *args])


def test_run_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    served = capture_run_simple(monkeypatch)
    app = Flask("served")
    result = run_app(app)
    assert result.exit_code == 0
    assert served == {
        "host": "127.0.0.1",
        "port": 5000,
        "application": app,
        "use_reloader": False,
        "use_debugger": False,
        "threaded": True,
        "ssl_context": None,
        "extra_files": None,
        "exclude_patterns": None,
    }
    assert result.output == " * Debug mode: off\n"


def test_run_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    served = capture_run_simple(monkeypatch)
    extra = [str(tmp_path / "a.cfg"), str(tmp_path / "b.cfg")]
    result = run_app(
        Flask("served"),
        "-h", "0.0.0.0", "-p", "8080", "--reload", "--debugger", "--without-threads",
        "--extra-files", os.pathsep.join(extra),
        "--exclude-patterns", os.pathsep.join(["*.tmp", "*/cache/*"]),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert served["host"] == "0.0.0.0"
    assert served["port"] == 8080
    assert served["use_reloader"] is served["use_debugger"] is True
    assert served["threaded"] is False
    assert served["extra_files"] == extra
    assert served["exclude_patterns"] == ["*.tmp", "*/cache/*"]


def test_run_debug_turns_on_reloader_and_debugger(monkeypatch: pytest.MonkeyPatch) -> None:
    served = capture_run_simple(monkeypatch)
    result = invoke(make_group(Flask("dbg")), ["--debug", "run"])
    assert served["use_reloader"] is served["use_debugger"] is True
    assert " * Debug mode: on" in result.output
    served.clear()
    invoke(make_group(Flask("dbg")), ["run", "--debug", "--no-reload"])
    assert served["use_reloader"] is False
    assert served["use_debugger"] is True


def test_run_banner_names_the_app_import_path(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    capture_run_simple(monkeypatch)
    project("one.py", APP_MODULE.format(name="one"))
    result = invoke(FlaskGroup(load_dotenv=False), ["--app", "one", "run"])
    assert result.output == " * Serving Flask app 'one'\n * Debug mode: off\n"


def test_run_with_certificate_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    served = capture_run_simple(monkeypatch)
    result = run_app(Flask("tls"), "--cert", TEST_CERT, "--key", TEST_KEY)
    assert result.exit_code == 0, result.output
    assert served["ssl_context"] == (TEST_CERT, TEST_KEY)


def test_run_with_an_ssl_context_object(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = capture_run_simple(monkeypatch)
    project("tlsconf.py", "import ssl\ncontext = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n")
    result = run_app(Flask("tls"), "--cert", "tlsconf:context")
    assert result.exit_code == 0, result.output
    assert isinstance(served["ssl_context"], ssl.SSLContext)
    result = run_app(Flask("tls"), "--cert", "tlsconf.context", "--key", TEST_KEY)
    assert result.exit_code == 2
    assert 'When "--cert" is an SSLContext object, "--key" is not used.' in result.output


def test_run_adhoc_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    served = capture_run_simple(monkeypatch)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    result = run_app(Flask("tls"), "--cert", "adhoc")
    assert result.exit_code == 2
    assert "Using ad-hoc certificates requires the cryptography library." in result.output

    fake = types.ModuleType("cryptography")
    fake.__spec__ = importlib.machinery.ModuleSpec("cryptography", None)
    monkeypatch.setitem(sys.modules, "cryptography", fake)
    assert run_app(Flask("tls"), "--cert", "ADHOC").exit_code == 0
    assert served["ssl_context"] == "adhoc"
    result = run_app(Flask("tls"), "--cert", "adhoc", "--key", TEST_KEY)
    assert result.exit_code == 2
    assert 'When "--cert" is "adhoc", "--key" is not used.' in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key", TEST_KEY], "Invalid value for '--key': \"--cert\" must also be specified."),
        (["--cert", TEST_CERT], "Invalid value for '--key': Required when using \"--cert\"."),
        (["--cert", "nope.pem"], "Invalid value for '--cert': File 'nope.pem' does not exist."),
        (["--cert", TEST_KEY, "--key", TEST_KEY], "Could not load the certificate"),
        (["--port", "abc"], "'abc' is not a valid integer."),
    ],
)
def test_run_rejects_bad_options(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = capture_run_simple(monkeypatch)
    result = run_app(Flask("bad"), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert served == {}


def test_run_reports_a_missing_app(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = capture_run_simple(monkeypatch)
    result = invoke(FlaskGroup(load_dotenv=False), ["--app", "nope", "run"])
    assert result.exit_code == 2
    assert "Error: Could not import 'nope'." in result.output
    assert served == {}


def test_run_in_the_reloader_child_serves_the_load_error(
    project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    served = capture_run_simple(monkeypatch)
    project("boom.py", "raise ValueError('kaboom')\n")
    os.environ["WERKZEUG_RUN_MAIN"] = "true"
    result = invoke(FlaskGroup(load_dotenv=False), ["--app", "boom", "run"])
    assert result.exit_code == 0
    assert "Error: While importing 'boom', a ValueError was raised:" in result.output
    assert "Serving" not in result.output  # the banner was printed by the parent
    with pytest.raises(NoAppException, match="kaboom"):
        served["application"]({}, lambda *a: None)


def test_show_server_banner(capsys: pytest.CaptureFixture[str]) -> None:
    show_server_banner(True, "pkg:create_app()")
    assert capsys.readouterr().out == " * Serving Flask app 'pkg:create_app()'\n * Debug mode: on\n"
    show_server_banner(False, None)
    assert capsys.readouterr().out == " * Debug mode: off\n"
    os.environ["WERKZEUG_RUN_MAIN"] = "true"
    show_server_banner(True, "x")
    assert capsys.readouterr().out == ""


def test_run_command_help_lists_its_options() -> None:
    output = invoke(run_command, ["--help"]).output
    for option in (
        "--debug / --no-debug",
        "-h, --host",
        "-p, --port",
        "--cert",
        "--key",
        "--reload / --no-reload",
        "--debugger / --no-debugger",
        "--with-threads / --without-threads",
        "--extra-files",
        "--exclude-patterns",
    ):
        assert option in output


# -- parameter types ------------------------------------------------------------------------


def test_cert_param_type_converts_paths_and_rejects_the_rest() -> None:
    cert_type = CertParamType()
    assert cert_type.convert(TEST_CERT, None, None) == TEST_CERT
    with pytest.raises(click.BadParameter, match="does not exist"):
        cert_type.convert("ssl.create_default_context", None, None)  # not an SSLContext


def test_separated_path_type_splits_on_the_path_separator(tmp_path: Path) -> None:
    paths_type = SeparatedPathType(exists=True)
    (tmp_path / "a").touch()
    (tmp_path / "b").touch()
    value = os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")])
    assert paths_type.convert(value, None, None) == [str(tmp_path / "a"), str(tmp_path / "b")]
    with pytest.raises(click.BadParameter, match="does not exist"):
        paths_type.convert(str(tmp_path / "missing"), None, None)


# -- shell ------------------------------------------------------------------------------


@pytest.fixture
def interact_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace ``code.interact`` with a recorder of its arguments and of the active app."""
    import code

    calls: list[dict[str, Any]] = []

    def fake_interact(banner: str, local: dict[str, Any]) -> None:
        active_app = current_app._get_current_object()  # type: ignore[attr-defined]
        calls.append({"banner": banner, "local": local, "app": active_app})

    monkeypatch.setattr(code, "interact", fake_interact)
    return calls


def test_shell_runs_with_the_app_context_and_shell_context(
    interact_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    app = Flask("shelled", instance_path=str(tmp_path / "instance"))

    @app.shell_context_processor
    def extra() -> dict[str, Any]:
        return {"answer": 42}

    result = invoke(make_group(app), ["shell"])
    assert result.exit_code == 0
    (call,) = interact_calls
    assert call["app"] is app
    assert call["local"]["app"] is app
    assert call["local"]["answer"] == 42
    assert "g" in call["local"]
    assert call["banner"] == (
        f"Python {sys.version} on {sys.platform}\nApp: shelled\nInstance: {tmp_path / 'instance'}"
    )


def test_shell_runs_pythonstartup_before_the_app_names(
    interact_calls: list[dict[str, Any]], tmp_path: Path
) -> None:
    startup = tmp_path / "startup.py"
    startup.write_text("from_startup = 'yes'\napp = 'replaced by the app'\n")
    os.environ["PYTHONSTARTUP"] = str(startup)
    app = Flask("shelled")
    invoke(make_group(app), ["shell"])
    local = interact_calls[0]["local"]
    assert local["from_startup"] == "yes"
    assert local["app"] is app


def test_shell_command_is_an_app_context_command() -> None:
    assert shell_command.name == "shell"
    assert "Run an interactive Python shell" in (shell_command.help or "")


# -- routes -----------------------------------------------------------------------------


def routes_app(**kwargs: Any) -> Flask:
    kwargs.setdefault("static_folder", None)
    app = Flask("routed", **kwargs)

    def view() -> str:
        return ""

    app.add_url_rule("/b", "zeta", view, methods=["POST", "PUT"])
    app.add_url_rule("/a/<int:x>", "alpha", view)
    app.add_url_rule("/c", "beta", view, methods=["DELETE"])
    app.add_url_rule("/a", "alpha2", view)
    return app


def routes_output(app: Flask, *args: str) -> str:
    result = invoke(make_group(app), ["routes", *args])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_routes_table() -> None:
    assert routes_output(routes_app()).splitlines() == [
        "Endpoint  Methods    Rule      ",
        "--------  ---------  ----------",
        "alpha     GET        /a/<int:x>",
        "alpha2    GET        /a        ",
        "beta      DELETE     /c        ",
        "zeta      POST, PUT  /b        ",
    ]


@pytest.mark.parametrize(
    ("sort", "endpoints"),
    [
        ("endpoint", ["alpha", "alpha2", "beta", "zeta"]),
        ("methods", ["beta", "alpha", "alpha2", "zeta"]),
        ("rule", ["alpha2", "alpha", "zeta", "beta"]),
        ("match", ["zeta", "alpha", "beta", "alpha2"]),
        ("domain", ["zeta", "alpha", "beta", "alpha2"]),
    ],
)
def test_routes_sorting(sort: str, endpoints: list[str]) -> None:
    lines = routes_output(routes_app(), "--sort", sort).splitlines()[2:]
    assert [line.split()[0] for line in lines] == endpoints


def test_routes_all_methods() -> None:
    lines = routes_output(routes_app(), "--all-methods").splitlines()
    assert lines[2] == "alpha     GET, HEAD, OPTIONS  /a/<int:x>"
    assert lines[4] == "beta      DELETE, OPTIONS     /c        "


def test_routes_invalid_sort() -> None:
    result = invoke(make_group(routes_app()), ["routes", "-s", "bogus"])
    assert result.exit_code == 2
    assert "'bogus' is not one of 'endpoint', 'methods', 'domain', 'rule', 'match'." in (
        result.output
    )


def test_routes_subdomain_column() -> None:
    app = routes_app()
    app.add_url_rule("/api", "api", lambda: "", subdomain="api")
    lines = routes_output(app, "-s", "domain").splitlines()
    assert lines[0] == "Endpoint  Methods    Subdomain  Rule      "
    assert lines[-1] == "api       GET        api        /api      "


def test_routes_host_column() -> None:
    app = Flask("hosted", host_matching=True, static_host="static.test")
    app.add_url_rule("/x", "x", lambda: "", host="api.test")
    lines = routes_output(app, "-s", "domain").splitlines()
    assert lines[0] == "Endpoint  Methods  Host         Rule                   "
    assert lines[2:] == [
        "x         GET      api.test     /x                     ",
        "static    GET      static.test  /static/<path:filename>",
    ]


def test_routes_without_routes() -> None:
    assert routes_output(Flask("empty", static_folder=None)) == "No routes were registered.\n"


def test_routes_command_options() -> None:
    assert {param.name for param in routes_command.params} == {"sort", "all_methods"}


# -- the console script -------------------------------------------------------------------


def console(cwd: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run the ``framework`` console script in ``cwd``."""
    script = Path(sys.executable).with_name("framework")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    return subprocess.run(
        [str(script), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_console_script_discovers_and_runs_app_commands(tmp_path: Path) -> None:
    (tmp_path / "wsgi.py").write_text(textwrap.dedent(APP_MODULE.format(name="console")))
    result = console(tmp_path, "hello")
    assert (result.returncode, result.stdout, result.stderr) == (0, "hello from console\n", "")


def test_console_script_routes(tmp_path: Path) -> None:
    (tmp_path / "webapp.py").write_text(
        "from framework import Flask\napp = Flask(__name__)\napp.add_url_rule('/', 'index')\n"
    )
    result = console(tmp_path, "--app", "webapp.py", "routes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Endpoint  Methods  Rule                   ",
        "--------  -------  -----------------------",
        "index     GET      /                      ",
        "static    GET      /static/<path:filename>",
    ]


def test_console_script_discovery_error(tmp_path: Path) -> None:
    (tmp_path / "factory.py").write_text(
        "from framework import Flask\ndef create_app(config):\n    return Flask(config)\n"
    )
    result = console(tmp_path, "--app", "factory", "routes")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Detected factory 'create_app' in module 'factory', but could not call it"
        " without arguments. Use 'factory:create_app(args)' to specify arguments."
    )
    assert "Traceback" not in result.stderr


def test_python_dash_m_framework(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "framework", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    assert result.stdout.splitlines()[1].startswith("Framework ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_console_script_run_serves_the_app(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from framework import Flask\napp = Flask(__name__)\n"
        "@app.route('/')\ndef index():\n    return 'served by run'\n"
    )
    port = free_port()
    script = Path(sys.executable).with_name("framework")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    server = subprocess.Popen(
        [str(script), "run", "--port", str(port)],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert response.status_code == 200
        assert response.text == "served by run"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert " * Debug mode: off" in output
