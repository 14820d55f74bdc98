"""Unit tests for ``framework.json``: the providers, the module helpers and the tagged
serializer used by the session cookie."""

from __future__ import annotations

import dataclasses
import decimal
import gc
import io
import json
import typing as t
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from werkzeug.wrappers import Response

import framework.json as fjson
from framework.globals import _cv_app
from framework.json.provider import DefaultJSONProvider, JSONProvider, _reusing_c_encoder
from framework.json.tag import JSONTag, TaggedJSONSerializer


class _StandInApp:
    """The parts of an app a JSON provider uses."""

    response_class = Response

    def __init__(self, debug: bool = False, provider_class: type[JSONProvider] | None = None):
        self.debug = debug
        self.json = (provider_class or DefaultJSONProvider)(self)  # type: ignore[arg-type]


def stand_in_app(debug: bool = False, provider_class: type[JSONProvider] | None = None) -> t.Any:
    """Return a stand-in app, typed ``Any`` as it only duck-types as ``Flask``."""
    return _StandInApp(debug, provider_class)


@contextmanager
def app_context(app: t.Any) -> Iterator[None]:
    """Make ``app`` the current app, as an application context would."""
    token = _cv_app.set(SimpleNamespace(app=app))  # type: ignore[arg-type]
    try:
        yield
    finally:
        _cv_app.reset(token)


@dataclasses.dataclass
class Point:
    x: int
    y: list[int]


class HTMLThing:
    def __html__(self) -> str:
        return "<em>thing</em>"


# --- DefaultJSONProvider.default -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2020, 1, 2), "Thu, 02 Jan 2020 00:00:00 GMT"),
        (datetime(2020, 1, 2, 3, 4, 5), "Thu, 02 Jan 2020 03:04:05 GMT"),
        (
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "Thu, 02 Jan 2020 01:04:05 GMT",
        ),
        (decimal.Decimal("1.50"), "1.50"),
        (uuid.UUID(int=5), "00000000-0000-0000-0000-000000000005"),
        (Point(1, [2]), {"x": 1, "y": [2]}),
        (HTMLThing(), "<em>thing</em>"),
    ],
)
def test_default_converts_extra_types(value: t.Any, expected: t.Any) -> None:
    assert DefaultJSONProvider.default(value) == expected


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", Point])
def test_default_rejects_other_types(value: t.Any) -> None:
    with pytest.raises(TypeError):
        DefaultJSONProvider.default(value)


def test_default_error_names_the_type() -> None:
    with pytest.raises(TypeError, match=r"^Object of type set is not JSON serializable$"):
        DefaultJSONProvider.default({1})


# --- DefaultJSONProvider.dumps / loads ---------------------------------------------


def test_dumps_sorts_keys_and_escapes_non_ascii() -> None:
    provider = stand_in_app().json
    assert provider.dumps({"b": 1, "a": "é"}) == '{"a": "\\u00e9", "b": 1}'


def test_dumps_keyword_arguments_override_attributes() -> None:
    provider = stand_in_app().json
    assert provider.dumps({"b": 1, "a": "é"}, sort_keys=False, ensure_ascii=False) == (
        '{"b": 1, "a": "é"}'
    )


def test_attributes_changed_on_the_instance_apply() -> None:
    provider = stand_in_app().json
    provider.sort_keys = False
    provider.ensure_ascii = False
    assert provider.dumps({"b": "é", "a": 1}) == '{"b": "é", "a": 1}'


def test_dumps_uses_default_for_extra_types() -> None:
    provider = stand_in_app().json
    assert provider.dumps([uuid.UUID(int=1), decimal.Decimal("2")]) == (
        '["00000000-0000-0000-0000-000000000001", "2"]'
    )


def test_a_custom_default_on_the_instance_is_used() -> None:
    provider = stand_in_app().json
    provider.default = lambda o: sorted(o)
    assert provider.dumps({3, 1, 2}) == "[1, 2, 3]"


@pytest.mark.parametrize("text", ['{"a": [1, 2]}', b'{"a": [1, 2]}', bytearray(b'{"a": [1, 2]}')])
def test_loads_accepts_str_and_bytes(text: t.Any) -> None:
    assert stand_in_app().json.loads(text) == {"a": [1, 2]}


def test_loads_passes_keyword_arguments() -> None:
    assert stand_in_app().json.loads("1.5", parse_float=decimal.Decimal) == decimal.Decimal("1.5")


