"""Spec area ``static``: the static route and endpoint, the ``static_folder``,
``static_url_path`` and ``static_host`` options, ``send_static_file``, ``send_file``
(paths, file objects, attachments, conditional requests, ranges, caching, X-Sendfile)
and ``send_from_directory``.

Where the feature description is silent, the tests pin what Flask 3.1 does:

* ``SEND_FILE_MAX_AGE_DEFAULT`` defaults to ``None``: files are sent with
  ``Cache-Control: no-cache`` and no ``Expires``.
* ``send_file`` of a file object without ``mimetype`` or ``download_name`` raises
  ``TypeError`` because it cannot guess the type.
* ``get_send_file_max_age`` receives the name under the static folder for static files
  and the absolute path for ``send_file``.
* ``static_host`` without ``host_matching`` is rejected with an ``AssertionError``.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError

DIGITS = b"0123456789"
HELLO = b"hello static\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An application root folder with ``static/``, ``assets/``, ``files/`` and a secret.

    ``static/a.txt`` (``HELLO``), ``static/sub/b.css``, ``assets/c.js``,
    ``files/d.txt`` (``DIGITS``), ``bpstatic/e.txt`` and ``secret.txt`` beside them.
    """
    (tmp_path / "static" / "sub").mkdir(parents=True)
    (tmp_path / "static" / "a.txt").write_bytes(HELLO)
    (tmp_path / "static" / "sub" / "b.css").write_bytes(b"body { color: red }")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "c.js").write_bytes(b"var c = 1;")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "d.txt").write_bytes(DIGITS)
    (tmp_path / "bpstatic").mkdir()
    (tmp_path / "bpstatic" / "e.txt").write_bytes(b"blueprint file")
    (tmp_path / "secret.txt").write_bytes(b"secret")
    return tmp_path


@pytest.fixture
def rooted_app(make_app: Any, root: Path) -> Any:
    """An app whose root path is the ``root`` folder (default static settings)."""
    return make_app(root_path=str(root))


def fetch(client: Any, path: str, method: str = "GET", **kwargs: Any) -> Any:
    """Send a request, read the whole body, close the response and return it."""
    response = client.open(path, method=method, **kwargs)
    response.get_data()
    response.close()
    return response


def digits_path(app: Any) -> str:
    """The absolute path of ``files/d.txt`` under the app's root (tests of other things
    than relative paths do not depend on how ``send_file`` resolves one)."""
    return os.path.join(app.root_path, "files", "d.txt")


def serve_file(app: Any, make_response: Any, rule: str = "/file") -> None:
    """Register ``make_response`` (a no-argument callable) as the view at ``rule``."""
    app.add_url_rule(rule, "file", make_response)


def read_body(response: Any) -> bytes:
    """Return the body of a (possibly direct-passthrough) response and close it."""
    try:
        return b"".join(response.response)
    finally:
        response.close()


# --- the static route --------------------------------------------------------------


@pytest.mark.spec("static.route.serves-file")
def test_static_route_serves_file(rooted_app: Any, driver: Any) -> None:
    """A file in the ``static`` folder is served at ``/static/<filename>`` with its type."""
    response = fetch(driver.client(rooted_app), "/static/a.txt")
    assert response.status_code == 200
    assert response.data == HELLO
    assert response.mimetype == "text/plain"


@pytest.mark.spec("static.route.nested-path")
def test_static_route_serves_nested_path(rooted_app: Any, driver: Any) -> None:
    """The static route's filename is a path, so files in subfolders are served."""
    response = fetch(driver.client(rooted_app), "/static/sub/b.css")
    assert response.status_code == 200
    assert response.data == b"body { color: red }"
    assert response.mimetype == "text/css"


@pytest.mark.spec("static.route.missing")
def test_static_route_missing_file_is_404(rooted_app: Any, driver: Any) -> None:
    """A file that does not exist in the static folder gives 404."""
    assert fetch(driver.client(rooted_app), "/static/nope.txt").status_code == 404


@pytest.mark.spec("static.route.no-escape")
@pytest.mark.parametrize("path", ["/static/..%2fsecret.txt", "/static/%2e%2e/secret.txt"])
def test_static_route_cannot_escape_folder(rooted_app: Any, path: str, driver: Any) -> None:
    """Encoded ``..`` segments cannot reach files outside the static folder (404)."""
    response = fetch(driver.client(rooted_app), path)
    assert response.status_code == 404
    assert b"secret" not in response.data


