"""Spec area ``app``: the application object, its constructor arguments and attributes."""

from __future__ import annotations

import importlib
import logging
import os
import re
import sys
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Map
from werkzeug.test import create_environ, run_wsgi_app

SETUP_AFTER_REQUEST_MESSAGE = (
    "The setup method '{name}' can no longer be called on the application. "
    "It has already handled its first request"
)


class ModuleTree:
    """Importable modules written under a temporary ``sys.path`` entry, with unique names."""

    def __init__(self, base: Path) -> None:
        self.base = base
        suffix = uuid.uuid4().hex[:12]
        self.module = f"specmod_{suffix}"
        self.package = f"specpkg_{suffix}"
        (base / f"{self.module}.py").write_text("VALUE = 1\n")
        package_dir = base / self.package
        package_dir.mkdir()
        (package_dir / "__init__.py").write_text("")
        (package_dir / "sub.py").write_text("VALUE = 2\n")

    @property
    def names(self) -> list[str]:
        """Return every module name the tree may have put into ``sys.modules``."""
        return [self.module, self.package, f"{self.package}.sub"]


@pytest.fixture
def module_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleTree]:
    """A module and a package (with a submodule) importable from ``tmp_path / "src"``."""
    base = tmp_path / "src"
    base.mkdir()
    monkeypatch.syspath_prepend(str(base))
    tree = ModuleTree(base)
    yield tree
    for name in tree.names:
        sys.modules.pop(name, None)


@pytest.fixture
def fake_main(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], types.ModuleType]:
    """Install a stand-in ``__main__`` module, optionally with a ``__file__``."""

    def install(file: str | None) -> types.ModuleType:
        module = types.ModuleType("__main__")
        if file is not None:
            module.__file__ = file
        monkeypatch.setitem(sys.modules, "__main__", module)
        return module

    return install


# --- the app class -----------------------------------------------------------------------


@pytest.mark.spec("app.class.app-base")
def test_app_module_exports_app_base_class(impl: Any, app: Any) -> None:
    """The app module exports ``App``, a class every application is an instance of
    (extensions such as Flask-SQLAlchemy-Lite and Flask-Admin import it to type apps)."""
    base = impl.app.App
    assert isinstance(base, type)
    assert issubclass(impl.Flask, base)
    assert isinstance(app, base)


# --- names -------------------------------------------------------------------------------


@pytest.mark.spec("app.name.import-name")
def test_name_is_import_name(impl: Any) -> None:
    """``app.name`` and ``app.import_name`` equal the import name passed to the constructor."""
    app = impl.Flask("some_app_module")
    assert app.name == "some_app_module"
    assert app.import_name == "some_app_module"


@pytest.mark.spec("app.name.dotted")
def test_name_keeps_dotted_import_name(impl: Any) -> None:
    """A dotted import name is kept whole as ``app.name``."""
    app = impl.Flask("package.sub.module")
    assert app.name == "package.sub.module"


@pytest.mark.spec("app.name.main-script")
def test_name_of_main_is_script_stem(impl: Any, fake_main: Any, tmp_path: Path) -> None:
    """For ``__main__`` the name is the stem of the running script's file name."""
    fake_main(str(tmp_path / "my_script.py"))
    app = impl.Flask("__main__")
    assert app.name == "my_script"
    assert app.import_name == "__main__"


@pytest.mark.spec("app.name.main-without-file")
def test_name_of_main_without_file(impl: Any, fake_main: Any) -> None:
    """For a ``__main__`` without ``__file__`` (interactive session) the name stays ``__main__``."""
    fake_main(None)
    assert impl.Flask("__main__").name == "__main__"


@pytest.mark.spec("app.repr")
def test_repr_names_the_app(impl: Any) -> None:
    """``repr(app)`` is ``<Flask 'name'>``."""
    assert repr(impl.Flask("repr_app")) == "<Flask 'repr_app'>"


@pytest.mark.spec("app.constructor.matching-defaults")
def test_constructor_matching_and_template_defaults(impl: Any) -> None:
    """By default an app matches neither hosts nor subdomains and looks for templates in
    its ``templates`` folder."""
    app = impl.Flask("defaults_app")
    assert (app.url_map.host_matching, app.subdomain_matching) == (False, False)
    assert app.template_folder == "templates"


# --- root path ---------------------------------------------------------------------------


@pytest.mark.spec("app.root-path.module")
def test_root_path_of_module(impl: Any, module_tree: ModuleTree) -> None:
    """The root path of a module is the directory containing the module file."""
    app = impl.Flask(module_tree.module)
    assert app.root_path == str(module_tree.base)


@pytest.mark.spec("app.root-path.package")
def test_root_path_of_package(impl: Any, module_tree: ModuleTree) -> None:
    """The root path of a package is the package's own directory."""
    app = impl.Flask(module_tree.package)
    assert app.root_path == str(module_tree.base / module_tree.package)


