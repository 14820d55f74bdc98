"""Spec area ``json``: jsonify, the JSON provider behind ``app.json``, the ``json`` module
helpers, the extra types they serialise, and JSON request bodies.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* ``jsonify`` and dict/list view returns end the body with a newline.
* Outside an application context the module-level ``dumps`` uses the standard library
  with only the provider's ``default`` function: keys are *not* sorted.
* ``request.json`` with a non-JSON content type is a 415 error, not ``None`` (the
  feature description says ``None``; ``get_json(silent=True)`` gives ``None``).
"""

from __future__ import annotations

import dataclasses
import decimal
import io
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest
from markupsafe import Markup


def submodule(impl: Any, name: str) -> ModuleType:
    """Return the implementation's submodule ``name`` (e.g. ``"json.provider"``)."""
    return impl.submodule(name)


def provider_module(impl: Any) -> ModuleType:
    """Return the implementation's ``json.provider`` module."""
    return submodule(impl, "json.provider")


@dataclasses.dataclass
class Point:
    """A dataclass to serialise."""

    x: int
    tags: list[str]


class HasHTML:
    """An object with an ``__html__`` method, like ``Markup``."""

    def __html__(self) -> str:
        return "<b>html</b>"


def json_route(app: Any, view: Callable[[], Any], rule: str = "/") -> None:
    """Register ``view`` at ``rule`` for GET and POST."""
    app.add_url_rule(rule, view.__name__, view, methods=["GET", "POST"])


# --- jsonify -------------------------------------------------------------------------------


@pytest.mark.spec("json.jsonify.no-arguments")
def test_jsonify_without_arguments_is_null(impl: Any, app: Any, driver: Any) -> None:
    """``jsonify()`` with no arguments serialises ``null``."""
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify().get_data()) == b"null\n"


@pytest.mark.spec("json.jsonify.one-argument")
def test_jsonify_one_argument_is_that_value(impl: Any, app: Any, driver: Any) -> None:
    """``jsonify(value)`` serialises the value itself, whatever its type."""
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify({"a": 1}).get_data()) == b'{"a":1}\n'
        assert driver.resolve(impl.jsonify([1, 2]).get_data()) == b"[1,2]\n"
        assert driver.resolve(impl.jsonify("text").get_data()) == b'"text"\n'
        assert driver.resolve(impl.jsonify(3).get_data()) == b"3\n"


@pytest.mark.spec("json.jsonify.several-arguments")
def test_jsonify_several_arguments_is_a_list(impl: Any, app: Any, driver: Any) -> None:
    """``jsonify(a, b, ...)`` serialises the arguments as a JSON array."""
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify(1, "two", None).get_data()) == b'[1,"two",null]\n'


@pytest.mark.spec("json.jsonify.keyword-arguments")
def test_jsonify_keywords_are_an_object(impl: Any, app: Any, driver: Any) -> None:
    """``jsonify(key=value, ...)`` serialises the keyword arguments as a JSON object."""
    with driver.app_context(app):
        assert (
            driver.resolve(impl.jsonify(name="x", count=2).get_data())
            == b'{"count":2,"name":"x"}\n'
        )


@pytest.mark.spec("json.jsonify.args-and-kwargs")
def test_jsonify_rejects_args_with_kwargs(impl: Any, app: Any, driver: Any) -> None:
    """Passing both positional and keyword arguments to ``jsonify`` raises ``TypeError``."""
    with driver.app_context(app), pytest.raises(TypeError, match="either args or kwargs, not both"):
        impl.jsonify(1, a=2)


@pytest.mark.spec("json.jsonify.content-type")
def test_jsonify_content_type(impl: Any, app: Any, driver: Any) -> None:
    """A ``jsonify`` response has status 200 and ``Content-Type: application/json`` (no charset)."""
    with driver.app_context(app):
        response = impl.jsonify([])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.mimetype == "application/json"


