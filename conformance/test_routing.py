"""Spec area ``routing``: URL rules, converters, methods, slashes, subdomains and hosts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.routing import BaseConverter, Map, RequestRedirect, Rule, ValidationError
from werkzeug.test import create_environ

from conformance.ruletables import allow_set
from conformance.wsgi_environs import call_app

NOT_FOUND = 404


def typed_args(**kwargs: Any) -> str:
    """A view answering with the ``repr`` of its sorted keyword arguments."""
    return repr(sorted(kwargs.items()))


def routed(driver: Any, app: Any, rule: str, **options: Any) -> Any:
    """Register :func:`typed_args` for ``rule`` (endpoint ``view``) and return a test client."""
    app.add_url_rule(rule, "view", typed_args, **options)
    return driver.client(app)


# --- converters: string --------------------------------------------------------------


@pytest.mark.spec("routing.converter.string.default")
def test_string_is_default_converter(app: Any, driver: Any) -> None:
    """``<name>`` matches one path segment and passes it to the view as a ``str``."""
    client = routed(driver, app, "/user/<name>")
    assert client.get("/user/ada").text == "[('name', 'ada')]"


@pytest.mark.spec("routing.converter.string.explicit")
def test_string_converter_explicit(app: Any, driver: Any) -> None:
    """``<string:name>`` behaves like ``<name>``."""
    client = routed(driver, app, "/user/<string:name>")
    assert client.get("/user/ada").text == "[('name', 'ada')]"


@pytest.mark.spec("routing.converter.string.no-slash")
def test_string_does_not_match_slash(app: Any, driver: Any) -> None:
    """A string variable does not match across a ``/``: the request is a 404."""
    client = routed(driver, app, "/user/<name>")
    assert client.get("/user/a/b").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.string.decoded")
def test_string_value_is_percent_decoded(app: Any, driver: Any) -> None:
    """The value passed to the view is percent-decoded UTF-8 text."""
    client = routed(driver, app, "/user/<name>")
    assert client.get("/user/a%20b%C3%A9").text == "[('name', 'a bé')]"


@pytest.mark.spec("routing.converter.string.minlength")
def test_string_minlength(app: Any, driver: Any) -> None:
    """``string(minlength=3)`` rejects shorter values (404) and accepts ones of that length."""
    client = routed(driver, app, "/s/<string(minlength=3):v>")
    assert client.get("/s/ab").status_code == NOT_FOUND
    assert client.get("/s/abc").text == "[('v', 'abc')]"


@pytest.mark.spec("routing.converter.string.maxlength")
def test_string_maxlength(app: Any, driver: Any) -> None:
    """``string(maxlength=3)`` rejects longer values (404) and accepts ones of that length."""
    client = routed(driver, app, "/s/<string(maxlength=3):v>")
    assert client.get("/s/abcd").status_code == NOT_FOUND
    assert client.get("/s/abc").text == "[('v', 'abc')]"


@pytest.mark.spec("routing.converter.string.length")
def test_string_length(app: Any, driver: Any) -> None:
    """``string(length=2)`` accepts values of exactly two characters only."""
    client = routed(driver, app, "/s/<string(length=2):v>")
    assert client.get("/s/a").status_code == NOT_FOUND
    assert client.get("/s/abc").status_code == NOT_FOUND
    assert client.get("/s/ab").text == "[('v', 'ab')]"


@pytest.mark.spec("routing.converter.string.length-counts-characters")
def test_string_length_counts_decoded_characters(app: Any, driver: Any) -> None:
    """String length limits count decoded characters, not URL-encoded bytes."""
    client = routed(driver, app, "/s/<string(length=2):v>")
    assert client.get("/s/%C3%A9%C3%A9").text == "[('v', 'éé')]"


# --- converters: int -----------------------------------------------------------------


@pytest.mark.spec("routing.converter.int.value")
def test_int_converter_passes_int(app: Any, driver: Any) -> None:
    """``<int:n>`` passes an ``int`` to the view."""
    client = routed(driver, app, "/n/<int:n>")
    assert client.get("/n/42").text == "[('n', 42)]"


@pytest.mark.spec("routing.converter.int.rejects-non-digits")
@pytest.mark.parametrize("text", ["abc", "1.5", "1e3", "0x1f", "+1"])
def test_int_rejects_non_digits(app: Any, text: str, driver: Any) -> None:
    """``<int:n>`` does not match text that is not a run of digits (404)."""
    client = routed(driver, app, "/n/<int:n>")
    assert client.get(f"/n/{text}").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.int.leading-zeros")
def test_int_accepts_leading_zeros(app: Any, driver: Any) -> None:
    """Without ``fixed_digits``, ``<int:n>`` accepts leading zeros: ``007`` is 7."""
    client = routed(driver, app, "/n/<int:n>")
    assert client.get("/n/007").text == "[('n', 7)]"


@pytest.mark.spec("routing.converter.int.unsigned-by-default")
def test_int_unsigned_by_default(app: Any, driver: Any) -> None:
    """``<int:n>`` rejects negative numbers (404)."""
    client = routed(driver, app, "/n/<int:n>")
    assert client.get("/n/-5").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.int.signed")
def test_int_signed(app: Any, driver: Any) -> None:
    """``int(signed=True)`` accepts negative numbers and passes them as negative ints."""
    client = routed(driver, app, "/n/<int(signed=True):n>")
    assert client.get("/n/-5").text == "[('n', -5)]"
    assert client.get("/n/5").text == "[('n', 5)]"


@pytest.mark.spec("routing.converter.int.min")
def test_int_min(app: Any, driver: Any) -> None:
    """``int(min=10)`` rejects smaller values (404); the bound itself is accepted."""
    client = routed(driver, app, "/n/<int(min=10):n>")
    assert client.get("/n/9").status_code == NOT_FOUND
    assert client.get("/n/10").text == "[('n', 10)]"


@pytest.mark.spec("routing.converter.int.max")
def test_int_max(app: Any, driver: Any) -> None:
    """``int(max=10)`` rejects larger values (404); the bound itself is accepted."""
    client = routed(driver, app, "/n/<int(max=10):n>")
    assert client.get("/n/11").status_code == NOT_FOUND
    assert client.get("/n/10").text == "[('n', 10)]"


@pytest.mark.spec("routing.converter.int.fixed-digits")
def test_int_fixed_digits(app: Any, driver: Any) -> None:
    """``int(fixed_digits=3)`` matches exactly three digits and passes their value."""
    client = routed(driver, app, "/n/<int(fixed_digits=3):n>")
    assert client.get("/n/007").text == "[('n', 7)]"
    assert client.get("/n/7").status_code == NOT_FOUND
    assert client.get("/n/0007").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.int.fixed-digits-build")
def test_int_fixed_digits_builds_zero_padded(app: Any, driver: Any) -> None:
    """``url_for`` zero-pads a value for an ``int(fixed_digits=N)`` variable to N digits."""
    app.add_url_rule("/n/<int(fixed_digits=4):n>", "view", typed_args)
    with driver.request_context(app):
        assert app.url_for("view", n=42) == "/n/0042"


# --- converters: float ---------------------------------------------------------------


@pytest.mark.spec("routing.converter.float.value")
def test_float_converter_passes_float(app: Any, driver: Any) -> None:
    """``<float:x>`` passes a ``float`` to the view."""
    client = routed(driver, app, "/x/<float:x>")
    assert client.get("/x/1.5").text == "[('x', 1.5)]"


@pytest.mark.spec("routing.converter.float.requires-point")
@pytest.mark.parametrize("text", ["1", ".5", "1.", "1e3", "abc"])
def test_float_requires_digits_point_digits(app: Any, text: str, driver: Any) -> None:
    """``<float:x>`` only matches ``digits.digits``: integers and exponents are 404s (Flask)."""
    client = routed(driver, app, "/x/<float:x>")
    assert client.get(f"/x/{text}").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.float.unsigned-by-default")
def test_float_unsigned_by_default(app: Any, driver: Any) -> None:
    """``<float:x>`` rejects negative numbers (404)."""
    client = routed(driver, app, "/x/<float:x>")
    assert client.get("/x/-1.5").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.float.signed")
def test_float_signed(app: Any, driver: Any) -> None:
    """``float(signed=True)`` accepts negative numbers."""
    client = routed(driver, app, "/x/<float(signed=True):x>")
    assert client.get("/x/-1.5").text == "[('x', -1.5)]"


@pytest.mark.spec("routing.converter.float.min-max")
def test_float_min_max(app: Any, driver: Any) -> None:
    """``float(min=1.0, max=2.0)`` accepts values in the inclusive range and rejects others."""
    client = routed(driver, app, "/x/<float(min=1.0, max=2.0):x>")
    assert client.get("/x/0.99").status_code == NOT_FOUND
    assert client.get("/x/2.01").status_code == NOT_FOUND
    assert client.get("/x/1.0").text == "[('x', 1.0)]"
    assert client.get("/x/2.0").text == "[('x', 2.0)]"


# --- converters: path, uuid, any -----------------------------------------------------


@pytest.mark.spec("routing.converter.path.slashes")
def test_path_matches_slashes(app: Any, driver: Any) -> None:
    """``<path:p>`` matches several segments, slashes included."""
    client = routed(driver, app, "/files/<path:p>")
    assert client.get("/files/a/b/c.txt").text == "[('p', 'a/b/c.txt')]"


@pytest.mark.spec("routing.converter.path.then-static")
def test_path_followed_by_static_part(app: Any, driver: Any) -> None:
    """A path variable followed by a static part stops before that part."""
    client = routed(driver, app, "/files/<path:p>/edit")
    assert client.get("/files/a/b/edit").text == "[('p', 'a/b')]"


@pytest.mark.spec("routing.converter.path.not-empty")
def test_path_requires_a_value(app: Any, driver: Any) -> None:
    """A path variable does not match an empty value (404)."""
    client = routed(driver, app, "/files/<path:p>")
    assert client.get("/files/").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.uuid.value")
def test_uuid_converter_passes_uuid(app: Any, driver: Any) -> None:
    """``<uuid:u>`` passes a :class:`uuid.UUID` to the view."""
    seen: list[Any] = []

    def view(u: Any) -> str:
        seen.append(u)
        return "ok"

    app.add_url_rule("/u/<uuid:u>", "view", view)
    driver.client(app).get("/u/12345678-1234-5678-1234-567812345678")
    assert seen == [uuid.UUID("12345678-1234-5678-1234-567812345678")]


@pytest.mark.spec("routing.converter.uuid.uppercase")
def test_uuid_accepts_uppercase(app: Any, driver: Any) -> None:
    """``<uuid:u>`` accepts upper-case hex digits."""
    client = routed(driver, app, "/u/<uuid:u>")
    response = client.get("/u/ABCDEF12-1234-5678-1234-567812345678")
    assert response.text == "[('u', UUID('abcdef12-1234-5678-1234-567812345678'))]"


@pytest.mark.spec("routing.converter.uuid.rejects")
@pytest.mark.parametrize(
    "text",
    [
        "not-a-uuid",
        "12345678123456781234567812345678",
        "12345678-1234-5678-1234-56781234567g",
        "12345678-1234-5678-1234-5678123456789",
    ],
)
def test_uuid_rejects_malformed(app: Any, text: str, driver: Any) -> None:
    """``<uuid:u>`` does not match text that is not a dashed 8-4-4-4-12 hex UUID (404)."""
    client = routed(driver, app, "/u/<uuid:u>")
    assert client.get(f"/u/{text}").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.any.members")
def test_any_matches_listed_items(app: Any, driver: Any) -> None:
    """``any(a, b)`` matches exactly one of the listed items and passes it as a string."""
    client = routed(driver, app, "/pages/<any(about, help):page>")
    assert client.get("/pages/about").text == "[('page', 'about')]"
    assert client.get("/pages/help").text == "[('page', 'help')]"
    assert client.get("/pages/other").status_code == NOT_FOUND
    assert client.get("/pages/abouthelp").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.any.quoted-items")
def test_any_quoted_items(app: Any, driver: Any) -> None:
    """Items of ``any`` may be quoted strings containing characters like spaces."""
    client = routed(driver, app, "/pages/<any('a b', c):page>")
    assert client.get("/pages/a%20b").text == "[('page', 'a b')]"


@pytest.mark.spec("routing.converter.unknown")
def test_unknown_converter_is_lookup_error(app: Any) -> None:
    """A rule naming an unregistered converter raises ``LookupError`` naming it."""
    with pytest.raises(LookupError, match="nope"):
        app.add_url_rule("/x/<nope:v>", "view", typed_args)


@pytest.mark.spec("routing.converter.several-variables")
def test_several_variables(app: Any, driver: Any) -> None:
    """A rule with several variables passes each one, converted, as a keyword argument."""
    client = routed(driver, app, "/<int:year>/<int:month>/<slug>")
    assert client.get("/2024/05/hello").text == "[('month', 5), ('slug', 'hello'), ('year', 2024)]"


# --- converters: custom --------------------------------------------------------------


class ListConverter(BaseConverter):
    """Converts ``a,b,c`` to ``['a', 'b', 'c']``; the item ``bad`` is a validation error."""

    def to_python(self, value: str) -> list[str]:
        """Split the segment on commas, rejecting the item ``bad``."""
        items = value.split(",")
        if "bad" in items:
            raise ValidationError()
        return items

    def to_url(self, value: list[str]) -> str:
        """Join the items with commas, each quoted like a path value."""
        quote_item = super().to_url
        return ",".join(quote_item(item) for item in value)


class EvenConverter(BaseConverter):
    """Matches digits (through ``regex``) and passes even numbers only."""

    regex = r"\d+"

    def to_python(self, value: str) -> int:
        """Return the number, rejecting odd ones."""
        number = int(value)
        if number % 2:
            raise ValidationError()
        return number


class PrefixConverter(BaseConverter):
    """Takes a rule argument: the prefix every value must start with."""

    def __init__(self, url_map: Map, prefix: str) -> None:
        super().__init__(url_map)
        self.prefix = prefix

    def to_python(self, value: str) -> str:
        """Return the value without its prefix; other values do not match."""
        if not value.startswith(self.prefix):
            raise ValidationError()
        return value[len(self.prefix) :]


@pytest.mark.spec("routing.converter.custom.to-python")
def test_custom_converter_to_python(app: Any, driver: Any) -> None:
    """A converter registered in ``app.url_map.converters`` converts the value for the view."""
    app.url_map.converters["list"] = ListConverter
    client = routed(driver, app, "/l/<list:items>")
    assert client.get("/l/a,b,c").text == "[('items', ['a', 'b', 'c'])]"


@pytest.mark.spec("routing.converter.custom.to-url")
def test_custom_converter_to_url(app: Any, driver: Any) -> None:
    """``url_for`` formats a custom converter's value with its ``to_url``."""
    app.url_map.converters["list"] = ListConverter
    app.add_url_rule("/l/<list:items>", "view", typed_args)
    with driver.request_context(app):
        assert app.url_for("view", items=["x", "y z"]) == "/l/x,y%20z"


