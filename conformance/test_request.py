"""Spec area ``request``: the request object and the data it exposes to views."""

from __future__ import annotations

import io
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.formparser import FormDataParser


def capture(app: Any, impl: Any, read: Any, rule: str = "/", methods: Any = None) -> list[Any]:
    """Register a view at ``rule`` that stores ``read(request)`` in the returned list."""
    seen: list[Any] = []

    def view(**kwargs: Any) -> str:
        seen.append(read(impl.request))
        return "captured"

    app.add_url_rule(rule, "capture", view, methods=methods or ["GET", "POST", "PUT"])
    return seen


# --- method, args, form, values ----------------------------------------------------------


@pytest.mark.spec("request.method.get")
def test_method_get(impl: Any, app: Any, client: Any) -> None:
    """``request.method`` is the upper-case HTTP method of a GET request."""
    seen = capture(app, impl, lambda request: request.method)
    client.get("/")
    assert seen == ["GET"]


@pytest.mark.spec("request.method.others")
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_method_other_verbs(impl: Any, app: Any, client: Any, method: str) -> None:
    """``request.method`` reports the method used for any allowed verb."""
    seen = capture(app, impl, lambda request: request.method, methods=[method])
    client.open("/", method=method)
    assert seen == [method]


@pytest.mark.spec("request.args.multi")
def test_args_keep_repeated_keys(impl: Any, app: Any, client: Any) -> None:
    """``request.args`` is a MultiDict of the query string: ``[]``/``get`` give the first value."""
    seen = capture(app, impl, lambda request: (request.args["a"], request.args.getlist("a")))
    client.get("/?a=1&a=2&b=3")
    assert seen == [("1", ["1", "2"])]


@pytest.mark.spec("request.args.decoded")
def test_args_are_percent_decoded(impl: Any, app: Any, client: Any) -> None:
    """Query string values are percent-decoded as UTF-8."""
    seen = capture(app, impl, lambda request: request.args.get("name"))
    client.get("/?name=J%C3%BCrgen+M")
    assert seen == ["Jürgen M"]


@pytest.mark.spec("request.args.immutable")
def test_args_are_immutable(impl: Any, app: Any, client: Any) -> None:
    """``request.args`` cannot be modified; assigning raises ``TypeError``."""

    def mutate(request: Any) -> str:
        with pytest.raises(TypeError, match="immutable"):
            request.args["new"] = "value"
        return "checked"

    seen = capture(app, impl, mutate)
    client.get("/?a=1")
    assert seen == ["checked"]


@pytest.mark.spec("request.args.missing-key")
def test_missing_arg_key_is_bad_request(impl: Any, app: Any, client: Any) -> None:
    """Indexing a missing key of ``request.args`` aborts with 400 Bad Request."""

    @app.route("/")
    def index() -> str:
        return str(impl.request.args["absent"])

    assert client.get("/").status_code == 400


@pytest.mark.spec("request.query-string")
def test_query_string_is_raw_bytes(impl: Any, app: Any, client: Any) -> None:
    """``request.query_string`` is the raw, undecoded query string as bytes."""
    seen = capture(app, impl, lambda request: request.query_string)
    client.get("/?x=%20y&z=1")
    assert seen == [b"x=%20y&z=1"]