@pytest.mark.spec("json.jsonify.response-class")
def test_jsonify_uses_app_response_class(
    impl: Any, make_app: Callable[..., Any], driver: Any
) -> None:
    """``jsonify`` builds an instance of ``app.response_class``."""

    class CustomResponse(impl.Response):
        pass

    app = make_app()
    app.response_class = CustomResponse
    with driver.app_context(app):
        assert type(impl.jsonify(1)) is CustomResponse


@pytest.mark.spec("json.jsonify.trailing-newline")
def test_jsonify_body_ends_with_newline(impl: Any, app: Any, driver: Any) -> None:
    """The body of a ``jsonify`` response ends with one newline (Flask behaviour)."""
    with driver.app_context(app):
        body = driver.resolve(impl.jsonify({"a": [1]}).get_data(as_text=True))
    assert body.endswith("}\n")
    assert not body.endswith("\n\n")


@pytest.mark.spec("json.jsonify.compact")
def test_jsonify_is_compact_outside_debug(impl: Any, app: Any, driver: Any) -> None:
    """Outside debug mode the body has no whitespace between tokens."""
    with driver.app_context(app):
        body = driver.resolve(impl.jsonify({"a": [1, 2], "b": {"c": None}}).get_data())
    assert body == b'{"a":[1,2],"b":{"c":null}}\n'


@pytest.mark.spec("json.jsonify.sorted-keys")
def test_jsonify_sorts_keys(impl: Any, app: Any, driver: Any) -> None:
    """Object keys are sorted, at every nesting level."""
    with driver.app_context(app):
        body = driver.resolve(impl.jsonify({"b": {"z": 1, "y": 2}, "a": 0}).get_data())
    assert body == b'{"a":0,"b":{"y":2,"z":1}}\n'


@pytest.mark.spec("json.jsonify.ascii")
def test_jsonify_escapes_non_ascii(impl: Any, app: Any, driver: Any) -> None:
    """Non-ASCII characters are written as ``\\uXXXX`` escapes."""
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify(text="é☃").get_data()) == b'{"text":"\\u00e9\\u2603"}\n'


@pytest.mark.spec("json.jsonify.debug-pretty")
def test_jsonify_pretty_prints_in_debug(impl: Any, app: Any, driver: Any) -> None:
    """In debug mode the body is indented by two spaces with ``", "``/``": "`` separators."""
    app.debug = True
    with driver.app_context(app):
        body = driver.resolve(impl.jsonify({"b": [1, 2], "a": {"c": 3}}).get_data())
    assert body == b'{\n  "a": {\n    "c": 3\n  },\n  "b": [\n    1,\n    2\n  ]\n}\n'


@pytest.mark.spec("json.jsonify.outside-app-context")
def test_jsonify_needs_an_app_context(impl: Any) -> None:
    """``jsonify`` outside an application context raises ``RuntimeError``."""
    with pytest.raises(RuntimeError, match=r"app(lication)? context"):
        impl.jsonify(1)


@pytest.mark.spec("json.jsonify.in-view")
def test_jsonify_from_a_view(app: Any, client: Any, impl: Any) -> None:
    """A view returning ``jsonify(...)`` sends that JSON to the client."""
    json_route(app, lambda: impl.jsonify(ok=True, items=[1]))
    response = client.get("/")
    assert response.get_data() == b'{"items":[1],"ok":true}\n'
    assert response.json == {"items": [1], "ok": True}


# --- dict and list view returns ------------------------------------------------------------


@pytest.mark.spec("json.view-return.dict")
def test_view_returning_dict_is_json(app: Any, client: Any) -> None:
    """A view returning a dict sends it as a JSON response, as ``jsonify`` would."""

    def view() -> dict[str, Any]:
        return {"b": 2, "a": [1]}

    json_route(app, view)
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.get_data() == b'{"a":[1],"b":2}\n'


@pytest.mark.spec("json.view-return.list")
def test_view_returning_list_is_json(app: Any, client: Any) -> None:
    """A view returning a list sends it as a JSON array."""

    def view() -> list[Any]:
        return [1, {"x": None}]

    json_route(app, view)
    response = client.get("/")
    assert response.mimetype == "application/json"
    assert response.get_data() == b'[1,{"x":null}]\n'


