"""Spec area ``security``: request size limits (``MAX_CONTENT_LENGTH``,
``MAX_FORM_MEMORY_SIZE``, ``MAX_FORM_PARTS``), ``TRUSTED_HOSTS``, cookie security
attributes, template autoescaping, top-level JSON arrays, and how malformed requests
and header-injection attempts are answered.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* ``MAX_FORM_PARTS`` limits multipart bodies only; a URL-encoded form with more fields
  is parsed.
* Malformed input is answered without a server error: bad percent-escapes stay literal,
  invalid UTF-8 in the path becomes U+FFFD, a multipart body with a wrong or missing
  boundary parses as an empty form, invalid JSON is 400 and a non-JSON content type
  on ``request.json`` is 415.
* A newline in a header value (including a redirect's ``Location``) raises
  ``ValueError`` in the view, so nothing is injected; unhandled, that is a 500.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

EVIL_LOCATION = "/next\r\nSet-Cookie: evil=1"


@pytest.fixture
def form_client(impl: Any, app: Any, driver: Any) -> Any:
    """A client of ``app`` with ``POST /form`` (``repr`` of the form and file names) and
    ``POST /data`` (length of the raw body)."""

    @app.route("/form", methods=["POST"])
    def form() -> str:
        files = {
            name: storage.filename for name, storage in driver.resolve(impl.request.files).items()
        }
        return repr((dict(driver.resolve(impl.request.form)), files))

    @app.route("/data", methods=["POST"])
    def data() -> str:
        return str(len(driver.resolve(impl.request.get_data())))

    return driver.client(app)


# --- request size limits ---------------------------------------------------------------


@pytest.mark.spec("security.max-content-length.default")
def test_max_content_length_default(impl: Any, app: Any, driver: Any) -> None:
    """``MAX_CONTENT_LENGTH`` defaults to None and ``request.max_content_length`` follows it."""
    assert app.config["MAX_CONTENT_LENGTH"] is None
    with driver.request_context(app):
        assert impl.request.max_content_length is None
    app.config["MAX_CONTENT_LENGTH"] = 1234
    with driver.request_context(app):
        assert impl.request.max_content_length == 1234


@pytest.mark.spec("security.max-content-length.form")
def test_max_content_length_form(app: Any, form_client: Any) -> None:
    """A URL-encoded form larger than ``MAX_CONTENT_LENGTH`` gets 413."""
    app.config["MAX_CONTENT_LENGTH"] = 100
    assert form_client.post("/form", data={"a": "x" * 200}).status_code == 413


@pytest.mark.spec("security.max-content-length.data")
def test_max_content_length_raw_data(app: Any, form_client: Any) -> None:
    """A raw body larger than ``MAX_CONTENT_LENGTH`` gets 413; a smaller one is read."""
    app.config["MAX_CONTENT_LENGTH"] = 100
    assert form_client.post("/data", data=b"x" * 200).status_code == 413
    small = form_client.post("/data", data=b"x" * 100)
    assert small.status_code == 200
    assert small.data == b"100"


@pytest.mark.spec("security.max-content-length.multipart")
def test_max_content_length_multipart(app: Any, form_client: Any) -> None:
    """A multipart upload larger than ``MAX_CONTENT_LENGTH`` gets 413."""
    app.config["MAX_CONTENT_LENGTH"] = 100
    upload = {"file": (io.BytesIO(b"x" * 200), "big.bin")}
    assert form_client.post("/form", data=upload).status_code == 413


@pytest.mark.spec("security.max-content-length.per-request")
def test_max_content_length_set_per_request(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Setting ``request.max_content_length`` in a view limits that request only."""

    @app.route("/limited", methods=["POST"])
    def limited() -> str:
        impl.request.max_content_length = 5
        return str(len(driver.resolve(impl.request.get_data())))

    @app.route("/free", methods=["POST"])
    def free() -> str:
        return str(len(driver.resolve(impl.request.get_data())))

    assert client.post("/limited", data=b"x" * 50).status_code == 413
    assert client.post("/limited", data=b"xy").data == b"2"
    assert client.post("/free", data=b"x" * 50).data == b"50"


@pytest.mark.spec("security.max-form-memory-size.default")
def test_max_form_memory_size_default(impl: Any, app: Any, driver: Any) -> None:
    """``MAX_FORM_MEMORY_SIZE`` defaults to 500000 and sets ``request.max_form_memory_size``."""
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 500_000
    app.config["MAX_FORM_MEMORY_SIZE"] = 321
    with driver.request_context(app):
        assert impl.request.max_form_memory_size == 321