@pytest.mark.spec("request.form.urlencoded")
def test_form_urlencoded(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """An urlencoded body is parsed into ``request.form`` as a MultiDict."""
    seen = capture(app, impl, lambda request: driver.resolve(request.form).to_dict(flat=False))
    client.post("/", data="a=1&a=2&b=x+y", content_type="application/x-www-form-urlencoded")
    assert seen == [{"a": ["1", "2"], "b": ["x y"]}]


@pytest.mark.spec("request.form.multipart")
def test_form_multipart(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Non-file fields of a multipart body are parsed into ``request.form``."""
    seen = capture(app, impl, lambda request: driver.resolve(request.form).to_dict())
    client.post("/", data={"name": "value", "other": "2"}, content_type="multipart/form-data")
    assert seen == [{"name": "value", "other": "2"}]


@pytest.mark.spec("request.form.empty-without-body")
def test_form_empty_without_body(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Without a form body ``request.form`` is empty."""
    seen = capture(app, impl, lambda request: len(driver.resolve(request.form)))
    client.get("/?a=1")
    assert seen == [0]


@pytest.mark.spec("request.form.malformed-multipart")
def test_malformed_multipart_gives_empty_form(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """A multipart body that cannot be parsed yields an empty form rather than an error."""
    seen = capture(
        app,
        impl,
        lambda request: (len(driver.resolve(request.form)), len(driver.resolve(request.files))),
    )
    response = client.post(
        "/", data=b"not multipart", content_type="multipart/form-data; boundary=xyz"
    )
    assert response.status_code == 200
    assert seen == [(0, 0)]


@pytest.mark.spec("request.values.post")
def test_values_combine_args_and_form(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """For POST, ``request.values`` combines ``args`` then ``form``."""
    seen = capture(app, impl, lambda request: driver.resolve(request.values).to_dict(flat=False))
    client.post("/?a=query", data={"a": "form", "b": "2"})
    assert seen == [{"a": ["query", "form"], "b": ["2"]}]


@pytest.mark.spec("request.values.get-excludes-form")
def test_values_exclude_form_for_get(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """For GET, ``request.values`` holds only ``args`` even if a form body was sent (Flask 3)."""
    seen = capture(
        app,
        impl,
        lambda request: (
            driver.resolve(request.values).to_dict(flat=False),
            driver.resolve(request.form).to_dict(),
        ),
    )
    client.get("/?a=query", data={"a": "form", "b": "2"})
    assert seen == [({"a": ["query"]}, {"a": "form", "b": "2"})]


# --- files -------------------------------------------------------------------------------


@pytest.mark.spec("request.files.file-storage")
def test_files_are_file_storage(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Uploaded files appear in ``request.files`` as ``FileStorage`` with name and content type."""

    def read(request: Any) -> tuple[Any, ...]:
        upload = driver.resolve(request.files)["upload"]
        return (
            isinstance(upload, FileStorage),
            upload.name,
            upload.filename,
            upload.mimetype,
            upload.read(),
        )

    seen = capture(app, impl, read)
    client.post("/", data={"upload": (io.BytesIO(b"file body"), "notes.txt", "text/plain")})
    assert seen == [(True, "upload", "notes.txt", "text/plain", b"file body")]


@pytest.mark.spec("request.files.guessed-mimetype")
def test_file_mimetype_guessed_from_name(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """The test client guesses a file's content type from its filename when none is given."""
    seen = capture(app, impl, lambda request: driver.resolve(request.files)["upload"].mimetype)
    client.post("/", data={"upload": (io.BytesIO(b"{}"), "data.json")})
    assert seen == ["application/json"]


@pytest.mark.spec("request.files.multiple")
def test_files_multiple_under_one_key(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Several files under one field name are all available through ``getlist``."""
    seen = capture(
        app,
        impl,
        lambda request: [f.filename for f in driver.resolve(request.files).getlist("uploads")],
    )
    client.post(
        "/",
        data={"uploads": [(io.BytesIO(b"1"), "one.txt"), (io.BytesIO(b"2"), "two.txt")]},
    )
    assert seen == [["one.txt", "two.txt"]]


@pytest.mark.spec("request.files.separate-from-form")
def test_files_and_form_are_separate(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """File parts go to ``request.files`` only; text parts go to ``request.form`` only."""
    seen = capture(
        app,
        impl,
        lambda request: (
            sorted(driver.resolve(request.form)),
            sorted(driver.resolve(request.files)),
        ),
    )
    client.post("/", data={"field": "text", "upload": (io.BytesIO(b"x"), "x.bin")})
    assert seen == [(["field"], ["upload"])]


@pytest.mark.spec("request.files.empty-for-urlencoded")
def test_files_empty_for_urlencoded(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """An urlencoded body never produces files."""
    seen = capture(app, impl, lambda request: len(driver.resolve(request.files)))
    client.post("/", data={"field": "text"})
    assert seen == [0]


@pytest.mark.spec("request.files.debug-enctype-hint")
def test_missing_file_in_debug_mode_explains_the_enctype(impl: Any, app: Any, driver: Any) -> None:
    """In debug mode a missing ``request.files`` key on a non-multipart body raises a KeyError
    whose message points at the form's ``enctype``; outside debug mode it does not."""
    for debug, hinted in ((True, True), (False, False)):
        app.debug = debug
        with driver.request_context(app, method="POST", data={"upload": "name.txt"}):
            with pytest.raises(KeyError) as caught:
                driver.resolve(impl.request.files)["upload"]
            assert ("enctype" in str(caught.value)) is hinted


@pytest.mark.needs("wsgi")
@pytest.mark.spec("request.files.debug-no-hint-when-files-possible")
@pytest.mark.parametrize("body", ["multipart", "multipart-fields-only", "custom-parser-files"])
def test_missing_file_in_debug_mode_without_hint(
    impl: Any, app: Any, driver: Any, body: str
) -> None:
    """In debug mode a ``request.files`` key that came as a form field is a plain 400
    ``KeyError``, without the enctype hint, when the body could carry files: a multipart
    body, or any body the request's form parser found files in."""

    class FilesParser(FormDataParser):
        def parse(self, stream: Any, mimetype: str, *args: Any, **kwargs: Any) -> Any:
            if mimetype == "application/x-spec-files":
                upload = FileStorage(io.BytesIO(b"x"), "a.txt", "upload")
                return stream, MultiDict({"note": "text"}), MultiDict({"upload": upload})
            return super().parse(stream, mimetype, *args, **kwargs)

    class FilesRequest(impl.Request):
        form_data_parser_class = FilesParser

    app.request_class = FilesRequest
    app.debug = True
    bodies: dict[str, dict[str, Any]] = {
        "multipart": {"data": {"upload": (io.BytesIO(b"x"), "a.txt"), "note": "text"}},
        "multipart-fields-only": {"data": {"note": "text"}, "content_type": "multipart/form-data"},
        "custom-parser-files": {"data": b"files", "content_type": "application/x-spec-files"},
    }
    with driver.request_context(app, method="POST", **bodies[body]):
        files = driver.resolve(impl.request.files)
        assert [name for name in files] == ([] if body == "multipart-fields-only" else ["upload"])
        assert driver.resolve(impl.request.form)["note"] == "text"
        with pytest.raises(BadRequest) as caught:
            files["note"]
        assert isinstance(caught.value, KeyError)
        assert "enctype" not in str(caught.value)


@pytest.mark.spec("request.files.closed-after-request")
def test_files_are_closed_when_the_request_ends(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """Uploaded files the request parsed are closed when its context is popped."""
    seen = capture(app, impl, lambda request: driver.resolve(request.files)["upload"])
    client.post("/", data={"upload": (io.BytesIO(b"x"), "x.bin")})
    assert [upload.closed for upload in seen] == [True]


# --- cookies, headers, body --------------------------------------------------------------


@pytest.mark.spec("request.cookies")
def test_cookies(impl: Any, app: Any, driver: Any) -> None:
    """``request.cookies`` maps the names of cookies sent by the client to their values."""
    seen = capture(app, impl, lambda request: dict(request.cookies))
    # A cookie-less client sends the Cookie header exactly as given.
    driver.client(app, use_cookies=False).get("/", headers={"Cookie": "flavour=oat; size=large"})
    assert seen == [{"flavour": "oat", "size": "large"}]


@pytest.mark.spec("request.headers.case-insensitive")
def test_headers_case_insensitive(impl: Any, app: Any, client: Any) -> None:
    """``request.headers`` looks up header names case-insensitively."""
    seen = capture(
        app,
        impl,
        lambda request: (request.headers["x-custom"], request.headers.get("X-CUSTOM")),
    )
    client.get("/", headers={"X-Custom": "value"})
    assert seen == [("value", "value")]


@pytest.mark.spec("request.headers.content")
def test_content_headers(impl: Any, app: Any, client: Any) -> None:
    """Content type and length are exposed as headers and as ``mimetype``/``content_length``."""
    seen = capture(
        app,
        impl,
        lambda request: (
            request.headers["Content-Type"],
            request.content_type,
            request.mimetype,
            request.content_length,
        ),
    )
    client.post("/", data=b"12345", content_type="text/plain; charset=utf-8")
    assert seen == [("text/plain; charset=utf-8", "text/plain; charset=utf-8", "text/plain", 5)]


@pytest.mark.spec("request.data.raw")
def test_data_is_raw_body(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``request.data`` is the raw body bytes for a non-form content type."""
    seen = capture(app, impl, lambda request: driver.resolve(request.data))
    client.post("/", data=b"\x00raw body", content_type="application/octet-stream")
    assert seen == [b"\x00raw body"]


@pytest.mark.spec("request.data.form-consumed")
def test_data_empty_for_parsed_form(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """For form content types the body is parsed into ``form`` and ``data`` is empty."""
    seen = capture(
        app, impl, lambda request: (driver.resolve(request.data), driver.resolve(request.form)["a"])
    )
    client.post("/", data={"a": "1"})
    assert seen == [(b"", "1")]


@pytest.mark.spec("request.get-data.text")
def test_get_data_as_text(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_data(as_text=True)`` decodes the body as UTF-8 text."""
    seen = capture(app, impl, lambda request: driver.resolve(request.get_data(as_text=True)))
    client.post("/", data="héllo".encode(), content_type="text/plain")
    assert seen == ["héllo"]


@pytest.mark.spec("request.get-data.cached")
def test_get_data_can_be_read_twice(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_data()`` caches the body, so reading it again returns the same bytes."""
    seen = capture(
        app,
        impl,
        lambda request: (driver.resolve(request.get_data()), driver.resolve(request.get_data())),
    )
    client.post("/", data=b"twice", content_type="text/plain")
    assert seen == [(b"twice", b"twice")]


@pytest.mark.needs("sync-request-body")
@pytest.mark.spec("request.stream")
def test_stream_reads_body(impl: Any, app: Any, client: Any) -> None:
    """``request.stream`` reads the unparsed body."""
    seen = capture(app, impl, lambda request: request.stream.read())
    client.post("/", data=b"streamed", content_type="application/octet-stream")
    assert seen == [b"streamed"]


# --- JSON --------------------------------------------------------------------------------


@pytest.mark.spec("request.json.parsed")
def test_json_parsed(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``request.json`` is the parsed body of an ``application/json`` request."""
    seen = capture(app, impl, lambda request: (request.is_json, driver.resolve(request.json)))
    client.post("/", json={"a": [1, 2], "b": None})
    assert seen == [(True, {"a": [1, 2], "b": None})]


@pytest.mark.spec("request.json.plus-json")
def test_json_plus_json_content_type(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A ``+json`` structured content type such as ``application/vnd.api+json`` counts as JSON."""
    seen = capture(app, impl, lambda request: (request.is_json, driver.resolve(request.get_json())))
    client.post("/", data='{"k": 1}', content_type="application/vnd.api+json")
    assert seen == [(True, {"k": 1})]


@pytest.mark.spec("request.json.malformed-400")
def test_malformed_json_is_400(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Accessing ``request.json`` on malformed JSON aborts with 400 Bad Request."""

    @app.route("/", methods=["POST"])
    def index() -> str:
        return repr(driver.resolve(impl.request.json))

    response = client.post("/", data="{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.spec("request.json.empty-body-400")
def test_empty_json_body_is_400(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """An empty body with a JSON content type is malformed JSON: 400 Bad Request."""

    @app.route("/", methods=["POST"])
    def index() -> str:
        return repr(driver.resolve(impl.request.get_json()))

    assert client.post("/", data="", content_type="application/json").status_code == 400


@pytest.mark.spec("request.json.wrong-content-type-415")
def test_json_with_wrong_content_type_is_415(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``request.json`` without a JSON content type aborts with 415 Unsupported Media Type."""

    @app.route("/", methods=["POST"])
    def index() -> str:
        return repr(driver.resolve(impl.request.json))

    response = client.post("/", data='{"a": 1}', content_type="text/plain")
    assert response.status_code == 415
    assert b"application/json" in response.data


@pytest.mark.spec("request.json.get-without-body-415")
def test_json_on_plain_get_is_415(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Reading ``request.json`` for a GET with no content type is also 415."""

    @app.route("/")
    def index() -> str:
        return repr(driver.resolve(impl.request.json))

    assert client.get("/").status_code == 415


@pytest.mark.spec("request.json.exception-types")
def test_json_error_exception_types(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json`` raises werkzeug's ``BadRequest`` (malformed) or ``UnsupportedMediaType``."""
    errors: list[type] = []

    @app.route("/", methods=["POST"])
    def index() -> str:
        try:
            driver.resolve(impl.request.get_json())
        except (BadRequest, UnsupportedMediaType) as error:
            errors.append(type(error))
        return "handled"

    client.post("/", data="{bad", content_type="application/json")
    client.post("/", data="{}", content_type="text/plain")
    assert errors == [BadRequest, UnsupportedMediaType]


@pytest.mark.spec("request.json.silent-malformed")
def test_get_json_silent_on_malformed(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json(silent=True)`` returns ``None`` for malformed JSON."""
    seen = capture(app, impl, lambda request: driver.resolve(request.get_json(silent=True)))
    response = client.post("/", data="{bad", content_type="application/json")
    assert response.status_code == 200
    assert seen == [None]


@pytest.mark.spec("request.json.silent-wrong-type")
def test_get_json_silent_on_wrong_content_type(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """``get_json(silent=True)`` returns ``None`` when the content type is not JSON."""
    seen = capture(app, impl, lambda request: driver.resolve(request.get_json(silent=True)))
    response = client.post("/", data='{"a": 1}', content_type="text/plain")
    assert response.status_code == 200
    assert seen == [None]


@pytest.mark.spec("request.json.force")
def test_get_json_force_ignores_content_type(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json(force=True)`` parses the body whatever the content type."""
    seen = capture(
        app, impl, lambda request: (request.is_json, driver.resolve(request.get_json(force=True)))
    )
    client.post("/", data='{"a": 1}', content_type="text/plain")
    assert seen == [(False, {"a": 1})]


@pytest.mark.spec("request.json.cache")
def test_get_json_caches_result(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Repeated ``get_json()`` calls return the same cached object."""
    seen = capture(
        app,
        impl,
        lambda request: driver.resolve(request.get_json()) is driver.resolve(request.get_json()),
    )
    client.post("/", json={"a": 1})
    assert seen == [True]


@pytest.mark.spec("request.json.no-cache")
def test_get_json_cache_false_parses_again(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``get_json(cache=False)`` parses afresh instead of returning the cached object."""

    def read(request: Any) -> tuple[Any, Any]:
        cached = driver.resolve(request.get_json())
        cached["mutated"] = True
        return cached, driver.resolve(request.get_json(cache=False))

    seen = capture(app, impl, read)
    client.post("/", json={"a": 1})
    assert seen == [({"a": 1, "mutated": True}, {"a": 1})]


@pytest.mark.spec("request.json.loading-failed-hook")
def test_on_json_loading_failed_override(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A request subclass's ``on_json_loading_failed`` gets the decode error; its return is used."""
    errors: list[Any] = []

    class LenientRequest(impl.Request):
        def on_json_loading_failed(self, e: ValueError | None) -> Any:
            errors.append(e)
            return {"fallback": True}

    app.request_class = LenientRequest
    seen = capture(app, impl, lambda request: driver.resolve(request.get_json()))
    client.post("/", data="{bad", content_type="application/json")
    assert seen == [{"fallback": True}]
    assert len(errors) == 1
    assert isinstance(errors[0], ValueError)


@pytest.mark.spec("request.json.loading-failed-wrong-type")
def test_on_json_loading_failed_gets_none_for_wrong_type(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """For a non-JSON content type, ``on_json_loading_failed`` is called with ``None``."""
    errors: list[Any] = []

    class LenientRequest(impl.Request):
        def on_json_loading_failed(self, e: ValueError | None) -> Any:
            errors.append(e)
            return "fallback"

    app.request_class = LenientRequest
    seen = capture(app, impl, lambda request: driver.resolve(request.get_json()))
    client.post("/", data="{}", content_type="text/plain")
    assert seen == ["fallback"]
    assert errors == [None]


@pytest.mark.spec("request.json.loading-failed-default")
def test_on_json_loading_failed_default_raises(app: Any, impl: Any, driver: Any) -> None:
    """By default ``on_json_loading_failed`` raises 400 for an error and 415 for ``None``."""
    with driver.request_context(app):
        with pytest.raises(BadRequest) as bad:
            impl.request.on_json_loading_failed(ValueError("boom"))
        # UnsupportedMediaType is the 415 itself; its text is werkzeug's, so the type is the rule.
        with pytest.raises(UnsupportedMediaType):
            impl.request.on_json_loading_failed(None)
    assert bad.value.code == 400


@pytest.mark.spec("request.json.debug-description")
def test_malformed_json_description_in_debug(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """In debug mode the 400 for malformed JSON describes the decode error."""
    app.debug = True
    descriptions: list[str] = []

    @app.route("/", methods=["POST"])
    def index() -> str:
        try:
            driver.resolve(impl.request.get_json())
        except BadRequest as error:
            descriptions.append(str(error.description))
        return "handled"

    client.post("/", data="{bad", content_type="application/json")
    assert len(descriptions) == 1
    assert descriptions[0].startswith("Failed to decode JSON object:")


# --- environ and URLs --------------------------------------------------------------------


@pytest.mark.needs("wsgi")
@pytest.mark.spec("request.environ")
def test_environ_is_wsgi_environ(impl: Any, app: Any, client: Any) -> None:
    """``request.environ`` is the WSGI environment, including extra keys the client sets."""
    seen = capture(
        app,
        impl,
        lambda request: (
            request.environ["REQUEST_METHOD"],
            request.environ["PATH_INFO"],
            request.environ["spec.extra"],
        ),
    )
    client.get("/", environ_base={"spec.extra": "here"})
    assert seen == [("GET", "/", "here")]


@pytest.mark.spec("request.url.parts")
def test_url_parts(impl: Any, app: Any, client: Any) -> None:
    """``url``, ``base_url``, ``path`` and ``full_path`` describe the requested URL."""
    seen = capture(
        app,
        impl,
        lambda request: (request.url, request.base_url, request.path, request.full_path),
        rule="/items/<name>",
    )
    client.get("/items/bob?x=1&y=2")
    assert seen == [
        (
            "http://localhost/items/bob?x=1&y=2",
            "http://localhost/items/bob",
            "/items/bob",
            "/items/bob?x=1&y=2",
        )
    ]


@pytest.mark.spec("request.url.full-path-without-query")
def test_full_path_without_query_ends_with_question_mark(impl: Any, app: Any, client: Any) -> None:
    """Without a query string, ``full_path`` still ends with ``?`` (werkzeug behaviour)."""
    seen = capture(app, impl, lambda request: request.full_path, rule="/page")
    client.get("/page")
    assert seen == ["/page?"]


@pytest.mark.spec("request.url.unicode-path")
def test_unicode_path_is_decoded(impl: Any, app: Any, client: Any) -> None:
    """Percent-encoded UTF-8 in the path is decoded in ``path`` and in URL values."""
    seen = capture(
        app,
        impl,
        lambda request: (request.path, request.view_args),
        rule="/word/<word>",
    )
    client.get("/word/caf%C3%A9")
    assert seen == [("/word/café", {"word": "café"})]


@pytest.mark.spec("request.url.root")
def test_root_urls_default(impl: Any, app: Any, client: Any) -> None:
    """At the server root, ``script_root`` is empty and ``url_root``/``host_url`` end with /."""
    seen = capture(
        app,
        impl,
        lambda request: (request.script_root, request.url_root, request.host, request.host_url),
    )
    client.get("/")
    assert seen == [("", "http://localhost/", "localhost", "http://localhost/")]


@pytest.mark.spec("request.url.mounted")
def test_urls_under_script_root(impl: Any, app: Any, client: Any) -> None:
    """Mounted under a prefix on another host, the URL attributes reflect script root and host."""
    seen = capture(
        app,
        impl,
        lambda request: (
            request.script_root,
            request.url_root,
            request.url,
            request.path,
            request.host,
            request.host_url,
        ),
        rule="/page",
    )
    client.get("/page?q=1", base_url="https://example.org:8443/mount")
    assert seen == [
        (
            "/mount",
            "https://example.org:8443/mount/",
            "https://example.org:8443/mount/page?q=1",
            "/page",
            "example.org:8443",
            "https://example.org:8443/",
        )
    ]


@pytest.mark.spec("request.url.scheme")
def test_scheme_and_is_secure(impl: Any, app: Any, client: Any) -> None:
    """``scheme`` and ``is_secure`` reflect whether the request used HTTPS."""
    seen = capture(app, impl, lambda request: (request.scheme, request.is_secure))
    client.get("/")
    client.get("/", base_url="https://localhost")
    assert seen == [("http", False), ("https", True)]


@pytest.mark.needs("wsgi")
@pytest.mark.spec("request.remote-addr")
def test_remote_addr(impl: Any, app: Any, client: Any) -> None:
    """``remote_addr`` is the client address: 127.0.0.1 in the test client unless overridden."""
    seen = capture(app, impl, lambda request: request.remote_addr)
    client.get("/")
    client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert seen == ["127.0.0.1", "10.1.2.3"]


# --- routing information -----------------------------------------------------------------


@pytest.mark.spec("request.routing.endpoint-and-view-args")
def test_endpoint_and_view_args(impl: Any, app: Any, client: Any) -> None:
    """``request.endpoint`` names the matched endpoint and ``view_args`` holds URL values."""

    @app.route("/user/<int:user_id>")
    def profile(user_id: int) -> str:
        return f"{impl.request.endpoint}:{impl.request.view_args!r}"

    assert client.get("/user/7").data == b"profile:{'user_id': 7}"


@pytest.mark.spec("request.routing.url-rule")
def test_url_rule_is_matched_rule(impl: Any, app: Any, client: Any) -> None:
    """``request.url_rule`` is the matched werkzeug ``Rule`` with its rule string and methods."""
    seen = capture(
        app,
        impl,
        lambda request: (
            request.url_rule.rule,
            request.url_rule.endpoint,
            request.url_rule.methods,
        ),
        rule="/things/<name>",
        methods=["POST"],
    )
    client.post("/things/a")
    assert seen == [("/things/<name>", "capture", {"POST", "OPTIONS"})]


@pytest.mark.spec("request.routing.unmatched")
def test_routing_attributes_none_when_unmatched(impl: Any, app: Any, client: Any) -> None:
    """When no rule matched (404), ``endpoint``, ``url_rule`` and ``view_args`` are ``None``."""
    seen: list[Any] = []

    @app.errorhandler(404)
    def not_found(error: Any) -> tuple[str, int]:
        request = impl.request
        seen.append((request.endpoint, request.url_rule, request.view_args))
        return "missing", 404

    assert client.get("/nowhere").status_code == 404
    assert seen == [(None, None, None)]


@pytest.mark.spec("request.routing.no-blueprint")
def test_blueprint_none_without_blueprints(impl: Any, app: Any, client: Any) -> None:
    """For an app route, ``request.blueprint`` is ``None`` and ``request.blueprints`` is empty."""
    seen = capture(app, impl, lambda request: (request.blueprint, request.blueprints))
    client.get("/")
    assert seen == [(None, [])]


@pytest.mark.spec("request.routing.nested-blueprints")
def test_blueprint_names_for_nested_blueprints(impl: Any, app: Any, client: Any) -> None:
    """In a nested blueprint, ``blueprint`` is the dotted name and ``blueprints`` walks upward."""
    parent = impl.Blueprint("parent", "conformance_app", url_prefix="/p")
    child = impl.Blueprint("child", "conformance_app", url_prefix="/c")

    @child.route("/x")
    def inner() -> dict[str, Any]:
        request = impl.request
        return {"bp": request.blueprint, "bps": request.blueprints, "ep": request.endpoint}

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/x").json == {
        "bp": "parent.child",
        "bps": ["parent.child", "parent"],
        "ep": "parent.child.inner",
    }


# --- size limits -------------------------------------------------------------------------


@pytest.mark.spec("request.limits.defaults")
def test_limit_defaults(impl: Any, app: Any, client: Any) -> None:
    """Default limits: no max content length, 500 000 bytes form memory, 1000 form parts."""
    seen = capture(
        app,
        impl,
        lambda request: (
            request.max_content_length,
            request.max_form_memory_size,
            request.max_form_parts,
        ),
    )
    client.get("/")
    assert seen == [(None, 500_000, 1000)]


@pytest.mark.needs("wsgi")
@pytest.mark.spec("request.limits.outside-app-context")
def test_limits_outside_an_app_context(impl: Any) -> None:
    """Outside an application context a request's limits are werkzeug's defaults."""
    request = impl.Request.from_values("/")
    assert (request.max_content_length, request.max_form_memory_size, request.max_form_parts) == (
        None,
        500_000,
        1000,
    )
    request.max_form_parts = 5
    assert request.max_form_parts == 5


@pytest.mark.spec("request.limits.from-config")
def test_limits_read_from_config(impl: Any, app: Any, client: Any) -> None:
    """Request limits come from MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS."""
    app.config.update(MAX_CONTENT_LENGTH=1234, MAX_FORM_MEMORY_SIZE=567, MAX_FORM_PARTS=8)
    seen = capture(
        app,
        impl,
        lambda request: (
            request.max_content_length,
            request.max_form_memory_size,
            request.max_form_parts,
        ),
    )
    client.get("/")
    assert seen == [(1234, 567, 8)]


@pytest.mark.spec("request.limits.content-length-data")
def test_max_content_length_rejects_large_body(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """A body longer than ``MAX_CONTENT_LENGTH`` read through ``get_data`` gives 413."""
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/", methods=["POST"])
    def index() -> str:
        return str(len(driver.resolve(impl.request.get_data())))

    assert client.post("/", data=b"x" * 11).status_code == 413
    accepted = client.post("/", data=b"x" * 10)
    assert accepted.status_code == 200
    assert accepted.data == b"10"


@pytest.mark.spec("request.limits.content-length-form")
def test_max_content_length_rejects_large_form(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """A form body longer than ``MAX_CONTENT_LENGTH`` gives 413 when the form is read."""
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/", methods=["POST"])
    def index() -> str:
        return str(driver.resolve(impl.request.form).get("a"))

    assert client.post("/", data={"a": "x" * 20}).status_code == 413


@pytest.mark.needs("sync-request-body")
@pytest.mark.spec("request.limits.content-length-stream")
def test_max_content_length_limits_stream(impl: Any, app: Any, client: Any) -> None:
    """Reading ``request.stream`` past ``MAX_CONTENT_LENGTH`` gives 413."""
    app.config["MAX_CONTENT_LENGTH"] = 5

    @app.route("/", methods=["POST"])
    def index() -> str:
        return str(len(impl.request.stream.read()))

    assert client.post("/", data=b"x" * 10).status_code == 413


@pytest.mark.spec("request.limits.form-memory-multipart")
def test_max_form_memory_size_rejects_large_field(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """A multipart text field larger than ``MAX_FORM_MEMORY_SIZE`` gives 413."""
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000

    @app.route("/", methods=["POST"])
    def index() -> str:
        return str(driver.resolve(impl.request.form).get("a"))

    too_big = client.post("/", data={"a": "x" * 2000}, content_type="multipart/form-data")
    fits = client.post("/", data={"a": "x" * 100}, content_type="multipart/form-data")
    assert too_big.status_code == 413
    assert fits.status_code == 200


@pytest.mark.spec("request.limits.form-memory-not-urlencoded")
def test_max_form_memory_size_ignores_urlencoded(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """``MAX_FORM_MEMORY_SIZE`` does not apply to urlencoded bodies (werkzeug 3.1 behaviour)."""
    app.config["MAX_FORM_MEMORY_SIZE"] = 10
    seen = capture(app, impl, lambda request: len(driver.resolve(request.form)["a"]))
    response = client.post("/", data={"a": "x" * 50})
    assert response.status_code == 200
    assert seen == [50]


@pytest.mark.spec("request.limits.form-parts")
def test_max_form_parts_rejects_many_parts(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """A multipart body with more parts than ``MAX_FORM_PARTS`` gives 413."""
    app.config["MAX_FORM_PARTS"] = 3

    @app.route("/", methods=["POST"])
    def index() -> str:
        return str(len(driver.resolve(impl.request.form)))

    many = {f"k{i}": "v" for i in range(5)}
    few = {f"k{i}": "v" for i in range(2)}
    assert client.post("/", data=many, content_type="multipart/form-data").status_code == 413
    accepted = client.post("/", data=few, content_type="multipart/form-data")
    assert accepted.status_code == 200
    assert accepted.data == b"2"


# --- request class and trusted hosts -----------------------------------------------------


@pytest.mark.spec("request.request-class")
def test_request_class_subclass_is_used(impl: Any, app: Any, client: Any) -> None:
    """Setting ``app.request_class`` makes ``request`` an instance of that subclass."""

    class AppRequest(impl.Request):
        @property
        def shout(self) -> str:
            return str(self.args.get("word", "")).upper()

    app.request_class = AppRequest
    seen = capture(
        app,
        impl,
        lambda request: (type(request._get_current_object()) is AppRequest, request.shout),
    )
    client.get("/?word=hey")
    assert seen == [(True, "HEY")]


@pytest.mark.spec("request.trusted-hosts.default-port")
@pytest.mark.parametrize("base_url", ["http://good.example:80", "https://good.example:443"])
def test_trusted_host_drops_the_default_port(
    impl: Any, app: Any, client: Any, base_url: str
) -> None:
    """With ``TRUSTED_HOSTS`` set, a trusted ``Host`` naming the scheme's default port is
    ``request.host`` without the port."""
    app.config["TRUSTED_HOSTS"] = ["good.example"]
    seen = capture(app, impl, lambda request: request.host)
    assert client.get("/", base_url=base_url).status_code == 200
    assert seen == ["good.example"]


@pytest.mark.spec("request.trusted-hosts.rejected")
def test_untrusted_host_is_400(impl: Any, app: Any, client: Any) -> None:
    """With ``TRUSTED_HOSTS`` set, a request for another host gets 400 even if unused."""
    app.config["TRUSTED_HOSTS"] = ["good.example"]

    @app.route("/")
    def index() -> str:
        return "reached"

    response = client.get("/", base_url="http://evil.example")
    assert response.status_code == 400
    assert b"reached" not in response.data


@pytest.mark.spec("request.trusted-hosts.accepted")
def test_trusted_host_is_accepted(impl: Any, app: Any, client: Any) -> None:
    """A host in ``TRUSTED_HOSTS`` (any port) is accepted and copied to ``trusted_hosts``."""
    app.config["TRUSTED_HOSTS"] = ["good.example"]
    seen = capture(app, impl, lambda request: (request.host, request.trusted_hosts))
    assert client.get("/", base_url="http://good.example").status_code == 200
    assert client.get("/", base_url="http://good.example:8080").status_code == 200
    assert seen == [
        ("good.example", ["good.example"]),
        ("good.example:8080", ["good.example"]),
    ]


@pytest.mark.spec("request.trusted-hosts.subdomains")
def test_trusted_host_dot_prefix_matches_subdomains(impl: Any, app: Any, client: Any) -> None:
    """A ``TRUSTED_HOSTS`` entry starting with a dot trusts the domain and its subdomains."""
    app.config["TRUSTED_HOSTS"] = [".example.org"]

    @app.route("/")
    def index() -> str:
        return "ok"

    assert client.get("/", base_url="http://a.example.org").status_code == 200
    assert client.get("/", base_url="http://example.org").status_code == 200
    assert client.get("/", base_url="http://example.com").status_code == 400


@pytest.mark.spec("request.trusted-hosts.default")
def test_trusted_hosts_default_none(impl: Any, app: Any, client: Any) -> None:
    """Without ``TRUSTED_HOSTS`` any host is accepted and ``request.trusted_hosts`` is ``None``."""
    seen = capture(app, impl, lambda request: (request.host, request.trusted_hosts))
    client.get("/", base_url="http://anything.example")
    assert seen == [("anything.example", None)]
