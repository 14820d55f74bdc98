"""Spec area ``blueprints``: construction, registration, URL prefixes, subdomains, URL
defaults, static and template folders, scoped and app-wide hooks and handlers, deferred
setup functions, nesting, relative URL building and blueprint CLI commands."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SERVER_NAME = "example.test"


class Boom(Exception):
    """An exception raised by views in these tests."""


class SpecificBoom(Boom):
    """A subclass of :class:`Boom`, for handler lookup by class hierarchy."""


def make_bp(impl: Any, name: str = "bp", **kwargs: Any) -> Any:
    """Build a blueprint named ``name`` with the given constructor arguments."""
    return impl.Blueprint(name, "conformance_app", **kwargs)


def rules_by_endpoint(app: Any) -> dict[str, str]:
    """Return the app's URL rules as ``{endpoint: rule}``."""
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}


def subdomain_app(make_app: Callable[..., Any]) -> Any:
    """Return an app with subdomain matching on and ``SERVER_NAME`` set."""
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = SERVER_NAME
    return app


def write_file(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, creating its folders, and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def static_bp(impl: Any, tmp_path: Path, name: str = "bp", **kwargs: Any) -> Any:
    """Build a blueprint rooted in ``tmp_path`` whose ``static`` folder holds ``hello.txt``."""
    root = tmp_path / name
    write_file(root / "static" / "hello.txt", f"static of {name}")
    return make_bp(impl, name, root_path=str(root), static_folder="static", **kwargs)


def record_calls(calls: list[str], label: str) -> Callable[..., Any]:
    """Return a hook that appends ``label`` to ``calls`` and passes a response through."""

    def hook(*args: Any) -> Any:
        calls.append(label)
        return args[0] if args and hasattr(args[0], "status_code") else None

    return hook


# -- construction ----------------------------------------------------------------------------


@pytest.mark.spec("blueprints.construct.attributes")
def test_constructor_arguments_become_attributes(impl: Any, tmp_path: Path) -> None:
    """The constructor's name, import name, prefix, subdomain, folders and root are attributes."""
    bp = impl.Blueprint(
        "shop",
        "conformance_shop",
        url_prefix="/shop",
        subdomain="store",
        template_folder="tpl",
        root_path=str(tmp_path),
    )
    assert bp.name == "shop"
    assert bp.import_name == "conformance_shop"
    assert bp.url_prefix == "/shop"
    assert bp.subdomain == "store"
    assert bp.template_folder == "tpl"
    assert bp.root_path == str(tmp_path)


@pytest.mark.spec("blueprints.construct.defaults")
def test_constructor_defaults(impl: Any) -> None:
    """Without options a blueprint has no prefix, subdomain, static or template folder."""
    bp = make_bp(impl)
    assert bp.url_prefix is None
    assert bp.subdomain is None
    assert bp.static_folder is None
    assert bp.static_url_path is None
    assert bp.has_static_folder is False
    assert bp.template_folder is None
    assert bp.jinja_loader is None


@pytest.mark.spec("blueprints.construct.root-path-from-import-name")
def test_root_path_from_import_name(impl: Any) -> None:
    """Without ``root_path`` the root is the folder of the module named by ``import_name``."""
    bp = impl.Blueprint("here", __name__)
    assert os.path.samefile(bp.root_path, Path(__file__).parent)


@pytest.mark.spec("blueprints.construct.static-folder")
def test_static_folder_resolved_against_root_path(impl: Any, tmp_path: Path) -> None:
    """``static_folder`` is joined to ``root_path``; its URL path defaults to ``/<basename>``."""
    bp = make_bp(impl, root_path=str(tmp_path), static_folder="files/")
    assert bp.static_folder == os.path.join(str(tmp_path), "files")
    assert bp.static_url_path == "/files"
    assert bp.has_static_folder is True


@pytest.mark.spec("blueprints.construct.static-url-path")
def test_static_url_path_given_loses_trailing_slash(impl: Any, tmp_path: Path) -> None:
    """A given ``static_url_path`` is kept, without its trailing slash."""
    bp = make_bp(impl, root_path=str(tmp_path), static_folder="static", static_url_path="/assets/")
    assert bp.static_url_path == "/assets"


@pytest.mark.spec("blueprints.construct.jinja-loader")
def test_template_folder_gives_a_filesystem_loader(impl: Any, tmp_path: Path) -> None:
    """With ``template_folder`` the blueprint's ``jinja_loader`` loads from that folder."""
    write_file(tmp_path / "tpl" / "page.html", "page source")
    bp = make_bp(impl, root_path=str(tmp_path), template_folder="tpl")
    source, filename, _ = bp.jinja_loader.get_source(None, "page.html")
    assert source == "page source"
    assert Path(filename) == tmp_path / "tpl" / "page.html"


@pytest.mark.spec("blueprints.construct.open-resource")
def test_open_resource_relative_to_root_path(impl: Any, tmp_path: Path) -> None:
    """``open_resource`` opens a file relative to the blueprint's ``root_path``."""
    write_file(tmp_path / "data" / "info.txt", "resource text")
    bp = make_bp(impl, root_path=str(tmp_path))
    with bp.open_resource("data/info.txt") as handle:
        assert handle.read() == b"resource text"


@pytest.mark.spec("blueprints.name.empty")
def test_empty_name_rejected(impl: Any) -> None:
    """An empty blueprint name raises ``ValueError``."""
    with pytest.raises(ValueError, match="empty"):
        impl.Blueprint("", "conformance_app")


@pytest.mark.spec("blueprints.name.empty-message")
def test_empty_name_message(impl: Any) -> None:
    """The ``ValueError`` for an empty blueprint name is Flask's, word for word."""
    with pytest.raises(ValueError) as info:
        impl.Blueprint("", __name__)
    assert str(info.value) == "'name' may not be empty."


@pytest.mark.spec("blueprints.name.clash-messages")
def test_name_clash_messages(impl: Any, app: Any) -> None:
    """Registering a name already taken raises ``ValueError`` saying whose it is, word for
    word Flask's: this blueprint's, a different one's, or (nested) under its full name."""
    bp = make_bp(impl, "bp")
    app.register_blueprint(bp)
    parent = make_bp(impl, "parent", url_prefix="/parent")
    parent.register_blueprint(make_bp(impl, "child"))
    parent.register_blueprint(make_bp(impl, "child"), name="child")
    messages = []
    for register in (
        lambda: app.register_blueprint(bp),
        lambda: app.register_blueprint(make_bp(impl, "bp")),
        lambda: app.register_blueprint(parent),
    ):
        with pytest.raises(ValueError) as info:
            register()
        messages.append(str(info.value))
    hint = "Use 'name=' to provide a unique name."
    assert messages == [
        f"The name 'bp' is already registered for this blueprint. {hint}",
        f"The name 'bp' is already registered for a different blueprint. {hint}",
        f"The name 'child' is already registered for a different blueprint 'parent.child'. {hint}",
    ]


@pytest.mark.spec("blueprints.name.kept-verbatim")
def test_names_are_kept_verbatim(impl: Any, app: Any) -> None:
    """Blueprint names become endpoint prefixes exactly as written, nested ones after
    their parent's (``Xray.index``, ``parent.Xray.index``)."""
    parent = make_bp(impl, "parent", url_prefix="/parent")
    top, nested = make_bp(impl, "Xray", url_prefix="/x"), make_bp(impl, "Xray")
    top.add_url_rule("/", "index", lambda: "top")
    nested.add_url_rule("/", "index", lambda: "nested")
    parent.register_blueprint(nested, url_prefix="/x")
    app.register_blueprint(top)
    app.register_blueprint(parent)
    assert {"Xray.index", "parent.Xray.index"} <= set(rules_by_endpoint(app))
    assert {"Xray", "parent.Xray"} <= set(app.blueprints)


@pytest.mark.spec("blueprints.setup-finished.message")
def test_blueprint_late_setup_message(impl: Any, app: Any) -> None:
    """The ``AssertionError`` of a setup method called on a registered blueprint is
    Flask's, word for word."""
    bp = make_bp(impl, "bp")
    app.register_blueprint(bp)
    with pytest.raises(AssertionError) as info:
        bp.add_url_rule("/late", "late", lambda: "late")
    assert str(info.value) == (
        "The setup method 'add_url_rule' can no longer be called on the blueprint 'bp'. It"
        " has already been registered at least once, any changes will not be applied"
        " consistently.\nMake sure all imports, decorators, functions, etc. needed to set up"
        " the blueprint are done before registering it."
    )


@pytest.mark.spec("blueprints.name.dotted")
def test_dotted_name_rejected(impl: Any) -> None:
    """A blueprint name containing a dot raises ``ValueError``."""
    with pytest.raises(ValueError, match="dot"):
        impl.Blueprint("a.b", "conformance_app")


@pytest.mark.spec("blueprints.endpoint.dotted-rejected")
def test_dotted_endpoint_rejected(impl: Any) -> None:
    """Adding a blueprint rule whose endpoint contains a dot raises ``ValueError``."""
    bp = make_bp(impl)
    with pytest.raises(ValueError, match="endpoint"):
        bp.add_url_rule("/", "a.b", lambda: "x")


@pytest.mark.spec("blueprints.endpoint.dotted-view-name-rejected")
def test_dotted_view_function_name_rejected(impl: Any) -> None:
    """Adding a blueprint rule for a view function whose ``__name__`` has a dot raises."""

    def view() -> str:
        return "x"

    view.__name__ = "a.b"
    bp = make_bp(impl)
    with pytest.raises(ValueError, match="view_func"):
        bp.add_url_rule("/", view_func=view)
    with pytest.raises(ValueError, match="view_func"):
        bp.route("/")(view)


# -- registration ----------------------------------------------------------------------------


@pytest.mark.spec("blueprints.register.app-blueprints")
def test_registered_blueprint_in_app_blueprints(impl: Any, app: Any) -> None:
    """``app.blueprints`` maps each registered name to its blueprint object."""
    bp = make_bp(impl, "shop")
    app.register_blueprint(bp)
    assert app.blueprints == {"shop": bp}


@pytest.mark.spec("blueprints.register.iter-blueprints")
def test_iter_blueprints_in_registration_order(impl: Any, app: Any) -> None:
    """``app.iter_blueprints()`` yields the registered blueprints in registration order."""
    second, first = make_bp(impl, "second"), make_bp(impl, "first")
    app.register_blueprint(second)
    app.register_blueprint(first)
    assert list(app.iter_blueprints()) == [second, first]


@pytest.mark.spec("blueprints.register.duplicate-same-blueprint")
def test_registering_same_blueprint_twice_without_name_fails(impl: Any, app: Any) -> None:
    """Registering a blueprint again under the same name raises ``ValueError``."""
    bp = make_bp(impl, "shop")
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="'shop' is already registered"):
        app.register_blueprint(bp)