@pytest.mark.spec("routing.converter.custom.validation-error")
def test_custom_converter_validation_error_is_404(app: Any, driver: Any) -> None:
    """A ``ValidationError`` from ``to_python`` makes the rule not match: 404."""
    app.url_map.converters["list"] = ListConverter
    client = routed(driver, app, "/l/<list:items>")
    assert client.get("/l/a,bad").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.custom.regex")
def test_custom_converter_regex(app: Any, driver: Any) -> None:
    """A converter's ``regex`` limits what it matches; ``to_python`` may still reject."""
    app.url_map.converters["even"] = EvenConverter
    client = routed(driver, app, "/e/<even:n>")
    assert client.get("/e/4").text == "[('n', 4)]"
    assert client.get("/e/5").status_code == NOT_FOUND
    assert client.get("/e/four").status_code == NOT_FOUND


@pytest.mark.spec("routing.converter.custom.arguments")
def test_custom_converter_arguments(app: Any, driver: Any) -> None:
    """Arguments written in the rule (``<prefix('id-'):v>``) reach the converter's constructor."""
    app.url_map.converters["prefix"] = PrefixConverter
    client = routed(driver, app, "/p/<prefix('id-'):v>")
    assert client.get("/p/id-7").text == "[('v', '7')]"
    assert client.get("/p/7").status_code == NOT_FOUND


@pytest.mark.spec("routing.url-map.werkzeug-map")
def test_url_map_is_werkzeug_map(app: Any) -> None:
    """``app.url_map`` is a werkzeug routing ``Map`` listing the registered rules."""
    app.add_url_rule("/x", "view", typed_args)
    assert isinstance(app.url_map, Map)
    assert "/x" in {rule.rule for rule in app.url_map.iter_rules()}


@pytest.mark.spec("routing.rule.leading-slash")
def test_rule_must_start_with_slash(app: Any) -> None:
    """A rule not starting with ``/`` is rejected with a ``ValueError`` naming the rule."""
    with pytest.raises(ValueError, match="must start with a slash"):
        app.add_url_rule("noslash", "view", typed_args)


# --- methods -------------------------------------------------------------------------


@pytest.mark.spec("routing.methods.default")
def test_default_methods(app: Any) -> None:
    """A rule without ``methods`` answers GET, HEAD and OPTIONS."""
    app.add_url_rule("/x", "view", typed_args)
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == "view")
    assert rule.methods == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.spec("routing.methods.explicit")