@pytest.mark.spec("json.view-return.tuple")
def test_view_returning_dict_with_status_and_headers(app: Any, client: Any) -> None:
    """A ``(dict, status, headers)`` tuple gives a JSON body with that status and headers."""

    def view() -> Any:
        return {"created": True}, 201, {"X-Id": "7"}

    json_route(app, view)
    response = client.get("/")
    assert response.status_code == 201
    assert response.headers["X-Id"] == "7"
    assert response.json == {"created": True}


@pytest.mark.spec("json.view-return.debug-pretty")
def test_view_returning_dict_in_debug_is_pretty(app: Any, client: Any) -> None:
    """In debug mode a returned dict is pretty-printed like ``jsonify``'s output."""

    def view() -> dict[str, Any]:
        return {"a": [1]}

    json_route(app, view)
    app.debug = True
    assert client.get("/").get_data() == b'{\n  "a": [\n    1\n  ]\n}\n'


@pytest.mark.spec("json.view-return.extra-types")
def test_view_returning_dict_with_extra_types(app: Any, client: Any) -> None:
    """A returned dict may hold dates, UUIDs, decimals, dataclasses and ``__html__`` objects."""

    def view() -> dict[str, Any]:
        return {
            "when": date(2024, 2, 29),
            "id": uuid.UUID(int=1),
            "price": decimal.Decimal("9.90"),
            "point": Point(1, ["a"]),
            "html": HasHTML(),
        }

    json_route(app, view)
    assert client.get("/").json == {
        "html": "<b>html</b>",
        "id": "00000000-0000-0000-0000-000000000001",
        "point": {"tags": ["a"], "x": 1},
        "price": "9.90",
        "when": "Thu, 29 Feb 2024 00:00:00 GMT",
    }


# --- the provider ----------------------------------------------------------------------------


@pytest.mark.spec("json.provider.default-class")
def test_app_json_is_the_default_provider(impl: Any, app: Any) -> None:
    """``app.json_provider_class`` is ``DefaultJSONProvider`` and ``app.json`` an instance of it."""
    provider = provider_module(impl)
    assert app.json_provider_class is provider.DefaultJSONProvider
    assert type(app.json) is provider.DefaultJSONProvider
    assert issubclass(provider.DefaultJSONProvider, provider.JSONProvider)


@pytest.mark.spec("json.provider.attribute-defaults")
def test_default_provider_attributes(impl: Any) -> None:
    """``DefaultJSONProvider`` defaults: ASCII-only, sorted keys, ``compact=None``, JSON type."""
    cls = provider_module(impl).DefaultJSONProvider
    assert cls.ensure_ascii is True
    assert cls.sort_keys is True
    assert cls.compact is None
    assert cls.mimetype == "application/json"


@pytest.mark.spec("json.provider.per-app")
def test_each_app_has_its_own_provider(make_app: Callable[..., Any]) -> None:
    """Each app gets its own provider instance; changing one does not affect another."""
    first, second = make_app(), make_app()
    assert first.json is not second.json
    first.json.sort_keys = False
    assert first.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    assert second.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


@pytest.mark.spec("json.provider.dumps")
def test_provider_dumps_uses_attributes(app: Any) -> None:
    """``app.json.dumps`` sorts keys and escapes non-ASCII, with the standard separators."""
    assert app.json.dumps({"b": "é", "a": [1, 2]}) == '{"a": [1, 2], "b": "\\u00e9"}'


@pytest.mark.spec("json.provider.dumps-kwargs")
def test_provider_dumps_keywords_override(app: Any) -> None:
    """Keyword arguments to ``app.json.dumps`` override the provider's attributes."""
    assert app.json.dumps({"b": "é", "a": 1}, sort_keys=False, ensure_ascii=False, indent=1) == (
        '{\n "b": "é",\n "a": 1\n}'
    )


