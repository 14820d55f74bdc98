"""Unit tests for ``framework.views``: ``as_view``'s generated function and
``MethodView``'s method collection and dispatch."""

from __future__ import annotations

import typing as t

import pytest

from framework import Flask
from framework.views import MethodView, View, http_method_funcs


def _wrapping(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    def wrapper(**kwargs: t.Any) -> t.Any:
        return view(**kwargs)

    return wrapper


@pytest.fixture
def app() -> Flask:
    """A bare app for running views inside a request context."""
    return Flask(__name__)


# -- http_method_funcs -----------------------------------------------------------------------


def test_http_method_funcs_are_lower_case_http_methods() -> None:
    assert http_method_funcs == frozenset(
        {"get", "post", "head", "options", "delete", "put", "trace", "patch"}
    )


# -- View.as_view ----------------------------------------------------------------------------


def test_view_class_attribute_defaults() -> None:
    assert View.methods is None
    assert View.provide_automatic_options is None
    assert View.decorators == []
    assert View.init_every_request is True


def test_as_view_without_decorators_sets_metadata() -> None:
    class Sample(View):
        """Sample doc."""

        methods: t.ClassVar[list[str]] = ["PUT"]
        provide_automatic_options = False

    view: t.Any = Sample.as_view("sample")
    assert view.__name__ == "sample"
    assert view.__doc__ == "Sample doc."
    assert view.__module__ == __name__
    assert view.view_class is Sample
    assert view.methods == ["PUT"]
    assert view.provide_automatic_options is False


def test_as_view_sets_metadata_on_outermost_decorated_function() -> None:
    class Sample(View):
        decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = [_wrapping, _wrapping]

    view: t.Any = Sample.as_view("sample")
    assert view.__name__ == "sample"
    assert view.view_class is Sample
    assert view.__module__ == __name__


def test_as_view_instance_per_call_when_init_every_request(app: Flask) -> None:
    created: list[View] = []

    class Sample(View):
        def __init__(self, value: int, *, extra: str) -> None:
            created.append(self)
            self.value, self.extra = value, extra

        def dispatch_request(self, suffix: str = "") -> str:
            return f"{self.value}{self.extra}{suffix}"

    view: t.Any = Sample.as_view("sample", 1, extra="x")
    assert created == []
    with app.test_request_context():
        assert view(suffix="!") == "1x!"
        assert view(suffix="?") == "1x?"
    assert len(created) == 2


def test_as_view_single_instance_without_init_every_request(app: Flask) -> None:
    created: list[View] = []

    class Sample(View):
        init_every_request = False

        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:
            return str(id(self))

    view: t.Any = Sample.as_view("sample")
    assert len(created) == 1
    with app.test_request_context():
        assert view() == view() == str(id(created[0]))


def test_as_view_uses_view_class_attribute_for_instances(app: Flask) -> None:
    class Sample(View):
        def dispatch_request(self) -> str:
            return "base"

    class Replacement(Sample):
        def dispatch_request(self) -> str:
            return "replacement"

    view: t.Any = Sample.as_view("sample")
    view.view_class = Replacement
    with app.test_request_context():
        assert view() == "replacement"


def test_as_view_runs_async_dispatch(app: Flask) -> None:
    class Sample(View):
        async def dispatch_request(self) -> str:  # type: ignore[override]
            return "async"

    with app.test_request_context():
        assert Sample.as_view("sample")() == "async"


def test_base_dispatch_request_not_implemented() -> None:
    with pytest.raises(NotImplementedError):
        View().dispatch_request()


# -- MethodView.__init_subclass__ ------------------------------------------------------------


def test_init_subclass_collects_defined_methods() -> None:
    class Sample(MethodView):
        def get(self) -> str:
            return "get"

        def trace(self) -> str:
            return "trace"

        def not_a_method(self) -> None:
            return None

    assert Sample.methods == {"GET", "TRACE"}


def test_init_subclass_leaves_methods_none_without_any() -> None:
    class Sample(MethodView):
        pass

    assert Sample.methods is None
    assert "methods" not in Sample.__dict__


def test_init_subclass_keeps_explicit_methods() -> None:
    class Sample(MethodView):
        methods: t.ClassVar[list[str]] = ["POST"]

        def get(self) -> str:
            return "get"

    assert Sample.methods == ["POST"]


def test_init_subclass_unions_base_methods() -> None:
    class Base(MethodView):
        methods: t.ClassVar[list[str]] = ["GET", "PURGE"]

    class Sample(Base):
        def delete(self) -> str:
            return "delete"

    assert Sample.methods == {"GET", "PURGE", "DELETE"}


def test_init_subclass_uses_direct_bases_of_multiple_inheritance() -> None:
    class Reader(MethodView):
        def get(self) -> str:
            return "get"

    class Writer(MethodView):
        def post(self) -> str:
            return "post"

    class Both(Reader, Writer):
        pass

    assert Both.methods == {"GET", "POST"}


def test_init_subclass_attribute_name_counts_even_if_not_callable() -> None:
    # Collection is by attribute name, like hasattr: any attribute named after a method counts.
    class Sample(MethodView):
        patch = None

    assert Sample.methods == {"PATCH"}


def test_method_view_methods_not_shared_between_subclasses() -> None:
    class First(MethodView):
        def get(self) -> str:
            return "get"

    class Second(MethodView):
        def post(self) -> str:
            return "post"

    assert First.methods == {"GET"}
    assert Second.methods == {"POST"}
    assert MethodView.methods is None


# -- MethodView.dispatch_request -------------------------------------------------------------


class _Resource(MethodView):
    def get(self, item: str = "all") -> str:
        return f"get {item}"

    def post(self) -> str:
        return "post"


def test_dispatch_request_calls_method_with_url_values(app: Flask) -> None:
    with app.test_request_context(method="GET"):
        assert _Resource().dispatch_request(item="one") == "get one"
    with app.test_request_context(method="POST"):
        assert _Resource().dispatch_request() == "post"


def test_dispatch_request_head_falls_back_to_get(app: Flask) -> None:
    with app.test_request_context(method="HEAD"):
        assert _Resource().dispatch_request() == "get all"


def test_dispatch_request_head_prefers_head_method(app: Flask) -> None:
    class WithHead(_Resource):
        def head(self) -> str:
            return "head"

    with app.test_request_context(method="HEAD"):
        assert WithHead().dispatch_request() == "head"


def test_dispatch_request_unimplemented_method_asserts(app: Flask) -> None:
    with (
        app.test_request_context(method="DELETE"),
        pytest.raises(AssertionError, match="Unimplemented method 'DELETE'"),
    ):
        _Resource().dispatch_request()


def test_dispatch_request_runs_async_method(app: Flask) -> None:
    class Async(MethodView):
        async def get(self) -> str:
            return "async get"

    with app.test_request_context(method="GET"):
        assert Async().dispatch_request() == "async get"