def test_loads_rejects_malformed_json() -> None:
    with pytest.raises(ValueError):
        stand_in_app().json.loads("{nope")


def test_dump_and_load_use_files() -> None:
    provider = stand_in_app().json
    out = io.StringIO()
    provider.dump({"b": [1], "a": None}, out)
    assert out.getvalue() == '{"a": null, "b": [1]}'
    assert provider.load(io.StringIO(out.getvalue())) == {"a": None, "b": [1]}
    assert provider.load(io.BytesIO(b"[true]")) == [True]


# --- DefaultJSONProvider.response ------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "body"),
    [
        ((), {}, b"null\n"),
        ((1,), {}, b"1\n"),
        (([1, 2],), {}, b"[1,2]\n"),
        ((1, "x"), {}, b'[1,"x"]\n'),
        ((), {"b": 1, "a": [2]}, b'{"a":[2],"b":1}\n'),
        (({"z": {"y": 1}, "a": None},), {}, b'{"a":null,"z":{"y":1}}\n'),
        (("é",), {}, b'"\\u00e9"\n'),
    ],
)
def test_response_body_forms(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any], body: bytes
) -> None:
    app = stand_in_app()
    response = app.json.response(*args, **kwargs)
    assert response.get_data() == body
    assert response.mimetype == "application/json"
    assert response.status_code == 200


def test_response_rejects_args_and_kwargs_together() -> None:
    app = stand_in_app()
    with pytest.raises(TypeError, match="either args or kwargs, not both"):
        app.json.response(1, a=2)


def test_response_is_pretty_in_debug_mode() -> None:
    app = stand_in_app(debug=True)
    response = app.json.response({"b": [1, 2], "a": {}})
    assert response.get_data() == b'{\n  "a": {},\n  "b": [\n    1,\n    2\n  ]\n}\n'


@pytest.mark.parametrize(
    ("compact", "debug", "body"),
    [
        (True, True, b'{"a":[1]}\n'),
        (True, False, b'{"a":[1]}\n'),
        (False, False, b'{\n  "a": [\n    1\n  ]\n}\n'),
        (False, True, b'{\n  "a": [\n    1\n  ]\n}\n'),
        (None, False, b'{"a":[1]}\n'),
    ],
)
def test_compact_overrides_debug(compact: bool | None, debug: bool, body: bytes) -> None:
    app = stand_in_app(debug=debug)
    app.json.compact = compact
    assert app.json.response({"a": [1]}).get_data() == body


def test_debug_is_read_at_call_time() -> None:
    app = stand_in_app()
    assert app.json.response([1]).get_data() == b"[1]\n"
    app.debug = True
    assert app.json.response([1]).get_data() == b"[\n  1\n]\n"


def test_attribute_changes_apply_to_later_responses() -> None:
    app = stand_in_app()
    provider = app.json
    assert provider.response({"b": "é", "a": 1}).get_data() == b'{"a":1,"b":"\\u00e9"}\n'
    provider.sort_keys = False
    assert provider.response({"b": "é", "a": 1}).get_data() == b'{"b":"\\u00e9","a":1}\n'
    provider.ensure_ascii = False
    assert provider.response({"b": "é"}).get_data() == '{"b":"é"}\n'.encode()
    provider.default = lambda o: sorted(o)
    assert provider.response({2, 1}).get_data() == b"[1,2]\n"


def test_class_attribute_changes_apply_to_existing_providers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = stand_in_app()
    assert app.json.response({"b": 1, "a": 2}).get_data() == b'{"a":2,"b":1}\n'
    monkeypatch.setattr(DefaultJSONProvider, "sort_keys", False)
    assert app.json.response({"b": 1, "a": 2}).get_data() == b'{"b":1,"a":2}\n'


def test_response_uses_the_mimetype_attribute_and_app_response_class() -> None:
    class MyResponse(Response):
        pass

    app = stand_in_app()
    app.response_class = MyResponse
    app.json.mimetype = "application/vnd.api+json"
    response = app.json.response([])
    assert type(response) is MyResponse
    assert response.headers["Content-Type"] == "application/vnd.api+json"


def test_response_goes_through_an_overridden_dumps() -> None:
    class Upper(DefaultJSONProvider):
        def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
            return super().dumps(obj, **kwargs).upper()

    app = stand_in_app(provider_class=Upper)
    assert app.json.response({"a": "b"}).get_data() == b'{"A":"B"}\n'