@pytest.mark.spec("json.provider.sort-keys-off")
def test_provider_sort_keys_off(app: Any, client: Any) -> None:
    """With ``app.json.sort_keys = False`` responses keep the dict's insertion order."""

    def view() -> dict[str, int]:
        return {"b": 1, "a": 2}

    json_route(app, view)
    app.json.sort_keys = False
    assert client.get("/").get_data() == b'{"b":1,"a":2}\n'


@pytest.mark.spec("json.provider.changes-after-use")
def test_provider_changes_apply_after_first_response(app: Any, client: Any) -> None:
    """Provider attributes changed after responses were sent apply to the next response."""

    def view() -> dict[str, str]:
        return {"b": "é", "a": "x"}

    json_route(app, view)
    assert client.get("/").get_data() == b'{"a":"x","b":"\\u00e9"}\n'
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    assert client.get("/").get_data() == '{"b":"é","a":"x"}\n'.encode()
    app.json.compact = False
    assert client.get("/").get_data() == '{\n  "b": "é",\n  "a": "x"\n}\n'.encode()


@pytest.mark.spec("json.provider.ensure-ascii-off")
def test_provider_ensure_ascii_off(app: Any, client: Any) -> None:
    """With ``app.json.ensure_ascii = False`` non-ASCII text is sent as UTF-8."""

    def view() -> dict[str, str]:
        return {"text": "é☃"}

    json_route(app, view)
    app.json.ensure_ascii = False
    assert client.get("/").get_data() == '{"text":"é☃"}\n'.encode()


@pytest.mark.spec("json.provider.compact-true")
def test_provider_compact_true_wins_over_debug(impl: Any, app: Any, driver: Any) -> None:
    """``app.json.compact = True`` keeps responses compact even in debug mode."""
    app.debug = True
    app.json.compact = True
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify({"a": [1]}).get_data()) == b'{"a":[1]}\n'


@pytest.mark.spec("json.provider.compact-false")
def test_provider_compact_false_pretty_prints(impl: Any, app: Any, driver: Any) -> None:
    """``app.json.compact = False`` pretty-prints responses outside debug mode too."""
    app.json.compact = False
    with driver.app_context(app):
        assert (
            driver.resolve(impl.jsonify({"a": [1]}).get_data()) == b'{\n  "a": [\n    1\n  ]\n}\n'
        )


@pytest.mark.spec("json.provider.mimetype")
def test_provider_mimetype(app: Any, client: Any) -> None:
    """``app.json.mimetype`` sets the content type of JSON responses."""

    def view() -> list[int]:
        return [1]

    json_route(app, view)
    app.json.mimetype = "application/vnd.api+json"
    assert client.get("/").headers["Content-Type"] == "application/vnd.api+json"


@pytest.mark.spec("json.provider.response-method")
def test_provider_response_forms(app: Any, driver: Any) -> None:
    """``app.json.response`` accepts the same argument forms as ``jsonify``."""
    with driver.app_context(app):
        assert driver.resolve(app.json.response().get_data()) == b"null\n"
        assert driver.resolve(app.json.response(1, 2).get_data()) == b"[1,2]\n"
        assert driver.resolve(app.json.response(a=1).get_data()) == b'{"a":1}\n'
        with pytest.raises(TypeError, match=r"\bargs\b.*\bkwargs\b"):
            app.json.response(1, a=1)


@pytest.mark.spec("json.provider.loads")
def test_provider_loads_str_and_bytes(app: Any) -> None:
    """``app.json.loads`` parses JSON given as ``str`` or ``bytes``."""
    assert app.json.loads('{"a": [1, 2.5]}') == {"a": [1, 2.5]}
    assert app.json.loads(b'{"a": null}') == {"a": None}


@pytest.mark.spec("json.provider.loads-invalid")
def test_provider_loads_invalid_raises_value_error(app: Any) -> None:
    """``app.json.loads`` of malformed JSON raises a ``ValueError``."""
    with pytest.raises(ValueError) as info:
        app.json.loads("{not json")
    # The default provider uses Python's json module, whose error says where parsing stopped.
    assert isinstance(info.value, json.JSONDecodeError)
    assert info.value.pos == 1