@pytest.mark.spec("static.route.rule")
def test_static_rule_and_endpoint(rooted_app: Any) -> None:
    """The app registers the rule ``/static/<path:filename>`` under the endpoint ``static``."""
    rules = [rule for rule in rooted_app.url_map.iter_rules() if rule.endpoint == "static"]
    assert [rule.rule for rule in rules] == ["/static/<path:filename>"]
    assert rules[0].methods == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.spec("static.route.method-not-allowed")
def test_static_route_rejects_post(rooted_app: Any, driver: Any) -> None:
    """The static route answers only GET, HEAD and OPTIONS; POST gives 405 with ``Allow``."""
    response = fetch(driver.client(rooted_app), "/static/a.txt", method="POST")
    assert response.status_code == 405
    assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.spec("static.route.head")
def test_static_route_head(rooted_app: Any, driver: Any) -> None:
    """HEAD on a static file gives the GET headers (with ``Content-Length``) and no body."""
    response = fetch(driver.client(rooted_app), "/static/a.txt", method="HEAD")
    assert response.status_code == 200
    assert response.data == b""
    assert response.content_length == len(HELLO)


@pytest.mark.spec("static.url-for")
def test_url_for_static(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``url_for('static', filename=...)`` builds the static URL, subfolders included."""
    with driver.request_context(rooted_app):
        assert impl.url_for("static", filename="sub/b.css") == "/static/sub/b.css"


@pytest.mark.spec("static.url-for.external-quoted")
def test_url_for_static_external_and_quoted(impl: Any, rooted_app: Any, driver: Any) -> None:
    """Static URLs are percent-quoted and can be external."""
    with driver.request_context(rooted_app):
        url = impl.url_for("static", filename="a b.txt", _external=True)
    assert url == "http://localhost/static/a%20b.txt"


@pytest.mark.spec("static.folder.default")
def test_default_static_folder_attributes(rooted_app: Any, root: Path) -> None:
    """``static_folder`` defaults to ``<root_path>/static``, ``static_url_path`` to ``/static``."""
    assert rooted_app.static_folder == str(root / "static")
    assert rooted_app.static_url_path == "/static"
    assert rooted_app.has_static_folder is True


@pytest.mark.spec("static.folder.custom")
def test_custom_static_folder(make_app: Any, root: Path, driver: Any) -> None:
    """``static_folder='assets'`` serves that folder, by default under ``/assets``."""
    app = make_app(root_path=str(root), static_folder="assets")
    client = driver.client(app)
    assert app.static_url_path == "/assets"
    assert fetch(client, "/assets/c.js").data == b"var c = 1;"
    assert fetch(client, "/static/a.txt").status_code == 404


@pytest.mark.spec("static.folder.absolute")
def test_absolute_static_folder(
    make_app: Any, root: Path, tmp_path_factory: Any, driver: Any
) -> None:
    """An absolute ``static_folder`` outside the root path is served as is."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "far.txt").write_bytes(b"far away")
    app = make_app(root_path=str(root), static_folder=str(elsewhere))
    assert app.static_folder == str(elsewhere)
    assert fetch(driver.client(app), f"/{elsewhere.name}/far.txt").data == b"far away"


@pytest.mark.spec("static.url-path.custom")
def test_custom_static_url_path(make_app: Any, root: Path, driver: Any) -> None:
    """``static_url_path='/s'`` moves the static route; the old prefix gives 404."""
    app = make_app(root_path=str(root), static_url_path="/s")
    client = driver.client(app)
    assert fetch(client, "/s/a.txt").data == HELLO
    assert fetch(client, "/static/a.txt").status_code == 404
    with driver.request_context(app):
        assert app.url_for("static", filename="a.txt") == "/s/a.txt"


@pytest.mark.spec("static.url-path.empty")
def test_empty_static_url_path(make_app: Any, root: Path, driver: Any) -> None:
    """``static_url_path=''`` serves static files from the URL root."""
    app = make_app(root_path=str(root), static_url_path="")
    assert fetch(driver.client(app), "/a.txt").data == HELLO


@pytest.mark.spec("static.folder.none")
def test_no_static_folder(make_app: Any, root: Path, driver: Any) -> None:
    """``static_folder=None`` registers no static route, so ``url_for('static')`` fails."""
    app = make_app(root_path=str(root), static_folder=None)
    assert app.has_static_folder is False
    assert "static" not in app.view_functions
    assert fetch(driver.client(app), "/static/a.txt").status_code == 404
    with driver.request_context(app), pytest.raises(BuildError) as info:
        app.url_for("static", filename="a.txt")
    assert info.value.endpoint == "static"


@pytest.mark.spec("static.host.matching")
def test_static_host(make_app: Any, root: Path, driver: Any) -> None:
    """With ``host_matching``, ``static_host`` serves static files only on that host."""
    app = make_app(root_path=str(root), host_matching=True, static_host="static.example.com")
    client = driver.client(app)
    on_host = fetch(client, "/static/a.txt", base_url="http://static.example.com")
    assert on_host.data == HELLO
    assert fetch(client, "/static/a.txt", base_url="http://www.example.com").status_code == 404


@pytest.mark.spec("static.host.url-for")
def test_static_host_url_for_is_external(impl: Any, make_app: Any, root: Path, driver: Any) -> None:
    """``url_for('static')`` from another host builds a URL on the static host."""
    app = make_app(root_path=str(root), host_matching=True, static_host="static.example.com")
    with driver.request_context(app, base_url="http://www.example.com"):
        url = impl.url_for("static", filename="a.txt")
    assert url == "http://static.example.com/static/a.txt"


@pytest.mark.spec("static.host.requires-host-matching")
def test_static_host_without_host_matching_is_rejected(make_app: Any, root: Path) -> None:
    """``static_host`` without ``host_matching`` is rejected (Flask raises AssertionError)."""
    with pytest.raises(AssertionError, match="static_host"):
        make_app(root_path=str(root), static_host="static.example.com")


@pytest.mark.spec("static.blueprint-folder")
def test_blueprint_static_folder(impl: Any, rooted_app: Any, root: Path, driver: Any) -> None:
    """A blueprint's ``static_folder`` is served under its URL prefix as ``<name>.static``."""
    blueprint = impl.Blueprint(
        "bp", "conformance_bp", root_path=str(root), static_folder="bpstatic", url_prefix="/bp"
    )
    rooted_app.register_blueprint(blueprint)
    assert fetch(driver.client(rooted_app), "/bp/bpstatic/e.txt").data == b"blueprint file"
    with driver.request_context(rooted_app):
        assert impl.url_for("bp.static", filename="e.txt") == "/bp/bpstatic/e.txt"


# --- send_static_file ------------------------------------------------------------------


@pytest.mark.spec("static.send-static-file.serves")
def test_send_static_file(rooted_app: Any, driver: Any) -> None:
    """``app.send_static_file(name)`` returns a response with that static file."""
    with driver.request_context(rooted_app):
        response = rooted_app.send_static_file("a.txt")
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        assert read_body(response) == HELLO


@pytest.mark.spec("static.send-static-file.missing")
def test_send_static_file_missing(rooted_app: Any, driver: Any) -> None:
    """``send_static_file`` of a missing file raises ``NotFound``."""
    # NotFound carries werkzeug's default text, never the file name: its type is the rule.
    with driver.request_context(rooted_app), pytest.raises(NotFound):
        rooted_app.send_static_file("nope.txt")


@pytest.mark.spec("static.send-static-file.no-folder")
def test_send_static_file_without_folder(make_app: Any, root: Path, driver: Any) -> None:
    """``send_static_file`` without a static folder raises a RuntimeError naming the setting."""
    app = make_app(root_path=str(root), static_folder=None)
    with driver.request_context(app), pytest.raises(RuntimeError, match="static_folder"):
        app.send_static_file("a.txt")


@pytest.mark.spec("static.send-static-file.no-folder-message")
def test_send_static_file_without_folder_message(make_app: Any, root: Path, driver: Any) -> None:
    """The ``RuntimeError`` without a static folder says exactly "'static_folder' must be
    set to serve static_files."."""
    app = make_app(root_path=str(root), static_folder=None)
    with driver.request_context(app), pytest.raises(RuntimeError) as info:
        app.send_static_file("a.txt")
    assert str(info.value) == "'static_folder' must be set to serve static_files."


# --- send_file: what is sent ---------------------------------------------------------


@pytest.mark.spec("static.send-file.relative-path")
def test_send_file_relative_to_root_path(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A relative path given to ``send_file`` is resolved against the app's root path."""
    serve_file(rooted_app, lambda: driver.resolve(impl.send_file("files/d.txt")))
    response = fetch(driver.client(rooted_app), "/file")
    assert response.data == DIGITS
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == "inline; filename=d.txt"


@pytest.mark.spec("static.send-file.absolute-path")
def test_send_file_absolute_path(impl: Any, rooted_app: Any, root: Path, driver: Any) -> None:
    """An absolute path is sent with ``Content-Length`` and ``Last-Modified``."""
    path = str(root / "files" / "d.txt")
    serve_file(rooted_app, lambda: driver.resolve(impl.send_file(path)))
    response = fetch(driver.client(rooted_app), "/file")
    assert response.data == DIGITS
    assert response.content_length == len(DIGITS)
    assert response.last_modified is not None


@pytest.mark.spec("static.send-file.file-object")
def test_send_file_open_file(impl: Any, rooted_app: Any, root: Path, driver: Any) -> None:
    """An open binary file object is sent with the given ``mimetype``."""
    path = root / "files" / "d.txt"
    serve_file(
        rooted_app, lambda: driver.resolve(impl.send_file(path.open("rb"), mimetype="text/csv"))
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.data == DIGITS
    assert response.mimetype == "text/csv"


@pytest.mark.spec("static.send-file.bytesio-mimetype")
def test_send_file_bytesio_with_mimetype(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A ``BytesIO`` with ``mimetype`` is sent inline without a ``Content-Disposition``."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(impl.send_file(io.BytesIO(b"abc"), mimetype="text/plain")),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.data == b"abc"
    assert response.mimetype == "text/plain"
    assert "Content-Disposition" not in response.headers


@pytest.mark.spec("static.send-file.bytesio-download-name")
def test_send_file_bytesio_with_download_name(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A ``BytesIO`` with ``download_name`` gets its type guessed from that name."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(impl.send_file(io.BytesIO(b"a,b"), download_name="t.csv")),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.data == b"a,b"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "inline; filename=t.csv"


@pytest.mark.spec("static.send-file.bytesio-cannot-guess")
def test_send_file_bytesio_without_name_or_type(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A file object without ``mimetype`` or ``download_name`` raises ``TypeError`` (Flask)."""
    with driver.request_context(rooted_app), pytest.raises(TypeError, match="mimetype"):
        driver.resolve(impl.send_file(io.BytesIO(b"abc")))


@pytest.mark.spec("static.send-file.unknown-type")
def test_send_file_unknown_extension(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A name whose type cannot be guessed is sent as ``application/octet-stream``."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(
            impl.send_file(io.BytesIO(b"\x00"), download_name="blob.unknownext")
        ),
    )
    assert fetch(driver.client(rooted_app), "/file").mimetype == "application/octet-stream"


@pytest.mark.spec("static.send-file.as-attachment")
def test_send_file_as_attachment(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``as_attachment=True`` sends ``Content-Disposition: attachment`` with the file's name."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(impl.send_file(digits_path(rooted_app), as_attachment=True)),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.headers["Content-Disposition"] == "attachment; filename=d.txt"


@pytest.mark.spec("static.send-file.download-name-type")
def test_send_file_download_name_sets_type(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``download_name`` replaces the name in ``Content-Disposition`` and drives the type."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(
            impl.send_file(digits_path(rooted_app), as_attachment=True, download_name="report.csv")
        ),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.headers["Content-Disposition"] == "attachment; filename=report.csv"
    assert response.mimetype == "text/csv"


@pytest.mark.spec("static.send-file.download-name-non-ascii")
def test_send_file_non_ascii_download_name(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A non-ASCII name gets an ASCII ``filename`` and an RFC 5987 ``filename*``."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(
            impl.send_file(
                digits_path(rooted_app), as_attachment=True, download_name="résumé 1.txt"
            )
        ),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"resume 1.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt"
    )


@pytest.mark.spec("static.send-file.download-name-non-ascii-inline")
def test_send_file_non_ascii_inline_name(impl: Any, rooted_app: Any, driver: Any) -> None:
    """An inline file with a non-ASCII name also gets ``filename*``."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(impl.send_file(digits_path(rooted_app), download_name="ü.txt")),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.headers["Content-Disposition"] == (
        "inline; filename=u.txt; filename*=UTF-8''%C3%BC.txt"
    )


# --- send_file: conditional requests and ranges --------------------------------------


@pytest.fixture
def digits_client(impl: Any, rooted_app: Any, driver: Any) -> Any:
    """A client of ``rooted_app`` where ``/file`` sends ``files/d.txt`` with defaults."""
    serve_file(rooted_app, lambda: driver.resolve(impl.send_file(digits_path(rooted_app))))
    return driver.client(rooted_app)


@pytest.mark.spec("static.conditional.etag-304")
def test_etag_if_none_match_gives_304(digits_client: Any) -> None:
    """A request whose ``If-None-Match`` matches the file's ETag gets 304 and no body."""
    etag = fetch(digits_client, "/file").headers["ETag"]
    response = fetch(digits_client, "/file", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag


@pytest.mark.spec("static.conditional.etag-mismatch")
def test_etag_mismatch_gives_200(digits_client: Any) -> None:
    """A non-matching ``If-None-Match`` gets the full file."""
    response = fetch(digits_client, "/file", headers={"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.data == DIGITS


@pytest.mark.spec("static.conditional.if-modified-since-304")
def test_if_modified_since_gives_304(digits_client: Any) -> None:
    """``If-Modified-Since`` equal to the file's ``Last-Modified`` gets 304."""
    last_modified = fetch(digits_client, "/file").headers["Last-Modified"]
    response = fetch(digits_client, "/file", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.data == b""


@pytest.mark.spec("static.conditional.if-modified-since-older")
def test_if_modified_since_older_gives_200(digits_client: Any) -> None:
    """An ``If-Modified-Since`` before the file's modification gets the full file."""
    headers = {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    response = fetch(digits_client, "/file", headers=headers)
    assert response.status_code == 200
    assert response.data == DIGITS


@pytest.mark.spec("static.conditional.static-route")
def test_static_route_is_conditional(rooted_app: Any, driver: Any) -> None:
    """The static route answers a matching ``If-None-Match`` with 304."""
    client = driver.client(rooted_app)
    etag = fetch(client, "/static/a.txt").headers["ETag"]
    assert fetch(client, "/static/a.txt", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.spec("static.conditional.last-modified-argument")
def test_last_modified_argument(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``last_modified`` sets ``Last-Modified`` and is used for ``If-Modified-Since``."""
    moment = datetime(2020, 1, 1, tzinfo=timezone.utc)
    serve_file(
        rooted_app,
        lambda: driver.resolve(
            impl.send_file(io.BytesIO(b"xyz"), mimetype="text/plain", last_modified=moment)
        ),
    )
    client = driver.client(rooted_app)
    response = fetch(client, "/file")
    assert response.headers["Last-Modified"] == "Wed, 01 Jan 2020 00:00:00 GMT"
    again = fetch(client, "/file", headers={"If-Modified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"})
    assert again.status_code == 304


@pytest.mark.spec("static.conditional.etag-disabled")
def test_etag_disabled(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``etag=False`` sends no ``ETag`` header."""
    serve_file(
        rooted_app, lambda: driver.resolve(impl.send_file(digits_path(rooted_app), etag=False))
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert (response.status_code, response.data) == (200, DIGITS)
    assert "ETag" not in response.headers


@pytest.mark.spec("static.conditional.etag-custom")
def test_etag_custom_string(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``etag='custom'`` sends that value as a quoted ETag and matches it."""
    serve_file(
        rooted_app, lambda: driver.resolve(impl.send_file(digits_path(rooted_app), etag="custom"))
    )
    client = driver.client(rooted_app)
    assert fetch(client, "/file").headers["ETag"] == '"custom"'
    assert fetch(client, "/file", headers={"If-None-Match": '"custom"'}).status_code == 304


@pytest.mark.spec("static.conditional.disabled")
def test_conditional_disabled(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``conditional=False`` ignores ``If-None-Match`` and ``Range``: always the full file."""
    serve_file(
        rooted_app,
        lambda: driver.resolve(impl.send_file(digits_path(rooted_app), conditional=False)),
    )
    client = driver.client(rooted_app)
    etag = fetch(client, "/file").headers["ETag"]
    response = fetch(client, "/file", headers={"If-None-Match": etag, "Range": "bytes=2-4"})
    assert response.status_code == 200
    assert response.data == DIGITS
    assert "Accept-Ranges" not in response.headers


@pytest.mark.spec("static.range.accept-ranges")
def test_accept_ranges_advertised(digits_client: Any) -> None:
    """A conditional file response advertises ``Accept-Ranges: bytes``."""
    assert fetch(digits_client, "/file").headers["Accept-Ranges"] == "bytes"


@pytest.mark.spec("static.range.partial")
def test_range_gives_206(digits_client: Any) -> None:
    """``Range: bytes=2-4`` gets 206 with those bytes and a ``Content-Range``."""
    response = fetch(digits_client, "/file", headers={"Range": "bytes=2-4"})
    assert response.status_code == 206
    assert response.data == b"234"
    assert response.headers["Content-Range"] == "bytes 2-4/10"
    assert response.content_length == 3


@pytest.mark.spec("static.range.suffix")
def test_suffix_range(digits_client: Any) -> None:
    """A suffix range ``bytes=-3`` gets the last three bytes."""
    response = fetch(digits_client, "/file", headers={"Range": "bytes=-3"})
    assert response.status_code == 206
    assert response.data == b"789"
    assert response.headers["Content-Range"] == "bytes 7-9/10"


@pytest.mark.spec("static.range.unsatisfiable")
def test_unsatisfiable_range_gives_416(digits_client: Any) -> None:
    """A range past the end of the file gets 416 with ``Content-Range: bytes */<size>``."""
    response = fetch(digits_client, "/file", headers={"Range": "bytes=50-60"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */10"


@pytest.mark.spec("static.range.if-range-mismatch")
def test_if_range_mismatch_gives_full_file(digits_client: Any) -> None:
    """A ``Range`` whose ``If-Range`` ETag does not match gets the full file (200)."""
    headers = {"Range": "bytes=2-4", "If-Range": '"stale"'}
    response = fetch(digits_client, "/file", headers=headers)
    assert response.status_code == 200
    assert response.data == DIGITS


@pytest.mark.spec("static.range.if-range-match")
def test_if_range_match_gives_partial(digits_client: Any) -> None:
    """A ``Range`` whose ``If-Range`` matches the current ETag gets 206."""
    etag = fetch(digits_client, "/file").headers["ETag"]
    response = fetch(digits_client, "/file", headers={"Range": "bytes=2-4", "If-Range": etag})
    assert response.status_code == 206
    assert response.data == b"234"


# --- caching -----------------------------------------------------------------------------


@pytest.mark.spec("static.max-age.default-none")
def test_default_max_age_is_no_cache(digits_client: Any, rooted_app: Any) -> None:
    """``SEND_FILE_MAX_AGE_DEFAULT`` is None by default: ``Cache-Control: no-cache``, no Expires."""
    assert rooted_app.config["SEND_FILE_MAX_AGE_DEFAULT"] is None
    for path in ["/file", "/static/a.txt"]:
        response = fetch(digits_client, path)
        assert response.headers["Cache-Control"] == "no-cache"
        assert "Expires" not in response.headers


@pytest.mark.spec("static.max-age.config-int")
def test_max_age_from_config_int(rooted_app: Any, driver: Any) -> None:
    """An int ``SEND_FILE_MAX_AGE_DEFAULT`` gives ``public, max-age=N`` and an ``Expires``."""
    rooted_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    response = fetch(driver.client(rooted_app), "/static/a.txt")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    expected_expiry = datetime.now(timezone.utc) + timedelta(seconds=3600)
    assert response.expires is not None
    assert abs(response.expires - expected_expiry) < timedelta(seconds=5)


@pytest.mark.spec("static.max-age.config-timedelta")
def test_max_age_from_config_timedelta(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A ``timedelta`` ``SEND_FILE_MAX_AGE_DEFAULT`` is converted to seconds."""
    rooted_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=5)
    serve_file(rooted_app, lambda: driver.resolve(impl.send_file(digits_path(rooted_app))))
    response = fetch(driver.client(rooted_app), "/file")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    with driver.app_context(rooted_app):
        assert rooted_app.get_send_file_max_age("d.txt") == 300


@pytest.mark.spec("static.max-age.argument")
def test_max_age_argument(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``send_file(..., max_age=60)`` overrides the configured default."""
    rooted_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    serve_file(
        rooted_app, lambda: driver.resolve(impl.send_file(digits_path(rooted_app), max_age=60))
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert response.headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.spec("static.max-age.subclass-override")
def test_get_send_file_max_age_override(impl: Any, root: Path, driver: Any) -> None:
    """A subclass's ``get_send_file_max_age`` sets the max age of static and sent files.

    Flask passes the name under the static folder for static files and the absolute
    path for ``send_file``.
    """
    seen: list[str | None] = []

    class CachingApp(impl.Flask):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            seen.append(filename)
            return 42

    app = CachingApp("conformance_app", root_path=str(root))
    app.add_url_rule("/file", "file", lambda: driver.resolve(impl.send_file(digits_path(app))))
    client = driver.client(app)
    assert fetch(client, "/static/a.txt").headers["Cache-Control"] == "public, max-age=42"
    assert fetch(client, "/file").headers["Cache-Control"] == "public, max-age=42"
    assert seen == ["a.txt", str(root / "files" / "d.txt")]


# --- X-Sendfile --------------------------------------------------------------------------


@pytest.mark.spec("static.x-sendfile.path")
def test_use_x_sendfile(rooted_app: Any, root: Path, driver: Any) -> None:
    """``USE_X_SENDFILE`` sends an ``X-Sendfile`` header with the file's path and no body."""
    rooted_app.config["USE_X_SENDFILE"] = True
    response = fetch(driver.client(rooted_app), "/static/a.txt")
    assert response.status_code == 200
    assert response.headers["X-Sendfile"] == str(root / "static" / "a.txt")
    assert response.data == b""
    assert response.content_length == len(HELLO)


@pytest.mark.spec("static.x-sendfile.file-object")
def test_use_x_sendfile_ignored_for_file_objects(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A file object has no path, so ``USE_X_SENDFILE`` does not apply and the body is sent."""
    rooted_app.config["USE_X_SENDFILE"] = True
    serve_file(
        rooted_app,
        lambda: driver.resolve(impl.send_file(io.BytesIO(b"abc"), mimetype="text/plain")),
    )
    response = fetch(driver.client(rooted_app), "/file")
    assert "X-Sendfile" not in response.headers
    assert response.data == b"abc"


# --- send_from_directory -----------------------------------------------------------


@pytest.mark.spec("static.send-from-directory.serves")
def test_send_from_directory(impl: Any, rooted_app: Any, driver: Any) -> None:
    """``send_from_directory`` serves a file from a folder relative to the root path."""
    rooted_app.add_url_rule(
        "/dl/<path:name>",
        "download",
        lambda name: driver.resolve(impl.send_from_directory("files", name)),
    )
    response = fetch(driver.client(rooted_app), "/dl/d.txt")
    assert response.status_code == 200
    assert response.data == DIGITS


@pytest.mark.spec("static.send-from-directory.absolute-directory")
def test_send_from_absolute_directory(impl: Any, rooted_app: Any, root: Path, driver: Any) -> None:
    """``send_from_directory`` accepts an absolute directory and passes options through."""
    directory = str(root / "files")
    with driver.request_context(rooted_app):
        response = driver.resolve(impl.send_from_directory(directory, "d.txt", as_attachment=True))
        assert response.headers["Content-Disposition"] == "attachment; filename=d.txt"
        assert read_body(response) == DIGITS


@pytest.mark.spec("static.send-from-directory.missing")
def test_send_from_directory_missing_file(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A missing file gives 404 through a view (``NotFound``)."""
    rooted_app.add_url_rule(
        "/dl/<path:name>",
        "download",
        lambda name: driver.resolve(impl.send_from_directory("files", name)),
    )
    assert fetch(driver.client(rooted_app), "/dl/nope.txt").status_code == 404


@pytest.mark.spec("static.send-from-directory.parent-escape")
def test_send_from_directory_parent_escape(impl: Any, rooted_app: Any, driver: Any) -> None:
    """A ``../`` path that leaves the directory raises ``NotFound``, never serving the file."""
    # NotFound carries werkzeug's default text, never the path: its type is the rule.
    with driver.request_context(rooted_app), pytest.raises(NotFound):
        driver.resolve(impl.send_from_directory("files", "../secret.txt"))


@pytest.mark.spec("static.send-from-directory.absolute-path")
def test_send_from_directory_absolute_path(
    impl: Any, rooted_app: Any, root: Path, driver: Any
) -> None:
    """An absolute path as the file name raises ``NotFound``, even if the file exists."""
    target = str(root / "secret.txt")
    assert os.path.isabs(target)
    # NotFound carries werkzeug's default text, never the path: its type is the rule.
    with driver.request_context(rooted_app), pytest.raises(NotFound):
        driver.resolve(impl.send_from_directory("files", target))