def test_explicit_methods(app: Any, driver: Any) -> None:
    """A rule with ``methods=["POST"]`` answers POST and refuses GET with 405."""
    client = routed(driver, app, "/x", methods=["POST"])
    assert client.post("/x").status_code == 200
    assert client.get("/x").status_code == 405


@pytest.mark.spec("routing.methods.case-insensitive")
def test_methods_are_upper_cased(app: Any, driver: Any) -> None:
    """Method names given in lower case are normalised to upper case."""
    client = routed(driver, app, "/x", methods=["post"])
    assert client.post("/x").status_code == 200
    assert allow_set(client.put("/x")) == {"POST", "OPTIONS"}


@pytest.mark.spec("routing.methods.string-rejected")
def test_methods_as_string_is_type_error(app: Any) -> None:
    """``methods="GET"`` (a string, not a list) raises ``TypeError``."""
    with pytest.raises(TypeError, match="list of strings"):
        app.add_url_rule("/x", "view", typed_args, methods="GET")


@pytest.mark.spec("routing.methods.string-rejected-message")
def test_methods_as_string_message(app: Any) -> None:
    """The ``TypeError`` for ``methods`` given as a string is Flask's, word for word."""
    with pytest.raises(TypeError) as info:
        app.add_url_rule("/x", "view", typed_args, methods="GET")
    assert str(info.value) == (
        'Allowed methods must be a list of strings, for example: @app.route(..., methods=["POST"])'
    )


@pytest.mark.spec("routing.methods.view-attribute")
def test_view_methods_attribute(app: Any, driver: Any) -> None:
    """Without ``methods``, a view function's ``methods`` attribute supplies them."""

    def view() -> str:
        return "posted"

    view.methods = ["POST"]  # type: ignore[attr-defined]
    app.add_url_rule("/x", view_func=view)
    client = driver.client(app)
    assert client.post("/x").text == "posted"
    assert client.get("/x").status_code == 405


@pytest.mark.spec("routing.methods.required-methods")
def test_view_required_methods(app: Any, driver: Any) -> None:
    """A view's ``required_methods`` are added to the rule's methods."""

    def view() -> str:
        return "ok"

    view.required_methods = ["PUT"]  # type: ignore[attr-defined]
    app.add_url_rule("/x", view_func=view)
    client = driver.client(app)
    assert client.put("/x").status_code == 200
    assert client.get("/x").status_code == 200
    assert allow_set(client.options("/x")) == {"GET", "HEAD", "OPTIONS", "PUT"}


@pytest.mark.spec("routing.methods.request-method")
def test_view_sees_request_method(app: Any, impl: Any, driver: Any) -> None:
    """The view sees the request's method in ``request.method``."""

    def view() -> str:
        return str(impl.request.method)

    app.add_url_rule("/x", "view", view, methods=["GET", "PUT", "DELETE"])
    client = driver.client(app)
    assert [client.open("/x", method=m).text for m in ("GET", "PUT", "DELETE")] == [
        "GET",
        "PUT",
        "DELETE",
    ]


@pytest.mark.spec("routing.methods.not-allowed-allow")
def test_405_allow_header_default_rule(app: Any, driver: Any) -> None:
    """A refused method is a 405 whose ``Allow`` lists exactly GET, HEAD and OPTIONS."""
    client = routed(driver, app, "/x")
    response = client.post("/x")
    assert response.status_code == 405
    assert allow_set(response) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.spec("routing.methods.not-allowed-allow-explicit")
def test_405_allow_header_lists_declared_methods(app: Any, driver: Any) -> None:
    """For ``methods=["PUT", "PATCH"]`` a GET is a 405 with ``Allow`` PUT, PATCH, OPTIONS."""
    client = routed(driver, app, "/x", methods=["PUT", "PATCH"])
    response = client.get("/x")
    assert response.status_code == 405
    assert allow_set(response) == {"PUT", "PATCH", "OPTIONS"}


@pytest.mark.spec("routing.methods.not-allowed-union")
def test_405_allow_header_unions_rules_for_the_path(app: Any, driver: Any) -> None:
    """When several rules share the path, ``Allow`` lists the union of their methods."""
    app.add_url_rule("/x", "create", typed_args, methods=["POST"])
    app.add_url_rule("/x", "remove", typed_args, methods=["DELETE"])
    response = driver.client(app).put("/x")
    assert response.status_code == 405
    assert allow_set(response) == {"POST", "DELETE", "OPTIONS"}


@pytest.mark.spec("routing.methods.not-allowed-head")
def test_head_refused_without_get(app: Any, driver: Any) -> None:
    """HEAD on a rule without GET is a 405 with an empty body."""
    client = routed(driver, app, "/x", methods=["POST"])
    response = client.head("/x")
    assert response.status_code == 405
    assert response.data == b""


@pytest.mark.spec("routing.methods.same-path-dispatch")
def test_same_path_different_methods_dispatch(app: Any, driver: Any) -> None:
    """Two rules on one path with different methods dispatch to their own views."""
    app.add_url_rule("/x", "read", lambda: "read", methods=["GET"])
    app.add_url_rule("/x", "write", lambda: "write", methods=["POST"])
    client = driver.client(app)
    assert (client.get("/x").text, client.post("/x").text) == ("read", "write")


# --- automatic HEAD and OPTIONS ------------------------------------------------------


@pytest.mark.spec("routing.head.automatic")
def test_head_is_automatic(app: Any, driver: Any) -> None:
    """A GET rule answers HEAD with 200 and no body."""
    client = routed(driver, app, "/x")
    response = client.head("/x")
    assert response.status_code == 200
    assert response.data == b""


@pytest.mark.spec("routing.head.same-headers")
def test_head_has_get_headers(app: Any, driver: Any) -> None:
    """HEAD answers with the headers GET would, ``Content-Length`` included."""
    app.add_url_rule("/x", "view", lambda: ("hello", {"X-Thing": "yes"}))
    client = driver.client(app)
    head, get = client.head("/x"), client.get("/x")
    assert sorted(head.headers.items()) == sorted(get.headers.items())
    assert head.headers["Content-Length"] == "5"


@pytest.mark.spec("routing.head.runs-view")
def test_head_runs_view_with_head_method(app: Any, impl: Any, driver: Any) -> None:
    """For HEAD the GET view runs, seeing ``request.method == "HEAD"``."""
    seen: list[str] = []

    def view() -> str:
        seen.append(impl.request.method)
        return "body"

    app.add_url_rule("/x", "view", view)
    driver.client(app).head("/x")
    assert seen == ["HEAD"]