@pytest.mark.spec("json.provider.dump-load")
def test_provider_dump_and_load_files(app: Any) -> None:
    """``app.json.dump`` writes to a text file and ``app.json.load`` reads from a file."""
    out = io.StringIO()
    app.json.dump({"b": 1, "a": 2}, out)
    assert out.getvalue() == '{"a": 2, "b": 1}'
    assert app.json.load(io.StringIO(out.getvalue())) == {"a": 2, "b": 1}
    assert app.json.load(io.BytesIO(b"[1]")) == [1]


@pytest.mark.spec("json.provider.base-abstract")
def test_base_provider_is_abstract(impl: Any, app: Any) -> None:
    """The base ``JSONProvider`` raises ``NotImplementedError`` from ``dumps`` and ``loads``."""
    base = provider_module(impl).JSONProvider(app)
    # Flask's NotImplementedError carries no message: its type is the whole rule.
    with pytest.raises(NotImplementedError):
        base.dumps({})
    with pytest.raises(NotImplementedError):
        base.loads("{}")


@pytest.mark.spec("json.provider.base-response")
def test_base_provider_builds_on_dumps(impl: Any, app: Any, driver: Any) -> None:
    """A ``JSONProvider`` with only ``dumps``/``loads`` gets ``dump``, ``load``, ``response``.

    Its ``response`` body is the ``dumps`` output as is: no newline, no pretty-printing.
    """
    import json

    class Stdlib(provider_module(impl).JSONProvider):  # type: ignore[misc]
        def dumps(self, obj: Any, **kwargs: Any) -> str:
            return json.dumps(obj, **kwargs)

        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            return json.loads(s, **kwargs)

    app.debug = True
    provider = Stdlib(app)
    with driver.app_context(app):
        response = provider.response({"b": 1, "a": 2})
    assert driver.resolve(response.get_data()) == b'{"b": 1, "a": 2}'
    assert response.mimetype == "application/json"
    out = io.StringIO()
    provider.dump([1], out)
    assert out.getvalue() == "[1]"
    assert provider.load(io.StringIO('{"x": 1}')) == {"x": 1}


# --- custom providers ---------------------------------------------------------------------------


def set_provider_class(impl: Any) -> type:
    """Return a ``DefaultJSONProvider`` subclass that serialises sets as sorted lists and
    parses floats as ``Decimal``."""
    base = provider_module(impl).DefaultJSONProvider

    class SetProvider(base):  # type: ignore[misc, valid-type]
        @staticmethod
        def default(o: Any) -> Any:
            if isinstance(o, (set, frozenset)):
                return sorted(o)
            return base.default(o)

        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            kwargs.setdefault("parse_float", decimal.Decimal)
            return super().loads(s, **kwargs)

    return SetProvider


@pytest.mark.spec("json.custom-provider.class-attribute")
def test_custom_provider_class_on_app_subclass(impl: Any, driver: Any) -> None:
    """``json_provider_class`` on a ``Flask`` subclass sets the provider ``jsonify`` uses."""
    provider_class = set_provider_class(impl)

    class App(impl.Flask):
        json_provider_class = provider_class

    app = App("custom_provider_app")
    assert type(app.json) is provider_class

    def view() -> dict[str, Any]:
        return {"s": {3, 1, 2}}

    json_route(app, view)
    assert driver.client(app).get("/").get_data() == b'{"s":[1,2,3]}\n'
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify({2, 1}).get_data()) == b"[1,2]\n"


@pytest.mark.spec("json.custom-provider.replace-instance")
def test_custom_provider_by_replacing_app_json(impl: Any, app: Any, client: Any) -> None:
    """Assigning a provider instance to ``app.json`` makes responses use it."""

    def view() -> list[Any]:
        return [frozenset({"b", "a"})]

    json_route(app, view)
    app.json = set_provider_class(impl)(app)
    assert client.get("/").get_data() == b'[["a","b"]]\n'