@pytest.mark.spec("blueprints.register.duplicate-name")
def test_two_blueprints_with_one_name_fail(impl: Any, app: Any) -> None:
    """Registering a different blueprint under a name already taken raises ``ValueError``."""
    app.register_blueprint(make_bp(impl, "shop"))
    with pytest.raises(ValueError, match="'shop' is already registered"):
        app.register_blueprint(make_bp(impl, "shop"))
    with pytest.raises(ValueError, match="'shop' is already registered"):
        app.register_blueprint(make_bp(impl, "other"), name="shop")


@pytest.mark.spec("blueprints.register.twice-with-name")
def test_same_blueprint_registered_under_two_names(impl: Any, app: Any, driver: Any) -> None:
    """Registered again with ``name=``, a blueprint gets a second, independent set of endpoints."""
    bp = make_bp(impl, "shop")
    bp.add_url_rule("/item", "item", lambda: impl.request.endpoint)
    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, name="outlet", url_prefix="/b")
    assert rules_by_endpoint(app)["shop.item"] == "/a/item"
    assert rules_by_endpoint(app)["outlet.item"] == "/b/item"
    assert app.blueprints == {"shop": bp, "outlet": bp}
    client = driver.client(app)
    assert client.get("/a/item").data == b"shop.item"
    assert client.get("/b/item").data == b"outlet.item"


@pytest.mark.spec("blueprints.register.renamed-request-blueprint")
def test_request_blueprint_is_registered_name(impl: Any, app: Any, driver: Any) -> None:
    """``request.blueprint`` is the name the blueprint was registered under."""
    bp = make_bp(impl, "shop")
    bp.add_url_rule("/where", "where", lambda: impl.request.blueprint)
    app.register_blueprint(bp, name="outlet", url_prefix="/o")
    assert driver.client(app).get("/o/where").data == b"outlet"


@pytest.mark.spec("blueprints.register.on-itself")
def test_register_blueprint_on_itself_rejected(impl: Any) -> None:
    """Registering a blueprint on itself raises ``ValueError``."""
    bp = make_bp(impl)
    with pytest.raises(ValueError, match="itself"):
        bp.register_blueprint(bp)


# Each entry calls one setup method on a blueprint ``bp``; ``impl`` builds helpers.
BLUEPRINT_SETUP_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "route": lambda impl, bp: bp.route("/late")(lambda: "late"),
    "add_url_rule": lambda impl, bp: bp.add_url_rule("/late", "late", lambda: "late"),
    "before_request": lambda impl, bp: bp.before_request(lambda: None),
    "after_request": lambda impl, bp: bp.after_request(lambda response: response),
    "teardown_request": lambda impl, bp: bp.teardown_request(lambda exc: None),
    "errorhandler": lambda impl, bp: bp.errorhandler(404)(lambda error: "late"),
    "context_processor": lambda impl, bp: bp.context_processor(lambda: {}),
    "url_defaults": lambda impl, bp: bp.url_defaults(lambda endpoint, values: None),
    "record": lambda impl, bp: bp.record(lambda state: None),
    "record_once": lambda impl, bp: bp.record_once(lambda state: None),
    "register_blueprint": lambda impl, bp: bp.register_blueprint(make_bp(impl, "late")),
    "before_app_request": lambda impl, bp: bp.before_app_request(lambda: None),
    "app_template_filter": lambda impl, bp: bp.app_template_filter()(lambda value: value),
}


@pytest.mark.spec("blueprints.setup-finished.after-registration")
@pytest.mark.parametrize("method", list(BLUEPRINT_SETUP_CALLS))
def test_setup_method_after_registration_fails(impl: Any, app: Any, method: str) -> None:
    """Once registered, a blueprint's setup methods raise ``AssertionError`` naming them."""
    bp = make_bp(impl, "shop")
    app.register_blueprint(bp)
    with pytest.raises(AssertionError, match=f"'{method}' can no longer be called"):
        BLUEPRINT_SETUP_CALLS[method](impl, bp)


# -- routes and endpoints --------------------------------------------------------------------


@pytest.mark.spec("blueprints.endpoint.prefixed-with-name")
def test_endpoint_prefixed_with_blueprint_name(impl: Any, app: Any, driver: Any) -> None:
    """A blueprint route's endpoint is ``<blueprint>.<function name>`` and maps to the view."""
    bp = make_bp(impl, "shop")

    @bp.route("/cart")
    def cart() -> str:
        return "cart"

    app.register_blueprint(bp)
    assert app.view_functions["shop.cart"] is cart
    assert rules_by_endpoint(app)["shop.cart"] == "/cart"
    assert driver.client(app).get("/cart").data == b"cart"


@pytest.mark.spec("blueprints.endpoint.explicit")
def test_explicit_endpoint_prefixed_with_blueprint_name(impl: Any, app: Any, driver: Any) -> None:
    """An explicit ``endpoint=`` on a blueprint route is also prefixed with the blueprint name."""
    bp = make_bp(impl, "shop")
    bp.route("/cart", endpoint="basket")(lambda: "cart")
    app.register_blueprint(bp)
    assert "shop.basket" in app.view_functions
    with driver.request_context(app):
        assert impl.url_for("shop.basket") == "/cart"


@pytest.mark.spec("blueprints.route.methods")
def test_route_methods_apply(impl: Any, app: Any, driver: Any) -> None:
    """``methods=`` on a blueprint route limits the methods it answers; others get 405."""
    bp = make_bp(impl)
    bp.route("/submit", methods=["POST"])(lambda: "posted")
    app.register_blueprint(bp)
    client = driver.client(app)
    assert client.post("/submit").data == b"posted"
    assert client.get("/submit").status_code == 405


@pytest.mark.spec("blueprints.route.method-shortcuts")
def test_method_shortcut_decorators(impl: Any, app: Any, driver: Any) -> None:
    """``bp.get``, ``bp.post``, ``bp.put``, ``bp.delete`` and ``bp.patch`` route one method each."""
    bp = make_bp(impl)
    for method in ("get", "post", "put", "delete", "patch"):
        getattr(bp, method)("/thing", endpoint=method)(lambda: impl.request.method)
    app.register_blueprint(bp)
    client = driver.client(app)
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
        assert client.open("/thing", method=method).data == method.encode()


# -- URL prefixes ----------------------------------------------------------------------------


@pytest.mark.spec("blueprints.url-prefix.constructor")
def test_url_prefix_from_constructor(impl: Any, app: Any, driver: Any) -> None:
    """The constructor's ``url_prefix`` is put in front of every rule of the blueprint."""
    bp = make_bp(impl, url_prefix="/shop")
    bp.add_url_rule("/cart", "cart", lambda: "cart")
    app.register_blueprint(bp)
    client = driver.client(app)
    assert client.get("/shop/cart").data == b"cart"
    assert client.get("/cart").status_code == 404


@pytest.mark.spec("blueprints.url-prefix.registration-overrides")
def test_url_prefix_at_registration_overrides_constructor(impl: Any, app: Any, driver: Any) -> None:
    """A ``url_prefix`` given to ``register_blueprint`` replaces the constructor's."""
    bp = make_bp(impl, url_prefix="/shop")
    bp.add_url_rule("/cart", "cart", lambda: "cart")
    app.register_blueprint(bp, url_prefix="/store")
    assert rules_by_endpoint(app)["bp.cart"] == "/store/cart"
    assert driver.client(app).get("/shop/cart").status_code == 404


@pytest.mark.spec("blueprints.url-prefix.join")
@pytest.mark.parametrize(
    ("prefix", "rule", "expected"),
    [
        ("/p", "/x", "/p/x"),
        ("/p/", "/x", "/p/x"),
        ("/p", "x", "/p/x"),
        ("/p/", "x", "/p/x"),
        ("/p", "", "/p"),
        ("/p", "/", "/p/"),
        ("/p/", "", "/p/"),
        ("/p/", "/", "/p/"),
        ("/", "/x", "/x"),
        ("/", "", "/"),
        ("", "/x", "/x"),
        (None, "/x", "/x"),
    ],
)
def test_url_prefix_joining(
    impl: Any, app: Any, prefix: str | None, rule: str, expected: str
) -> None:
    """Prefix and rule are joined with exactly one slash; rule ``""`` gives the prefix itself."""
    bp = make_bp(impl)
    bp.add_url_rule(rule, "view", lambda: "view")
    app.register_blueprint(bp, url_prefix=prefix)
    assert rules_by_endpoint(app)["bp.view"] == expected


@pytest.mark.spec("blueprints.url-prefix.empty-rule-needs-prefix")
def test_empty_rule_without_prefix_rejected(impl: Any, app: Any) -> None:
    """Without a prefix, an empty rule makes registration raise ``ValueError``."""
    bp = make_bp(impl)
    bp.add_url_rule("", "view", lambda: "view")
    with pytest.raises(ValueError, match="slash"):
        app.register_blueprint(bp)


@pytest.mark.spec("blueprints.url-prefix.url-for")
def test_url_for_builds_prefixed_url(impl: Any, app: Any, driver: Any) -> None:
    """``url_for`` on a blueprint endpoint builds the URL with the prefix and URL variables."""
    bp = make_bp(impl, "shop", url_prefix="/shop")
    bp.add_url_rule("/item/<int:item_id>", "item", lambda item_id: str(item_id))
    app.register_blueprint(bp)
    with driver.request_context(app):
        assert impl.url_for("shop.item", item_id=3) == "/shop/item/3"
        assert impl.url_for("shop.item", item_id=3, q="a") == "/shop/item/3?q=a"