@pytest.mark.spec("routing.options.automatic")
def test_options_is_automatic(app: Any, driver: Any) -> None:
    """OPTIONS on a rule answers 200 with an empty body and ``Allow`` listing its methods."""
    client = routed(driver, app, "/x", methods=["GET", "POST"])
    response = client.options("/x")
    assert response.status_code == 200
    assert response.data == b""
    assert allow_set(response) == {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.spec("routing.options.view-not-called")
def test_automatic_options_skips_view(app: Any, driver: Any) -> None:
    """The automatic OPTIONS response does not call the view."""
    calls: list[str] = []

    def view() -> str:
        calls.append("called")
        return "body"

    app.add_url_rule("/x", "view", view)
    response = driver.client(app).options("/x")
    assert response.status_code == 200
    assert "GET" in response.headers["Allow"]
    assert calls == []


@pytest.mark.spec("routing.options.all-rules-for-path")
def test_options_allow_unions_rules(app: Any, driver: Any) -> None:
    """Automatic OPTIONS lists the methods of every rule matching the path."""
    app.add_url_rule("/x", "read", typed_args, methods=["GET"])
    app.add_url_rule("/x", "write", typed_args, methods=["PUT"])
    assert allow_set(driver.client(app).options("/x")) == {"GET", "HEAD", "PUT", "OPTIONS"}


@pytest.mark.spec("routing.options.disabled-by-argument")
def test_provide_automatic_options_false(app: Any, driver: Any) -> None:
    """With ``provide_automatic_options=False`` OPTIONS is a 405 whose ``Allow`` omits it."""
    client = routed(driver, app, "/x", provide_automatic_options=False)
    response = client.options("/x")
    assert response.status_code == 405
    assert allow_set(response) == {"GET", "HEAD"}


@pytest.mark.spec("routing.options.disabled-by-view-attribute")
def test_view_provide_automatic_options_attribute(app: Any, driver: Any) -> None:
    """A view's ``provide_automatic_options = False`` attribute switches automatic OPTIONS off."""

    def view() -> str:
        return "ok"

    view.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/x", view_func=view)
    assert driver.client(app).options("/x").status_code == 405


@pytest.mark.spec("routing.options.disabled-by-config")
def test_provide_automatic_options_config(make_app: Callable[..., Any], driver: Any) -> None:
    """``PROVIDE_AUTOMATIC_OPTIONS = False`` switches automatic OPTIONS off for new rules."""
    app = make_app()
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    client = routed(driver, app, "/x")
    response = client.options("/x")
    assert response.status_code == 405
    assert allow_set(response) == {"GET", "HEAD"}


@pytest.mark.spec("routing.options.explicit")
def test_explicit_options_reaches_view(app: Any, impl: Any, driver: Any) -> None:
    """Listing OPTIONS in ``methods`` makes the view answer OPTIONS itself."""

    def view() -> str:
        return f"mine {impl.request.method}"

    app.add_url_rule("/x", "view", view, methods=["GET", "OPTIONS"])
    response = driver.client(app).options("/x")
    assert response.status_code == 200
    assert response.text == "mine OPTIONS"


@pytest.mark.spec("routing.options.unknown-url")
def test_options_on_unknown_url_is_404(app: Any, driver: Any) -> None:
    """OPTIONS on a URL no rule matches is a 404."""
    client = routed(driver, app, "/x")
    assert client.options("/elsewhere").status_code == NOT_FOUND


# --- method shortcuts ----------------------------------------------------------------

SHORTCUTS = ["get", "post", "put", "delete", "patch"]


@pytest.mark.spec("routing.shortcut.method")
@pytest.mark.parametrize("shortcut", SHORTCUTS)
def test_shortcut_registers_its_method(app: Any, shortcut: str, driver: Any) -> None:
    """``app.get/post/put/delete/patch(rule)`` registers the view for that method only."""

    @getattr(app, shortcut)("/x")
    def view() -> str:
        return "hit"

    client = driver.client(app)
    method = shortcut.upper()
    assert client.open("/x", method=method).text == "hit"
    expected = {method, "OPTIONS"} | ({"HEAD"} if method == "GET" else set())
    assert allow_set(client.open("/x", method="TRACE")) == expected


@pytest.mark.spec("routing.shortcut.methods-type-error")
@pytest.mark.parametrize("shortcut", SHORTCUTS)
def test_shortcut_rejects_methods(app: Any, shortcut: str) -> None:
    """Passing ``methods=`` to a method shortcut raises ``TypeError`` pointing to ``route``."""
    with pytest.raises(TypeError, match="route"):
        getattr(app, shortcut)("/x", methods=["GET"])


@pytest.mark.spec("routing.shortcut.methods-message")
def test_shortcut_methods_message(app: Any) -> None:
    """The ``TypeError`` for ``methods=`` on a method shortcut is Flask's, word for word."""
    with pytest.raises(TypeError) as info:
        app.post("/x", methods=["GET"])
    assert str(info.value) == "Use the 'route' decorator to use the 'methods' argument."


@pytest.mark.spec("routing.add-url-rule.no-endpoint-no-view-message")
def test_rule_without_endpoint_or_view_message(app: Any) -> None:
    """``add_url_rule`` with neither an endpoint nor a view raises ``AssertionError`` with
    Flask's message, word for word."""
    with pytest.raises(AssertionError) as info:
        app.add_url_rule("/x")
    assert str(info.value) == "expected view func if endpoint is not provided."


@pytest.mark.spec("routing.shortcut.options")
def test_shortcut_passes_rule_options(app: Any, driver: Any) -> None:
    """Method shortcuts accept the other ``route`` options, such as ``endpoint``."""

    @app.post("/x", endpoint="create")
    def view() -> str:
        return "created"

    assert app.view_functions["create"] is view
    assert driver.client(app).post("/x").text == "created"


# --- endpoints -----------------------------------------------------------------------


@pytest.mark.spec("routing.endpoint.function-name")
def test_endpoint_defaults_to_function_name(app: Any) -> None:
    """A route's endpoint defaults to the view function's ``__name__``."""

    @app.route("/x")
    def show_thing() -> str:
        return "ok"

    assert app.view_functions["show_thing"] is show_thing
    assert {rule.endpoint for rule in app.url_map.iter_rules()} >= {"show_thing"}


@pytest.mark.spec("routing.endpoint.explicit")
def test_explicit_endpoint(app: Any) -> None:
    """``endpoint=`` names the endpoint instead of the function."""

    @app.route("/x", endpoint="custom")
    def view() -> str:
        return "ok"

    assert app.view_functions["custom"] is view
    assert "view" not in app.view_functions


@pytest.mark.spec("routing.endpoint.route-returns-function")
def test_route_decorator_returns_function(app: Any) -> None:
    """``@app.route`` returns the decorated function unchanged."""

    def view() -> str:
        return "ok"

    assert app.route("/x")(view) is view


@pytest.mark.spec("routing.endpoint.clash")
def test_endpoint_clash_is_assertion_error(app: Any) -> None:
    """Registering a different function under an existing endpoint raises ``AssertionError``.

    The message names the endpoint.
    """

    def first() -> str:
        return "1"

    def second() -> str:
        return "2"

    app.add_url_rule("/a", "shared", first)
    with pytest.raises(AssertionError, match="shared"):
        app.add_url_rule("/b", "shared", second)


@pytest.mark.spec("routing.endpoint.same-function-twice")
def test_same_function_twice_is_fine(app: Any, driver: Any) -> None:
    """The same function may be registered for one endpoint under several rules."""

    def view() -> str:
        return "same"

    app.add_url_rule("/a", "shared", view)
    app.add_url_rule("/b", "shared", view)
    client = driver.client(app)
    assert (client.get("/a").text, client.get("/b").text) == ("same", "same")


@pytest.mark.spec("routing.endpoint.stacked-routes")
def test_stacked_route_decorators(app: Any, driver: Any) -> None:
    """Stacked ``@app.route`` decorators register one endpoint under several rules."""

    @app.route("/one")
    @app.route("/two")
    def view() -> str:
        return "both"

    client = driver.client(app)
    assert (client.get("/one").text, client.get("/two").text) == ("both", "both")


@pytest.mark.spec("routing.endpoint.decorator")
def test_endpoint_decorator_binds_view(app: Any, driver: Any) -> None:
    """``add_url_rule`` with no view then ``@app.endpoint(name)`` binds the view later."""
    app.add_url_rule("/later", endpoint="later")

    @app.endpoint("later")
    def later_view() -> str:
        return "later!"

    assert app.view_functions["later"] is later_view
    assert driver.client(app).get("/later").text == "later!"


@pytest.mark.spec("routing.endpoint.required")
def test_rule_without_endpoint_or_view(app: Any) -> None:
    """``add_url_rule`` without an endpoint or a view raises ``AssertionError``."""
    with pytest.raises(AssertionError, match="view func"):
        app.add_url_rule("/x")


# --- request attributes --------------------------------------------------------------


@pytest.mark.spec("routing.request.url-rule")
def test_request_url_rule(app: Any, impl: Any, driver: Any) -> None:
    """``request.url_rule`` is the matched rule: its ``rule`` string, endpoint and methods."""

    def view(n: int) -> dict[str, Any]:
        rule = impl.request.url_rule
        return {"rule": rule.rule, "endpoint": rule.endpoint, "methods": sorted(rule.methods)}

    app.add_url_rule("/n/<int:n>", "numbered", view)
    assert driver.client(app).get("/n/3").json == {
        "rule": "/n/<int:n>",
        "endpoint": "numbered",
        "methods": ["GET", "HEAD", "OPTIONS"],
    }


@pytest.mark.spec("routing.request.endpoint")
def test_request_endpoint(app: Any, impl: Any, driver: Any) -> None:
    """``request.endpoint`` is the matched endpoint's name."""
    app.add_url_rule("/x", "named", lambda: str(impl.request.endpoint))
    assert driver.client(app).get("/x").text == "named"


@pytest.mark.spec("routing.request.view-args")
def test_request_view_args(app: Any, impl: Any, driver: Any) -> None:
    """``request.view_args`` holds the converted URL values the view is called with."""
    seen: list[Any] = []

    def view(**kwargs: Any) -> str:
        seen.append(dict(impl.request.view_args))
        return "ok"

    app.add_url_rule("/<int:n>/<name>", "view", view, defaults={"extra": True})
    driver.client(app).get("/5/ada")
    assert seen == [{"n": 5, "name": "ada", "extra": True}]


@pytest.mark.spec("routing.request.test-request-context")
def test_request_routing_in_test_request_context(app: Any, impl: Any, driver: Any) -> None:
    """``test_request_context(path)`` matches the path: rule, endpoint and view_args are set."""
    app.add_url_rule("/n/<int:n>", "numbered", typed_args)
    with driver.request_context(app, "/n/5"):
        assert impl.request.url_rule.rule == "/n/<int:n>"
        assert impl.request.endpoint == "numbered"
        assert impl.request.view_args == {"n": 5}


@pytest.mark.spec("routing.request.no-match")
def test_request_routing_without_match(app: Any, impl: Any, driver: Any) -> None:
    """For an unmatched path ``url_rule``, ``endpoint`` and ``view_args`` are None."""
    app.add_url_rule("/x", "view", typed_args)
    with driver.request_context(app, "/missing"):
        assert impl.request.url_rule is None
        assert impl.request.endpoint is None
        assert impl.request.view_args is None
        assert impl.request.routing_exception.code == NOT_FOUND


# --- defaults ------------------------------------------------------------------------


@pytest.mark.spec("routing.defaults.extra-argument")
def test_defaults_pass_extra_arguments(app: Any, driver: Any) -> None:
    """``defaults`` for names not in the rule are passed to the view as keyword arguments."""
    client = routed(driver, app, "/x", defaults={"mode": "full"})
    assert client.get("/x").text == "[('mode', 'full')]"


@pytest.mark.spec("routing.defaults.optional-variable")
def test_defaults_make_variable_optional(app: Any, driver: Any) -> None:
    """Two rules, one defaulting the other's variable, serve both URL shapes."""
    app.add_url_rule("/page/", "page", typed_args, defaults={"n": 1})
    app.add_url_rule("/page/<int:n>", "page", typed_args)
    client = driver.client(app)
    assert client.get("/page/").text == "[('n', 1)]"
    assert client.get("/page/2").text == "[('n', 2)]"


@pytest.mark.spec("routing.defaults.redirect-to-canonical")
def test_default_value_redirects_to_short_url(app: Any, driver: Any) -> None:
    """Spelling out the default value (``/page/1``) 308-redirects to the defaulting rule's URL."""
    app.add_url_rule("/page/", "page", typed_args, defaults={"n": 1})
    app.add_url_rule("/page/<int:n>", "page", typed_args)
    response = driver.client(app).get("/page/1")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/page/"


@pytest.mark.spec("routing.defaults.redirect-keeps-query")
def test_default_value_redirect_keeps_query(app: Any, driver: Any) -> None:
    """The redirect from a default-valued URL keeps the query string."""
    app.add_url_rule("/page/", "page", typed_args, defaults={"n": 1})
    app.add_url_rule("/page/<int:n>", "page", typed_args)
    response = driver.client(app).get("/page/1?sort=asc")
    assert response.headers["Location"] == "http://localhost/page/?sort=asc"


# --- trailing slashes ----------------------------------------------------------------


@pytest.mark.spec("routing.trailing-slash.redirect")
def test_missing_trailing_slash_redirects(app: Any, driver: Any) -> None:
    """A rule ending in ``/`` requested without it answers 308 to the slash form."""
    client = routed(driver, app, "/projects/")
    response = client.get("/projects")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/projects/"


@pytest.mark.spec("routing.trailing-slash.redirect-keeps-query")
def test_trailing_slash_redirect_keeps_query(app: Any, driver: Any) -> None:
    """The trailing-slash redirect keeps the query string."""
    client = routed(driver, app, "/projects/")
    response = client.get("/projects?page=2&q=a%20b")
    assert response.headers["Location"] == "http://localhost/projects/?page=2&q=a%20b"


@pytest.mark.spec("routing.trailing-slash.redirect-post")
def test_trailing_slash_redirect_for_post(app: Any, driver: Any) -> None:
    """The trailing-slash redirect is a 308 for POST too, so the method is kept."""
    client = routed(driver, app, "/submit/", methods=["POST"])
    response = client.post("/submit")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/submit/"


@pytest.mark.spec("routing.trailing-slash.debug-form-redirect")
def test_debug_mode_explains_a_redirect_that_drops_the_body(
    app: Any, driver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In debug mode, a routing redirect that would make the browser drop a POST body
    (a 301, as werkzeug gave before 308s) raises an ``AssertionError`` naming the new URL."""
    monkeypatch.setattr(RequestRedirect, "code", 301)
    app.debug = True
    client = routed(driver, app, "/submit/", methods=["POST"])
    with pytest.raises(AssertionError, match=re.escape("http://localhost/submit/")):
        client.post("/submit", data={"field": "value"})


@pytest.mark.spec("routing.debug.errors-unchanged")
def test_debug_mode_keeps_routing_errors(app: Any, driver: Any) -> None:
    """Debug mode changes no routing answer but the form-dropping redirect: a missing
    URL is a 404, a wrong method a 405 and a GET to the slash-less URL a 308."""
    app.debug = True
    client = routed(driver, app, "/submit/", methods=["POST"])
    statuses = [
        client.get("/missing").status_code,
        client.get("/submit/").status_code,
        client.post("/submit", data={"a": "b"}).status_code,
    ]
    assert statuses == [404, 405, 308]


@pytest.mark.spec("routing.trailing-slash.follow")
def test_trailing_slash_redirect_reaches_view(app: Any, driver: Any) -> None:
    """Following the trailing-slash redirect reaches the view."""
    client = routed(driver, app, "/projects/<int:n>/")
    response = client.get("/projects/3", follow_redirects=True)
    assert response.status_code == 200
    assert response.text == "[('n', 3)]"


@pytest.mark.spec("routing.trailing-slash.no-slash-rule-404")
def test_extra_trailing_slash_is_404(app: Any, driver: Any) -> None:
    """A rule without a trailing slash requested with one is a 404."""
    client = routed(driver, app, "/about")
    assert client.get("/about/").status_code == NOT_FOUND
    assert client.get("/about").status_code == 200


@pytest.mark.spec("routing.trailing-slash.strict-slashes-false")
def test_strict_slashes_false_serves_both_forms(app: Any, driver: Any) -> None:
    """With ``strict_slashes=False`` a rule serves its URL with and without the slash."""
    app.add_url_rule("/with/", "with_slash", lambda: "with", strict_slashes=False)
    app.add_url_rule("/without", "without_slash", lambda: "without", strict_slashes=False)
    client = driver.client(app)
    assert [client.get(path).text for path in ("/with", "/with/")] == ["with", "with"]
    assert [client.get(path).text for path in ("/without", "/without/")] == ["without"] * 2


@pytest.mark.spec("routing.trailing-slash.map-strict-slashes-false")
def test_url_map_strict_slashes_false(app: Any, driver: Any) -> None:
    """``app.url_map.strict_slashes = False`` applies to rules added afterwards."""
    app.url_map.strict_slashes = False
    client = routed(driver, app, "/projects/")
    response = client.get("/projects")
    assert response.status_code == 200


@pytest.mark.spec("routing.trailing-slash.lenient-rule-after-strict")
def test_slashed_request_passes_a_strict_rule_for_a_lenient_one(app: Any, client: Any) -> None:
    """A slashed URL reaches a later ``strict_slashes=False`` rule of the same path
    when an earlier rule for that path has strict slashes."""
    app.add_url_rule("/item", "strict", lambda: "strict", methods=["GET"])
    app.add_url_rule("/item", "lenient", lambda: "lenient", methods=["POST"], strict_slashes=False)
    response = client.post("/item/")
    assert (response.status_code, response.text) == (200, "lenient")


@pytest.mark.spec("routing.trailing-slash.lenient-rule-not-a-prefix")
def test_lenient_rule_does_not_match_longer_paths(app: Any, client: Any) -> None:
    """A ``strict_slashes=False`` rule ``/a`` does not match ``/a//b`` (an empty segment
    followed by more path)."""
    app.add_url_rule("/a", "a", lambda: "a", strict_slashes=False)
    assert client.get("/a//b").status_code == NOT_FOUND
    assert client.get("/a/").text == "a"


@pytest.mark.spec("routing.trailing-slash.lenient-rule-other-method")
def test_slashed_request_to_a_lenient_rule_of_another_method(app: Any, client: Any) -> None:
    """A slashed request to a ``strict_slashes=False`` rule that does not allow its
    method is a 405 listing the rule's methods."""
    app.add_url_rule("/a", "a", lambda: "a", methods=["POST"], strict_slashes=False)
    response = client.get("/a/")
    assert response.status_code == 405
    assert allow_set(response) == {"POST", "OPTIONS"}


@pytest.mark.spec("routing.trailing-slash.redirect-needs-method")
def test_slash_redirect_only_for_an_allowed_method(app: Any, client: Any) -> None:
    """The redirect to a rule's slashed URL happens only for a method that rule allows;
    for another method the unslashed URL is a 404."""
    app.add_url_rule("/form/", "form", lambda: "form", methods=["POST"])
    assert client.get("/form").status_code == NOT_FOUND
    response = client.post("/form")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/form/")


@pytest.mark.spec("routing.trailing-slash.variable-rule-redirect")
def test_slash_redirect_for_a_rule_ending_in_a_variable(app: Any, client: Any) -> None:
    """A rule ``/d/<x>/`` redirects ``/d/v`` to ``/d/v/``, which it serves."""
    app.add_url_rule("/d/<x>/", "d", lambda x: f"d {x}")
    response = client.get("/d/v")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/d/v/")
    assert client.get("/d/v/").text == "d v"


@pytest.mark.spec("routing.trailing-slash.path-variable-after-another")
def test_slashed_rule_with_a_path_variable_after_another(app: Any, client: Any) -> None:
    """A rule ``/f/<a>-<path:p>/`` serves ``/f/x-y/z/`` with ``p="y/z"`` and redirects
    ``/f/x-y`` to its slashed URL."""
    app.add_url_rule("/f/<a>-<path:p>/", "f", lambda a, p: f"{a} {p}")
    assert client.get("/f/x-y/z/").text == "x y/z"
    assert client.get("/f/x-y").status_code == 308


@pytest.mark.spec("routing.converter.falls-through")
def test_segment_rejected_by_one_converter_tries_the_next_rule(app: Any, client: Any) -> None:
    """A segment that one rule's converter rejects is matched against the next rule's
    converter at the same place: ``/item/<int:n>`` then ``/item/<name>``."""
    app.add_url_rule("/item/<int:n>", "number", lambda n: f"int {n}")
    app.add_url_rule("/item/<name>", "name", lambda name: f"name {name}")
    assert client.get("/item/abc").text == "name abc"
    assert client.get("/item/5").text == "int 5"


@pytest.mark.spec("routing.merge-slashes.then-trailing-slash")
def test_merged_path_redirects_to_the_slashed_rule(app: Any, client: Any) -> None:
    """``/a//b`` for a rule ``/a/b/`` redirects in one step to ``/a/b/`` (slashes merged,
    trailing slash added)."""
    app.add_url_rule("/a/b/", "ab", lambda: "ab")
    response = client.get("/a//b")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/a/b/")


@pytest.mark.spec("routing.merge-slashes.off-keeps-405")
def test_method_not_allowed_without_merge_slashes(app: Any, client: Any) -> None:
    """With ``url_map.merge_slashes = False`` a URL whose rule lacks the method is still
    a 405."""
    app.url_map.merge_slashes = False
    app.add_url_rule("/p", "p", lambda: "p", methods=["POST"])
    response = client.get("/p")
    assert response.status_code == 405
    assert allow_set(response) == {"POST", "OPTIONS"}


@pytest.mark.spec("routing.converter.validation-error-keeps-405")
def test_converter_rejection_keeps_the_other_rules_methods(app: Any, client: Any) -> None:
    """When the matching rule's converter rejects the value in ``to_python``, a URL that
    another rule matches for other methods is a 405 listing them."""
    app.url_map.converters["even"] = EvenConverter
    app.add_url_rule("/n/<even:x>", "even", lambda x: f"even {x}")
    app.add_url_rule("/n/<int:x>", "other", lambda x: f"other {x}", methods=["POST"])
    assert client.get("/n/4").text == "even 4"
    response = client.get("/n/3")
    assert response.status_code == 405
    assert allow_set(response) == {"POST", "OPTIONS"}


@pytest.mark.spec("routing.variables.many-in-one-segment")
def test_many_variables_in_one_segment_keep_their_order(app: Any, client: Any) -> None:
    """Eleven variables in one path segment (``/<int:a>-<int:b>-...-<int:k>``) each get
    their own value, in order."""
    names = "abcdefghijk"
    app.add_url_rule(
        "/" + "-".join(f"<int:{name}>" for name in names),
        "many",
        lambda **values: " ".join(str(values[name]) for name in names),
    )
    assert client.get("/" + "-".join(str(n) for n in range(11))).text == " ".join(
        str(n) for n in range(11)
    )


@pytest.mark.spec("routing.alias.redirects-to-main-rule")
def test_alias_rule_redirects_to_the_endpoints_main_rule(app: Any, client: Any) -> None:
    """A rule added with ``alias=True`` redirects (308) to the same endpoint's main rule
    with the same values."""
    app.add_url_rule("/page/<int:n>", "page", lambda n: f"page {n}")
    app.add_url_rule("/old/<int:n>", "page", alias=True)
    response = client.get("/old/3")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/page/3")


@pytest.mark.spec("routing.alias.every-time")
def test_alias_rule_redirects_every_time(app: Any, client: Any) -> None:
    """An alias URL redirects on every request, not only the first."""
    app.add_url_rule("/page/<int:n>", "page", lambda n: f"page {n}")
    app.add_url_rule("/old/<int:n>", "page", alias=True)
    assert [client.get("/old/3").status_code for _ in range(3)] == [308, 308, 308]


@pytest.mark.spec("routing.static.similar-paths")
def test_similar_static_paths_stay_apart(app: Any, driver: Any) -> None:
    """URLs that differ only in leading characters (``/a``, ``/Xa``, ``/XXa``) reach their
    own rules, however often and in whatever order they are requested."""
    for path in ("/a", "/Xa", "/XXa"):
        app.add_url_rule(path, path, lambda path=path: path)
    client = driver.client(app)
    answers = [client.get(path).text for path in ("/a", "/Xa", "/XXa", "/Xa", "/a") * 2]
    assert answers == ["/a", "/Xa", "/XXa", "/Xa", "/a"] * 2


# --- websocket rules -------------------------------------------------------------------


@pytest.mark.spec("routing.websocket.http-request-is-400")
def test_http_request_to_a_websocket_rule_is_400(app: Any, client: Any) -> None:
    """A plain HTTP request whose URL only a ``websocket=True`` rule matches is a 400,
    not a 404."""
    app.add_url_rule("/socket", "socket", lambda: "socket", websocket=True)
    assert client.get("/socket").status_code == 400
    assert client.get("/elsewhere").status_code == NOT_FOUND


@pytest.mark.spec("routing.websocket.merged-path-is-400")
def test_http_request_to_a_websocket_rule_after_merging_is_400(app: Any, client: Any) -> None:
    """A plain HTTP request that only a ``websocket=True`` rule matches once its repeated
    slashes are merged (``/ws//feed``) is a 400."""
    app.add_url_rule("/ws/feed", "feed", lambda: "feed", websocket=True)
    assert client.get("/ws//feed").status_code == 400


@pytest.mark.spec("routing.websocket.http-request-is-400-unmerged")
def test_http_request_to_a_websocket_rule_without_merge_slashes(app: Any, client: Any) -> None:
    """With ``url_map.merge_slashes = False`` an HTTP request to a websocket-only rule is
    still a 400."""
    app.url_map.merge_slashes = False
    app.add_url_rule("/socket", "socket", lambda: "socket", websocket=True)
    assert client.get("/socket").status_code == 400


@pytest.mark.spec("routing.websocket.converter-rejection-is-400")
def test_converter_rejection_keeps_the_websocket_mismatch(app: Any, client: Any) -> None:
    """When the matching HTTP rule's converter rejects the value, a URL that a
    ``websocket=True`` rule also matches is a 400."""
    app.url_map.converters["even"] = EvenConverter
    app.add_url_rule("/w/<even:x>", "even", lambda x: f"even {x}")
    app.add_url_rule("/w/<int:x>", "socket", lambda x: "socket", websocket=True)
    assert client.get("/w/4").text == "even 4"
    assert client.get("/w/3").status_code == 400


# --- redirect_to ---------------------------------------------------------------------


@pytest.mark.spec("routing.redirect-to.string")
def test_redirect_to_string(app: Any, driver: Any) -> None:
    """``redirect_to="/new"`` answers 308 to ``/new`` without calling a view."""
    app.add_url_rule("/old", "old", redirect_to="/new")
    response = driver.client(app).get("/old")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/new"


@pytest.mark.spec("routing.redirect-to.string-variables")
def test_redirect_to_string_with_variables(app: Any, driver: Any) -> None:
    """``redirect_to`` placeholders ``<name>`` are filled with the matched values."""
    app.add_url_rule("/old/<int:n>/<slug>", "old", redirect_to="/new/<slug>/<n>")
    response = driver.client(app).get("/old/5/post")
    assert response.headers["Location"] == "http://localhost/new/post/5"


@pytest.mark.spec("routing.redirect-to.callable")
def test_redirect_to_callable(app: Any, driver: Any) -> None:
    """A callable ``redirect_to`` receives the URL adapter and values and returns the target."""

    def target(adapter: Any, n: int) -> str:
        return f"/doubled/{n * 2}"

    app.add_url_rule("/old/<int:n>", "old", redirect_to=target)
    response = driver.client(app).get("/old/4")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/doubled/8"


# --- merge_slashes -------------------------------------------------------------------


@pytest.mark.spec("routing.merge-slashes.redirect")
def test_doubled_slashes_redirect(app: Any, driver: Any) -> None:
    """Consecutive slashes in a request path answer 308 to the merged path."""
    client = routed(driver, app, "/a/<x>/b")
    response = client.get("/a//v//b")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/a/v/b"


@pytest.mark.spec("routing.merge-slashes.rule-disabled")
def test_merge_slashes_false_on_rule(app: Any, driver: Any) -> None:
    """A rule with ``merge_slashes=False`` matches its literal ``//`` and not the merged path."""
    client = routed(driver, app, "/a//b", merge_slashes=False)
    assert client.get("/a//b").status_code == 200
    assert client.get("/a/b").status_code == NOT_FOUND


@pytest.mark.spec("routing.merge-slashes.map-disabled")
def test_merge_slashes_false_on_map(app: Any, driver: Any) -> None:
    """With ``app.url_map.merge_slashes = False`` a doubled slash no longer matches: 404."""
    app.url_map.merge_slashes = False
    client = routed(driver, app, "/a/b")
    assert client.get("/a//b").status_code == NOT_FOUND


@pytest.mark.spec("routing.merge-slashes.path-kept")
def test_path_variable_keeps_doubled_slashes(app: Any, driver: Any) -> None:
    """A path variable receives doubled slashes as they are, without a redirect."""
    client = routed(driver, app, "/files/<path:p>")
    assert client.get("/files/a//b").text == "[('p', 'a//b')]"


# --- subdomains ----------------------------------------------------------------------


@pytest.fixture
def subdomain_app(make_app: Callable[..., Any]) -> Any:
    """An app with ``subdomain_matching`` on ``example.test``: root, ``api`` and ``<user>``."""
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "root")
    app.add_url_rule("/", "api", lambda: "api", subdomain="api")
    app.add_url_rule("/home", "user", lambda user: f"user {user}", subdomain="<user>")
    return app