def test_provider_does_not_keep_the_app_alive() -> None:
    app = stand_in_app()
    provider = app.json
    ref = weakref.ref(app)
    del app
    gc.collect()
    assert ref() is None
    with pytest.raises(ReferenceError):
        provider.response(1)


# --- JSONProvider base -------------------------------------------------------------


def test_base_provider_requires_dumps_and_loads() -> None:
    provider = JSONProvider(stand_in_app())
    with pytest.raises(NotImplementedError):
        provider.dumps(1)
    with pytest.raises(NotImplementedError):
        provider.loads("1")


class StdlibProvider(JSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return json.loads(s, **kwargs)


def test_base_provider_builds_dump_load_and_response_on_dumps_loads() -> None:
    app = stand_in_app(debug=True)
    provider = StdlibProvider(app)
    out = io.StringIO()
    provider.dump({"b": 1, "a": 2}, out)
    assert out.getvalue() == '{"b": 1, "a": 2}'
    assert provider.load(io.StringIO("[1]")) == [1]
    response = provider.response(b=1, a=2)
    # The base response neither pretty-prints nor appends a newline.
    assert response.get_data() == b'{"b": 1, "a": 2}'
    assert response.mimetype == "application/json"
    with pytest.raises(TypeError):
        provider.response(1, a=2)


# --- module-level helpers ------------------------------------------------------------


def test_module_dumps_outside_an_app_uses_stdlib_with_extra_types() -> None:
    assert fjson.dumps({"b": date(2020, 1, 1), "a": "é"}) == (
        '{"b": "Wed, 01 Jan 2020 00:00:00 GMT", "a": "\\u00e9"}'
    )
    out = io.StringIO()
    fjson.dump({"u": uuid.UUID(int=0)}, out)
    assert out.getvalue() == '{"u": "00000000-0000-0000-0000-000000000000"}'
    assert fjson.loads(b'{"a": 1}') == {"a": 1}
    assert fjson.load(io.StringIO("[2]")) == [2]


def test_module_helpers_inside_an_app_use_its_provider() -> None:
    app = stand_in_app()
    app.json.ensure_ascii = False
    with app_context(app):
        assert fjson.dumps({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}'
        out = io.StringIO()
        fjson.dump({"b": 1, "a": 2}, out)
        assert out.getvalue() == '{"a": 2, "b": 1}'
        response = fjson.jsonify(1, 2)
        assert response.get_data() == b"[1,2]\n"


def test_module_loads_inside_an_app_use_its_provider() -> None:
    class Tagging(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            return ("loaded", super().loads(s, **kwargs))

    app = stand_in_app(provider_class=Tagging)
    with app_context(app):
        assert fjson.loads("1") == ("loaded", 1)
        assert fjson.load(io.StringIO("2")) == ("loaded", 2)


def test_jsonify_outside_an_app_context_raises() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        fjson.jsonify(1)


# --- tagged serializer -----------------------------------------------------------------

serializer = TaggedJSONSerializer()


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ((1, 2), '{" t":[1,2]}'),
        (b"\x00\xff", '{" b":"AP8="}'),
        (Markup("<b>"), '{" m":"<b>"}'),
        (uuid.UUID(int=7), '{" u":"00000000000000000000000000000007"}'),
        (
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            '{" d":"Thu, 02 Jan 2020 03:04:05 GMT"}',
        ),
        ({" t": 1}, '{" di":{" t__":1}}'),
        ({"a": {" di": 1}}, '{"a":{" di":{" di__":1}}}'),
        ({" t": 1, "x": 2}, '{" t":1,"x":2}'),
        ({" z": 1}, '{" z":1}'),
        ([1, (2,)], '[1,{" t":[2]}]'),
        ({"a": (1, b"x")}, '{"a":{" t":[1,{" b":"eA=="}]}}'),
        ({"b": 1, "a": "é"}, '{"b":1,"a":"\\u00e9"}'),
        ("plain", '"plain"'),
        (None, "null"),
    ],
)
def test_tagged_wire_format_and_round_trip(value: t.Any, wire: str) -> None:
    assert serializer.dumps(value) == wire
    loaded = serializer.loads(wire)
    assert loaded == value
    assert type(loaded) is type(value)


def test_naive_datetime_reads_back_as_utc() -> None:
    loaded = serializer.loads(serializer.dumps(datetime(2020, 1, 2, 3, 4, 5)))
    assert loaded == datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_html_objects_read_back_as_markup() -> None:
    loaded = serializer.loads(serializer.dumps(HTMLThing()))
    assert loaded == Markup("<em>thing</em>")
    assert isinstance(loaded, Markup)


def test_dates_serialise_as_http_date_strings() -> None:
    assert serializer.loads(serializer.dumps(date(2020, 1, 1))) == "Wed, 01 Jan 2020 00:00:00 GMT"


def test_dumps_inside_an_app_uses_its_provider() -> None:
    app = stand_in_app()
    with app_context(app):
        assert serializer.dumps({"b": 1, "a": 2}) == '{"a":2,"b":1}'


def test_unknown_tag_keys_are_left_alone() -> None:
    assert serializer.loads('{" q":[1,2]}') == {" q": [1, 2]}
    assert serializer.loads('{" t":[1],"a":1}') == {" t": [1], "a": 1}


def test_registering_a_duplicate_key_fails_unless_forced() -> None:
    class OtherTuple(JSONTag):
        key = " t"

        def check(self, value: t.Any) -> bool:
            return False

    local = TaggedJSONSerializer()
    with pytest.raises(KeyError, match=r"Tag ' t' is already registered\."):
        local.register(OtherTuple)
    local.register(OtherTuple, force=True)
    assert isinstance(local.tags[" t"], OtherTuple)


def test_custom_tag_registered_first_takes_precedence() -> None:
    class TagSet(JSONTag):
        key = " s"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, (set, frozenset))

        def to_json(self, value: t.Any) -> t.Any:
            return sorted(self.serializer.tag(item) for item in value)

        def to_python(self, value: t.Any) -> t.Any:
            return set(value)

    local = TaggedJSONSerializer()
    local.register(TagSet, index=0)
    assert local.order[0].key == " s"
    assert local.dumps({"s": {3, 1}}) == '{"s":{" s":[1,3]}}'
    assert local.loads('{"s":{" s":[1,3]}}') == {"s": {1, 3}}
    # A one-key dict keyed by the new tag is now escaped too.
    assert local.dumps({" s": 0}) == '{" di":{" s__":0}}'