@pytest.mark.spec("blueprints.url-prefix.variable")
def test_url_prefix_with_variable_passed_to_view(impl: Any, app: Any, driver: Any) -> None:
    """A URL variable in the prefix is passed to the blueprint's views like any other."""
    bp = make_bp(impl, url_prefix="/<lang>")
    bp.add_url_rule("/about", "about", lambda lang: f"about in {lang}")
    app.register_blueprint(bp)
    assert driver.client(app).get("/fr/about").data == b"about in fr"


# -- subdomains ------------------------------------------------------------------------------


@pytest.mark.spec("blueprints.subdomain.matching")
def test_subdomain_routes_match_only_their_host(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """With subdomain matching, a blueprint's ``subdomain`` restricts its rules to that host."""
    app = subdomain_app(make_app)
    bp = make_bp(impl, "api", subdomain="api")
    bp.add_url_rule("/", "index", lambda: "api " + impl.request.host)
    app.add_url_rule("/", "index", lambda: "main")
    app.register_blueprint(bp)
    client = driver.client(app)
    assert client.get("/", base_url=f"http://api.{SERVER_NAME}/").data == b"api api.example.test"
    assert client.get("/", base_url=f"http://{SERVER_NAME}/").data == b"main"
    assert rules_by_endpoint(app)["api.index"] == "/"
    assert [r.subdomain for r in app.url_map.iter_rules() if r.endpoint == "api.index"] == ["api"]


@pytest.mark.spec("blueprints.subdomain.url-for")
def test_url_for_subdomain_endpoint_is_external(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """Building a URL for an endpoint on another subdomain gives an absolute URL to that host."""
    app = subdomain_app(make_app)
    bp = make_bp(impl, "api", subdomain="api")
    bp.add_url_rule("/users", "users", lambda: "users")
    app.register_blueprint(bp)
    with driver.app_context(app):
        assert impl.url_for("api.users") == f"http://api.{SERVER_NAME}/users"


@pytest.mark.spec("blueprints.subdomain.with-prefix")
def test_subdomain_and_prefix_combine(impl: Any, make_app: Callable[..., Any], driver: Any) -> None:
    """A blueprint with both ``subdomain`` and ``url_prefix`` uses both, in routing and building."""
    app = subdomain_app(make_app)
    bp = make_bp(impl, "api", subdomain="api", url_prefix="/v1")
    bp.add_url_rule("/users", "users", lambda: "v1 users")
    app.register_blueprint(bp)
    response = driver.client(app).get("/v1/users", base_url=f"http://api.{SERVER_NAME}/")
    assert response.data == b"v1 users"
    with driver.app_context(app):
        assert impl.url_for("api.users") == f"http://api.{SERVER_NAME}/v1/users"


@pytest.mark.spec("blueprints.subdomain.needs-subdomain-matching")
def test_subdomain_ignored_without_subdomain_matching(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """Flask 3.1: without ``subdomain_matching`` a request to a subdomain host is routed as if
    to ``SERVER_NAME``, so the app's rule answers rather than the subdomain blueprint's."""
    app = make_app()
    app.config["SERVER_NAME"] = SERVER_NAME
    bp = make_bp(impl, "api", subdomain="api")
    bp.add_url_rule("/", "index", lambda: "api")
    app.add_url_rule("/", "index", lambda: "main")
    app.register_blueprint(bp)
    assert driver.client(app).get("/", base_url=f"http://api.{SERVER_NAME}/").data == b"main"


@pytest.mark.spec("blueprints.subdomain.registration-overrides")
def test_subdomain_at_registration_overrides(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """A ``subdomain`` given to ``register_blueprint`` replaces the constructor's."""
    app = subdomain_app(make_app)
    bp = make_bp(impl, "api", subdomain="api")
    bp.add_url_rule("/", "index", lambda: "v2")
    app.register_blueprint(bp, subdomain="v2")
    client = driver.client(app)
    assert client.get("/", base_url=f"http://v2.{SERVER_NAME}/").data == b"v2"
    assert client.get("/", base_url=f"http://api.{SERVER_NAME}/").status_code == 404


@pytest.mark.spec("blueprints.subdomain.variable")
def test_subdomain_variable_passed_to_view(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """A variable subdomain such as ``<user>`` is passed to the view as a keyword argument."""
    app = subdomain_app(make_app)
    bp = make_bp(impl, "users", subdomain="<user>")
    bp.add_url_rule("/", "home", lambda user: f"home of {user}")
    app.register_blueprint(bp)
    response = driver.client(app).get("/", base_url=f"http://alice.{SERVER_NAME}/")
    assert response.data == b"home of alice"


@pytest.mark.spec("blueprints.subdomain.rule-overrides")
def test_rule_subdomain_overrides_blueprint_subdomain(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """A ``subdomain`` option on one rule of a blueprint wins over the blueprint's subdomain."""
    app = subdomain_app(make_app)
    bp = make_bp(impl, "api", subdomain="api")
    bp.add_url_rule("/", "index", lambda: "www", subdomain="www")
    app.register_blueprint(bp)
    assert driver.client(app).get("/", base_url=f"http://www.{SERVER_NAME}/").data == b"www"


# -- URL defaults ----------------------------------------------------------------------------


@pytest.mark.spec("blueprints.url-defaults.constructor")
def test_url_defaults_from_constructor_passed_to_views(impl: Any, app: Any, driver: Any) -> None:
    """The constructor's ``url_defaults`` are passed to every view of the blueprint."""
    bp = make_bp(impl, url_defaults={"page": 1})
    bp.add_url_rule("/list", "listing", lambda page: f"page {page}")
    app.register_blueprint(bp)
    assert driver.client(app).get("/list").data == b"page 1"
    with driver.request_context(app):
        assert impl.url_for("bp.listing") == "/list"


@pytest.mark.spec("blueprints.url-defaults.registration-merges")
def test_url_defaults_at_registration_merge(impl: Any, app: Any, driver: Any) -> None:
    """``url_defaults`` given at registration are merged over the constructor's."""
    bp = make_bp(impl, url_defaults={"page": 1, "kind": "all"})
    bp.add_url_rule("/list", "listing", lambda page, kind: f"{kind} {page}")
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="news", url_prefix="/news", url_defaults={"kind": "news"})
    client = driver.client(app)
    assert client.get("/list").data == b"all 1"
    assert client.get("/news/list").data == b"news 1"


@pytest.mark.spec("blueprints.url-defaults.rule-defaults-win")
def test_rule_defaults_win_over_blueprint_url_defaults(impl: Any, app: Any, driver: Any) -> None:
    """A rule's own ``defaults`` win over the blueprint's ``url_defaults`` for the same key."""
    bp = make_bp(impl, url_defaults={"page": 1})
    bp.add_url_rule("/list", "listing", lambda page: f"page {page}", defaults={"page": 9})
    app.register_blueprint(bp)
    assert driver.client(app).get("/list").data == b"page 9"


# -- static files ----------------------------------------------------------------------------


@pytest.mark.spec("blueprints.static.serve")
def test_static_file_served_under_prefix(impl: Any, app: Any, tmp_path: Path, driver: Any) -> None:
    """A blueprint's static folder is served at ``<url_prefix>/static/<filename>``."""
    app.register_blueprint(static_bp(impl, tmp_path, url_prefix="/bp"))
    response = driver.client(app).get("/bp/static/hello.txt")
    assert response.status_code == 200
    assert response.data == b"static of bp"
    assert response.mimetype == "text/plain"
    response.close()


@pytest.mark.spec("blueprints.static.endpoint")
def test_static_endpoint_named_after_blueprint(
    impl: Any, app: Any, tmp_path: Path, driver: Any
) -> None:
    """The static route's endpoint is ``<blueprint>.static`` and builds the file's URL."""
    app.register_blueprint(static_bp(impl, tmp_path, url_prefix="/bp"))
    assert rules_by_endpoint(app)["bp.static"] == "/bp/static/<path:filename>"
    with driver.request_context(app):
        assert impl.url_for("bp.static", filename="hello.txt") == "/bp/static/hello.txt"


@pytest.mark.spec("blueprints.static.url-path")
def test_static_url_path_changes_route(impl: Any, app: Any, tmp_path: Path, driver: Any) -> None:
    """``static_url_path`` replaces ``/static`` in the static route, after the prefix."""
    app.register_blueprint(static_bp(impl, tmp_path, url_prefix="/bp", static_url_path="/assets"))
    client = driver.client(app)
    response = client.get("/bp/assets/hello.txt")
    assert response.data == b"static of bp"
    response.close()
    assert client.get("/bp/static/hello.txt").status_code == 404
    with driver.request_context(app):
        assert impl.url_for("bp.static", filename="hello.txt") == "/bp/assets/hello.txt"


@pytest.mark.spec("blueprints.static.missing-file")
def test_missing_static_file_is_404(impl: Any, app: Any, tmp_path: Path, driver: Any) -> None:
    """A file missing from the blueprint's static folder gives 404."""
    app.register_blueprint(static_bp(impl, tmp_path, url_prefix="/bp"))
    assert driver.client(app).get("/bp/static/absent.txt").status_code == 404


@pytest.mark.spec("blueprints.static.no-folder-no-route")
def test_no_static_route_without_static_folder(impl: Any, app: Any) -> None:
    """A blueprint without ``static_folder`` adds no ``<blueprint>.static`` route."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.add_url_rule("/page", "page", lambda: "page")
    app.register_blueprint(bp)
    rules = rules_by_endpoint(app)
    assert {endpoint for endpoint in rules if endpoint.startswith("bp.")} == {"bp.page"}
    assert rules["bp.page"] == "/bp/page"


@pytest.mark.spec("blueprints.static.shadowed-without-prefix")
def test_static_without_prefix_shadowed_by_app_static(
    impl: Any, make_app: Callable[..., Any], tmp_path: Path, driver: Any
) -> None:
    """Without a ``url_prefix`` the blueprint's ``/static`` route comes after the app's, so
    the app's static folder answers; with the app's static folder disabled the blueprint's does."""
    app_root = tmp_path / "app"
    app_root.mkdir()
    app = make_app(root_path=str(app_root))
    app.register_blueprint(static_bp(impl, tmp_path))
    assert rules_by_endpoint(app)["bp.static"] == "/static/<path:filename>"
    assert driver.client(app).get("/static/hello.txt").status_code == 404

    bare_app = make_app(root_path=str(app_root), static_folder=None)
    bare_app.register_blueprint(static_bp(impl, tmp_path))
    response = driver.client(bare_app).get("/static/hello.txt")
    assert response.data == b"static of bp"
    response.close()


@pytest.mark.spec("blueprints.static.nested")
def test_nested_blueprint_static_under_composed_prefix(
    impl: Any, app: Any, tmp_path: Path, driver: Any
) -> None:
    """A nested blueprint's static files are served under the composed prefixes."""
    parent = make_bp(impl, "parent", url_prefix="/p")
    parent.register_blueprint(static_bp(impl, tmp_path, "child", url_prefix="/c"))
    app.register_blueprint(parent)
    response = driver.client(app).get("/p/c/static/hello.txt")
    assert response.data == b"static of child"
    response.close()
    with driver.request_context(app):
        assert impl.url_for("parent.child.static", filename="a.css") == "/p/c/static/a.css"


@pytest.mark.spec("blueprints.static.max-age")
def test_static_max_age_from_config(impl: Any, app: Any, tmp_path: Path, driver: Any) -> None:
    """Blueprint static files get ``SEND_FILE_MAX_AGE_DEFAULT`` as their cache max age."""
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    app.register_blueprint(static_bp(impl, tmp_path, url_prefix="/bp"))
    response = driver.client(app).get("/bp/static/hello.txt")
    assert response.cache_control.max_age == 60
    response.close()


@pytest.mark.spec("blueprints.static.hooks-apply")
def test_blueprint_hooks_run_for_its_static_files(
    impl: Any, app: Any, tmp_path: Path, driver: Any
) -> None:
    """Requests for a blueprint's static files belong to it: its ``before_request`` runs."""
    seen: list[tuple[str | None, str | None]] = []
    bp = static_bp(impl, tmp_path, url_prefix="/bp")
    bp.before_request(lambda: seen.append((impl.request.endpoint, impl.request.blueprint)))
    app.register_blueprint(bp)
    driver.client(app).get("/bp/static/hello.txt").close()
    assert seen == [("bp.static", "bp")]


@pytest.mark.spec("blueprints.static.send-without-folder")
def test_send_static_file_without_folder_raises(impl: Any, app: Any, driver: Any) -> None:
    """``send_static_file`` on a blueprint without a static folder raises ``RuntimeError``."""
    bp = make_bp(impl)
    with driver.request_context(app), pytest.raises(RuntimeError, match="static_folder"):
        bp.send_static_file("hello.txt")


# -- templates -------------------------------------------------------------------------------


@pytest.fixture
def template_roots(tmp_path: Path) -> tuple[Path, Path]:
    """An app root and a blueprint root, each with a ``templates`` folder.

    Only the blueprint has ``bp_only.html``; both have ``both.html``.
    """
    app_root, bp_root = tmp_path / "app", tmp_path / "bp"
    write_file(app_root / "templates" / "both.html", "app version")
    write_file(bp_root / "templates" / "both.html", "blueprint version")
    write_file(bp_root / "templates" / "bp_only.html", "blueprint only {{ value }}")
    return app_root, bp_root


def templated_setup(
    impl: Any, make_app: Callable[..., Any], roots: tuple[Path, Path]
) -> tuple[Any, Any]:
    """Return an app and a blueprint (prefix ``/bp``) rooted at ``roots`` with template folders."""
    app = make_app(root_path=str(roots[0]))
    bp = make_bp(impl, root_path=str(roots[1]), template_folder="templates", url_prefix="/bp")
    return app, bp


@pytest.mark.spec("blueprints.templates.folder")
def test_blueprint_template_folder_searched(
    impl: Any, make_app: Callable[..., Any], template_roots: tuple[Path, Path], driver: Any
) -> None:
    """A template found only in a blueprint's template folder can be rendered."""
    app, bp = templated_setup(impl, make_app, template_roots)
    bp.add_url_rule("/", "page", lambda: driver.render("bp_only.html", value=1))
    app.register_blueprint(bp)
    assert driver.client(app).get("/bp/").data == b"blueprint only 1"


@pytest.mark.spec("blueprints.templates.app-first")
def test_app_templates_searched_before_blueprint(
    impl: Any, make_app: Callable[..., Any], template_roots: tuple[Path, Path], driver: Any
) -> None:
    """When app and blueprint both have a template name, the app's wins, even in the blueprint."""
    app, bp = templated_setup(impl, make_app, template_roots)
    bp.add_url_rule("/", "page", lambda: driver.render("both.html"))
    app.register_blueprint(bp)
    assert driver.client(app).get("/bp/").data == b"app version"


@pytest.mark.spec("blueprints.templates.app-wide")
def test_blueprint_templates_found_outside_its_requests(
    impl: Any, make_app: Callable[..., Any], template_roots: tuple[Path, Path], driver: Any
) -> None:
    """Blueprint template folders are part of the app's search path, not only its requests'."""
    app, bp = templated_setup(impl, make_app, template_roots)
    app.register_blueprint(bp)
    with driver.app_context(app):
        assert driver.render("bp_only.html", value=2) == "blueprint only 2"


# -- hooks and handlers scoped to the blueprint -----------------------------------------------


def scoped_app(impl: Any, app: Any) -> tuple[Any, Any]:
    """Add a blueprint ``bp`` at ``/bp/`` and an app view at ``/``; return ``(bp, register)``.

    Call ``register()`` after adding hooks to ``bp``.
    """
    bp = make_bp(impl, url_prefix="/bp")
    bp.add_url_rule("/", "index", lambda: "bp view")
    app.add_url_rule("/", "index", lambda: "app view")
    return bp, lambda: app.register_blueprint(bp)


@pytest.mark.spec("blueprints.hooks.before-request-scoped")
def test_before_request_only_for_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's ``before_request`` runs only for requests to that blueprint."""
    calls: list[str] = []
    bp, register = scoped_app(impl, app)
    bp.before_request(record_calls(calls, "before"))
    register()
    client.get("/")
    assert calls == []
    client.get("/bp/")
    assert calls == ["before"]


@pytest.mark.spec("blueprints.hooks.before-request-short-circuit")
def test_blueprint_before_request_short_circuits(impl: Any, app: Any, client: Any) -> None:
    """A value returned by a blueprint's ``before_request`` becomes the response."""
    bp, register = scoped_app(impl, app)
    bp.before_request(lambda: ("blocked", 403))
    register()
    response = client.get("/bp/")
    assert (response.status_code, response.data) == (403, b"blocked")
    assert client.get("/").data == b"app view"


@pytest.mark.spec("blueprints.hooks.after-request-scoped")
def test_after_request_only_for_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's ``after_request`` runs only for, and may change, its own responses."""
    bp, register = scoped_app(impl, app)

    @bp.after_request
    def tag(response: Any) -> Any:
        response.headers["X-Blueprint"] = "yes"
        return response

    register()
    assert "X-Blueprint" not in client.get("/").headers
    assert client.get("/bp/").headers["X-Blueprint"] == "yes"


@pytest.mark.spec("blueprints.hooks.teardown-request-scoped")
def test_teardown_request_only_for_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's ``teardown_request`` runs only for its own requests, with the error or None."""
    seen: list[object] = []
    bp, register = scoped_app(impl, app)
    bp.teardown_request(seen.append)
    register()
    client.get("/")
    assert seen == []
    client.get("/bp/")
    assert seen == [None]


@pytest.mark.spec("blueprints.hooks.teardown-receives-error")
def test_blueprint_teardown_receives_unhandled_error(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's ``teardown_request`` receives the exception its view left unhandled."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[object] = []
    bp = make_bp(impl)
    bp.teardown_request(seen.append)
    bp.add_url_rule("/", "index", raise_boom)
    app.register_blueprint(bp)
    assert client.get("/").status_code == 500
    assert len(seen) == 1
    assert isinstance(seen[0], Boom)


@pytest.mark.spec("blueprints.hooks.url-value-preprocessor-scoped")
def test_url_value_preprocessor_only_for_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's ``url_value_preprocessor`` sees only its own endpoints and their values."""
    seen: list[tuple[str, dict[str, Any]]] = []
    bp = make_bp(impl, url_prefix="/<lang>")

    @bp.url_value_preprocessor
    def pull_lang(endpoint: str, values: dict[str, Any]) -> None:
        seen.append((endpoint, dict(values)))
        impl.g.lang = values.pop("lang")

    bp.add_url_rule("/", "index", lambda: f"lang {impl.g.lang}")
    app.add_url_rule("/plain/<lang>", "plain", lambda lang: f"plain {lang}")
    app.register_blueprint(bp)
    assert client.get("/plain/de").data == b"plain de"
    assert client.get("/fr/").data == b"lang fr"
    assert seen == [("bp.index", {"lang": "fr"})]


@pytest.mark.spec("blueprints.hooks.url-defaults-scoped")
def test_url_defaults_only_for_blueprint_endpoints(impl: Any, app: Any, driver: Any) -> None:
    """A blueprint's ``url_defaults`` runs when building its endpoints' URLs, from any request."""
    seen: list[str] = []
    bp = make_bp(impl, url_prefix="/<lang>")

    @bp.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        seen.append(endpoint)
        values.setdefault("lang", "en")

    bp.add_url_rule("/", "index", lambda lang: lang)
    app.add_url_rule("/other", "other", lambda: "other")
    app.register_blueprint(bp)
    with driver.request_context(app, "/other"):
        assert impl.url_for("bp.index") == "/en/"
        assert impl.url_for("other") == "/other"
    assert seen == ["bp.index"]


@pytest.mark.spec("blueprints.hooks.lang-code-pattern")
def test_url_processor_pair_carries_value_through_urls(impl: Any, app: Any, driver: Any) -> None:
    """A blueprint's preprocessor and defaults pair lets its views omit a prefix variable."""
    bp = make_bp(impl, url_prefix="/<lang>")
    bp.url_defaults(lambda endpoint, values: values.setdefault("lang", impl.g.lang))
    bp.url_value_preprocessor(lambda endpoint, values: setattr(impl.g, "lang", values.pop("lang")))
    bp.add_url_rule("/", "index", lambda: impl.url_for(".index"))
    app.register_blueprint(bp)
    assert driver.client(app).get("/fr/").data == b"/fr/"


@pytest.mark.spec("blueprints.hooks.context-processor-scoped")
def test_context_processor_only_for_blueprint(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """A blueprint's ``context_processor`` feeds templates rendered in its requests only."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.context_processor(lambda: {"section": "shop"})
    template = "[{{ section }}]"
    bp.add_url_rule("/", "index", lambda: driver.render_string(template))
    app.add_url_rule("/", "index", lambda: driver.render_string(template))
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"[shop]"
    assert client.get("/").data == b"[]"


@pytest.mark.spec("blueprints.hooks.twice-registered")
def test_hooks_apply_under_every_registered_name(impl: Any, app: Any, client: Any) -> None:
    """A blueprint registered under two names runs its hooks for the requests of both."""
    calls: list[str | None] = []
    bp = make_bp(impl)
    bp.before_request(lambda: calls.append(impl.request.blueprint))
    bp.add_url_rule("/", "index", lambda: "ok")
    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, name="two", url_prefix="/two")
    client.get("/one/")
    client.get("/two/")
    assert calls == ["bp", "two"]


# -- error handlers --------------------------------------------------------------------------


def raise_boom() -> str:
    """A view that raises :class:`Boom`."""
    raise Boom()


def raise_specific_boom() -> str:
    """A view that raises :class:`SpecificBoom`."""
    raise SpecificBoom()


@pytest.mark.spec("blueprints.errors.scoped")
def test_blueprint_error_handler_only_for_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's ``errorhandler`` handles errors raised in its requests only."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    bp = make_bp(impl, url_prefix="/bp")
    bp.register_error_handler(Boom, lambda error: ("handled by blueprint", 400))
    bp.add_url_rule("/", "index", raise_boom)
    app.add_url_rule("/", "index", raise_boom)
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"handled by blueprint"
    assert client.get("/").status_code == 500


@pytest.mark.spec("blueprints.errors.unknown-code")
def test_blueprint_handler_for_unknown_code_rejected(impl: Any) -> None:
    """Registering a blueprint error handler for an unknown status code raises ``ValueError``."""
    bp = make_bp(impl)
    with pytest.raises(ValueError, match="999"):
        bp.register_error_handler(999, lambda error: "never")


@pytest.mark.spec("blueprints.errors.precedence-over-app")
def test_blueprint_handler_wins_over_app_handler(impl: Any, app: Any, client: Any) -> None:
    """For a blueprint's request its handler wins over the app's; other requests get the app's."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.register_error_handler(404, lambda error: ("blueprint 404", 404))
    app.register_error_handler(404, lambda error: ("app 404", 404))
    bp.add_url_rule("/", "index", lambda: impl.abort(404))
    app.add_url_rule("/", "index", lambda: impl.abort(404))
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"blueprint 404"
    assert client.get("/").data == b"app 404"


@pytest.mark.spec("blueprints.errors.scope-before-class")
def test_blueprint_base_class_handler_beats_app_subclass_handler(
    impl: Any, app: Any, client: Any
) -> None:
    """Handlers are looked up scope first: a blueprint's handler for a base class wins over the
    app's handler for the exact subclass raised."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.register_error_handler(Boom, lambda error: ("blueprint Boom", 400))
    app.register_error_handler(SpecificBoom, lambda error: ("app SpecificBoom", 400))
    bp.add_url_rule("/", "index", raise_specific_boom)
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"blueprint Boom"


@pytest.mark.spec("blueprints.errors.routing-404-app-only")
def test_routing_404_not_handled_by_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A URL under a blueprint's prefix that matches no rule is handled by the app's 404
    handler, not the blueprint's: no blueprint owns the request."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.register_error_handler(404, lambda error: ("blueprint 404", 404))
    app.register_error_handler(404, lambda error: ("app 404", 404))
    bp.add_url_rule("/", "index", lambda: "index")
    app.register_blueprint(bp)
    response = client.get("/bp/missing")
    assert (response.status_code, response.data) == (404, b"app 404")


@pytest.mark.spec("blueprints.errors.routing-405-app-only")
def test_routing_405_not_handled_by_blueprint(impl: Any, app: Any, client: Any) -> None:
    """A 405 raised by routing for a blueprint's rule goes to the app's handler, not the
    blueprint's."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.register_error_handler(405, lambda error: ("blueprint 405", 405))
    app.register_error_handler(405, lambda error: ("app 405", 405))
    bp.add_url_rule("/", "index", lambda: "index", methods=["POST"])
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"app 405"


@pytest.mark.spec("blueprints.errors.from-before-request")
def test_error_in_blueprint_hook_handled_by_blueprint(impl: Any, app: Any, client: Any) -> None:
    """An error raised by a blueprint's ``before_request`` is handled by its error handler."""
    bp, register = scoped_app(impl, app)
    bp.before_request(raise_boom)
    bp.register_error_handler(Boom, lambda error: ("blueprint Boom", 400))
    register()
    assert client.get("/bp/").data == b"blueprint Boom"


@pytest.mark.spec("blueprints.errors.unhandled-500")
def test_blueprint_500_handler_for_unhandled_exception(impl: Any, app: Any, client: Any) -> None:
    """A blueprint's 500 handler receives an ``InternalServerError`` wrapping the exception."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    bp = make_bp(impl, url_prefix="/bp")

    @bp.errorhandler(500)
    def server_error(error: Any) -> tuple[str, int]:
        return f"{error.code} {type(error.original_exception).__name__}", 500

    bp.add_url_rule("/", "index", raise_boom)
    app.register_blueprint(bp)
    assert client.get("/bp/").data == b"500 Boom"


# -- app-wide registrations from a blueprint -------------------------------------------------


@pytest.mark.spec("blueprints.app-hooks.before-app-request")
def test_before_app_request_runs_for_every_request(impl: Any, app: Any, client: Any) -> None:
    """``before_app_request`` runs before every request of the app, not only the blueprint's."""
    calls: list[str] = []
    bp, register = scoped_app(impl, app)
    bp.before_app_request(lambda: calls.append(impl.request.path))
    register()
    client.get("/")
    client.get("/bp/")
    client.get("/missing")
    assert calls == ["/", "/bp/", "/missing"]


@pytest.mark.spec("blueprints.app-hooks.after-app-request")
def test_after_app_request_runs_for_every_request(impl: Any, app: Any, client: Any) -> None:
    """``after_app_request`` processes the response of every request of the app."""
    bp, register = scoped_app(impl, app)

    @bp.after_app_request
    def tag(response: Any) -> Any:
        response.headers["X-App-Wide"] = "yes"
        return response

    register()
    assert client.get("/").headers["X-App-Wide"] == "yes"
    assert client.get("/bp/").headers["X-App-Wide"] == "yes"


@pytest.mark.spec("blueprints.app-hooks.teardown-app-request")
def test_teardown_app_request_runs_for_every_request(impl: Any, app: Any, client: Any) -> None:
    """``teardown_app_request`` runs at the end of every request of the app."""
    calls: list[str] = []
    bp, register = scoped_app(impl, app)
    bp.teardown_app_request(lambda error: calls.append(impl.request.path))
    register()
    client.get("/")
    client.get("/bp/")
    assert calls == ["/", "/bp/"]


@pytest.mark.spec("blueprints.app-hooks.app-url-value-preprocessor")
def test_app_url_value_preprocessor_for_every_request(impl: Any, app: Any, client: Any) -> None:
    """``app_url_value_preprocessor`` runs for the app's own routes too."""
    bp = make_bp(impl)
    bp.app_url_value_preprocessor(lambda endpoint, values: values.update(n=values["n"] * 2))
    app.add_url_rule("/<int:n>", "double", lambda n: str(n))
    app.register_blueprint(bp)
    assert client.get("/21").data == b"42"


@pytest.mark.spec("blueprints.app-hooks.app-url-defaults")
def test_app_url_defaults_for_every_endpoint(impl: Any, app: Any, driver: Any) -> None:
    """``app_url_defaults`` fills in values when building any endpoint of the app."""
    bp = make_bp(impl)
    bp.app_url_defaults(lambda endpoint, values: values.setdefault("lang", "en"))
    app.add_url_rule("/<lang>/home", "home", lambda lang: lang)
    app.register_blueprint(bp)
    with driver.request_context(app):
        assert impl.url_for("home") == "/en/home"


@pytest.mark.spec("blueprints.app-hooks.app-context-processor")
def test_app_context_processor_for_every_template(impl: Any, app: Any, driver: Any) -> None:
    """``app_context_processor`` feeds every template of the app, outside requests too."""
    bp = make_bp(impl)
    bp.app_context_processor(lambda: {"site": "Example"})
    app.register_blueprint(bp)
    with driver.app_context(app):
        assert driver.render_string("{{ site }}") == "Example"


@pytest.mark.spec("blueprints.app-hooks.app-errorhandler")
def test_app_errorhandler_handles_app_errors(impl: Any, app: Any, client: Any) -> None:
    """``app_errorhandler`` handles errors anywhere in the app, including routing 404s."""
    bp = make_bp(impl)
    bp.app_errorhandler(404)(lambda error: ("app-wide 404", 404))
    bp.app_errorhandler(Boom)(lambda error: ("app-wide Boom", 400))
    app.add_url_rule("/boom", "boom", raise_boom)
    app.register_blueprint(bp)
    assert client.get("/missing").data == b"app-wide 404"
    assert client.get("/boom").data == b"app-wide Boom"


@pytest.mark.spec("blueprints.app-hooks.registered-once")
def test_app_hooks_registered_once_for_two_registrations(impl: Any, app: Any, client: Any) -> None:
    """App-wide hooks of a blueprint registered twice are added to the app only once."""
    calls: list[str] = []
    bp = make_bp(impl)
    bp.before_app_request(lambda: calls.append("before"))
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again")
    app.add_url_rule("/", "index", lambda: "ok")
    client.get("/")
    assert calls == ["before"]


@pytest.mark.spec("blueprints.app-templates.filter")
def test_app_template_filter(impl: Any, app: Any, driver: Any) -> None:
    """``app_template_filter()`` adds an app-wide filter named after the function or ``name``."""
    bp = make_bp(impl)

    @bp.app_template_filter()
    def reverse(value: str) -> str:
        return value[::-1]

    @bp.app_template_filter("shout")
    def upper(value: str) -> str:
        return value.upper()

    app.register_blueprint(bp)
    assert reverse("ab") == "ba"
    assert app.jinja_env.filters["reverse"] is reverse
    with driver.app_context(app):
        assert driver.render_string("{{ 'ab'|reverse }} {{ 'ab'|shout }}") == "ba AB"


@pytest.mark.spec("blueprints.app-templates.test")
def test_app_template_test(impl: Any, app: Any, driver: Any) -> None:
    """``app_template_test()`` adds an app-wide Jinja test named after the function or ``name``."""
    bp = make_bp(impl)

    @bp.app_template_test()
    def even(value: int) -> bool:
        return value % 2 == 0

    @bp.app_template_test("odd_one")
    def odd(value: int) -> bool:
        return value % 2 == 1

    app.register_blueprint(bp)
    with driver.app_context(app):
        rendered = driver.render_string("{{ 2 is even }} {{ 2 is odd_one }}")
    assert rendered == "True False"


@pytest.mark.spec("blueprints.app-templates.global")
def test_app_template_global(impl: Any, app: Any, driver: Any) -> None:
    """``app_template_global()`` adds an app-wide global named after the function or ``name``."""
    bp = make_bp(impl)

    @bp.app_template_global()
    def site_name() -> str:
        return "Example"

    @bp.app_template_global("year")
    def current_year() -> int:
        return 2024

    app.register_blueprint(bp)
    assert app.jinja_env.globals["site_name"] is site_name
    with driver.app_context(app):
        assert driver.render_string("{{ site_name() }} {{ year() }}") == "Example 2024"


@pytest.mark.spec("blueprints.app-templates.add-forms")
def test_add_app_template_functions(impl: Any, app: Any, driver: Any) -> None:
    """``add_app_template_filter/test/global`` register a function, named by it or ``name``."""

    def bang(value: str) -> str:
        return value + "!"

    bp = make_bp(impl)
    bp.add_app_template_filter(bang)
    bp.add_app_template_filter(lambda value: f"[{value}]", "brackets")
    bp.add_app_template_test(lambda value: value == "x", "is_x")
    bp.add_app_template_global(lambda: "global", "get_global")
    app.register_blueprint(bp)
    source = "{{ 'a'|bang }} {{ 'a'|brackets }} {{ 'x' is is_x }} {{ get_global() }}"
    with driver.app_context(app):
        assert driver.render_string(source) == "a! [a] True global"


@pytest.mark.spec("blueprints.app-templates.after-registration-only")
def test_app_template_filter_added_on_registration(impl: Any, app: Any) -> None:
    """An app-wide template filter is only added to the app when the blueprint is registered."""
    bp = make_bp(impl)
    bp.add_app_template_filter(str.upper, "late_upper")
    assert "late_upper" not in app.jinja_env.filters
    app.register_blueprint(bp)
    assert "late_upper" in app.jinja_env.filters


# -- order of app and blueprint hooks ---------------------------------------------------------


@pytest.fixture
def hook_order(impl: Any, app: Any, driver: Any) -> list[str]:
    """Register every request hook on the app and on a blueprint at ``/bp/``, request it once,
    and return the hook calls in order (labels ``<hook>-app`` and ``<hook>-bp``)."""
    calls: list[str] = []
    bp = make_bp(impl, url_prefix="/bp")
    for label, scaffold in [("app", app), ("bp", bp)]:
        scaffold.url_value_preprocessor(record_calls(calls, f"preprocess-{label}"))
        scaffold.before_request(record_calls(calls, f"before-{label}"))
        scaffold.after_request(record_calls(calls, f"after-{label}"))
        scaffold.teardown_request(record_calls(calls, f"teardown-{label}"))
        scaffold.url_defaults(record_calls(calls, f"defaults-{label}"))

    @bp.route("/")
    def index() -> str:
        calls.append("view")
        impl.url_for(".index")
        calls.append("built")
        return "ok"

    app.register_blueprint(bp)
    driver.client(app).get("/bp/")
    return calls


@pytest.mark.spec("blueprints.order.before-request")
def test_app_before_request_runs_before_blueprint_one(hook_order: list[str]) -> None:
    """The app's ``before_request`` functions run before the blueprint's."""
    assert [c for c in hook_order if c.startswith("before")] == ["before-app", "before-bp"]


@pytest.mark.spec("blueprints.order.after-request")
def test_blueprint_after_request_runs_before_app_one(hook_order: list[str]) -> None:
    """The blueprint's ``after_request`` functions run before the app's."""
    assert [c for c in hook_order if c.startswith("after")] == ["after-bp", "after-app"]


@pytest.mark.spec("blueprints.order.teardown-request")
def test_blueprint_teardown_runs_before_app_one(hook_order: list[str]) -> None:
    """The blueprint's ``teardown_request`` functions run before the app's."""
    assert [c for c in hook_order if c.startswith("teardown")] == ["teardown-bp", "teardown-app"]


@pytest.mark.spec("blueprints.order.url-value-preprocessor")
def test_url_value_preprocessors_app_first_before_hooks(hook_order: list[str]) -> None:
    """URL value preprocessors run app first, then blueprint, all before ``before_request``."""
    assert hook_order[:3] == ["preprocess-app", "preprocess-bp", "before-app"]


@pytest.mark.spec("blueprints.order.url-defaults")
def test_url_defaults_app_first(hook_order: list[str]) -> None:
    """When building a blueprint URL, the app's ``url_defaults`` run before the blueprint's."""
    start = hook_order.index("view")
    assert hook_order[start : hook_order.index("built") + 1] == [
        "view",
        "defaults-app",
        "defaults-bp",
        "built",
    ]


@pytest.mark.spec("blueprints.order.app-wide-hooks-join-app")
def test_app_wide_hooks_run_with_app_hooks(impl: Any, app: Any, client: Any) -> None:
    """``before_app_request`` joins the app's own hooks, so it runs before the blueprint's
    ``before_request``, after the app's earlier ones."""
    calls: list[str] = []
    app.before_request(record_calls(calls, "app"))
    bp, register = scoped_app(impl, app)
    bp.before_request(record_calls(calls, "bp"))
    bp.before_app_request(record_calls(calls, "bp-app-wide"))
    register()
    client.get("/bp/")
    assert calls == ["app", "bp-app-wide", "bp"]


@pytest.mark.spec("blueprints.order.context-processor-override")
def test_blueprint_context_processor_overrides_app(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """Blueprint context processors run after the app's, so their values win for a shared key."""
    app.context_processor(lambda: {"who": "app", "app_only": "a"})
    bp, register = scoped_app(impl, app)
    bp.context_processor(lambda: {"who": "bp"})
    template = "{{ who }} {{ app_only }}"
    bp.add_url_rule("/page", "page", lambda: driver.render_string(template))
    register()
    assert client.get("/bp/page").data == b"bp a"


# -- deferred setup functions ----------------------------------------------------------------


@pytest.mark.spec("blueprints.record.state")
def test_record_receives_setup_state(impl: Any, app: Any) -> None:
    """``record`` functions get a state with the app, blueprint, options and effective values."""
    states: list[Any] = []
    bp = make_bp(impl, url_prefix="/bp", subdomain="sub", url_defaults={"a": 1})
    bp.record(states.append)
    app.register_blueprint(bp)
    (state,) = states
    assert state.app is app
    assert state.blueprint is bp
    assert state.options == {}
    assert state.first_registration is True
    assert state.url_prefix == "/bp"
    assert state.subdomain == "sub"
    assert state.url_defaults == {"a": 1}


@pytest.mark.spec("blueprints.record.registration-options")
def test_record_state_reflects_registration_options(impl: Any, app: Any) -> None:
    """The state holds the registration options and the values they override or merge."""
    states: list[Any] = []
    bp = make_bp(impl, url_prefix="/bp", subdomain="sub", url_defaults={"a": 1, "b": 2})
    bp.record(states.append)
    options = {"url_prefix": "/other", "subdomain": "x", "url_defaults": {"b": 3}, "extra": "kept"}
    app.register_blueprint(bp, **options)
    (state,) = states
    assert state.options == options
    assert state.url_prefix == "/other"
    assert state.subdomain == "x"
    assert state.url_defaults == {"a": 1, "b": 3}


@pytest.mark.spec("blueprints.record.custom-setup-state")
def test_make_setup_state_override_used(impl: Any, app: Any) -> None:
    """Registration builds its state with ``make_setup_state``, so a subclass can customise it."""

    class UpperState(impl.blueprints.BlueprintSetupState):
        def add_url_rule(self, rule: str, *args: Any, **kwargs: Any) -> None:
            super().add_url_rule(rule.upper(), *args, **kwargs)

    class UpperBlueprint(impl.Blueprint):
        def make_setup_state(
            self, app: Any, options: dict[str, Any], first_registration: bool = False
        ) -> Any:
            return UpperState(self, app, options, first_registration)

    bp = UpperBlueprint("upper", "conformance_app")
    bp.add_url_rule("/shout", "shout", lambda: "shout")
    app.register_blueprint(bp)
    assert rules_by_endpoint(app)["upper.shout"] == "/SHOUT"


@pytest.mark.spec("blueprints.record.every-registration")
def test_record_runs_on_every_registration(impl: Any, app: Any) -> None:
    """``record`` functions run on each registration; only the first is ``first_registration``."""
    states: list[Any] = []
    bp = make_bp(impl)
    bp.record(states.append)
    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again")
    assert [state.first_registration for state in states] == [True, False]


@pytest.mark.spec("blueprints.record-once.first-registration")
def test_record_once_runs_on_first_registration_per_app(
    impl: Any, make_app: Callable[..., Any]
) -> None:
    """``record_once`` functions run on the first registration on each app only."""
    apps: list[Any] = []
    bp = make_bp(impl)
    bp.record_once(lambda state: apps.append(state.app))
    first, second = make_app(), make_app()
    first.register_blueprint(bp)
    first.register_blueprint(bp, name="again")
    second.register_blueprint(bp)
    assert apps == [first, second]


@pytest.mark.spec("blueprints.record.state-add-url-rule")
def test_state_add_url_rule_applies_registration(impl: Any, app: Any, driver: Any) -> None:
    """``state.add_url_rule`` adds a rule with the registration's prefix and endpoint name."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.record(lambda state: state.add_url_rule("/extra", "extra", lambda: "extra"))
    app.register_blueprint(bp, name="named")
    assert rules_by_endpoint(app)["named.extra"] == "/bp/extra"
    assert driver.client(app).get("/bp/extra").data == b"extra"


# -- nesting ---------------------------------------------------------------------------------


def nested_pair(impl: Any, **child_options: Any) -> tuple[Any, Any]:
    """Return ``(parent, child)`` blueprints at ``/parent`` and ``/child``, not yet nested."""
    parent = make_bp(impl, "parent", url_prefix="/parent")
    child = make_bp(impl, "child", url_prefix="/child", **child_options)
    return parent, child


@pytest.mark.spec("blueprints.nested.endpoint-names")
def test_nested_endpoint_names_dotted(impl: Any, app: Any, driver: Any) -> None:
    """A nested blueprint's endpoints are named ``parent.child.view``."""
    parent, child = nested_pair(impl)
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert "parent.child.index" in app.view_functions
    assert driver.client(app).get("/parent/child/").data == b"child"


@pytest.mark.spec("blueprints.nested.three-levels")
def test_three_level_nesting(impl: Any, app: Any, driver: Any) -> None:
    """Nesting composes to any depth: names, prefixes and ``request.blueprints`` follow the chain,
    also when the outermost blueprint is registered again under another name."""
    top, middle, inner = (make_bp(impl, name, url_prefix=f"/{name}") for name in "abc")
    inner.add_url_rule(
        "/", "index", lambda: {"bps": impl.request.blueprints, "url": impl.url_for(".index")}
    )
    middle.register_blueprint(inner)
    top.register_blueprint(middle)
    app.register_blueprint(top)
    app.register_blueprint(top, name="z", url_prefix="/z")
    assert list(app.blueprints) == ["a", "a.b", "a.b.c", "z", "z.b", "z.b.c"]
    client = driver.client(app)
    assert client.get("/a/b/c/").json == {"bps": ["a.b.c", "a.b", "a"], "url": "/a/b/c/"}
    assert client.get("/z/b/c/").json == {"bps": ["z.b.c", "z.b", "z"], "url": "/z/b/c/"}


@pytest.mark.spec("blueprints.nested.app-blueprints")
def test_nested_blueprint_listed_under_dotted_name(impl: Any, app: Any) -> None:
    """``app.blueprints`` lists a nested blueprint under its dotted name, after its parent."""
    parent, child = nested_pair(impl)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert list(app.blueprints.items()) == [("parent", parent), ("parent.child", child)]


@pytest.mark.spec("blueprints.nested.prefixes-compose")
@pytest.mark.parametrize(
    ("parent_prefix", "child_prefix", "expected"),
    [
        ("/parent", "/child", "/parent/child/view"),
        ("/parent/", "/child/", "/parent/child/view"),
        ("/parent", None, "/parent/view"),
        (None, "/child", "/child/view"),
        (None, None, "/view"),
    ],
)
def test_nested_prefixes_compose(
    impl: Any, app: Any, parent_prefix: str | None, child_prefix: str | None, expected: str
) -> None:
    """A nested blueprint's rules get the parent's prefix followed by its own."""
    parent = make_bp(impl, "parent", url_prefix=parent_prefix)
    child = make_bp(impl, "child", url_prefix=child_prefix)
    child.add_url_rule("/view", "view", lambda: "view")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert rules_by_endpoint(app)["parent.child.view"] == expected


@pytest.mark.spec("blueprints.nested.registration-prefixes")
def test_nested_registration_prefixes_override(impl: Any, app: Any) -> None:
    """Prefixes given to either ``register_blueprint`` call replace that blueprint's own."""
    parent, child = nested_pair(impl)
    child.add_url_rule("/view", "view", lambda: "view")
    parent.register_blueprint(child, url_prefix="/kid")
    app.register_blueprint(parent, url_prefix="/top")
    assert rules_by_endpoint(app)["parent.child.view"] == "/top/kid/view"


@pytest.mark.spec("blueprints.nested.subdomains-compose")
def test_nested_subdomains_compose(impl: Any, make_app: Callable[..., Any], driver: Any) -> None:
    """A child subdomain is put in front of its parent's: ``child.parent.<server>``."""
    app = subdomain_app(make_app)
    parent = make_bp(impl, "parent", subdomain="parent")
    child = make_bp(impl, "child", subdomain="child")
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    response = driver.client(app).get("/", base_url=f"http://child.parent.{SERVER_NAME}/")
    assert response.data == b"child"


@pytest.mark.spec("blueprints.nested.subdomain-inherited")
def test_nested_blueprint_inherits_parent_subdomain(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """A child blueprint without a subdomain uses its parent's."""
    app = subdomain_app(make_app)
    parent = make_bp(impl, "parent", subdomain="api")
    child = make_bp(impl, "child")
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert driver.client(app).get("/", base_url=f"http://api.{SERVER_NAME}/").data == b"child"


@pytest.mark.spec("blueprints.nested.request-blueprints")
def test_nested_request_blueprint_names(impl: Any, app: Any, driver: Any) -> None:
    """In a nested blueprint ``request.blueprint`` is ``parent.child`` and
    ``request.blueprints`` is ``["parent.child", "parent"]``."""
    parent, child = nested_pair(impl)
    child.add_url_rule(
        "/", "index", lambda: {"bp": impl.request.blueprint, "bps": impl.request.blueprints}
    )
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert driver.client(app).get("/parent/child/").json == {
        "bp": "parent.child",
        "bps": ["parent.child", "parent"],
    }


@pytest.mark.spec("blueprints.nested.hooks-inherited")
def test_parent_hooks_apply_to_child_in_order(impl: Any, app: Any, driver: Any) -> None:
    """Parent hooks apply to the child's requests: before from app inward, after and
    teardown from the child outward."""
    calls: list[str] = []
    parent, child = nested_pair(impl)
    for label, scaffold in [("app", app), ("parent", parent), ("child", child)]:
        scaffold.before_request(record_calls(calls, f"before-{label}"))
        scaffold.after_request(record_calls(calls, f"after-{label}"))
        scaffold.teardown_request(record_calls(calls, f"teardown-{label}"))
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    driver.client(app).get("/parent/child/")
    assert calls == [
        "before-app",
        "before-parent",
        "before-child",
        "after-child",
        "after-parent",
        "after-app",
        "teardown-child",
        "teardown-parent",
        "teardown-app",
    ]


@pytest.mark.spec("blueprints.nested.parent-hooks-not-for-siblings")
def test_child_hooks_not_applied_to_parent_requests(impl: Any, app: Any, driver: Any) -> None:
    """A child's hooks do not run for the parent's own requests."""
    calls: list[str] = []
    parent, child = nested_pair(impl)
    child.before_request(record_calls(calls, "child"))
    parent.add_url_rule("/", "index", lambda: "parent")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert driver.client(app).get("/parent/").data == b"parent"
    assert calls == []


@pytest.mark.spec("blueprints.nested.context-processors")
def test_parent_context_processor_applies_to_child(impl: Any, app: Any, driver: Any) -> None:
    """A parent's context processors apply to its child's templates; the child's win on a clash."""
    parent, child = nested_pair(impl)
    parent.context_processor(lambda: {"who": "parent", "parent_only": "p"})
    child.context_processor(lambda: {"who": "child"})
    child.add_url_rule("/", "index", lambda: driver.render_string("{{ who }} {{ parent_only }}"))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert driver.client(app).get("/parent/child/").data == b"child p"


@pytest.mark.spec("blueprints.nested.error-handlers-inherited")
def test_parent_error_handler_applies_to_child(impl: Any, app: Any, driver: Any) -> None:
    """A parent's error handlers handle errors in its child's requests."""
    parent, child = nested_pair(impl)
    parent.register_error_handler(Boom, lambda error: ("parent Boom", 400))
    parent.register_error_handler(404, lambda error: ("parent 404", 404))
    child.add_url_rule("/boom", "boom", raise_boom)
    child.add_url_rule("/gone", "gone", lambda: impl.abort(404))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = driver.client(app)
    assert client.get("/parent/child/boom").data == b"parent Boom"
    assert client.get("/parent/child/gone").data == b"parent 404"


@pytest.mark.spec("blueprints.nested.child-handler-wins")
def test_child_error_handler_wins_over_parent(impl: Any, app: Any, driver: Any) -> None:
    """For a child's request the child's handler wins over its parent's and the app's."""
    parent, child = nested_pair(impl)
    app.register_error_handler(Boom, lambda error: ("app", 400))
    parent.register_error_handler(Boom, lambda error: ("parent", 400))
    child.register_error_handler(Boom, lambda error: ("child", 400))
    child.add_url_rule("/boom", "boom", raise_boom)
    parent.add_url_rule("/boom", "boom", raise_boom)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = driver.client(app)
    assert client.get("/parent/child/boom").data == b"child"
    assert client.get("/parent/boom").data == b"parent"


@pytest.mark.spec("blueprints.nested.parent-registered-twice")
def test_parent_registered_twice_nests_child_under_both(impl: Any, app: Any, driver: Any) -> None:
    """Registering a parent under two names registers its children under both."""
    parent, child = nested_pair(impl)
    child.add_url_rule("/", "index", lambda: impl.request.blueprint)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    app.register_blueprint(parent, name="other", url_prefix="/other")
    assert set(app.blueprints) == {"parent", "parent.child", "other", "other.child"}
    client = driver.client(app)
    assert client.get("/parent/child/").data == b"parent.child"
    assert client.get("/other/child/").data == b"other.child"


@pytest.mark.spec("blueprints.nested.child-registered-twice")
def test_child_registered_twice_in_parent(impl: Any, app: Any, driver: Any) -> None:
    """A child nested twice in one parent with ``name=`` gets two sets of endpoints."""
    parent, child = nested_pair(impl)
    child.add_url_rule("/", "index", lambda: impl.request.blueprint)
    parent.register_blueprint(child)
    parent.register_blueprint(child, name="twin", url_prefix="/twin")
    app.register_blueprint(parent)
    assert rules_by_endpoint(app)["parent.twin.index"] == "/parent/twin/"
    assert driver.client(app).get("/parent/twin/").data == b"parent.twin"


@pytest.mark.spec("blueprints.nested.url-defaults")
def test_nested_url_defaults(impl: Any, app: Any, driver: Any) -> None:
    """A nested blueprint's own ``url_defaults`` and those given when nesting reach its views."""
    parent = make_bp(impl, "parent", url_prefix="/parent")
    child = make_bp(impl, "child", url_prefix="/child", url_defaults={"a": 1})
    child.add_url_rule("/", "index", lambda a, b: f"{a} {b}")
    parent.register_blueprint(child, url_defaults={"b": 2})
    app.register_blueprint(parent)
    assert driver.client(app).get("/parent/child/").data == b"1 2"


@pytest.mark.spec("blueprints.nested.url-defaults-functions")
def test_nested_blueprint_url_defaults_functions(impl: Any, app: Any, driver: Any) -> None:
    """Building a nested blueprint's URL runs the app's, the parent's and the child's
    ``url_defaults`` functions, in that order."""
    parent, child = nested_pair(impl)
    order: list[str] = []
    for label, scaffold in [("app", app), ("parent", parent), ("child", child)]:
        scaffold.url_defaults(record_calls(order, label))
    child.add_url_rule("/<lang>/", "index", lambda lang: lang)
    child.url_defaults(lambda endpoint, values: values.setdefault("lang", "fr"))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    with driver.request_context(app):
        assert impl.url_for("parent.child.index") == "/parent/child/fr/"
    assert order == ["app", "parent", "child"]


@pytest.mark.spec("blueprints.url-prefix.joined-verbatim")
def test_url_prefixes_and_rules_join_verbatim(impl: Any, app: Any, driver: Any) -> None:
    """Prefixes and rules are joined with exactly one slash and otherwise kept verbatim,
    whatever characters they end with."""
    parent = make_bp(impl, "parent", url_prefix="/gallery/X/")
    child = make_bp(impl, "child", url_prefix="/X")
    child.add_url_rule("/photo", "photo", lambda: "photo")
    parent.add_url_rule("/cover", "cover", lambda: "cover")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    rules = rules_by_endpoint(app)
    assert (rules["parent.cover"], rules["parent.child.photo"]) == (
        "/gallery/X/cover",
        "/gallery/X/X/photo",
    )
    assert driver.client(app).get("/gallery/X/X/photo").data == b"photo"


@pytest.mark.spec("blueprints.nested.subdomain-option")
def test_nested_subdomain_given_at_registration(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """A ``subdomain`` given when nesting a blueprint wins over the child's own."""
    app = subdomain_app(make_app)
    parent = make_bp(impl, "parent", url_prefix="/parent")
    child = make_bp(impl, "child", url_prefix="/child", subdomain="own")
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child, subdomain="api")
    app.register_blueprint(parent)
    client = driver.client(app)
    assert client.get(f"http://api.{SERVER_NAME}/parent/child/").data == b"child"
    assert client.get(f"http://own.{SERVER_NAME}/parent/child/").status_code == 404


@pytest.mark.spec("blueprints.nested.relative-url-for")
def test_relative_url_for_in_nested_blueprint(impl: Any, app: Any, driver: Any) -> None:
    """In a nested blueprint ``url_for(".x")`` names the child's endpoint ``parent.child.x``."""
    parent, child = nested_pair(impl)
    child.add_url_rule("/", "index", lambda: impl.url_for(".other"))
    child.add_url_rule("/other", "other", lambda: "other")
    parent.add_url_rule("/other", "other", lambda: "parent other")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert driver.client(app).get("/parent/child/").data == b"/parent/child/other"


@pytest.mark.spec("blueprints.nested.register-after-parent-registered")
def test_nesting_after_parent_registered_fails(impl: Any, app: Any) -> None:
    """Nesting a blueprint in a parent already registered raises ``AssertionError``."""
    parent, child = nested_pair(impl)
    app.register_blueprint(parent)
    with pytest.raises(AssertionError, match="register_blueprint"):
        parent.register_blueprint(child)


# -- relative URL building -------------------------------------------------------------------


@pytest.mark.spec("blueprints.url-for.relative-in-blueprint")
def test_relative_endpoint_in_blueprint_request(impl: Any, app: Any, driver: Any) -> None:
    """In a blueprint's request ``url_for(".x")`` builds the blueprint's ``x``, not the app's."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.add_url_rule("/", "index", lambda: impl.url_for(".other", q=1))
    bp.add_url_rule("/other", "other", lambda: "bp other")
    app.add_url_rule("/other", "other", lambda: "app other")
    app.register_blueprint(bp)
    assert driver.client(app).get("/bp/").data == b"/bp/other?q=1"


@pytest.mark.spec("blueprints.url-for.absolute-in-blueprint")
def test_absolute_endpoint_in_blueprint_request(impl: Any, app: Any, driver: Any) -> None:
    """In a blueprint's request an endpoint without a leading dot names the app's endpoint."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.add_url_rule("/", "index", lambda: impl.url_for("other"))
    bp.add_url_rule("/other", "other", lambda: "bp other")
    app.add_url_rule("/other", "other", lambda: "app other")
    app.register_blueprint(bp)
    assert driver.client(app).get("/bp/").data == b"/other"


@pytest.mark.spec("blueprints.url-for.relative-in-app")
def test_relative_endpoint_in_app_request(impl: Any, app: Any, driver: Any) -> None:
    """In an app (non-blueprint) request ``url_for(".x")`` names the app's endpoint ``x``."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.add_url_rule("/other", "other", lambda: "bp other")
    app.add_url_rule("/", "index", lambda: impl.url_for(".other"))
    app.add_url_rule("/other", "other", lambda: "app other")
    app.register_blueprint(bp)
    assert driver.client(app).get("/").data == b"/other"


@pytest.mark.spec("blueprints.url-for.relative-in-test-request-context")
def test_relative_endpoint_in_test_request_context(impl: Any, app: Any, driver: Any) -> None:
    """A test request context for a blueprint URL resolves ``.x`` against that blueprint."""
    bp = make_bp(impl, url_prefix="/bp")
    bp.add_url_rule("/", "index", lambda: "index")
    bp.add_url_rule("/other", "other", lambda: "other")
    app.register_blueprint(bp)
    with driver.request_context(app, "/bp/"):
        assert impl.url_for(".other") == "/bp/other"


# -- command line ----------------------------------------------------------------------------


def cli_bp(impl: Any, **kwargs: Any) -> Any:
    """Return a blueprint ``tools`` with a CLI command ``hello`` printing a greeting."""
    bp = make_bp(impl, "tools", **kwargs)

    @bp.cli.command("hello")
    def hello() -> None:
        print("hello from tools")

    return bp


@pytest.mark.spec("blueprints.cli.default-group")
def test_cli_commands_in_group_named_after_blueprint(impl: Any, app: Any, driver: Any) -> None:
    """By default a blueprint's commands are in a subgroup named after the blueprint."""
    app.register_blueprint(cli_bp(impl))
    runner = driver.cli_runner(app)
    result = runner.invoke(args=["tools", "hello"])
    assert result.exit_code == 0, result.output
    assert "hello from tools" in result.output
    assert runner.invoke(args=["hello"]).exit_code == 2  # click: no such command


@pytest.mark.spec("blueprints.cli.group-name")
def test_cli_group_named_after_blueprint(impl: Any) -> None:
    """A blueprint's ``cli`` group is named after the blueprint from construction on."""
    assert make_bp(impl, "tools").cli.name == "tools"


@pytest.mark.spec("blueprints.cli.group-none")
def test_cli_group_none_merges_into_app(impl: Any, app: Any, driver: Any) -> None:
    """With ``cli_group=None`` a blueprint's commands are added to the app's own group."""
    app.register_blueprint(cli_bp(impl, cli_group=None))
    runner = driver.cli_runner(app)
    result = runner.invoke(args=["hello"])
    assert result.exit_code == 0, result.output
    assert "hello from tools" in result.output
    assert runner.invoke(args=["tools", "hello"]).exit_code == 2  # click: no such command


@pytest.mark.spec("blueprints.cli.group-custom")
def test_cli_group_custom_name(impl: Any, app: Any, driver: Any) -> None:
    """With ``cli_group="name"`` a blueprint's commands are in a subgroup of that name."""
    app.register_blueprint(cli_bp(impl, cli_group="maint"))
    runner = driver.cli_runner(app)
    assert "hello from tools" in runner.invoke(args=["maint", "hello"]).output
    assert runner.invoke(args=["tools", "hello"]).exit_code == 2  # click: no such command


@pytest.mark.spec("blueprints.cli.group-registration-option")
def test_cli_group_registration_option_overrides(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """A ``cli_group`` given to ``register_blueprint`` replaces the constructor's."""
    named = make_app()
    named.register_blueprint(cli_bp(impl), cli_group="ops")
    assert "hello from tools" in driver.cli_runner(named).invoke(args=["ops", "hello"]).output
    merged = make_app()
    merged.register_blueprint(cli_bp(impl, cli_group="maint"), cli_group=None)
    assert "hello from tools" in driver.cli_runner(merged).invoke(args=["hello"]).output


@pytest.mark.spec("blueprints.cli.group-registered-name")
def test_cli_default_group_uses_registered_name(impl: Any, app: Any, driver: Any) -> None:
    """With the default ``cli_group`` the subgroup takes the name given at registration."""
    app.register_blueprint(cli_bp(impl), name="renamed")
    result = driver.cli_runner(app).invoke(args=["renamed", "hello"])
    assert "hello from tools" in result.output


@pytest.mark.spec("blueprints.cli.no-commands-no-group")
def test_blueprint_without_commands_adds_no_group(impl: Any, app: Any) -> None:
    """A blueprint without commands adds no command group to the app."""
    before = set(app.cli.commands)
    bp = make_bp(impl, "tools")
    app.register_blueprint(bp)
    assert app.blueprints["tools"] is bp
    assert set(app.cli.commands) == before


@pytest.mark.spec("blueprints.cli.nested-group")
def test_nested_blueprint_cli_group_uses_dotted_name(impl: Any, app: Any, driver: Any) -> None:
    """A nested blueprint's command group is named with its dotted name."""
    parent = make_bp(impl, "parent")
    parent.register_blueprint(cli_bp(impl))
    app.register_blueprint(parent)
    result = driver.cli_runner(app).invoke(args=["parent.tools", "hello"])
    assert "hello from tools" in result.output