@pytest.mark.spec("app.root-path.submodule")
def test_root_path_of_submodule(impl: Any, module_tree: ModuleTree) -> None:
    """The root path of a module inside a package is the package directory holding it."""
    app = impl.Flask(f"{module_tree.package}.sub")
    assert app.root_path == str(module_tree.base / module_tree.package)


@pytest.mark.spec("app.root-path.imported-module")
def test_root_path_of_already_imported_package(impl: Any, module_tree: ModuleTree) -> None:
    """An already-imported package gives the same root path as one that is not imported yet."""
    __import__(module_tree.package)
    app = impl.Flask(module_tree.package)
    assert app.root_path == str(module_tree.base / module_tree.package)


@pytest.mark.spec("app.root-path.unknown-is-cwd")
def test_root_path_of_unknown_name_is_cwd(
    impl: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import name that cannot be found falls back to the current working directory."""
    monkeypatch.chdir(tmp_path)
    app = impl.Flask(f"no_such_module_{uuid.uuid4().hex}")
    assert app.root_path == os.getcwd()


@pytest.mark.spec("app.root-path.main-script")
def test_root_path_of_main_is_script_directory(impl: Any, fake_main: Any, tmp_path: Path) -> None:
    """For ``__main__`` the root path is the directory of the running script."""
    fake_main(str(tmp_path / "my_script.py"))
    assert impl.Flask("__main__").root_path == str(tmp_path)


@pytest.mark.spec("app.root-path.argument")
def test_root_path_argument_wins(impl: Any, module_tree: ModuleTree, tmp_path: Path) -> None:
    """An explicit ``root_path`` argument replaces the path derived from the import name."""
    app = impl.Flask(module_tree.module, root_path=str(tmp_path))
    assert app.root_path == str(tmp_path)


@pytest.mark.spec("app.root-path.namespace-package")
def test_root_path_of_namespace_package_is_an_error(impl: Any, module_tree: ModuleTree) -> None:
    """An imported namespace package (no ``__init__.py``) has no root path: ``RuntimeError``
    saying to pass one, word for word Flask's."""
    name = f"{module_tree.package}_ns"
    (module_tree.base / name).mkdir()
    importlib.invalidate_caches()
    try:
        __import__(name)
        with pytest.raises(RuntimeError) as info:
            impl.Flask(name)
    finally:
        sys.modules.pop(name, None)
    assert str(info.value) == (
        f"No root path can be found for the provided module {name!r}. This can happen"
        " because the module came from an import hook that does not provide file name"
        " information or because it's a namespace package. In this case the root path"
        " needs to be explicitly provided."
    )


@pytest.mark.spec("app.root-path.builtin-module")
@pytest.mark.parametrize("name", ["sys", "builtins"])
def test_root_path_of_builtin_module_is_an_error(impl: Any, name: str) -> None:
    """A built-in module (no file) has no root path: ``RuntimeError`` naming it."""
    with pytest.raises(RuntimeError, match=re.escape(f"{name!r}")):
        impl.Flask(name)


# --- instance path -----------------------------------------------------------------------


@pytest.mark.spec("app.instance-path.module")
def test_instance_path_beside_module(impl: Any, module_tree: ModuleTree) -> None:
    """The default instance path is an ``instance`` folder beside a module."""
    app = impl.Flask(module_tree.module)
    assert app.instance_path == str(module_tree.base / "instance")


@pytest.mark.spec("app.instance-path.package")
def test_instance_path_beside_package(impl: Any, module_tree: ModuleTree) -> None:
    """The default instance path is an ``instance`` folder beside (not inside) a package."""
    app = impl.Flask(module_tree.package)
    assert app.instance_path == str(module_tree.base / "instance")


@pytest.mark.spec("app.instance-path.submodule")
def test_instance_path_of_submodule_is_beside_top_package(
    impl: Any, module_tree: ModuleTree
) -> None:
    """For a module inside a package, the instance folder sits beside the top-level package."""
    app = impl.Flask(f"{module_tree.package}.sub")
    assert app.instance_path == str(module_tree.base / "instance")


@pytest.mark.spec("app.instance-path.installed-package")
def test_instance_path_of_installed_package(
    impl: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a package installed in a ``PREFIX/lib/site-packages`` folder, the default
    instance path is ``PREFIX/var/<name>-instance``."""
    site_packages = tmp_path / "prefix" / "lib" / "site-packages"
    package = f"specinstalled_{uuid.uuid4().hex[:12]}"
    (site_packages / package).mkdir(parents=True)
    (site_packages / package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site_packages))
    try:
        app = impl.Flask(package)
    finally:
        sys.modules.pop(package, None)
    assert app.instance_path == str(tmp_path / "prefix" / "var" / f"{package}-instance")


@pytest.mark.spec("app.instance-path.unknown-is-cwd")
def test_instance_path_of_unknown_name(
    impl: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import name that cannot be found puts the instance folder in the working directory."""
    monkeypatch.chdir(tmp_path)
    app = impl.Flask(f"no_such_module_{uuid.uuid4().hex}")
    assert app.instance_path == os.path.join(os.getcwd(), "instance")


@pytest.mark.spec("app.instance-path.argument")
def test_instance_path_absolute_argument(impl: Any, tmp_path: Path) -> None:
    """An absolute ``instance_path`` argument is used as given."""
    wanted = str(tmp_path / "elsewhere")
    assert impl.Flask("conformance_app", instance_path=wanted).instance_path == wanted


@pytest.mark.spec("app.instance-path.relative-rejected")
def test_relative_instance_path_is_an_error(impl: Any) -> None:
    """A relative ``instance_path`` raises ``ValueError`` saying it must be absolute."""
    with pytest.raises(ValueError, match="must be absolute"):
        impl.Flask("conformance_app", instance_path="relative/instance")


@pytest.mark.spec("app.instance-path.relative-message")
def test_relative_instance_path_message(impl: Any) -> None:
    """The ``ValueError`` for a relative ``instance_path`` is Flask's, word for word."""
    with pytest.raises(ValueError) as info:
        impl.Flask("conformance_app", instance_path="relative/instance")
    assert str(info.value) == (
        "If an instance path is provided it must be absolute. A relative path was given instead."
    )


@pytest.mark.spec("app.instance-path.relative-config")
def test_instance_relative_config(impl: Any, tmp_path: Path) -> None:
    """``instance_relative_config=True`` makes ``app.config.root_path`` the instance path."""
    instance = str(tmp_path / "inst")
    relative = impl.Flask(
        "conformance_app",
        root_path=str(tmp_path),
        instance_path=instance,
        instance_relative_config=True,
    )
    default = impl.Flask("conformance_app", root_path=str(tmp_path), instance_path=instance)
    assert relative.config.root_path == instance
    assert default.config.root_path == str(tmp_path)


# --- static and template folders ---------------------------------------------------------


@pytest.mark.spec("app.static.defaults")
def test_static_folder_defaults(impl: Any, tmp_path: Path) -> None:
    """By default the static folder is ``<root>/static``, served under ``/static``."""
    app = impl.Flask("conformance_app", root_path=str(tmp_path))
    assert app.static_folder == str(tmp_path / "static")
    assert app.static_url_path == "/static"
    assert app.has_static_folder is True


@pytest.mark.spec("app.static.route")
def test_static_route_is_registered(impl: Any) -> None:
    """A ``static`` endpoint with rule ``<static_url_path>/<path:filename>`` is registered."""
    app = impl.Flask("conformance_app")
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert rules == {"static": "/static/<path:filename>"}
    assert "static" in app.view_functions


@pytest.mark.spec("app.static.serves-files")
def test_static_folder_serves_files(impl: Any, tmp_path: Path, driver: Any) -> None:
    """Files inside the static folder are served at the static URL path."""
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "hello.txt").write_text("static content")
    app = impl.Flask("conformance_app", root_path=str(tmp_path))
    response = driver.client(app).get("/static/hello.txt")
    assert response.status_code == 200
    assert response.data == b"static content"
    response.close()


@pytest.mark.spec("app.static.url-path-from-folder")
def test_static_url_path_derived_from_folder_name(impl: Any, tmp_path: Path) -> None:
    """Without ``static_url_path`` the URL path is ``/`` plus the folder's last path segment."""
    app = impl.Flask("conformance_app", root_path=str(tmp_path), static_folder="assets/public")
    assert app.static_folder == str(tmp_path / "assets" / "public")
    assert app.static_url_path == "/public"
    assert [rule.rule for rule in app.url_map.iter_rules()] == ["/public/<path:filename>"]


@pytest.mark.spec("app.static.absolute-folder")
def test_absolute_static_folder(impl: Any, tmp_path: Path) -> None:
    """An absolute ``static_folder`` is kept as given instead of being joined to the root."""
    folder = str(tmp_path / "files")
    app = impl.Flask("conformance_app", static_folder=folder)
    assert app.static_folder == folder
    assert app.static_url_path == "/files"


@pytest.mark.spec("app.static.url-path-argument")
def test_static_url_path_argument(impl: Any) -> None:
    """An explicit ``static_url_path`` is used, without its trailing slash."""
    app = impl.Flask("conformance_app", static_url_path="/assets/")
    assert app.static_url_path == "/assets"
    assert [rule.rule for rule in app.url_map.iter_rules()] == ["/assets/<path:filename>"]


@pytest.mark.spec("app.static.empty-url-path")
def test_empty_static_url_path_serves_from_root(impl: Any) -> None:
    """``static_url_path=""`` serves static files from the URL root."""
    app = impl.Flask("conformance_app", static_url_path="")
    assert app.static_url_path == ""
    assert [rule.rule for rule in app.url_map.iter_rules()] == ["/<path:filename>"]


@pytest.mark.spec("app.static.disabled")
def test_static_folder_none_disables_static_route(impl: Any) -> None:
    """``static_folder=None`` registers no static route and reports no static folder."""
    app = impl.Flask("conformance_app", static_folder=None)
    assert app.static_folder is None
    assert app.static_url_path is None
    assert app.has_static_folder is False
    assert list(app.url_map.iter_rules()) == []
    assert "static" not in app.view_functions


@pytest.mark.spec("app.static.has-folder-without-directory")
def test_has_static_folder_does_not_check_disk(impl: Any, tmp_path: Path) -> None:
    """``has_static_folder`` is true whenever ``static_folder`` is set, even if it is missing."""
    app = impl.Flask("conformance_app", root_path=str(tmp_path))
    assert not (tmp_path / "static").exists()
    assert app.has_static_folder is True


@pytest.mark.spec("app.static.settable")
def test_static_folder_and_url_path_are_settable(impl: Any, tmp_path: Path) -> None:
    """Assigning ``static_folder`` resolves it against the root; ``static_url_path`` is kept."""
    app = impl.Flask("conformance_app", root_path=str(tmp_path))
    app.static_folder = "assets"
    assert app.static_folder == str(tmp_path / "assets")
    assert app.static_url_path == "/assets"
    app.static_url_path = "/files"
    assert app.static_url_path == "/files"


@pytest.mark.spec("app.static.host")
def test_static_host_with_host_matching(impl: Any) -> None:
    """With ``host_matching`` the static rule is bound to ``static_host``."""
    app = impl.Flask("conformance_app", host_matching=True, static_host="static.example")
    assert app.url_map.host_matching is True
    [rule] = list(app.url_map.iter_rules())
    assert rule.endpoint == "static"
    assert rule.host == "static.example"


@pytest.mark.spec("app.static.host-requires-host-matching")
def test_static_host_without_host_matching_is_an_error(impl: Any) -> None:
    """``static_host`` without ``host_matching`` (and the reverse) raises ``AssertionError``."""
    with pytest.raises(AssertionError, match="static_host"):
        impl.Flask("conformance_app", static_host="static.example")
    with pytest.raises(AssertionError, match="static_host"):
        impl.Flask("conformance_app", host_matching=True)


@pytest.mark.spec("app.host-matching.without-static")
def test_host_matching_without_static_folder(impl: Any) -> None:
    """``host_matching`` needs no ``static_host`` when there is no static folder."""
    app = impl.Flask("conformance_app", host_matching=True, static_folder=None)
    assert app.url_map.host_matching is True


@pytest.mark.spec("app.subdomain-matching")
def test_subdomain_matching_attribute(impl: Any) -> None:
    """``subdomain_matching`` is stored on the app and defaults to false."""
    assert impl.Flask("conformance_app").subdomain_matching is False
    assert impl.Flask("conformance_app", subdomain_matching=True).subdomain_matching is True


@pytest.mark.spec("app.template-folder.default")
def test_template_folder_default(impl: Any, tmp_path: Path) -> None:
    """The template folder defaults to ``templates``, searched relative to the root path."""
    app = impl.Flask("conformance_app", root_path=str(tmp_path))
    assert app.template_folder == "templates"
    assert app.jinja_loader.searchpath == [str(tmp_path / "templates")]


@pytest.mark.spec("app.template-folder.argument")
def test_template_folder_argument(impl: Any, tmp_path: Path) -> None:
    """A custom ``template_folder`` is stored as given and searched relative to the root."""
    app = impl.Flask("conformance_app", root_path=str(tmp_path), template_folder="tpl")
    assert app.template_folder == "tpl"
    assert app.jinja_loader.searchpath == [str(tmp_path / "tpl")]


@pytest.mark.spec("app.template-folder.none")
def test_template_folder_none_has_no_loader(impl: Any) -> None:
    """``template_folder=None`` leaves the app without a template loader."""
    app = impl.Flask("conformance_app", template_folder=None)
    assert app.template_folder is None
    assert app.jinja_loader is None


# --- attributes --------------------------------------------------------------------------


@pytest.mark.spec("app.url-map")
def test_url_map_is_a_werkzeug_map(app: Any) -> None:
    """``app.url_map`` is a werkzeug ``Map`` holding the rules added to the app."""

    @app.route("/hello")
    def hello() -> str:
        return "hi"

    assert isinstance(app.url_map, Map)
    assert "/hello" in {rule.rule for rule in app.url_map.iter_rules()}


@pytest.mark.spec("app.view-functions")
def test_view_functions_map_endpoints(app: Any) -> None:
    """``app.view_functions`` maps each endpoint name to its view function."""

    def listing() -> str:
        return "list"

    app.add_url_rule("/items", "items", listing)
    assert app.view_functions["items"] is listing


@pytest.mark.spec("app.extensions")
def test_extensions_is_an_empty_dict(impl: Any) -> None:
    """``app.extensions`` is a dict, empty on a new app, for extensions to store state."""
    app = impl.Flask("conformance_app")
    assert type(app.extensions) is dict
    assert app.extensions == {}


@pytest.mark.spec("app.config-is-dict")
def test_config_is_a_dict(impl: Any) -> None:
    """``app.config`` is a dict subclass."""
    assert isinstance(impl.Flask("conformance_app").config, dict)


@pytest.mark.spec("app.flags.defaults")
def test_debug_and_testing_default_false(impl: Any) -> None:
    """A new app has ``debug`` and ``testing`` false and no ``secret_key``."""
    app = impl.Flask("conformance_app")
    assert app.debug is False
    assert app.testing is False
    assert app.secret_key is None


@pytest.mark.spec("app.flags.debug")
def test_debug_mirrors_config(impl: Any) -> None:
    """``app.debug`` reads and writes ``config["DEBUG"]``."""
    app = impl.Flask("conformance_app")
    app.debug = True
    assert app.config["DEBUG"] is True
    app.config["DEBUG"] = False
    assert app.debug is False


@pytest.mark.spec("app.flags.testing")
def test_testing_mirrors_config(impl: Any) -> None:
    """``app.testing`` reads and writes ``config["TESTING"]``."""
    app = impl.Flask("conformance_app")
    app.testing = True
    assert app.config["TESTING"] is True
    app.config["TESTING"] = False
    assert app.testing is False


@pytest.mark.spec("app.flags.secret-key")
def test_secret_key_mirrors_config(impl: Any) -> None:
    """``app.secret_key`` reads and writes ``config["SECRET_KEY"]``."""
    app = impl.Flask("conformance_app")
    app.secret_key = "one"
    assert app.config["SECRET_KEY"] == "one"
    app.config["SECRET_KEY"] = "two"
    assert app.secret_key == "two"


@pytest.mark.spec("app.logger.name")
def test_logger_is_named_after_app(impl: Any) -> None:
    """``app.logger`` is a standard ``logging.Logger`` whose name is ``app.name``."""
    app = impl.Flask("logging_app")
    assert isinstance(app.logger, logging.Logger)
    assert app.logger.name == "logging_app"


@pytest.mark.spec("app.logger.main-name")
def test_logger_name_for_main(impl: Any, fake_main: Any, tmp_path: Path) -> None:
    """For ``__main__`` the logger takes the derived app name, not ``__main__``."""
    fake_main(str(tmp_path / "runner_script.py"))
    assert impl.Flask("__main__").logger.name == "runner_script"


# --- WSGI --------------------------------------------------------------------------------


@pytest.mark.needs("wsgi")
@pytest.mark.spec("app.wsgi.callable")
def test_app_is_a_wsgi_application(app: Any) -> None:
    """Calling ``app(environ, start_response)`` runs the WSGI protocol."""

    @app.route("/wsgi")
    def wsgi_view() -> str:
        return "through wsgi"

    captured: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured.append((status, headers))
        return lambda data: None

    body_iter = app(create_environ("/wsgi"), start_response)
    body = b"".join(body_iter)
    if hasattr(body_iter, "close"):
        body_iter.close()
    assert body == b"through wsgi"
    [(status, headers)] = captured
    assert status == "200 OK"
    assert ("Content-Type", "text/html; charset=utf-8") in headers


@pytest.mark.needs("wsgi")
@pytest.mark.spec("app.wsgi.middleware")
def test_wsgi_app_can_be_wrapped(impl: Any, app: Any, driver: Any) -> None:
    """Replacing ``app.wsgi_app`` with middleware routes ``app(...)`` through the middleware."""

    @app.route("/seen")
    def seen() -> str:
        return str(impl.request.headers.get("X-Middleware", "missing"))

    inner = app.wsgi_app

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        environ["HTTP_X_MIDDLEWARE"] = "applied"
        return inner(environ, start_response)

    app.wsgi_app = middleware
    body, status, _headers = run_wsgi_app(app, create_environ("/seen"), buffered=True)
    assert status == "200 OK"
    assert b"".join(body) == b"applied"
    assert driver.client(app).get("/seen").data == b"applied"


# --- overridable classes -----------------------------------------------------------------


@pytest.mark.spec("app.response-class")
def test_custom_response_class_is_used(impl: Any, app: Any, driver: Any) -> None:
    """A ``response_class`` subclass set on the app builds the responses of views."""

    class TaggedResponse(impl.Response):
        pass

    app.response_class = TaggedResponse
    seen: list[type] = []

    @app.route("/")
    def index() -> str:
        return "tagged"

    @app.after_request
    def record(response: Any) -> Any:
        seen.append(type(response))
        return response

    assert driver.client(app).get("/").data == b"tagged"
    assert seen == [TaggedResponse]


@pytest.mark.spec("app.request-class")
def test_custom_request_class_is_used(impl: Any, app: Any, driver: Any) -> None:
    """A ``request_class`` subclass set on the app is instantiated for each request."""

    class TaggedRequest(impl.Request):
        tag = "custom"

    app.request_class = TaggedRequest

    @app.route("/")
    def index() -> str:
        current = impl.request._get_current_object()
        return f"{type(current).__name__}:{current.tag}"

    assert driver.client(app).get("/").data == b"TaggedRequest:custom"


@pytest.mark.spec("app.test-client-class")
def test_custom_test_client_class(app: Any, driver: Any) -> None:
    """``test_client_class`` (default ``None``) selects the class ``test_client()`` builds."""
    assert app.test_client_class is None
    base = type(driver.client(app))

    class TaggedClient(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, tag: str = "none", **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tag = tag

    app.test_client_class = TaggedClient
    client = app.test_client(tag="custom")
    assert type(client) is TaggedClient
    assert client.tag == "custom"


@pytest.mark.spec("app.test-cli-runner-class")
def test_custom_test_cli_runner_class(app: Any, driver: Any) -> None:
    """``test_cli_runner_class`` (default ``None``) selects the class of the CLI runner."""
    assert app.test_cli_runner_class is None
    base = type(driver.cli_runner(app))

    class TaggedRunner(base):  # type: ignore[valid-type,misc]
        pass

    app.test_cli_runner_class = TaggedRunner
    assert type(driver.cli_runner(app)) is TaggedRunner


# --- resources ---------------------------------------------------------------------------


@pytest.fixture
def resource_app(impl: Any, tmp_path: Path) -> Any:
    """An app rooted at ``tmp_path`` with a resource file and an instance folder."""
    (tmp_path / "data.txt").write_bytes("café\n".encode())
    (tmp_path / "latin.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret.cfg").write_bytes(b"KEY = 1\n")
    return impl.Flask(
        "conformance_app", root_path=str(tmp_path), instance_path=str(tmp_path / "instance")
    )


@pytest.mark.spec("app.open-resource.binary")
def test_open_resource_reads_bytes_by_default(resource_app: Any) -> None:
    """``open_resource`` opens a file relative to the root path, in binary mode by default."""
    with resource_app.open_resource("data.txt") as handle:
        assert handle.read() == "café\n".encode()


@pytest.mark.spec("app.open-resource.text")
def test_open_resource_text_mode(resource_app: Any) -> None:
    """``open_resource(name, "r")`` returns text decoded as UTF-8 by default."""
    with resource_app.open_resource("data.txt", "r") as handle:
        assert handle.read() == "café\n"


@pytest.mark.spec("app.open-resource.text-rt")
def test_open_resource_rt_mode(resource_app: Any) -> None:
    """``open_resource(name, "rt")`` is text mode, like ``"r"``."""
    with resource_app.open_resource("data.txt", "rt") as handle:
        assert handle.read() == "café\n"


@pytest.mark.spec("app.open-resource.encoding")
def test_open_resource_encoding(resource_app: Any) -> None:
    """``open_resource`` accepts an ``encoding`` for text mode."""
    with resource_app.open_resource("latin.txt", "r", encoding="latin-1") as handle:
        assert handle.read() == "café"


@pytest.mark.spec("app.open-resource.read-only")
@pytest.mark.parametrize("mode", ["w", "wb", "a", "r+", "x"])
def test_open_resource_rejects_write_modes(resource_app: Any, mode: str) -> None:
    """``open_resource`` raises ``ValueError`` for any mode that is not for reading."""
    with pytest.raises(ValueError, match="only be opened for reading"):
        resource_app.open_resource("data.txt", mode)


@pytest.mark.spec("app.open-resource.read-only-message")
def test_open_resource_write_mode_message(resource_app: Any) -> None:
    """The ``ValueError`` for a writing mode says exactly "Resources can only be opened
    for reading."."""
    with pytest.raises(ValueError) as info:
        resource_app.open_resource("data.txt", "w")
    assert str(info.value) == "Resources can only be opened for reading."


@pytest.mark.spec("app.open-resource.missing")
def test_open_resource_missing_file(resource_app: Any) -> None:
    """Opening a resource that does not exist raises ``FileNotFoundError``."""
    with pytest.raises(FileNotFoundError) as info:
        resource_app.open_resource("absent.txt")
    assert Path(info.value.filename).name == "absent.txt"


@pytest.mark.spec("app.open-instance-resource.read")
def test_open_instance_resource_reads(resource_app: Any) -> None:
    """``open_instance_resource`` opens a file relative to the instance path, binary by default."""
    with resource_app.open_instance_resource("secret.cfg") as handle:
        assert handle.read() == b"KEY = 1\n"


@pytest.mark.spec("app.open-instance-resource.write")
def test_open_instance_resource_allows_writing(resource_app: Any, tmp_path: Path) -> None:
    """Unlike ``open_resource``, ``open_instance_resource`` may open files for writing."""
    with resource_app.open_instance_resource("new.txt", "w") as handle:
        handle.write("written")
    assert (tmp_path / "instance" / "new.txt").read_text() == "written"


@pytest.mark.spec("app.open-instance-resource.encoding")
def test_open_instance_resource_text_encoding(resource_app: Any) -> None:
    """A text mode ``open_instance_resource`` decodes as UTF-8 unless told otherwise."""
    (Path(resource_app.instance_path) / "note.txt").write_bytes("café".encode())
    with resource_app.open_instance_resource("note.txt", "r") as handle:
        assert (handle.encoding, handle.read()) == ("utf-8", "café")
    with resource_app.open_instance_resource("note.txt", "r", encoding="latin-1") as handle:
        assert handle.read() == "cafÃ©"


# --- setup after the first request -------------------------------------------------------


# Each entry calls one setup method on ``app``; ``impl`` supplies classes such as Blueprint.
SETUP_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "route": lambda impl, app: app.route("/late")(lambda: "late"),
    "add_url_rule": lambda impl, app: app.add_url_rule("/late", "late", lambda: "late"),
    "before_request": lambda impl, app: app.before_request(lambda: None),
    "after_request": lambda impl, app: app.after_request(lambda response: response),
    "teardown_request": lambda impl, app: app.teardown_request(lambda exc: None),
    "teardown_appcontext": lambda impl, app: app.teardown_appcontext(lambda exc: None),
    "errorhandler": lambda impl, app: app.errorhandler(404)(lambda error: "late"),
    "register_blueprint": lambda impl, app: app.register_blueprint(impl.Blueprint("late", "late")),
    "context_processor": lambda impl, app: app.context_processor(lambda: {}),
    "template_filter": lambda impl, app: app.template_filter()(lambda value: value),
    "url_value_preprocessor": lambda impl, app: app.url_value_preprocessor(lambda e, v: None),
}


@pytest.mark.spec("app.setup-finished.after-first-request")
@pytest.mark.parametrize("method", list(SETUP_CALLS))
def test_setup_method_after_first_request_fails(
    impl: Any, app: Any, method: str, driver: Any
) -> None:
    """After the first request is handled, setup methods raise ``AssertionError`` naming them."""

    @app.route("/")
    def index() -> str:
        return "ok"

    assert driver.client(app).get("/").status_code == 200
    with pytest.raises(AssertionError) as info:
        SETUP_CALLS[method](impl, app)
    assert SETUP_AFTER_REQUEST_MESSAGE.format(name=method) in str(info.value)


@pytest.mark.spec("app.setup-finished.message")
def test_setup_after_first_request_message(app: Any, driver: Any) -> None:
    """The ``AssertionError`` of a late setup method is Flask's, word for word."""
    assert driver.client(app).get("/missing").status_code == 404
    with pytest.raises(AssertionError) as info:
        app.add_url_rule("/late", "late", lambda: "late")
    assert str(info.value) == (
        "The setup method 'add_url_rule' can no longer be called on the application. It"
        " has already handled its first request, any changes will not be applied"
        " consistently.\nMake sure all imports, decorators, functions, etc. needed to set"
        " up the application are done before running it."
    )


@pytest.mark.spec("app.setup-finished.after-error-request")
def test_setup_blocked_after_failed_request(app: Any, driver: Any) -> None:
    """A request that ended in a 404 still counts as the first handled request."""
    assert driver.client(app).get("/missing").status_code == 404
    with pytest.raises(AssertionError, match="can no longer be called"):
        app.add_url_rule("/late", "late", lambda: "late")


@pytest.mark.spec("app.setup-finished.not-by-test-request-context")
def test_setup_allowed_after_test_request_context(app: Any, driver: Any) -> None:
    """Pushing a test request context does not count as handling a request."""
    with driver.request_context(app, "/"):
        pass
    app.add_url_rule("/later", "later", lambda: "later")
    assert driver.client(app).get("/later").data == b"later"


# --- app.run ------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace werkzeug's ``run_simple`` (which ``app.run`` imports when called) with a
    recorder, and clear the environment variables ``app.run`` reads."""
    import werkzeug.serving

    calls: list[dict[str, Any]] = []

    def record(hostname: str, port: int, application: Any, **options: Any) -> None:
        calls.append({"host": hostname, "port": port, "app": application, **options})

    monkeypatch.setattr(werkzeug.serving, "run_simple", record)
    for name in ("FLASK_RUN_FROM_CLI", "FLASK_DEBUG", "FLASK_SKIP_DOTENV"):
        monkeypatch.delenv(name, raising=False)
    return calls


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.defaults")
def test_run_defaults(app: Any, served: list[dict[str, Any]]) -> None:
    """``app.run()`` serves the app on 127.0.0.1:5000, threaded, without reloader or debugger."""
    app.run(load_dotenv=False)
    assert served == [
        {
            "host": "127.0.0.1",
            "port": 5000,
            "app": app,
            "use_reloader": False,
            "use_debugger": False,
            "threaded": True,
        }
    ]


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.debug")
def test_run_debug_argument(app: Any, served: list[dict[str, Any]]) -> None:
    """``app.run(debug=True)`` turns on debug mode, the reloader and the debugger."""
    app.run(debug=True, load_dotenv=False)
    (call,) = served
    assert app.debug is True
    assert (call["use_reloader"], call["use_debugger"]) == (True, True)


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.flask-debug-env")
def test_run_reads_flask_debug(
    app: Any, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With dotenv loading (the default), ``app.run`` takes debug mode from ``FLASK_DEBUG``."""
    monkeypatch.chdir(tmp_path)  # no .env file to find
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app.run()
    assert app.debug is True
    assert served[0]["use_debugger"] is True


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.skip-dotenv")
@pytest.mark.parametrize(("skip", "loaded"), [(None, True), ("1", False), ("0", True)])
def test_run_skip_dotenv(
    app: Any,
    served: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    skip: str | None,
    loaded: bool,
) -> None:
    """``app.run`` loads ``.env`` from the working folder unless ``FLASK_SKIP_DOTENV`` is
    set to a true value."""
    (tmp_path / ".env").write_text("FLASK_SPEC_DOTENV_MARK=loaded\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLASK_SPEC_DOTENV_MARK", raising=False)
    if skip is not None:
        monkeypatch.setenv("FLASK_SKIP_DOTENV", skip)
    app.run()
    assert (os.environ.get("FLASK_SPEC_DOTENV_MARK") == "loaded") is loaded
    monkeypatch.delenv("FLASK_SPEC_DOTENV_MARK", raising=False)


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.port-from-server-name")
def test_run_empty_port_falls_back(app: Any, served: list[dict[str, Any]]) -> None:
    """An empty ``port`` is no port: ``app.run`` takes ``SERVER_NAME``'s, else 5000."""
    app.run(port="", load_dotenv=False)
    app.config["SERVER_NAME"] = "example.test:8123"
    app.run(port="", load_dotenv=False)
    assert [call["port"] for call in served] == [5000, 8123]


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.banner")
def test_run_prints_the_banner(
    app: Any, served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """``app.run`` prints Flask's banner naming the app and the debug mode."""
    app.run(load_dotenv=False)
    assert capsys.readouterr().out.splitlines() == [
        f" * Serving Flask app '{app.name}'",
        " * Debug mode: off",
    ]


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.setup-open-again")
def test_run_reopens_setup(app: Any, driver: Any, served: list[dict[str, Any]]) -> None:
    """Once ``app.run`` returns, setup methods work again even after a handled request."""
    assert driver.client(app).get("/missing").status_code == 404
    app.run(load_dotenv=False)
    app.add_url_rule("/later", "later", lambda: "later")
    assert driver.client(app).get("/later").data == b"later"


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.options")
def test_run_passes_options(app: Any, served: list[dict[str, Any]]) -> None:
    """Host, port and extra options given to ``app.run`` reach ``run_simple`` unchanged."""
    app.run(host="0.0.0.0", port=8123, threaded=False, use_reloader=True, load_dotenv=False)
    (call,) = served
    assert (call["host"], call["port"], call["threaded"], call["use_reloader"]) == (
        "0.0.0.0",
        8123,
        False,
        True,
    )


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.server-name")
def test_run_takes_host_and_port_from_server_name(app: Any, served: list[dict[str, Any]]) -> None:
    """Without host and port, ``app.run`` takes them from ``SERVER_NAME``."""
    app.config["SERVER_NAME"] = "example.test:8080"
    app.run(load_dotenv=False)
    assert (served[0]["host"], served[0]["port"]) == ("example.test", 8080)


@pytest.mark.needs("flask-command")
@pytest.mark.spec("app.run.from-cli")
def test_run_does_nothing_under_the_cli(
    app: Any, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``FLASK_RUN_FROM_CLI=true`` (set by the ``flask`` command) ``app.run`` is a no-op."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    app.run(load_dotenv=False)
    assert served == []
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    app.run(load_dotenv=False)
    assert len(served) == 1