def test_default_registry_is_per_instance() -> None:
    first, second = TaggedJSONSerializer(), TaggedJSONSerializer()
    assert first.tags.keys() == {" di", " t", " b", " m", " u", " d"}
    assert [tag.key for tag in first.order] == [" di", "", " t", "", " b", " m", " u", " d"]
    assert first.tags[" t"] is not second.tags[" t"]


def test_base_tag_methods_are_abstract() -> None:
    tag = JSONTag(serializer)
    for method in (tag.check, tag.to_json, tag.to_python):
        with pytest.raises(NotImplementedError):
            method(1)


# Values the format round-trips exactly: JSON scalars plus the tagged types, nested.
_keys = st.sampled_from([" t", " b", " di", " m", " u", " d", "a", "b", "_permanent", " t__", "é"])
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.binary(max_size=8)
    | st.text(max_size=8).map(Markup)
    | st.uuids()
    | st.datetimes(
        min_value=datetime(1970, 1, 1),
        max_value=datetime(9999, 1, 1),
        timezones=st.just(timezone.utc),
    ).map(lambda d: d.replace(microsecond=0, fold=0))
)
_values = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=4).map(tuple)
        | st.dictionaries(_keys | st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)


@given(_values)
def test_round_trip_property(value: t.Any) -> None:
    loaded = serializer.loads(serializer.dumps(value))
    assert loaded == value
    assert repr(loaded) == repr(value)


def test_dumps_replaced_on_the_provider_instance_is_used() -> None:
    """Replacing ``dumps`` on an app's provider instance changes JSON responses too."""
    from framework import Flask, jsonify

    app = Flask("patched_dumps")
    app.json.dumps = lambda obj, **kwargs: "PATCHED"  # type: ignore[method-assign]
    with app.test_request_context():
        assert jsonify({"a": 1}).data == b"PATCHED\n"


@pytest.mark.parametrize("payload", ['{" di": 5}', '{" di": "x"}', '{" di": []}'])
def test_malformed_dict_tag_raises_type_error(payload: str) -> None:
    """A ``" di"`` tag that does not hold a non-empty object is a TypeError, as in Flask."""
    from framework.json.tag import TaggedJSONSerializer

    with pytest.raises(TypeError):
        TaggedJSONSerializer().loads(payload)


# --- the reused C encoder behind compact responses ----------------------------------