@pytest.mark.spec("routing.subdomain.static")
def test_subdomain_rule(subdomain_app: Any, driver: Any) -> None:
    """A ``subdomain="api"`` rule answers on ``api.<SERVER_NAME>``; plain rules on the bare name."""
    client = driver.client(subdomain_app)
    assert client.get("http://api.example.test/").text == "api"
    assert client.get("http://example.test/").text == "root"


@pytest.mark.spec("routing.subdomain.variable")
def test_subdomain_variable(subdomain_app: Any, driver: Any) -> None:
    """A ``<user>`` subdomain is passed to the view as a keyword argument."""
    client = driver.client(subdomain_app)
    assert client.get("http://ada.example.test/home").text == "user ada"


@pytest.mark.spec("routing.subdomain.default-is-bare-name")
def test_rule_without_subdomain_not_on_subdomains(subdomain_app: Any, driver: Any) -> None:
    """With subdomain matching, a rule without ``subdomain`` does not answer on a subdomain."""
    client = driver.client(subdomain_app)
    assert client.get("http://ada.example.test/").status_code == NOT_FOUND


@pytest.mark.spec("routing.subdomain.other-host")
@pytest.mark.filterwarnings("ignore:Current server name")
def test_subdomain_matching_other_host_is_404(subdomain_app: Any, driver: Any) -> None:
    """With subdomain matching, a host outside ``SERVER_NAME`` matches no rule: 404."""
    client = driver.client(subdomain_app)
    assert client.get("http://elsewhere.test/").status_code == NOT_FOUND