@pytest.mark.spec("json.custom-provider.request-json")
def test_custom_provider_parses_request_json(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``request.get_json()`` parses with the app's provider ``loads``."""

    def view() -> str:
        return repr(driver.resolve(impl.request.get_json()))

    json_route(app, view)
    app.json = set_provider_class(impl)(app)
    response = client.post("/", data='{"price": 1.5}', content_type="application/json")
    assert response.get_data(as_text=True) == "{'price': Decimal('1.5')}"


@pytest.mark.spec("json.custom-provider.module-functions")
def test_module_functions_use_the_app_provider(impl: Any, app: Any, driver: Any) -> None:
    """Inside an app context ``json.dumps``/``json.loads`` delegate to ``app.json``."""
    app.json = set_provider_class(impl)(app)
    with driver.app_context(app):
        assert impl.json.dumps({"s": {2, 1}}) == '{"s": [1, 2]}'
        assert impl.json.loads("[0.5]") == [decimal.Decimal("0.5")]


@pytest.mark.spec("json.custom-provider.default-on-instance")
def test_default_function_on_instance(impl: Any, app: Any, driver: Any) -> None:
    """Assigning a function to ``app.json.default`` changes how unknown types serialise."""
    app.json.default = lambda o: f"<{type(o).__name__}>"
    with driver.app_context(app):
        assert driver.resolve(impl.jsonify(object()).get_data()) == b'"<object>"\n'


# --- extra types --------------------------------------------------------------------------------


@pytest.mark.spec("json.types.date")
def test_date_is_http_date(app: Any) -> None:
    """A ``date`` serialises as an HTTP date at midnight GMT."""
    assert app.json.dumps(date(2020, 1, 2)) == '"Thu, 02 Jan 2020 00:00:00 GMT"'


@pytest.mark.spec("json.types.datetime-naive")
def test_naive_datetime_is_http_date(app: Any) -> None:
    """A naive ``datetime`` serialises as an HTTP date, taken as UTC."""
    assert app.json.dumps(datetime(2020, 1, 2, 3, 4, 5)) == '"Thu, 02 Jan 2020 03:04:05 GMT"'


@pytest.mark.spec("json.types.datetime-aware")
def test_aware_datetime_is_converted_to_gmt(app: Any) -> None:
    """An aware ``datetime`` is converted to GMT; microseconds are dropped."""
    value = datetime(2020, 1, 2, 3, 4, 5, 999, tzinfo=timezone(timedelta(hours=-5)))
    assert app.json.dumps(value) == '"Thu, 02 Jan 2020 08:04:05 GMT"'


@pytest.mark.spec("json.types.decimal")
def test_decimal_is_string(app: Any) -> None:
    """A ``Decimal`` serialises as its string, keeping trailing zeros."""
    assert app.json.dumps([decimal.Decimal("10.50")]) == '["10.50"]'


@pytest.mark.spec("json.types.uuid")
def test_uuid_is_string(app: Any) -> None:
    """A ``UUID`` serialises as its hyphenated string."""
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert app.json.dumps(value) == '"12345678-1234-5678-1234-567812345678"'


@pytest.mark.spec("json.types.dataclass")
def test_dataclass_is_object(app: Any) -> None:
    """A dataclass instance serialises as an object of its fields (recursively)."""
    assert app.json.dumps({"p": Point(2, ["x"])}) == '{"p": {"tags": ["x"], "x": 2}}'


@pytest.mark.spec("json.types.html")
def test_html_object_is_its_html(app: Any) -> None:
    """An object with ``__html__`` serialises as the string that method returns."""
    assert app.json.dumps([HasHTML(), Markup("<i>")]) == '["<b>html</b>", "<i>"]'


@pytest.mark.spec("json.types.unsupported")
def test_unsupported_type_raises_type_error(app: Any) -> None:
    """Any other type raises ``TypeError: Object of type X is not JSON serializable``."""
    with pytest.raises(TypeError, match=r"^Object of type set is not JSON serializable$"):
        app.json.dumps({1, 2})


@pytest.mark.spec("json.types.default-staticmethod")
def test_default_is_callable_on_the_class(impl: Any) -> None:
    """``DefaultJSONProvider.default`` is a static function usable without an instance."""
    default = provider_module(impl).DefaultJSONProvider.default
    assert default(uuid.UUID(int=2)) == "00000000-0000-0000-0000-000000000002"

    class Opaque:
        """A type no JSON provider knows."""

    with pytest.raises(TypeError, match="Opaque"):
        default(Opaque())


# --- module-level helpers -----------------------------------------------------------------------


@pytest.mark.spec("json.module.dumps-in-app")
def test_module_dumps_in_app_context(impl: Any, app: Any, driver: Any) -> None:
    """Inside an app context ``json.dumps`` sorts keys like ``app.json.dumps``."""
    with driver.app_context(app):
        assert impl.json.dumps({"b": 1, "a": date(2020, 1, 1)}) == (
            '{"a": "Wed, 01 Jan 2020 00:00:00 GMT", "b": 1}'
        )


@pytest.mark.spec("json.module.dumps-no-app")
def test_module_dumps_outside_app_context(impl: Any) -> None:
    """Outside an app context ``json.dumps`` keeps key order but serialises the extra types.

    Flask behaviour: only the default provider's ``default`` function applies.
    """
    assert impl.json.dumps({"b": uuid.UUID(int=0), "a": "é"}) == (
        '{"b": "00000000-0000-0000-0000-000000000000", "a": "\\u00e9"}'
    )


@pytest.mark.spec("json.module.loads")
def test_module_loads(impl: Any, app: Any, driver: Any) -> None:
    """``json.loads`` parses ``str`` and ``bytes`` with or without an app context."""
    assert impl.json.loads(b'{"a": 1}') == {"a": 1}
    with driver.app_context(app):
        assert impl.json.loads('["x"]') == ["x"]


@pytest.mark.spec("json.module.dump-load")
def test_module_dump_and_load(impl: Any, app: Any, driver: Any) -> None:
    """``json.dump`` writes JSON to a file and ``json.load`` reads it back."""
    with driver.app_context(app):
        out = io.StringIO()
        impl.json.dump({"d": Point(1, [])}, out)
        assert out.getvalue() == '{"d": {"tags": [], "x": 1}}'
        assert impl.json.load(io.StringIO(out.getvalue())) == {"d": {"tags": [], "x": 1}}


@pytest.mark.spec("json.module.jsonify-alias")
def test_json_module_jsonify_is_top_level_jsonify(impl: Any) -> None:
    """``json.jsonify`` is the same function as the top-level ``jsonify``."""
    assert impl.json.jsonify is impl.jsonify


# --- request JSON -------------------------------------------------------------------------------


def echo_json_app(app: Any, impl: Any, driver: Any) -> None:
    """Register ``/json`` echoing ``repr(request.json)`` and ``/get`` echoing
    ``repr(request.get_json(**flags))`` with boolean flags from the query string."""

    def json_view() -> str:
        return repr(driver.resolve(impl.request.json))

    def get_view() -> str:
        flags = {key: value == "1" for key, value in impl.request.args.items()}
        return repr(driver.resolve(impl.request.get_json(**flags)))

    app.add_url_rule("/json", "json_view", json_view, methods=["POST"])
    app.add_url_rule("/get", "get_view", get_view, methods=["POST"])


@pytest.mark.spec("json.request.json")
def test_request_json_parses_body(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``request.json`` is the parsed body of an ``application/json`` request."""
    echo_json_app(app, impl, driver)
    response = client.post("/json", data='{"a": [1, true]}', content_type="application/json")
    assert response.get_data(as_text=True) == "{'a': [1, True]}"


@pytest.mark.spec("json.request.test-client-json")
def test_test_client_json_argument(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """The test client's ``json=`` argument sends a JSON body with the JSON content type."""
    echo_json_app(app, impl, driver)
    assert client.post("/json", json={"x": "é"}).get_data(as_text=True) == "{'x': 'é'}"


@pytest.mark.spec("json.request.plus-json")
def test_request_json_accepts_plus_json_types(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """A ``+json`` content type such as ``application/vnd.api+json`` counts as JSON."""
    echo_json_app(app, impl, driver)
    response = client.post("/json", data="[1]", content_type="application/vnd.api+json")
    assert response.get_data(as_text=True) == "[1]"


@pytest.mark.spec("json.request.wrong-content-type")
def test_request_json_wrong_content_type_is_415(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """``request.json`` of a non-JSON request is a 415 error (Flask; the description: None)."""
    echo_json_app(app, impl, driver)
    assert client.post("/json", data='{"a": 1}', content_type="text/plain").status_code == 415
    assert client.post("/json", data='{"a": 1}').status_code == 415


@pytest.mark.spec("json.request.malformed")
def test_request_json_malformed_is_400(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A malformed or empty JSON body is a 400 error, never a 500."""
    echo_json_app(app, impl, driver)
    for body in ("{bad", "", b"\xff\xfe\x00"):
        response = client.post("/json", data=body, content_type="application/json")
        assert response.status_code == 400


@pytest.mark.spec("json.request.silent")
def test_get_json_silent_returns_none(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json(silent=True)`` returns ``None`` for a malformed body or a non-JSON type."""
    echo_json_app(app, impl, driver)
    bad = client.post("/get?silent=1", data="{bad", content_type="application/json")
    assert bad.get_data(as_text=True) == "None"
    plain = client.post("/get?silent=1", data='{"a": 1}', content_type="text/plain")
    assert plain.get_data(as_text=True) == "None"


@pytest.mark.spec("json.request.force")
def test_get_json_force_ignores_content_type(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json(force=True)`` parses the body whatever the content type."""
    echo_json_app(app, impl, driver)
    response = client.post("/get?force=1", data='{"a": 1}', content_type="text/plain")
    assert response.get_data(as_text=True) == "{'a': 1}"


@pytest.mark.spec("json.request.force-silent")
def test_get_json_force_silent_malformed(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json(force=True, silent=True)`` of a malformed body returns ``None``."""
    echo_json_app(app, impl, driver)
    response = client.post("/get?force=1&silent=1", data="{bad", content_type="text/plain")
    assert response.get_data(as_text=True) == "None"


@pytest.mark.spec("json.request.cache")
def test_get_json_caches_the_result(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Repeated ``get_json()`` calls return the same object; ``cache=False`` parses anew."""

    def view() -> str:
        first = driver.resolve(impl.request.get_json())
        second = driver.resolve(impl.request.get_json())
        fresh = driver.resolve(impl.request.get_json(cache=False))
        return repr((first is second, fresh is first, fresh == first))

    json_route(app, view)
    response = client.post("/", json={"a": [1]})
    assert response.get_data(as_text=True) == "(True, False, True)"


@pytest.mark.spec("json.request.is-json")
def test_request_is_json(impl: Any, app: Any, client: Any) -> None:
    """``request.is_json`` tells whether the content type is JSON."""

    def view() -> str:
        return repr(impl.request.is_json)

    json_route(app, view)
    assert client.post("/", json=1).get_data() == b"True"
    assert client.post("/", data="1", content_type="text/plain").get_data() == b"False"


@pytest.mark.spec("json.request.test-request-context")
def test_request_json_in_test_request_context(impl: Any, app: Any, driver: Any) -> None:
    """``test_request_context(json=...)`` makes ``request.json`` that value."""
    with driver.request_context(app, method="POST", json={"k": [1, 2]}):
        assert driver.resolve(impl.request.json) == {"k": [1, 2]}
        assert impl.request.mimetype == "application/json"


@pytest.mark.spec("json.response.test-response-json")
def test_test_response_json(app: Any, client: Any) -> None:
    """A test response's ``json`` is the parsed JSON body (``None`` for a non-JSON body)."""

    def data() -> dict[str, Any]:
        return {"a": [1, None]}

    def text() -> str:
        return "plain"

    json_route(app, data, "/data")
    json_route(app, text, "/text")
    assert client.get("/data").json == {"a": [1, None]}
    assert client.get("/data").get_json() == {"a": [1, None]}
    assert client.get("/text").json is None
