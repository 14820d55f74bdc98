"""Spec area ``views``: class-based views, ``View`` and the method-dispatching ``MethodView``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed(response: Any) -> set[str]:
    """Return the methods listed in a response's ``Allow`` header."""
    return {method.strip() for method in response.headers["Allow"].split(",")}


def tagging(tag: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a view decorator that wraps the view's text result in ``tag(...)``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> str:
            return f"{tag}({view(**kwargs)})"

        return wrapper

    return decorator


# -- View ------------------------------------------------------------------------------------


@pytest.mark.spec("views.view.dispatch-request")
def test_view_dispatch_request_answers(impl: Any, app: Any, client: Any) -> None:
    """A ``View`` subclass registered with ``as_view`` answers through ``dispatch_request``."""

    class Hello(impl.views.View):
        def dispatch_request(self) -> str:
            return "hello"

    app.add_url_rule("/", view_func=Hello.as_view("hello"))
    response = client.get("/")
    assert (response.status_code, response.data) == (200, b"hello")


@pytest.mark.spec("views.view.url-values")
def test_view_receives_url_values(impl: Any, app: Any, client: Any) -> None:
    """URL variables are passed to ``dispatch_request`` as keyword arguments."""

    class Item(impl.views.View):
        def dispatch_request(self, category: str, item_id: int) -> str:
            return f"{category} {item_id + 1}"

    app.add_url_rule("/<category>/<int:item_id>", view_func=Item.as_view("item"))
    assert client.get("/books/41").data == b"books 42"


@pytest.mark.spec("views.view.endpoint-is-name")
def test_as_view_name_is_endpoint(impl: Any, app: Any, driver: Any) -> None:
    """The name given to ``as_view`` becomes the endpoint when none is given."""

    class Page(impl.views.View):
        def dispatch_request(self) -> str:
            return "page"

    view = Page.as_view("page_view")
    app.add_url_rule("/page", view_func=view)
    assert app.view_functions["page_view"] is view
    with driver.request_context(app):
        assert impl.url_for("page_view") == "/page"


@pytest.mark.spec("views.view.function-attributes")
def test_as_view_function_attributes(impl: Any) -> None:
    """The view function carries ``view_class`` and the class's name, doc and module."""

    class Documented(impl.views.View):
        """Documentation of the view."""

        def dispatch_request(self) -> str:
            return "x"

    view = Documented.as_view("documented")
    assert view.view_class is Documented
    assert view.__name__ == "documented"
    assert view.__doc__ == "Documentation of the view."
    assert view.__module__ == Documented.__module__


@pytest.mark.spec("views.view.default-methods")
def test_view_without_methods_answers_get_only(impl: Any, app: Any, client: Any) -> None:
    """A ``View`` without ``methods`` answers GET (and HEAD, OPTIONS); POST gets 405."""

    class Plain(impl.views.View):
        def dispatch_request(self) -> str:
            return impl.request.method

    view = Plain.as_view("plain")
    assert view.methods is None
    app.add_url_rule("/", view_func=view)
    assert client.get("/").data == b"GET"
    assert client.post("/").status_code == 405
    assert allowed(client.options("/")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.spec("views.view.methods")
def test_view_methods_attribute(impl: Any, app: Any, client: Any) -> None:
    """A ``View``'s ``methods`` are the methods its rule answers, in any case."""

    class Form(impl.views.View):
        methods = ["get", "POST"]

        def dispatch_request(self) -> str:
            return impl.request.method

    view = Form.as_view("form")
    assert view.methods == ["get", "POST"]
    app.add_url_rule("/", view_func=view)
    assert client.get("/").data == b"GET"
    assert client.post("/").data == b"POST"
    response = client.put("/")
    assert response.status_code == 405
    assert allowed(response) == {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.spec("views.view.rule-methods-win")
def test_add_url_rule_methods_override_view_methods(impl: Any, app: Any, client: Any) -> None:
    """``methods`` given to ``add_url_rule`` win over the view class's ``methods``."""

    class Reader(impl.views.View):
        methods = ["GET"]

        def dispatch_request(self) -> str:
            return impl.request.method

    app.add_url_rule("/", view_func=Reader.as_view("reader"), methods=["POST"])
    assert client.post("/").data == b"POST"
    assert client.get("/").status_code == 405


@pytest.mark.spec("views.view.automatic-options")
def test_view_automatic_options_by_default(impl: Any, app: Any, client: Any) -> None:
    """By default a class-based view gets an automatic OPTIONS answer listing its methods."""

    class Form(impl.views.View):
        methods = ["GET", "POST"]

        def dispatch_request(self) -> str:
            return "from view"

    app.add_url_rule("/", view_func=Form.as_view("form"))
    response = client.options("/")
    assert response.status_code == 200
    assert response.data == b""
    assert allowed(response) == {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.spec("views.view.provide-automatic-options-false")
def test_view_provide_automatic_options_false(impl: Any, app: Any, client: Any) -> None:
    """With ``provide_automatic_options = False`` OPTIONS is not answered automatically."""

    class NoOptions(impl.views.View):
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return "view"

    view = NoOptions.as_view("no_options")
    assert view.provide_automatic_options is False
    app.add_url_rule("/", view_func=view)
    assert client.options("/").status_code == 405
    assert client.get("/").data == b"view"


@pytest.mark.spec("views.view.not-implemented")
def test_view_without_dispatch_request_fails(impl: Any, app: Any, driver: Any) -> None:
    """The base ``dispatch_request`` raises ``NotImplementedError``: subclasses must override it."""

    class Unfinished(impl.views.View):
        pass

    app.add_url_rule("/", view_func=Unfinished.as_view("unfinished"))
    # Flask's NotImplementedError carries no message: its type is the whole rule.
    with pytest.raises(NotImplementedError):
        driver.client(app).get("/")


@pytest.mark.spec("views.view.constructor-arguments")
def test_as_view_passes_constructor_arguments(impl: Any, app: Any, client: Any) -> None:
    """Extra positional and keyword arguments of ``as_view`` are passed to the constructor."""

    class Greeting(impl.views.View):
        def __init__(self, greeting: str, *, who: str) -> None:
            self.text = f"{greeting}, {who}"

        def dispatch_request(self) -> str:
            return self.text

    app.add_url_rule("/", view_func=Greeting.as_view("greeting", "Hello", who="World"))
    assert client.get("/").data == b"Hello, World"


@pytest.mark.spec("views.view.init-every-request")
def test_new_instance_per_request_by_default(impl: Any, app: Any, client: Any) -> None:
    """By default (``init_every_request = True``) each request gets a new instance, created
    when the request is dispatched, not by ``as_view``."""
    instances: list[object] = []

    class Counter(impl.views.View):
        def __init__(self) -> None:
            instances.append(self)
            self.count = 0

        def dispatch_request(self) -> str:
            self.count += 1
            return str(self.count)

    app.add_url_rule("/", view_func=Counter.as_view("counter"))
    assert instances == []
    assert [client.get("/").data for _ in range(3)] == [b"1", b"1", b"1"]
    assert len({id(instance) for instance in instances}) == 3


@pytest.mark.spec("views.view.init-once")
def test_one_instance_with_init_every_request_false(impl: Any, app: Any, client: Any) -> None:
    """With ``init_every_request = False`` one instance, created by ``as_view``, serves all."""
    instances: list[object] = []

    class Counter(impl.views.View):
        init_every_request = False

        def __init__(self, start: int) -> None:
            instances.append(self)
            self.count = start

        def dispatch_request(self) -> str:
            self.count += 1
            return str(self.count)

    view = Counter.as_view("counter", 10)
    assert len(instances) == 1
    app.add_url_rule("/", view_func=view)
    assert [client.get("/").data for _ in range(3)] == [b"11", b"12", b"13"]
    assert len(instances) == 1


@pytest.mark.spec("views.view.as-view-independent")
def test_each_as_view_call_is_independent(impl: Any, app: Any, client: Any) -> None:
    """With ``init_every_request = False`` each ``as_view`` call makes its own instance."""

    class Counter(impl.views.View):
        init_every_request = False

        def __init__(self) -> None:
            self.count = 0

        def dispatch_request(self) -> str:
            self.count += 1
            return str(self.count)

    app.add_url_rule("/a", view_func=Counter.as_view("a"))
    app.add_url_rule("/b", view_func=Counter.as_view("b"))
    client.get("/a")
    assert client.get("/a").data == b"2"
    assert client.get("/b").data == b"1"


@pytest.mark.spec("views.view.decorators-order")
def test_decorators_applied_in_order(impl: Any, app: Any, client: Any) -> None:
    """``decorators`` are applied in list order: the first is innermost, the last outermost."""

    class Decorated(impl.views.View):
        decorators = [tagging("inner"), tagging("outer")]

        def dispatch_request(self) -> str:
            return "view"

    app.add_url_rule("/", view_func=Decorated.as_view("decorated"))
    assert client.get("/").data == b"outer(inner(view))"


@pytest.mark.spec("views.view.decorators-attributes")
def test_decorated_view_keeps_view_attributes(impl: Any, app: Any, client: Any) -> None:
    """The decorated function still carries ``view_class``, name, ``methods`` and the endpoint."""

    class Decorated(impl.views.View):
        decorators = [tagging("wrapped")]
        methods = ["POST"]

        def dispatch_request(self) -> str:
            return "view"

    view = Decorated.as_view("decorated")
    assert view.view_class is Decorated
    assert view.__name__ == "decorated"
    assert view.methods == ["POST"]
    app.add_url_rule("/", view_func=view)
    assert "decorated" in app.view_functions
    assert client.post("/").data == b"wrapped(view)"


@pytest.mark.spec("views.view.decorators-see-name")
def test_decorators_receive_function_named_after_view(impl: Any) -> None:
    """Each decorator receives a function already named after the ``as_view`` name."""
    seen: list[str] = []

    def record_name(view: Callable[..., Any]) -> Callable[..., Any]:
        seen.append(view.__name__)
        return view

    class Named(impl.views.View):
        decorators = [record_name]

        def dispatch_request(self) -> str:
            return "x"

    Named.as_view("chosen_name")
    assert seen == ["chosen_name"]


@pytest.mark.spec("views.view.decorators-per-request-instance")
def test_decorator_can_short_circuit(impl: Any, app: Any, client: Any) -> None:
    """A decorator may answer without calling the view: no instance is created then."""
    instances: list[object] = []

    def deny(view: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(**kwargs: Any) -> tuple[str, int]:
            return "denied", 403

        return wrapper

    class Guarded(impl.views.View):
        decorators = [deny]

        def __init__(self) -> None:
            instances.append(self)

        def dispatch_request(self) -> str:
            return "secret"

    app.add_url_rule("/", view_func=Guarded.as_view("guarded"))
    response = client.get("/")
    assert (response.status_code, response.data) == (403, b"denied")
    assert instances == []


@pytest.mark.needs("async")
@pytest.mark.spec("views.view.async-dispatch")
def test_async_dispatch_request(impl: Any, app: Any, client: Any) -> None:
    """An ``async def dispatch_request`` is awaited and its value used as the response."""

    class Async(impl.views.View):
        async def dispatch_request(self, name: str) -> str:
            return f"async {name}"

    app.add_url_rule("/<name>", view_func=Async.as_view("async_view"))
    assert client.get("/world").data == b"async world"


@pytest.mark.spec("views.view.in-blueprint")
def test_view_in_blueprint_endpoint_prefixed(impl: Any, app: Any, client: Any) -> None:
    """A class-based view on a blueprint gets the endpoint ``<blueprint>.<name>``."""

    class Page(impl.views.View):
        def dispatch_request(self) -> str:
            return impl.request.endpoint

    bp = impl.Blueprint("pages", "conformance_app", url_prefix="/pages")
    bp.add_url_rule("/", view_func=Page.as_view("page"))
    app.register_blueprint(bp)
    assert client.get("/pages/").data == b"pages.page"


# -- MethodView ------------------------------------------------------------------------------


@pytest.mark.spec("views.method-view.dispatch")
def test_method_view_dispatches_by_method(impl: Any, app: Any, client: Any) -> None:
    """``MethodView`` calls the method named after the request's HTTP method."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

        def post(self) -> str:
            return "create"

        def put(self) -> str:
            return "replace"

        def patch(self) -> str:
            return "update"

        def delete(self) -> str:
            return "remove"

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    answers = {method: client.open("/", method=method).data for method in ALL_METHODS}
    assert answers == {
        "GET": b"read",
        "POST": b"create",
        "PUT": b"replace",
        "PATCH": b"update",
        "DELETE": b"remove",
    }


@pytest.mark.spec("views.method-view.methods-collected")
def test_method_view_methods_from_defined_methods(impl: Any) -> None:
    """A ``MethodView`` subclass's ``methods`` is the upper-cased set of methods it defines."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

        def delete(self) -> str:
            return "remove"

        def helper(self) -> str:
            return "not a method"

    assert Resource.methods == {"GET", "DELETE"}
    assert Resource.as_view("resource").methods == {"GET", "DELETE"}


@pytest.mark.spec("views.method-view.methods-inherited")
def test_method_view_methods_include_bases(impl: Any) -> None:
    """``methods`` also includes the methods of base classes, mixins included."""

    class Reader(impl.views.MethodView):
        def get(self) -> str:
            return "read"

    class Writer(Reader):
        def post(self) -> str:
            return "write"

    class DeleteMixin:
        def delete(self) -> str:
            return "remove"

    class Full(DeleteMixin, Writer):
        pass

    assert Reader.methods == {"GET"}
    assert Writer.methods == {"GET", "POST"}
    assert Full.methods == {"GET", "POST", "DELETE"}


@pytest.mark.spec("views.method-view.methods-from-base-attribute")
def test_method_view_methods_extend_base_methods_attribute(impl: Any) -> None:
    """A subclass's ``methods`` starts from its bases' ``methods`` attributes, even methods
    listed there without a matching function, and adds the ones it defines."""

    class Base(impl.views.MethodView):
        methods = ["GET", "PATCH"]

        def get(self) -> str:
            return "read"

    class Sub(Base):
        def post(self) -> str:
            return "create"

    assert Sub.methods == {"GET", "PATCH", "POST"}


@pytest.mark.spec("views.method-view.methods-override")
def test_method_view_explicit_methods_win(impl: Any, app: Any, client: Any) -> None:
    """A subclass that sets ``methods`` itself keeps them; unlisted methods get 405."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

        def post(self) -> str:
            return "create"

    class ReadOnly(Resource):
        methods = ["GET"]

    assert ReadOnly.methods == ["GET"]
    app.add_url_rule("/", view_func=ReadOnly.as_view("read_only"))
    assert client.get("/").data == b"read"
    assert client.post("/").status_code == 405


@pytest.mark.spec("views.method-view.no-methods")
def test_method_view_without_methods(impl: Any) -> None:
    """A ``MethodView`` subclass defining no HTTP methods leaves ``methods`` as None."""

    class Empty(impl.views.MethodView):
        pass

    assert impl.views.MethodView.methods is None
    assert Empty.methods is None


@pytest.mark.spec("views.method-view.head-falls-back-to-get")
def test_method_view_head_uses_get(impl: Any, app: Any, client: Any) -> None:
    """A HEAD request to a ``MethodView`` without ``head`` calls ``get``; the body is dropped."""
    calls: list[str] = []

    class Resource(impl.views.MethodView):
        def get(self) -> Any:
            calls.append(impl.request.method)
            return impl.Response("body", headers={"X-From": "get"})

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-From"] == "get"
    assert calls == ["HEAD"]


@pytest.mark.spec("views.method-view.head-defined")
def test_method_view_own_head_method(impl: Any, app: Any, client: Any) -> None:
    """A ``MethodView`` defining ``head`` answers HEAD with it, not with ``get``."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "get"

        def head(self) -> Any:
            return impl.Response(headers={"X-From": "head"})

    assert Resource.methods == {"GET", "HEAD"}
    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    assert client.head("/").headers["X-From"] == "head"


@pytest.mark.spec("views.method-view.head-without-get")
def test_method_view_head_without_get_is_405(impl: Any, app: Any, client: Any) -> None:
    """A ``MethodView`` with neither ``get`` nor ``head`` answers HEAD with 405."""

    class Writer(impl.views.MethodView):
        def post(self) -> str:
            return "created"

    app.add_url_rule("/", view_func=Writer.as_view("writer"))
    assert client.head("/").status_code == 405
    assert client.post("/").data == b"created"


@pytest.mark.spec("views.method-view.unimplemented-405")
def test_method_view_unimplemented_method_is_405(impl: Any, app: Any, client: Any) -> None:
    """A method the ``MethodView`` does not implement gets 405 with an ``Allow`` header."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

        def post(self) -> str:
            return "create"

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    response = client.delete("/")
    assert response.status_code == 405
    assert allowed(response) == {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.spec("views.method-view.listed-but-unimplemented")
def test_method_listed_but_not_implemented_fails(impl: Any, app: Any, driver: Any) -> None:
    """A method listed in ``methods`` but not implemented is routed to the view, which fails
    with an ``AssertionError`` naming the method (a 500 when not propagated)."""

    class Resource(impl.views.MethodView):
        methods = ["GET", "POST"]

        def get(self) -> str:
            return "read"

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    with pytest.raises(AssertionError, match="POST"):
        driver.client(app).post("/")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert driver.client(app).post("/").status_code == 500


@pytest.mark.spec("views.method-view.automatic-options")
def test_method_view_automatic_options(impl: Any, app: Any, client: Any) -> None:
    """OPTIONS to a ``MethodView`` without ``options`` lists its methods automatically."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

        def put(self) -> str:
            return "replace"

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    response = client.options("/")
    assert response.status_code == 200
    assert allowed(response) == {"GET", "HEAD", "PUT", "OPTIONS"}


@pytest.mark.spec("views.method-view.options-defined")
def test_method_view_own_options_method(impl: Any, app: Any, client: Any) -> None:
    """A ``MethodView`` defining ``options`` answers OPTIONS with it instead."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

        def options(self) -> str:
            return "custom options"

    assert Resource.methods == {"GET", "OPTIONS"}
    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    assert client.options("/").data == b"custom options"


@pytest.mark.spec("views.method-view.url-values")
def test_method_view_receives_url_values(impl: Any, app: Any, client: Any) -> None:
    """URL variables are passed to the ``MethodView``'s method as keyword arguments."""

    class User(impl.views.MethodView):
        def get(self, user_id: int) -> str:
            return f"get {user_id * 2}"

        def delete(self, user_id: int) -> str:
            return f"delete {user_id}"

    app.add_url_rule("/users/<int:user_id>", view_func=User.as_view("user"))
    assert client.get("/users/21").data == b"get 42"
    assert client.delete("/users/7").data == b"delete 7"


@pytest.mark.spec("views.method-view.two-rules")
def test_method_view_on_two_rules(impl: Any, app: Any, client: Any) -> None:
    """One ``MethodView`` can serve a list rule and an item rule with different methods."""

    class Items(impl.views.MethodView):
        def get(self, item_id: int | None = None) -> str:
            return "all" if item_id is None else f"item {item_id}"

        def post(self) -> str:
            return "created"

    view = Items.as_view("items")
    app.add_url_rule("/items/", view_func=view, methods=["GET", "POST"])
    app.add_url_rule("/items/<int:item_id>", view_func=view, methods=["GET"])
    assert client.get("/items/").data == b"all"
    assert client.get("/items/3").data == b"item 3"
    assert client.post("/items/").data == b"created"
    assert client.post("/items/3").status_code == 405


@pytest.mark.spec("views.method-view.decorators")
def test_method_view_decorators(impl: Any, app: Any, client: Any) -> None:
    """``decorators`` on a ``MethodView`` wrap every method's dispatch."""

    class Resource(impl.views.MethodView):
        decorators = [tagging("auth")]

        def get(self) -> str:
            return "read"

        def post(self) -> str:
            return "create"

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    assert client.get("/").data == b"auth(read)"
    assert client.post("/").data == b"auth(create)"


@pytest.mark.spec("views.method-view.init-once")
def test_method_view_init_every_request_false(impl: Any, app: Any, client: Any) -> None:
    """``init_every_request = False`` also keeps one ``MethodView`` instance for all requests."""

    class Counter(impl.views.MethodView):
        init_every_request = False

        def __init__(self) -> None:
            self.count = 0

        def post(self) -> str:
            self.count += 1
            return str(self.count)

    app.add_url_rule("/", view_func=Counter.as_view("counter"))
    assert [client.post("/").data for _ in range(2)] == [b"1", b"2"]


@pytest.mark.needs("async")
@pytest.mark.spec("views.method-view.async")
def test_method_view_async_methods(impl: Any, app: Any, client: Any) -> None:
    """``async def`` methods of a ``MethodView`` are awaited, sync ones called, side by side."""

    class Resource(impl.views.MethodView):
        async def get(self, name: str) -> str:
            return f"async get {name}"

        def post(self, name: str) -> str:
            return f"sync post {name}"

    app.add_url_rule("/<name>", view_func=Resource.as_view("resource"))
    assert client.get("/x").data == b"async get x"
    assert client.post("/x").data == b"sync post x"


@pytest.mark.needs("async")
@pytest.mark.spec("views.method-view.async-head")
def test_method_view_async_get_serves_head(impl: Any, app: Any, client: Any) -> None:
    """HEAD falls back to an ``async def get`` too."""

    class Resource(impl.views.MethodView):
        async def get(self) -> Any:
            return impl.Response("body", headers={"X-From": "async get"})

    app.add_url_rule("/", view_func=Resource.as_view("resource"))
    response = client.head("/")
    assert (response.status_code, response.headers["X-From"]) == (200, "async get")


@pytest.mark.spec("views.method-view.is-view")
def test_method_view_is_a_view(impl: Any) -> None:
    """``MethodView`` is a subclass of ``View`` and its ``as_view`` sets ``view_class``."""

    class Resource(impl.views.MethodView):
        def get(self) -> str:
            return "read"

    assert issubclass(impl.views.MethodView, impl.views.View)
    assert Resource.as_view("resource").view_class is Resource