@pytest.mark.spec("routing.subdomain.off-by-default")
def test_without_subdomain_matching_any_host_is_served(
    make_app: Callable[..., Any], driver: Any
) -> None:
    """Without ``subdomain_matching``, rules answer on any host despite ``SERVER_NAME`` (3.1)."""
    app = make_app()
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "root")
    client = driver.client(app)
    assert client.get("http://api.example.test/").text == "root"
    assert client.get("http://other.test/").text == "root"


@pytest.mark.spec("routing.subdomain.test-client-argument")
def test_subdomain_via_client_argument(subdomain_app: Any, driver: Any) -> None:
    """The test client's ``subdomain=`` argument requests ``<subdomain>.<SERVER_NAME>``."""
    assert driver.client(subdomain_app).get("/", subdomain="api").text == "api"


# --- hosts ---------------------------------------------------------------------------


@pytest.fixture
def host_app(make_app: Callable[..., Any]) -> Any:
    """An app with ``host_matching``: rules for ``a.test``, ``b.test`` and ``<name>.dyn.test``."""
    app = make_app(host_matching=True, static_host="static.test")
    app.add_url_rule("/", "a", lambda: "a", host="a.test")
    app.add_url_rule("/", "b", lambda: "b", host="b.test")
    app.add_url_rule("/h", "dyn", lambda name: f"dyn {name}", host="<name>.dyn.test")
    return app