@pytest.mark.spec("security.max-form-memory-size.field")
def test_max_form_memory_size_field_too_large(app: Any, form_client: Any) -> None:
    """A multipart text field larger than ``MAX_FORM_MEMORY_SIZE`` gets 413."""
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    response = form_client.post(
        "/form", data={"note": "x" * 5000}, content_type="multipart/form-data"
    )
    assert response.status_code == 413


@pytest.mark.spec("security.max-form-memory-size.within")
def test_max_form_memory_size_within_limit(app: Any, form_client: Any) -> None:
    """Multipart fields within ``MAX_FORM_MEMORY_SIZE`` are parsed."""
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    response = form_client.post(
        "/form", data={"note": "x" * 100}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert response.data == repr(({"note": "x" * 100}, {})).encode()


@pytest.mark.spec("security.max-form-parts.default")
def test_max_form_parts_default(impl: Any, app: Any, driver: Any) -> None:
    """``MAX_FORM_PARTS`` defaults to 1000 and sets ``request.max_form_parts``."""
    assert app.config["MAX_FORM_PARTS"] == 1000
    app.config["MAX_FORM_PARTS"] = 7
    with driver.request_context(app):
        assert impl.request.max_form_parts == 7


@pytest.mark.spec("security.max-form-parts.multipart")
def test_max_form_parts_exceeded(app: Any, form_client: Any) -> None:
    """A multipart body with more parts than ``MAX_FORM_PARTS`` gets 413; fewer are parsed."""
    app.config["MAX_FORM_PARTS"] = 3
    many = {f"k{i}": "v" for i in range(10)}
    rejected = form_client.post("/form", data=many, content_type="multipart/form-data")
    assert rejected.status_code == 413
    few = {"a": "1", "b": "2"}
    ok = form_client.post("/form", data=few, content_type="multipart/form-data")
    assert ok.status_code == 200


@pytest.mark.spec("security.max-form-parts.urlencoded-unaffected")
def test_max_form_parts_ignores_urlencoded(app: Any, form_client: Any) -> None:
    """``MAX_FORM_PARTS`` does not apply to URL-encoded forms (Flask 3.1 with Werkzeug 3.1)."""
    app.config["MAX_FORM_PARTS"] = 3
    response = form_client.post("/form", data={f"k{i}": "v" for i in range(10)})
    assert response.status_code == 200


# --- trusted hosts ---------------------------------------------------------------------


@pytest.fixture
def host_client(impl: Any, app: Any, driver: Any) -> Any:
    """A client of ``app`` whose ``/`` answers ``request.host``."""
    app.add_url_rule("/", "host", lambda: impl.request.host)
    return driver.client(app)


@pytest.mark.spec("security.trusted-hosts.default")
def test_trusted_hosts_default_allows_any(app: Any, host_client: Any) -> None:
    """``TRUSTED_HOSTS`` defaults to None: any ``Host`` is accepted."""
    assert app.config["TRUSTED_HOSTS"] is None
    assert host_client.get("/", headers={"Host": "anything.test"}).data == b"anything.test"


@pytest.mark.spec("security.trusted-hosts.rejects")
def test_untrusted_host_gets_400(app: Any, host_client: Any) -> None:
    """A ``Host`` not in ``TRUSTED_HOSTS`` gets 400 Bad Request."""
    app.config["TRUSTED_HOSTS"] = ["example.com"]
    assert host_client.get("/", headers={"Host": "evil.test"}).status_code == 400
    assert host_client.get("/").status_code == 400  # the test client's default, localhost


@pytest.mark.spec("security.trusted-hosts.accepts")
def test_trusted_host_accepted_with_port(app: Any, host_client: Any) -> None:
    """A trusted host is accepted, with or without a port."""
    app.config["TRUSTED_HOSTS"] = ["example.com"]
    assert host_client.get("/", headers={"Host": "example.com"}).data == b"example.com"
    assert host_client.get("/", headers={"Host": "example.com:8080"}).data == b"example.com:8080"


@pytest.mark.spec("security.trusted-hosts.subdomains")
def test_trusted_host_leading_dot_matches_subdomains(app: Any, host_client: Any) -> None:
    """A leading dot trusts the domain and all its subdomains."""
    app.config["TRUSTED_HOSTS"] = [".example.org"]
    assert host_client.get("/", headers={"Host": "a.example.org"}).status_code == 200
    assert host_client.get("/", headers={"Host": "example.org"}).status_code == 200
    assert host_client.get("/", headers={"Host": "badexample.org"}).status_code == 400


# --- cookies ---------------------------------------------------------------------------


def session_cookie(driver: Any, app: Any, impl: Any) -> str:
    """Write to the session in one request and return its ``Set-Cookie`` header."""

    @app.route("/login")
    def login() -> str:
        impl.session["user"] = "ada"
        return "ok"

    headers: list[str] = driver.client(app).get("/login").headers.getlist("Set-Cookie")
    assert len(headers) == 1
    return headers[0]


@pytest.mark.spec("security.session-cookie.defaults")
def test_session_cookie_default_attributes(impl: Any, app: Any, driver: Any) -> None:
    """By default the session cookie is ``HttpOnly``, not ``Secure`` and has no ``SameSite``."""
    cookie = session_cookie(driver, app, impl)
    attributes = [part.strip() for part in cookie.split(";")[1:]]
    assert "HttpOnly" in attributes
    assert "Secure" not in attributes
    assert not any(part.startswith("SameSite") for part in attributes)
    assert "Partitioned" not in attributes


@pytest.mark.spec("security.session-cookie.from-config")
def test_session_cookie_attributes_from_config(impl: Any, app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_SECURE``, ``_HTTPONLY``, ``_SAMESITE``, ``_PARTITIONED`` set the cookie."""
    app.config.update(
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )
    attributes = [part.strip() for part in session_cookie(driver, app, impl).split(";")[1:]]
    assert "Secure" in attributes
    assert "HttpOnly" not in attributes
    assert "SameSite=Lax" in attributes
    assert "Partitioned" in attributes


@pytest.mark.spec("security.set-cookie.flags")
def test_set_cookie_security_flags(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``set_cookie(secure=, httponly=, samesite=)`` writes those attributes."""

    @app.route("/")
    def index() -> Any:
        response = driver.resolve(impl.make_response("ok"))
        response.set_cookie("token", "1", secure=True, httponly=True, samesite="Strict")
        return response

    header = client.get("/").headers["Set-Cookie"]
    assert header == "token=1; Secure; HttpOnly; Path=/; SameSite=Strict"


@pytest.mark.spec("security.set-cookie.partitioned")
def test_set_cookie_partitioned(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``set_cookie(partitioned=True)`` writes the ``Partitioned`` attribute."""

    @app.route("/")
    def index() -> Any:
        response = driver.resolve(impl.make_response("ok"))
        response.set_cookie("embed", "2", secure=True, samesite="None", partitioned=True)
        return response

    header = client.get("/").headers["Set-Cookie"]
    assert header == "embed=2; Secure; Path=/; SameSite=None; Partitioned"


@pytest.mark.spec("security.set-cookie.scope")
def test_set_cookie_max_age_domain_path(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """``max_age``, ``domain`` and ``path`` narrow the cookie's lifetime and scope."""

    @app.route("/")
    def index() -> Any:
        response = driver.resolve(impl.make_response("ok"))
        response.set_cookie("pref", "3", max_age=60, domain="example.com", path="/app")
        return response

    attributes = [part.strip() for part in client.get("/").headers["Set-Cookie"].split(";")]
    assert attributes[0] == "pref=3"
    assert "Domain=example.com" in attributes
    assert "Max-Age=60" in attributes
    assert "Path=/app" in attributes
    assert any(part.startswith("Expires=") for part in attributes)


# --- autoescaping --------------------------------------------------------------------


USER_INPUT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


@pytest.fixture
def template_app(make_app: Any, tmp_path: Path) -> Any:
    """An app with ``templates/page.html``, ``page.txt`` and ``attr.html`` echoing ``value``."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ value }}</p>", encoding="utf-8")
    (templates / "page.txt").write_text("{{ value }}", encoding="utf-8")
    (templates / "attr.html").write_text('<input value="{{ value }}">', encoding="utf-8")
    return make_app(root_path=str(tmp_path))


@pytest.mark.spec("security.autoescape.render-template-string")
def test_render_template_string_escapes_user_input(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """``render_template_string`` autoescapes values taken from the request."""

    @app.route("/")
    def index() -> str:
        return str(driver.render_string("{{ q }}", q=impl.request.args["q"]))

    assert client.get("/", query_string={"q": USER_INPUT}).get_data(as_text=True) == ESCAPED


@pytest.mark.spec("security.autoescape.html-file")
def test_html_template_escapes(impl: Any, template_app: Any, driver: Any) -> None:
    """A ``.html`` template autoescapes its variables."""
    with driver.request_context(template_app):
        assert driver.render("page.html", value=USER_INPUT) == f"<p>{ESCAPED}</p>"


@pytest.mark.spec("security.autoescape.attribute")
def test_html_template_escapes_quotes_in_attributes(
    impl: Any, template_app: Any, driver: Any
) -> None:
    """Double quotes are escaped, so a value cannot break out of a quoted attribute."""
    with driver.request_context(template_app):
        rendered = driver.render("attr.html", value='" onfocus="evil()')
    assert rendered == '<input value="&#34; onfocus=&#34;evil()">'


@pytest.mark.spec("security.autoescape.txt-file")
def test_txt_template_not_escaped(impl: Any, template_app: Any, driver: Any) -> None:
    """A ``.txt`` template is not autoescaped."""
    with driver.request_context(template_app):
        assert driver.render("page.txt", value=USER_INPUT) == USER_INPUT


@pytest.mark.spec("security.autoescape.markup-and-safe")
def test_markup_and_safe_bypass_escaping(impl: Any, app: Any, driver: Any) -> None:
    """Only values marked safe (``|safe`` or ``Markup``) are inserted unescaped."""
    with driver.request_context(app):
        assert driver.render_string("{{ v|safe }}", v="<b>") == "<b>"
        assert driver.render_string("{{ v }}", v=Markup("<i>")) == "<i>"
        assert driver.render_string("{{ v }}", v="<i>") == "&lt;i&gt;"


# --- JSON ----------------------------------------------------------------------------


@pytest.mark.spec("security.json.top-level-list")
def test_jsonify_top_level_list(impl: Any, app: Any, client: Any) -> None:
    """``jsonify`` of a top-level list gives a JSON array response."""

    @app.route("/")
    def index() -> Any:
        return impl.jsonify([1, {"two": 2}, "three"])

    response = client.get("/")
    assert response.mimetype == "application/json"
    assert response.json == [1, {"two": 2}, "three"]


# --- malformed requests ------------------------------------------------------------------


@pytest.mark.spec("security.malformed.query-percent")
def test_bad_percent_encoding_in_query(impl: Any, app: Any, client: Any) -> None:
    """Invalid percent-escapes in the query string are kept literally (200, not an error)."""
    app.add_url_rule("/", "args", lambda: repr(sorted(impl.request.args.items())))
    response = client.get("/?a=%zz&b=%&c=ok")
    assert response.status_code == 200
    assert response.data == b"[('a', '%zz'), ('b', '%'), ('c', 'ok')]"


@pytest.mark.spec("security.malformed.path-utf8")
def test_invalid_utf8_in_path(impl: Any, app: Any, client: Any) -> None:
    """Invalid UTF-8 in the path is decoded with replacement characters (200)."""
    app.add_url_rule("/<name>", "name", lambda name: name)
    response = client.get("/%ff%fe")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "\ufffd\ufffd"


@pytest.mark.spec("security.malformed.json")
def test_invalid_json_gets_400(impl: Any, app: Any, client: Any, driver: Any) -> None:
    """Invalid JSON read through ``request.json`` gets 400 Bad Request."""
    app.add_url_rule("/", "json", lambda: repr(driver.resolve(impl.request.json)), methods=["POST"])
    response = client.post("/", data=b"{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.spec("security.malformed.json-content-type")
def test_json_with_wrong_content_type_gets_415(
    impl: Any, app: Any, client: Any, driver: Any
) -> None:
    """``request.json`` on a body that is not declared JSON gets 415 Unsupported Media Type."""
    app.add_url_rule("/", "json", lambda: repr(driver.resolve(impl.request.json)), methods=["POST"])
    assert client.post("/", data=b"{}", content_type="text/plain").status_code == 415


@pytest.mark.spec("security.malformed.multipart-boundary")
def test_bad_multipart_boundary(form_client: Any) -> None:
    """A multipart body that does not match its boundary parses as an empty form (200)."""
    response = form_client.post(
        "/form", data=b"garbage", content_type="multipart/form-data; boundary=abc"
    )
    assert response.status_code == 200
    assert response.data == repr(({}, {})).encode()


@pytest.mark.spec("security.malformed.multipart-no-boundary")
def test_multipart_without_boundary(form_client: Any) -> None:
    """A multipart content type without a boundary parses as an empty form (200)."""
    response = form_client.post("/form", data=b"a=1", content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.data == repr(({}, {})).encode()


@pytest.mark.spec("security.header-injection.redirect")
def test_newline_in_redirect_location_raises(impl: Any, app: Any, driver: Any) -> None:
    """``redirect`` to a location containing CR/LF raises ValueError instead of injecting."""
    with driver.request_context(app), pytest.raises(ValueError, match="newline"):
        impl.redirect(EVIL_LOCATION)


@pytest.mark.spec("security.header-injection.not-sent")
def test_header_injection_never_reaches_client(impl: Any, app: Any, driver: Any) -> None:
    """A view that tries to inject a header fails with 500 and no injected header is sent."""

    @app.route("/redirect")
    def redirect_view() -> Any:
        return impl.redirect(EVIL_LOCATION)

    @app.route("/header")
    def header_view() -> Any:
        return "ok", {"X-Note": "a\r\nSet-Cookie: evil=1"}

    app.config["TESTING"] = False
    client = driver.client(app)
    for path in ["/redirect", "/header"]:
        response = client.get(path)
        assert response.status_code == 500
        assert "Set-Cookie" not in response.headers
        assert "Location" not in response.headers