json_documents = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.dates(),  # only ``default`` can write these
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=15,
)


def _compact_encoder(**options: t.Any) -> json.JSONEncoder:
    return json.JSONEncoder(default=DefaultJSONProvider.default, separators=(",", ":"), **options)


@given(json_documents, st.booleans(), st.booleans())
def test_reused_c_encoder_writes_what_encode_writes(
    document: t.Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    encoder = _compact_encoder(ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    encode = _reusing_c_encoder(encoder)
    assert encode is not encoder.encode  # the C encoder is available on CPython
    assert encode(document) == encoder.encode(document)
    assert encode(document) == encoder.encode(document)  # and again, reused


def test_reused_c_encoder_detects_cycles_and_recovers() -> None:
    encode = _reusing_c_encoder(_compact_encoder(sort_keys=True))
    cyclic: list[t.Any] = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match="Circular reference detected"):
        encode(cyclic)
    shared = [1]
    assert encode({"a": shared, "b": shared}) == '{"a":[1],"b":[1]}'


def test_reused_c_encoder_can_be_reentered_from_default() -> None:
    calls: list[t.Any] = []

    def default(o: t.Any) -> t.Any:
        calls.append(o)
        return {"inner": encode({"n": len(calls)})}

    encode = _reusing_c_encoder(json.JSONEncoder(default=default, separators=(",", ":")))
    assert encode([object(), object()]) == '[{"inner":"{\\"n\\":1}"},{"inner":"{\\"n\\":2}"}]'


def test_reused_c_encoder_is_safe_across_threads() -> None:
    import sys
    import threading

    encoder = _compact_encoder(sort_keys=True)
    encode = _reusing_c_encoder(encoder)
    # Dates go through the Python ``default``, where threads can switch mid-encoding.
    shared = {"nested": [{"k": [date(2000, 1, 1 + i % 28)]} for i in range(50)]}
    expected = encoder.encode(shared)
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(100):
                results.append(encode(shared))
        except BaseException as e:
            errors.append(e)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert results == [expected] * 400


def test_pretty_and_unprobed_encoders_are_left_to_encode() -> None:
    pretty = json.JSONEncoder(indent=2)
    assert _reusing_c_encoder(pretty) == pretty.encode

    class Quirky(json.JSONEncoder):
        item_separator = ";"  # the C encoder would not agree with encode() here

        def encode(self, o: t.Any) -> str:
            return "quirky"

    quirky = Quirky()
    assert _reusing_c_encoder(quirky) == quirky.encode


# --- shortcuts: tagging with the default handlers, compact dumps ------------------------

tag_keys = st.sampled_from(["a", " t", " di", " b", " u", " m", " d", "x y"])
taggable = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.binary(max_size=5)
    | st.uuids()
    # HTTP dates (the tag's format) read years below 100 as two-digit years.
    | st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.just(timezone.utc)).map(
        lambda d: d.replace(microsecond=0)
    )
    | st.text(max_size=5).map(Markup),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(tag_keys, inner, max_size=3)
    ),
    max_leaves=10,
)


@given(taggable)
def test_tagging_with_default_handlers_equals_the_general_walk(value: t.Any) -> None:
    serializer = TaggedJSONSerializer()
    assert serializer._tag_with_default_handlers(value) == serializer.tag(value)
    assert serializer.loads(serializer.dumps(value)) == value


def test_a_registered_handler_is_offered_plain_values_too() -> None:
    class TagSmallInts(JSONTag):
        key = " si"

        def check(self, value: t.Any) -> bool:
            return type(value) is int and value < 10

        def to_json(self, value: t.Any) -> t.Any:
            return str(value)

        def to_python(self, value: t.Any) -> t.Any:
            return int(value)

    serializer = TaggedJSONSerializer()
    serializer.register(TagSmallInts, index=0)
    assert serializer.dumps({"n": [3, 30]}) == '{"n":[{" si":"3"},30]}'


@given(json_documents, st.booleans(), st.booleans())
def test_compact_dumps_equals_json_dumps(
    document: t.Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    from framework import Flask

    provider = DefaultJSONProvider(Flask(__name__))
    provider.ensure_ascii = ensure_ascii
    provider.sort_keys = sort_keys
    expected = json.dumps(
        document,
        default=provider.default,
        ensure_ascii=ensure_ascii,
        sort_keys=sort_keys,
        separators=(",", ":"),
    )
    assert provider.dumps(document, separators=(",", ":")) == expected