@pytest.mark.spec("routing.host.static")
def test_host_rules(host_app: Any, driver: Any) -> None:
    """With ``host_matching``, the same path dispatches by the request's host."""
    client = driver.client(host_app)
    assert client.get("http://a.test/").text == "a"
    assert client.get("http://b.test/").text == "b"


@pytest.mark.spec("routing.host.unknown")
def test_host_matching_unknown_host_is_404(host_app: Any, driver: Any) -> None:
    """With ``host_matching``, a host no rule names is a 404."""
    assert driver.client(host_app).get("http://c.test/").status_code == NOT_FOUND


@pytest.mark.spec("routing.host.variable")
def test_host_variable(host_app: Any, driver: Any) -> None:
    """A variable in ``host=`` is passed to the view as a keyword argument."""
    assert driver.client(host_app).get("http://x.dyn.test/h").text == "dyn x"


@pytest.mark.spec("routing.host.static-host")
def test_static_route_uses_static_host(host_app: Any) -> None:
    """With ``host_matching``, the static route's host is ``static_host``."""
    static_rule = next(rule for rule in host_app.url_map.iter_rules() if rule.endpoint == "static")
    assert static_rule.host == "static.test"
    assert host_app.url_map.host_matching is True


@pytest.mark.spec("routing.host.static-host-required")
def test_host_matching_static_folder_needs_static_host(impl: Any) -> None:
    """``host_matching=True`` with a static folder but no ``static_host`` is an AssertionError."""
    with pytest.raises(AssertionError, match="static_host"):
        impl.Flask("conformance_app", host_matching=True)


@pytest.mark.spec("routing.host.static-host-required-message")
def test_host_matching_static_folder_message(impl: Any) -> None:
    """The ``AssertionError`` for ``host_matching`` without ``static_host`` is Flask's."""
    with pytest.raises(AssertionError) as info:
        impl.Flask("conformance_app", host_matching=True)
    assert str(info.value) == "Invalid static_host/host_matching combination"


@pytest.mark.spec("routing.host.static-host-without-host-matching")
def test_static_host_without_host_matching(impl: Any) -> None:
    """``static_host`` without ``host_matching`` is an ``AssertionError``."""
    with pytest.raises(AssertionError, match="static_host"):
        impl.Flask("conformance_app", static_host="static.test")


# --- binding each request to the URL map -----------------------------------------------


def raw_environ(path: str = "/", **entries: Any) -> dict[str, Any]:
    """A WSGI environ for a GET of ``path`` on ``localhost``, with ``entries`` set (an
    entry set to ``None`` is removed), as a server would pass it."""
    environ = create_environ(path)
    for name, value in entries.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return environ


def body_of(app: Any, environ: dict[str, Any]) -> bytes:
    """Run ``app`` on ``environ`` as a WSGI server would; return the status and body."""
    outcome = call_app(app, environ)
    return f"{outcome.status.split()[0]} ".encode() + outcome.body


WEBSOCKET_HANDSHAKE = {"Connection": "keep-alive, Upgrade", "Upgrade": "websocket"}


@pytest.mark.spec("routing.websocket.handshake-to-http-rule")
def test_websocket_handshake_to_an_http_rule_is_400(app: Any, driver: Any) -> None:
    """A WebSocket handshake (``Connection: Upgrade``, ``Upgrade: websocket``) to a rule that
    is not a WebSocket rule is a 400."""
    client = routed(driver, app, "/")
    assert client.get("/", headers=WEBSOCKET_HANDSHAKE).status_code == 400


@pytest.mark.spec("routing.websocket.other-upgrade")
def test_other_upgrade_is_an_ordinary_request(app: Any, driver: Any) -> None:
    """``Connection: Upgrade`` to another protocol (``h2c``) is routed as an ordinary request."""
    client = routed(driver, app, "/")
    response = client.get("/", headers={"Connection": "Upgrade", "Upgrade": "h2c"})
    assert response.status_code == 200


@pytest.mark.spec("routing.websocket.rule")
def test_websocket_rule_matches_handshakes_only(app: Any, driver: Any) -> None:
    """A ``websocket=True`` rule matches WebSocket handshakes over http and https (``ws``,
    ``wss``) and answers an ordinary request with 400."""
    client = routed(driver, app, "/socket", websocket=True)
    assert client.get("/socket", headers=WEBSOCKET_HANDSHAKE).status_code == 200
    secure = client.get("/socket", base_url="https://localhost/", headers=WEBSOCKET_HANDSHAKE)
    assert secure.status_code == 200
    assert client.get("/socket").status_code == 400


@pytest.mark.spec("routing.server-name.default-port")
@pytest.mark.filterwarnings("ignore:Current server name")
@pytest.mark.parametrize(
    ("server_name", "url", "headers", "status"),
    [
        ("example.test:80", "http://example.test/", {}, 200),
        ("example.test:443", "https://example.test/", {}, 200),
        ("example.test:80", "https://example.test/", {}, NOT_FOUND),
        # A WebSocket handshake (scheme ws) to the right host reaches the plain rule: 400.
        ("example.test:80", "http://example.test/", WEBSOCKET_HANDSHAKE, 400),
        ("example.test:443", "https://example.test/", WEBSOCKET_HANDSHAKE, 400),
    ],
    ids=["http-80", "https-443", "https-80", "ws-80", "wss-443"],
)
def test_server_name_default_port(
    make_app: Callable[..., Any],
    driver: Any,
    server_name: str,
    url: str,
    headers: dict[str, str],
    status: int,
) -> None:
    """With subdomain matching, a ``SERVER_NAME`` ending in the scheme's default port (80
    for http and ws, 443 for https and wss) matches the host without the port; another
    port does not."""
    app = make_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = server_name
    app.add_url_rule("/", "index", lambda: "root")
    assert driver.client(app).get(url, headers=headers).status_code == status


@pytest.mark.spec("routing.server-name.mismatch-warns")
def test_server_name_mismatch_warns(subdomain_app: Any, driver: Any) -> None:
    """With subdomain matching, a host outside ``SERVER_NAME`` warns naming both names."""
    with pytest.warns(UserWarning) as caught:
        driver.client(subdomain_app).get("http://elsewhere.test/")
    messages = [str(warning.message) for warning in caught]
    assert any("'elsewhere.test'" in m and "'example.test'" in m for m in messages), messages


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.subdomain.from-host-header")
def test_each_request_routed_by_its_own_host(subdomain_app: Any) -> None:
    """Requests that differ only in their ``Host`` header (the server's own name being the
    same) are each routed by their own host."""
    server = {"SERVER_NAME": "example.test", "SERVER_PORT": "80"}
    for host, body in [("api.example.test", b"200 api"), ("example.test", b"200 root")] * 2:
        assert body_of(subdomain_app, raw_environ(HTTP_HOST=host, **server)) == body


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.subdomain.server-name-without-host")
def test_request_without_host_routed_by_server_name(subdomain_app: Any) -> None:
    """A request without a ``Host`` header is routed by the server's ``SERVER_NAME``."""
    for server_name, body in [("api.example.test", b"200 api"), ("example.test", b"200 root")]:
        environ = raw_environ(HTTP_HOST=None, SERVER_NAME=server_name, SERVER_PORT="80")
        assert body_of(subdomain_app, environ) == body


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.path-info.empty")
def test_empty_path_info_redirects_to_the_slash(app: Any) -> None:
    """An empty ``PATH_INFO`` (the app's own URL without a slash) redirects to the root URL,
    also after the root URL was requested."""
    app.add_url_rule("/", "index", lambda: "root")
    mounted = {"SCRIPT_NAME": "/mounted"}
    assert body_of(app, raw_environ(**mounted)) == b"200 root"
    outcome = call_app(app, raw_environ(PATH_INFO="", **mounted))
    assert outcome.status.startswith("308")
    assert ("location", "http://localhost/mounted/") in outcome.headers


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.path-info.missing")
def test_missing_path_info_is_the_root(impl: Any, app: Any) -> None:
    """A WSGI environ without ``PATH_INFO`` is a request for the root URL, for the app's
    routing and for an adapter ``create_url_adapter`` makes (a method the root rule
    lacks gets its 405)."""
    app.add_url_rule(
        "/", "index", lambda: app.create_url_adapter(impl.request._get_current_object()).match()[0]
    )
    assert body_of(app, raw_environ(PATH_INFO=None)) == b"200 index"
    assert body_of(app, raw_environ(PATH_INFO=None, REQUEST_METHOD="POST")).startswith(b"405 ")


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.path-info.not-utf8")
def test_path_bytes_that_are_not_utf8_are_replaced(app: Any) -> None:
    """Path bytes that are not UTF-8 reach the view as replacement characters; UTF-8 ones
    as the characters they encode."""
    app.add_url_rule("/<part>", "part", lambda part: part)
    assert body_of(app, raw_environ(PATH_INFO="/\xff\xfe")) == "200 \ufffd\ufffd".encode()
    assert body_of(app, raw_environ(PATH_INFO="/caf\xc3\xa9")) == "200 café".encode()


@pytest.mark.spec("routing.map.rule-added-later")
def test_rule_added_to_the_map_later_takes_effect(app: Any, driver: Any) -> None:
    """A rule added to ``app.url_map`` after requests were served is matched from then on,
    even for a URL an earlier rule answered."""
    app.add_url_rule("/item/<name>", "any_item", lambda name: "any")
    client = driver.client(app)
    assert client.get("/item/a").text == "any"
    app.url_map.add(Rule("/item/a", endpoint="exact_item"))
    app.view_functions["exact_item"] = lambda: "exact"
    assert client.get("/item/a").text == "exact"


@pytest.mark.spec("routing.converter.custom.per-request")
def test_custom_converter_runs_for_every_request(app: Any, driver: Any) -> None:
    """A custom converter's ``to_python`` runs for every request: a view gets a fresh value
    each time, even for the same URL."""

    class ListConverter(BaseConverter):
        def to_python(self, value: str) -> list[str]:
            return [value]

    app.url_map.converters["listed"] = ListConverter

    def grow(items: list[str]) -> str:
        items.append("more")
        return str(len(items))

    app.add_url_rule("/list/<listed:items>", "grow", grow)
    client = driver.client(app)
    assert [client.get("/list/a").text for _ in range(3)] == ["2", "2", "2"]


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.url-map-class.override")
def test_url_map_class_binding_is_used(impl: Any, driver: Any) -> None:
    """An app whose ``url_map_class`` overrides ``bind_to_environ`` routes each request
    through it, subdomains included."""
    bound: list[str] = []

    class RecordingMap(Map):
        def bind_to_environ(self, environ: Any, *args: Any, **kwargs: Any) -> Any:
            bound.append(environ["PATH_INFO"])
            return super().bind_to_environ(environ, *args, **kwargs)

    class RecordingApp(impl.Flask):
        url_map_class = RecordingMap

    app = RecordingApp("recording_app", subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "root")
    app.add_url_rule("/", "api", lambda: "api", subdomain="api")
    client = driver.client(app)
    assert client.get("http://api.example.test/").text == "api"
    assert client.get("http://example.test/").text == "root"
    assert bound == ["/", "/"]


@pytest.mark.needs("wsgi")
@pytest.mark.spec("routing.url-map-class.any-host")
def test_url_map_class_without_subdomain_matching_any_host(impl: Any, driver: Any) -> None:
    """Through an app's own ``url_map_class`` too, rules answer on any host despite
    ``SERVER_NAME`` when subdomain matching is off."""

    class PassingMap(Map):
        def bind_to_environ(self, environ: Any, *args: Any, **kwargs: Any) -> Any:
            return super().bind_to_environ(environ, *args, **kwargs)

    class PassingApp(impl.Flask):
        url_map_class = PassingMap

    app = PassingApp("passing_app")
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "root")
    assert driver.client(app).get("http://other.test/").text == "root"


@pytest.mark.spec("routing.url-map-class.werkzeug-map")
def test_url_map_class_takes_werkzeug_map_arguments(impl: Any) -> None:
    """``Flask.url_map_class`` builds maps the way werkzeug's ``Map`` does: rules given to
    it are added, host matching is off by default, and ``sort_parameters``/``sort_key``
    order the query arguments of built URLs."""
    url_map = impl.Flask.url_map_class(
        [Rule("/a", endpoint="a")], sort_parameters=True, sort_key=lambda item: -len(item[0])
    )
    assert url_map.host_matching is False
    adapter = url_map.bind("example.test")
    assert adapter.match("/a") == ("a", {})
    assert adapter.build("a", {"b": 1, "ccc": 2, "dd": 3}) == "/a?ccc=2&dd=3&b=1"
