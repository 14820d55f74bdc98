"""Spec area ``sessions``: the signed-cookie session seen through the test client, the
``SESSION_COOKIE_*`` configuration, permanence and expiry, key rotation, ``Vary: Cookie``,
the null session, the session interface, and the cookie's wire format.

Where the feature description is silent or differs, the tests pin what Flask 3.1 does:

* ``session.new`` stays ``False`` for the default cookie session, even for a new one.
* Any use of the ``session`` proxy (even ``in`` or ``len``) marks it accessed and adds
  ``Vary: Cookie``; a written or deleted cookie always adds it.
* ``PERMANENT_SESSION_LIFETIME`` also bounds the age of a non-permanent session's cookie.
* Clearing a session that had no cookie still sends a deleting ``Set-Cookie``.
* ``SERVER_NAME`` does not give the cookie a ``Domain``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    Signer,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from markupsafe import Markup
from werkzeug.datastructures import HeaderSet
from werkzeug.http import parse_date

SECRET = "conformance secret"  # the SECRET_KEY the make_app fixture sets
FIXED_TIME = 1_700_000_000.0
DELETED = "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"


def sessions_module(impl: Any) -> ModuleType:
    """Return the implementation's ``sessions`` module."""
    return impl.submodule("sessions")


def add_session_routes(app: Any, impl: Any) -> None:
    """Register views that read and change the session:

    ``/set/<key>/<value>``, ``/get/<key>``, ``/items``, ``/clear``, ``/pop/<key>``,
    ``/permanent`` (stores ``a=1`` in a permanent session), ``/noop`` (does not touch it).
    """
    session = impl.session

    def set_value(key: str, value: str) -> str:
        session[key] = value
        return "ok"

    def get_value(key: str) -> str:
        return repr(session.get(key))

    def items() -> str:
        return repr(sorted(session.items()))

    def clear() -> str:
        session.clear()
        return "ok"

    def pop(key: str) -> str:
        return repr(session.pop(key, None))

    def permanent() -> str:
        session.permanent = True
        session["a"] = "1"
        return "ok"

    def noop() -> str:
        return "ok"

    app.add_url_rule("/set/<key>/<value>", "set_value", set_value)
    app.add_url_rule("/get/<key>", "get_value", get_value)
    app.add_url_rule("/items", "items", items)
    app.add_url_rule("/clear", "clear", clear)
    app.add_url_rule("/pop/<key>", "pop", pop)
    app.add_url_rule("/permanent", "permanent", permanent)
    app.add_url_rule("/noop", "noop", noop)


@pytest.fixture
def session_app(app: Any, impl: Any) -> Any:
    """The conformance app with the session routes of :func:`add_session_routes`."""
    add_session_routes(app, impl)
    return app


@pytest.fixture
def session_client(session_app: Any, driver: Any) -> Any:
    """A test client of :func:`session_app`."""
    return driver.client(session_app)


def set_cookies(response: Any) -> list[str]:
    """Return the response's ``Set-Cookie`` header values."""
    return list(response.headers.getlist("Set-Cookie"))


def cookie_attributes(response: Any) -> list[str]:
    """Return the attributes (after the name=value pair) of the response's only cookie."""
    (header,) = set_cookies(response)
    return header.split("; ")[1:]


def cookie_value(response: Any, name: str = "session") -> str:
    """Return the value of the response's only cookie, checking its name."""
    (header,) = set_cookies(response)
    pair = header.split(";", 1)[0]
    cookie_name, _, value = pair.partition("=")
    assert cookie_name == name
    return value


def expires_of(response: Any) -> datetime:
    """Return the ``Expires`` date of the response's only cookie."""
    for attribute in cookie_attributes(response):
        if attribute.startswith("Expires="):
            expires = parse_date(attribute.removeprefix("Expires="))
            assert expires is not None
            return expires
    raise AssertionError("the cookie has no Expires attribute")


def spec_serializer(
    secret: str | list[str] = SECRET, salt: str = "cookie-session", digest: Any = hashlib.sha1
) -> URLSafeTimedSerializer:
    """An itsdangerous serializer built from the documented cookie parameters (salt
    ``cookie-session``, HMAC key derivation, SHA-1) with compact, sorted plain JSON."""

    class CompactJSON:
        @staticmethod
        def dumps(obj: Any) -> str:
            return json.dumps(obj, separators=(",", ":"), sort_keys=True)

        @staticmethod
        def loads(text: str | bytes) -> Any:
            return json.loads(text)

    return URLSafeTimedSerializer(
        secret,
        salt=salt,
        serializer=CompactJSON,
        signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
    )


def refused_value(error: BadSignature) -> Any:
    """The value inside a token itsdangerous refused: its error carries the unverified
    payload, which shows which token was refused and that it was well formed."""
    assert error.payload is not None
    return spec_serializer().load_payload(error.payload)


def freeze_time(monkeypatch: pytest.MonkeyPatch, now: float) -> None:
    """Make ``time.time()`` (used by itsdangerous for timestamps) return ``now``."""
    monkeypatch.setattr(time, "time", lambda: now)


# --- storing and reading ------------------------------------------------------------------


@pytest.mark.spec("sessions.store-and-read")
def test_value_survives_to_next_request(session_client: Any) -> None:
    """A value stored in the session is available in the client's next request."""
    assert session_client.get("/set/user/ada").status_code == 200
    assert session_client.get("/get/user").get_data() == b"'ada'"


@pytest.mark.spec("sessions.separate-clients")
def test_sessions_are_per_client(session_app: Any, driver: Any) -> None:
    """Sessions are tied to the cookie: another client does not see the values."""
    first, second = driver.client(session_app), driver.client(session_app)
    first.get("/set/user/ada")
    assert second.get("/get/user").get_data() == b"None"


@pytest.mark.spec("sessions.update-value")
def test_overwriting_a_value(session_client: Any) -> None:
    """Writing a key again replaces its value in the next request."""
    session_client.get("/set/n/1")
    session_client.get("/set/n/2")
    session_client.get("/set/m/3")
    assert session_client.get("/items").get_data() == b"[('m', '3'), ('n', '2')]"


@pytest.mark.spec("sessions.pop-key")
def test_popping_a_key(session_client: Any) -> None:
    """A key popped from the session is gone in the next request while others stay."""
    session_client.get("/set/a/1")
    session_client.get("/set/b/2")
    assert session_client.get("/pop/a").get_data() == b"'1'"
    assert session_client.get("/items").get_data() == b"[('b', '2')]"


@pytest.mark.spec("sessions.tagged-types")
def test_non_json_types_round_trip(impl: Any, app: Any, client: Any) -> None:
    """Tuples, bytes, Markup, UUID, datetimes and tag-like dicts keep their types."""
    stored = {
        "tuple": (1, "two"),
        "bytes": b"\x00\xffraw",
        "markup": Markup("<b>bold</b>"),
        "uuid": uuid.UUID(int=42),
        "when": datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc),
        "tag_like": {" t": [1]},
        "nested": [{"k": (b"x",)}],
    }

    def write() -> str:
        impl.session.update(stored)
        return "ok"

    def read() -> str:
        return repr({key: impl.session[key] for key in stored})

    app.add_url_rule("/write", "write", write)
    app.add_url_rule("/read", "read", read)
    client.get("/write")
    assert client.get("/read").get_data(as_text=True) == repr(stored)


@pytest.mark.spec("sessions.naive-datetime")
def test_naive_datetime_comes_back_aware(impl: Any, app: Any, client: Any) -> None:
    """A naive ``datetime`` is stored as UTC and read back as an aware UTC datetime."""

    def write() -> str:
        impl.session["when"] = datetime(2024, 1, 2, 3, 4, 5)
        return "ok"

    def read() -> str:
        return repr(impl.session["when"])

    app.add_url_rule("/write", "write", write)
    app.add_url_rule("/read", "read", read)
    client.get("/write")
    expected = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert client.get("/read").get_data(as_text=True) == repr(expected)


@pytest.mark.spec("sessions.session-transaction")
def test_session_transaction_prepares_the_session(session_client: Any) -> None:
    """Values set in ``client.session_transaction()`` are in the session of the next request."""
    with session_client.session_transaction() as session:
        session["user"] = "grace"
    assert session_client.get("/get/user").get_data() == b"'grace'"


# --- cookie attributes --------------------------------------------------------------------


@pytest.mark.spec("sessions.cookie.default-attributes")
def test_default_cookie_attributes(session_client: Any) -> None:
    """By default the cookie is named ``session`` and has exactly ``HttpOnly; Path=/``."""
    response = session_client.get("/set/a/1")
    assert set_cookies(response)[0].startswith("session=")
    assert cookie_attributes(response) == ["HttpOnly", "Path=/"]


@pytest.mark.spec("sessions.cookie.name")
def test_cookie_name(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_NAME`` names the cookie, and the session is read back from it."""
    session_app.config["SESSION_COOKIE_NAME"] = "sid"
    client = driver.client(session_app)
    response = client.get("/set/a/1")
    assert cookie_value(response, name="sid")
    assert client.get("/get/a").get_data() == b"'1'"


@pytest.mark.spec("sessions.cookie.domain")
def test_cookie_domain(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_DOMAIN`` becomes the cookie's ``Domain``; a leading dot is dropped."""
    session_app.config["SESSION_COOKIE_DOMAIN"] = "example.com"
    response = driver.client(session_app).get("/set/a/1")
    assert cookie_attributes(response) == ["Domain=example.com", "HttpOnly", "Path=/"]
    session_app.config["SESSION_COOKIE_DOMAIN"] = ".example.org"
    response = driver.client(session_app).get("/set/a/1")
    assert cookie_attributes(response)[0] == "Domain=example.org"


@pytest.mark.spec("sessions.cookie.domain-not-from-server-name")
def test_server_name_does_not_set_cookie_domain(session_app: Any, driver: Any) -> None:
    """``SERVER_NAME`` alone does not give the session cookie a ``Domain``."""
    session_app.config["SERVER_NAME"] = "example.com"
    response = driver.client(session_app).get("/set/a/1", base_url="http://example.com")
    assert cookie_attributes(response) == ["HttpOnly", "Path=/"]


@pytest.mark.spec("sessions.cookie.path")
def test_cookie_path(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_PATH`` becomes the cookie's ``Path``."""
    session_app.config["SESSION_COOKIE_PATH"] = "/app"
    assert cookie_attributes(driver.client(session_app).get("/set/a/1")) == [
        "HttpOnly",
        "Path=/app",
    ]


@pytest.mark.spec("sessions.cookie.path-application-root")
def test_cookie_path_defaults_to_application_root(session_app: Any, driver: Any) -> None:
    """Without ``SESSION_COOKIE_PATH`` the cookie's ``Path`` is ``APPLICATION_ROOT``."""
    session_app.config["APPLICATION_ROOT"] = "/root"
    assert "Path=/root" in cookie_attributes(driver.client(session_app).get("/set/a/1"))


@pytest.mark.spec("sessions.cookie.path-overrides-application-root")
def test_cookie_path_wins_over_application_root(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_PATH`` takes precedence over ``APPLICATION_ROOT``."""
    session_app.config.update(APPLICATION_ROOT="/root", SESSION_COOKIE_PATH="/p")
    assert "Path=/p" in cookie_attributes(driver.client(session_app).get("/set/a/1"))


@pytest.mark.spec("sessions.cookie.httponly-off")
def test_cookie_httponly_off(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_HTTPONLY = False`` drops the ``HttpOnly`` attribute."""
    session_app.config["SESSION_COOKIE_HTTPONLY"] = False
    assert cookie_attributes(driver.client(session_app).get("/set/a/1")) == ["Path=/"]


@pytest.mark.spec("sessions.cookie.secure")
def test_cookie_secure(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_SECURE = True`` adds the ``Secure`` attribute."""
    session_app.config["SESSION_COOKIE_SECURE"] = True
    response = driver.client(session_app).get("/set/a/1", base_url="https://localhost")
    assert cookie_attributes(response) == ["Secure", "HttpOnly", "Path=/"]


@pytest.mark.spec("sessions.cookie.samesite")
@pytest.mark.parametrize("value", ["Lax", "Strict", "None"])
def test_cookie_samesite(session_app: Any, value: str, driver: Any) -> None:
    """``SESSION_COOKIE_SAMESITE`` becomes the cookie's ``SameSite`` attribute."""
    session_app.config["SESSION_COOKIE_SAMESITE"] = value
    response = driver.client(session_app).get("/set/a/1")
    assert cookie_attributes(response) == ["HttpOnly", "Path=/", f"SameSite={value}"]


@pytest.mark.spec("sessions.cookie.partitioned")
def test_cookie_partitioned_implies_secure(session_app: Any, driver: Any) -> None:
    """``SESSION_COOKIE_PARTITIONED = True`` adds ``Partitioned`` and, with it, ``Secure``."""
    session_app.config["SESSION_COOKIE_PARTITIONED"] = True
    response = driver.client(session_app).get("/set/a/1", base_url="https://localhost")
    assert cookie_attributes(response) == ["Secure", "HttpOnly", "Path=/", "Partitioned"]


@pytest.mark.spec("sessions.cookie.all-attributes")
def test_all_cookie_attributes_together(session_app: Any, driver: Any) -> None:
    """With every ``SESSION_COOKIE_*`` key set, the attributes appear in a fixed order."""
    session_app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/x",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="None",
        SESSION_COOKIE_PARTITIONED=True,
    )
    response = driver.client(session_app).get("/set/a/1")
    (header,) = set_cookies(response)
    assert header.startswith("sid=")
    assert cookie_attributes(response) == [
        "Domain=example.com",
        "Secure",
        "Path=/x",
        "SameSite=None",
        "Partitioned",
    ]


# --- when the cookie is written -----------------------------------------------------------


@pytest.mark.spec("sessions.save.unmodified")
def test_reading_does_not_rewrite_the_cookie(session_client: Any) -> None:
    """A request that only reads a non-permanent session sends no ``Set-Cookie``."""
    session_client.get("/set/a/1")
    response = session_client.get("/get/a")
    assert response.get_data() == b"'1'"
    assert set_cookies(response) == []


@pytest.mark.spec("sessions.save.empty-untouched")
def test_untouched_empty_session_sets_no_cookie(session_client: Any) -> None:
    """A request that never uses the session sends no ``Set-Cookie``."""
    response = session_client.get("/noop")
    assert (response.status_code, response.data) == (200, b"ok")
    assert set_cookies(response) == []
    assert len(set_cookies(session_client.get("/set/a/1"))) == 1


@pytest.mark.spec("sessions.save.mutable-value")
def test_in_place_mutation_needs_modified(impl: Any, app: Any, client: Any) -> None:
    """Mutating a list stored in the session is not saved unless ``session.modified`` is set."""

    def start() -> str:
        impl.session["items"] = ["a"]
        return "ok"

    def append_silently() -> str:
        impl.session["items"].append("lost")
        return "ok"

    def append_and_mark() -> str:
        impl.session["items"].append("kept")
        impl.session.modified = True
        return "ok"

    def read() -> str:
        return repr(impl.session["items"])

    for view in (start, append_silently, append_and_mark, read):
        app.add_url_rule(f"/{view.__name__}", view.__name__, view)
    client.get("/start")
    assert set_cookies(client.get("/append_silently")) == []
    assert client.get("/read").get_data() == b"['a']"
    assert len(set_cookies(client.get("/append_and_mark"))) == 1
    assert client.get("/read").get_data() == b"['a', 'kept']"


@pytest.mark.spec("sessions.delete.cleared")
def test_clearing_deletes_the_cookie(session_client: Any) -> None:
    """Clearing the session sends a ``Set-Cookie`` that expires the cookie at once."""
    session_client.get("/set/a/1")
    response = session_client.get("/clear")
    assert set_cookies(response) == [DELETED]
    assert session_client.get("/get/a").get_data() == b"None"


@pytest.mark.spec("sessions.delete.last-key-popped")
def test_popping_the_last_key_deletes_the_cookie(session_client: Any) -> None:
    """Removing the last key empties the session, which deletes the cookie."""
    session_client.get("/set/a/1")
    assert set_cookies(session_client.get("/pop/a")) == [DELETED]


@pytest.mark.spec("sessions.delete.without-cookie")
def test_clearing_a_new_session_still_deletes(session_client: Any) -> None:
    """Clearing a session that had no cookie still sends a deleting ``Set-Cookie`` (Flask)."""
    assert set_cookies(session_client.get("/clear")) == [DELETED]


@pytest.mark.spec("sessions.delete.attributes")
def test_deleting_cookie_keeps_configured_attributes(session_app: Any, driver: Any) -> None:
    """The deleting ``Set-Cookie`` carries the configured domain, path and flags."""
    session_app.config.update(
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/x",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )
    response = driver.client(session_app).get("/clear")
    assert set_cookies(response) == [
        "session=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;"
        " Secure; HttpOnly; Path=/x; SameSite=Lax; Partitioned"
    ]


# --- permanent sessions -------------------------------------------------------------------


@pytest.mark.spec("sessions.permanent.not-by-default")
def test_session_cookie_is_a_browser_session_cookie(session_client: Any) -> None:
    """A non-permanent session's cookie has neither ``Expires`` nor ``Max-Age``."""
    response = session_client.get("/set/a/1")
    assert len(set_cookies(response)) == 1
    attributes = cookie_attributes(response)
    assert not any(a.startswith(("Expires=", "Max-Age=")) for a in attributes)


@pytest.mark.spec("sessions.permanent.expires")
def test_permanent_cookie_expires_after_31_days(session_client: Any) -> None:
    """A permanent session's cookie expires in 31 days by default, with no ``Max-Age``."""
    before = datetime.now(timezone.utc).replace(microsecond=0)
    response = session_client.get("/permanent")
    after = datetime.now(timezone.utc)
    assert before + timedelta(days=31) <= expires_of(response) <= after + timedelta(days=31)
    assert not any(a.startswith("Max-Age=") for a in cookie_attributes(response))


@pytest.mark.spec("sessions.permanent.expires-in-utc")
def test_permanent_expiry_ignores_the_local_time_zone(
    session_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A permanent session's ``Expires`` is 31 days after the current UTC time, whatever
    the process's local time zone."""
    monkeypatch.setenv("TZ", "JST-9")  # a POSIX zone nine hours ahead of UTC
    time.tzset()
    try:
        before = datetime.now(timezone.utc).replace(microsecond=0)
        expires = expires_of(session_client.get("/permanent"))
        after = datetime.now(timezone.utc)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert before + timedelta(days=31) <= expires <= after + timedelta(days=31)


@pytest.mark.spec("sessions.permanent.lifetime-seconds")
def test_permanent_lifetime_in_seconds(session_app: Any, driver: Any) -> None:
    """An integer ``PERMANENT_SESSION_LIFETIME`` is a number of seconds."""
    session_app.config["PERMANENT_SESSION_LIFETIME"] = 600
    before = datetime.now(timezone.utc).replace(microsecond=0)
    expires = expires_of(driver.client(session_app).get("/permanent"))
    assert before + timedelta(seconds=600) <= expires <= before + timedelta(seconds=602)


@pytest.mark.spec("sessions.permanent.lifetime-timedelta")
def test_permanent_lifetime_timedelta(session_app: Any, driver: Any) -> None:
    """A ``timedelta`` ``PERMANENT_SESSION_LIFETIME`` sets how far ahead ``Expires`` is."""
    session_app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=2)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    expires = expires_of(driver.client(session_app).get("/permanent"))
    assert before + timedelta(hours=2) <= expires <= before + timedelta(hours=2, seconds=2)


@pytest.mark.spec("sessions.permanent.persists")
def test_permanent_flag_persists(impl: Any, session_app: Any, driver: Any) -> None:
    """``session.permanent`` stays ``True`` in later requests (it is stored in the session)."""

    def is_permanent() -> str:
        return repr(impl.session.permanent)

    session_app.add_url_rule("/is_permanent", "is_permanent", is_permanent)
    client = driver.client(session_app)
    assert client.get("/is_permanent").get_data() == b"False"
    client.get("/permanent")
    assert client.get("/is_permanent").get_data() == b"True"
    assert client.get("/items").get_data() == b"[('_permanent', True), ('a', '1')]"


@pytest.mark.spec("sessions.permanent.refresh-each-request")
def test_permanent_cookie_refreshed_on_every_request(session_client: Any) -> None:
    """A permanent session's cookie is re-sent on every request that uses the session."""
    session_client.get("/permanent")
    response = session_client.get("/get/a")
    assert len(set_cookies(response)) == 1
    assert expires_of(response) > datetime.now(timezone.utc) + timedelta(days=30)


@pytest.mark.spec("sessions.permanent.refresh-disabled")
def test_refresh_each_request_off(session_app: Any, driver: Any) -> None:
    """``SESSION_REFRESH_EACH_REQUEST = False`` stops re-sending unmodified sessions."""
    session_app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client = driver.client(session_app)
    client.get("/permanent")
    assert set_cookies(client.get("/get/a")) == []
    assert len(set_cookies(client.get("/set/b/2"))) == 1


@pytest.mark.spec("sessions.permanent.expired-cookie")
def test_cookie_older_than_lifetime_is_ignored(
    session_app: Any, monkeypatch: pytest.MonkeyPatch, driver: Any
) -> None:
    """A cookie signed longer ago than ``PERMANENT_SESSION_LIFETIME`` gives an empty session."""
    session_app.config["PERMANENT_SESSION_LIFETIME"] = 60
    client = driver.client(session_app)
    freeze_time(monkeypatch, FIXED_TIME)
    client.get("/permanent")
    freeze_time(monkeypatch, FIXED_TIME + 60)
    assert client.get("/get/a").get_data() == b"'1'"
    freeze_time(monkeypatch, FIXED_TIME + 200)
    response = client.get("/get/a")
    assert response.status_code == 200
    assert response.get_data() == b"None"


@pytest.mark.spec("sessions.permanent.lifetime-bounds-browser-session")
def test_lifetime_also_bounds_non_permanent_cookies(
    session_app: Any, monkeypatch: pytest.MonkeyPatch, driver: Any
) -> None:
    """The lifetime also limits non-permanent session cookies' age (Flask behaviour)."""
    session_app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=1)
    client = driver.client(session_app)
    freeze_time(monkeypatch, FIXED_TIME)
    client.get("/set/a/1")
    freeze_time(monkeypatch, FIXED_TIME + 61)
    assert client.get("/get/a").get_data() == b"None"


# --- Vary: Cookie -------------------------------------------------------------------------


@pytest.mark.spec("sessions.vary.untouched")
def test_no_vary_when_session_unused(session_client: Any) -> None:
    """A request that never uses the session has no ``Vary`` header, even with a cookie."""
    assert len(set_cookies(session_client.get("/set/a/1"))) == 1
    response = session_client.get("/noop")
    assert response.status_code == 200
    assert "Vary" not in response.headers


@pytest.mark.spec("sessions.vary.read")
@pytest.mark.parametrize(
    "use",
    [
        lambda s: s.get("a"),
        lambda s: list(s.items()),
        lambda s: "a" in s,
        lambda s: len(s),
        lambda s: list(s.keys()),
        lambda s: s.permanent,
    ],
    ids=["get", "items", "contains", "len", "keys", "permanent"],
)
def test_vary_cookie_when_session_read(
    impl: Any, app: Any, client: Any, use: Callable[[Any], Any]
) -> None:
    """Any use of the session, even ``in`` or ``len``, adds ``Vary: Cookie`` (Flask 3.1)."""

    def view() -> str:
        use(impl.session)
        return "ok"

    app.add_url_rule("/", "view", view)
    response = client.get("/")
    assert response.headers["Vary"] == "Cookie"
    assert set_cookies(response) == []


@pytest.mark.spec("sessions.vary.write")
def test_vary_cookie_when_session_written(session_client: Any) -> None:
    """A response that sets the session cookie has ``Vary: Cookie``."""
    assert session_client.get("/set/a/1").headers["Vary"] == "Cookie"


@pytest.mark.spec("sessions.vary.delete")
def test_vary_cookie_when_cookie_deleted(session_client: Any) -> None:
    """A response that deletes the session cookie has ``Vary: Cookie``."""
    session_client.get("/set/a/1")
    assert session_client.get("/clear").headers["Vary"] == "Cookie"


@pytest.mark.spec("sessions.vary.appends")
def test_vary_cookie_appends_to_existing_vary(impl: Any, app: Any, client: Any) -> None:
    """``Cookie`` is added to a ``Vary`` header the view already set."""

    def view() -> Any:
        impl.session.get("a")
        return "ok", {"Vary": "Accept-Encoding"}

    app.add_url_rule("/", "view", view)
    assert client.get("/").headers["Vary"] == "Accept-Encoding, Cookie"


@pytest.mark.spec("sessions.vary.refreshed-cookie")
def test_vary_cookie_when_permanent_cookie_is_refreshed(session_client: Any) -> None:
    """A permanent session's cookie, refreshed on a request that never touches the
    session, comes with ``Vary: Cookie``."""
    session_client.get("/permanent")
    response = session_client.get("/noop")
    assert response.headers["Set-Cookie"].startswith("session=")
    assert response.headers["Vary"] == "Cookie"


@pytest.mark.spec("sessions.interface.save-untouched-empty")
def test_saving_an_untouched_empty_session_changes_nothing(app: Any, driver: Any) -> None:
    """``save_session`` of an empty session nobody read or changed adds no header."""
    interface = app.session_interface
    with driver.request_context(app):
        response = app.response_class("x")
        before = sorted(response.headers.items())
        interface.save_session(app, interface.session_class(), response)
        assert sorted(response.headers.items()) == before


@pytest.mark.spec("sessions.interface.save-emptied-unread")
def test_saving_an_emptied_unread_session_deletes_with_vary(app: Any, driver: Any) -> None:
    """``save_session`` of an empty session marked modified but never read deletes the
    cookie and adds ``Vary: Cookie``."""
    interface = app.session_interface
    session = interface.session_class()
    session.modified = True
    with driver.request_context(app):
        response = app.response_class("x")
        driver.resolve(interface.save_session(app, session, response))
    assert response.headers["Set-Cookie"] == DELETED
    assert response.headers["Vary"] == "Cookie"


@pytest.mark.spec("sessions.vary.response-class-vary")
def test_vary_cookie_goes_through_an_overridden_vary(app: Any, client: Any, impl: Any) -> None:
    """``Cookie`` is added through the response class's own ``vary`` when it overrides it."""

    class AcceptVaryResponse(app.response_class):
        @property
        def vary(self) -> HeaderSet:
            def store(header_set: HeaderSet) -> None:
                self.headers["Vary"] = header_set.to_header()

            return HeaderSet(["Accept"], on_update=store)

    app.response_class = AcceptVaryResponse
    app.add_url_rule("/", "view", lambda: repr(impl.session.get("a")))
    assert client.get("/").headers["Vary"] == "Accept, Cookie"


# --- session flags ------------------------------------------------------------------------


@pytest.mark.spec("sessions.flags.new")
def test_new_is_false_for_cookie_sessions(impl: Any, session_app: Any, driver: Any) -> None:
    """``session.new`` is ``False`` for the cookie session, even when new (Flask behaviour)."""

    def is_new() -> str:
        return repr(impl.session.new)

    session_app.add_url_rule("/new", "new", is_new)
    client = driver.client(session_app)
    assert client.get("/new").get_data() == b"False"
    client.get("/set/a/1")
    assert client.get("/new").get_data() == b"False"


@pytest.mark.spec("sessions.flags.modified")
def test_modified_tracks_writes(impl: Any, app: Any, client: Any) -> None:
    """``session.modified`` is ``False`` until the session is changed, then ``True``."""

    def view() -> str:
        session = impl.session
        flags = [session.modified]
        session.get("a")
        flags.append(session.modified)
        session["a"] = 1
        flags.append(session.modified)
        return repr(flags)

    app.add_url_rule("/", "view", view)
    assert client.get("/").get_data() == b"[False, False, True]"


@pytest.mark.spec("sessions.flags.accessed")
def test_accessed_is_set_by_use(impl: Any, app: Any, client: Any) -> None:
    """``session.accessed`` is ``True`` once the session has been used in the request."""

    def view() -> str:
        impl.session.get("a")
        return repr(impl.session.accessed)

    app.add_url_rule("/", "view", view)
    assert client.get("/").get_data() == b"True"


@pytest.mark.spec("sessions.flags.permanent-default")
def test_permanent_defaults_to_false(impl: Any, app: Any, driver: Any) -> None:
    """A new session is not permanent, and setting ``permanent`` stores ``_permanent``."""
    with driver.request_context(app):
        session = impl.session
        assert session.permanent is False
        session.permanent = True
        assert dict(session) == {"_permanent": True}
        assert session.modified is True


# --- bad cookies and keys -----------------------------------------------------------------


@pytest.mark.spec("sessions.bad-cookie.tampered")
def test_tampered_cookie_gives_empty_session(session_client: Any) -> None:
    """A cookie whose payload was altered gives an empty session, not an error."""
    value = cookie_value(session_client.get("/set/a/1"))
    _payload, timestamp, signature = value.split(".")
    forged = spec_serializer("attacker").dumps({"a": "2"}).split(".")[0]
    session_client.set_cookie("session", f"{forged}.{timestamp}.{signature}")
    response = session_client.get("/get/a")
    assert response.status_code == 200
    assert response.get_data() == b"None"
    assert set_cookies(response) == []


@pytest.mark.spec("sessions.bad-cookie.garbage")
@pytest.mark.parametrize("value", ["garbage", "a.b.c", "....", "eyJhIjoiMSJ9", "%FF%00"])
def test_malformed_cookie_gives_empty_session(session_client: Any, value: str) -> None:
    """A cookie that is not a signed session at all gives an empty session, not an error."""
    session_client.set_cookie("session", value)
    response = session_client.get("/get/a")
    assert response.status_code == 200
    assert response.get_data() == b"None"


@pytest.mark.spec("sessions.bad-cookie.other-key")
def test_cookie_signed_with_another_key_is_ignored(session_app: Any, driver: Any) -> None:
    """A cookie signed with a different secret key gives an empty session."""
    client = driver.client(session_app)
    client.get("/set/a/1")
    session_app.config["SECRET_KEY"] = "a different key"
    assert client.get("/get/a").get_data() == b"None"


@pytest.mark.spec("sessions.wire.list-of-pairs")
def test_signed_list_of_pairs_reads_as_a_dict(session_client: Any) -> None:
    """A validly signed cookie holding a list of key-value pairs reads as the dict they spell."""
    session_client.set_cookie("session", spec_serializer().dumps([["a", "1"], ["b", "2"]]))
    assert session_client.get("/items").get_data() == b"[('a', '1'), ('b', '2')]"


@pytest.mark.spec("sessions.key-rotation.fallbacks")
def test_secret_key_fallbacks_still_verify(session_app: Any, driver: Any) -> None:
    """Cookies signed with a key in ``SECRET_KEY_FALLBACKS`` are still accepted."""
    client = driver.client(session_app)
    client.get("/set/a/1")
    session_app.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["older", SECRET])
    assert client.get("/get/a").get_data() == b"'1'"


@pytest.mark.spec("sessions.key-rotation.signs-with-current")
def test_rotation_resigns_with_the_current_key(session_app: Any, driver: Any) -> None:
    """A session saved after rotation is signed with the new ``SECRET_KEY``, not a fallback."""
    client = driver.client(session_app)
    client.get("/set/a/1")
    session_app.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=[SECRET])
    value = cookie_value(client.get("/set/b/2"))
    assert spec_serializer("new key").loads(value) == {"a": "1", "b": "2"}
    session_app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/items").get_data() == b"[('a', '1'), ('b', '2')]"


# --- no secret key ------------------------------------------------------------------------


@pytest.fixture
def keyless_app(impl: Any) -> Any:
    """A testing app without a secret key, with the session routes."""
    app = impl.Flask("keyless_app")
    app.config["TESTING"] = True
    add_session_routes(app, impl)
    return app


@pytest.mark.spec("sessions.no-secret-key.write-raises")
def test_writing_without_secret_key_raises(keyless_app: Any, driver: Any) -> None:
    """Writing to the session without a secret key raises ``RuntimeError`` telling to set one."""
    with pytest.raises(RuntimeError, match="no secret key was set"):
        driver.client(keyless_app).get("/set/a/1")


@pytest.mark.spec("sessions.no-secret-key.message")
def test_null_session_error_message(impl: Any) -> None:
    """The null session's error message is Flask's, word for word."""
    with pytest.raises(RuntimeError) as info:
        sessions_module(impl).NullSession()["a"] = 1
    assert str(info.value) == (
        "The session is unavailable because no secret key was set.  Set the"
        " secret_key on the application to something unique and secret."
    )


@pytest.mark.spec("sessions.no-secret-key.read")
def test_reading_without_secret_key_is_empty(keyless_app: Any, driver: Any) -> None:
    """Without a secret key the session reads as empty and no cookie is sent."""
    client = driver.client(keyless_app)
    client.set_cookie("session", spec_serializer().dumps({"a": "1"}))
    response = client.get("/get/a")
    assert response.get_data() == b"None"
    assert set_cookies(response) == []


@pytest.mark.spec("sessions.no-secret-key.null-session")
def test_null_session_is_used_without_secret_key(impl: Any, keyless_app: Any, driver: Any) -> None:
    """Without a secret key the session is the interface's null session."""
    with driver.request_context(keyless_app):
        current = impl.session._get_current_object()
        assert isinstance(current, sessions_module(impl).NullSession)
        assert keyless_app.session_interface.is_null_session(current)


@pytest.mark.spec("sessions.no-secret-key.every-write")
@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.__setitem__("a", 1),
        lambda s: s.__delitem__("a"),
        lambda s: s.pop("a", None),
        lambda s: s.popitem(),
        lambda s: s.clear(),
        lambda s: s.update(a=1),
        lambda s: s.setdefault("a", 1),
    ],
    ids=["setitem", "delitem", "pop", "popitem", "clear", "update", "setdefault"],
)
def test_every_null_session_write_raises(impl: Any, write: Callable[[Any], Any]) -> None:
    """Every mutating method of the null session raises ``RuntimeError``."""
    with pytest.raises(RuntimeError, match="secret key"):
        write(sessions_module(impl).NullSession())


# --- the interface ------------------------------------------------------------------------


@pytest.mark.spec("sessions.interface.default")
def test_default_interface_parameters(impl: Any, app: Any) -> None:
    """The default interface uses salt ``cookie-session``, HMAC and SHA-1."""
    module: Any = sessions_module(impl)
    interface = app.session_interface
    assert type(interface) is module.SecureCookieSessionInterface
    assert interface.salt == "cookie-session"
    assert interface.key_derivation == "hmac"
    assert interface.digest_method(b"abc").hexdigest() == hashlib.sha1(b"abc").hexdigest()
    assert interface.session_class is module.SecureCookieSession
    assert interface.null_session_class is module.NullSession
    assert interface.pickle_based is False


@pytest.mark.spec("sessions.interface.cookie-getters")
def test_interface_cookie_getters_read_config(app: Any) -> None:
    """The ``get_cookie_*`` methods return the configured values, with Flask's defaults."""
    interface = app.session_interface
    assert interface.get_cookie_name(app) == "session"
    assert interface.get_cookie_domain(app) is None
    assert interface.get_cookie_path(app) == "/"
    assert interface.get_cookie_httponly(app) is True
    assert interface.get_cookie_secure(app) is False
    assert interface.get_cookie_samesite(app) is None
    assert interface.get_cookie_partitioned(app) is False
    app.config.update(SESSION_COOKIE_NAME="sid", SESSION_COOKIE_SAMESITE="Lax")
    assert interface.get_cookie_name(app) == "sid"
    assert interface.get_cookie_samesite(app) == "Lax"


@pytest.mark.spec("sessions.interface.signing-serializer")
def test_signing_serializer_keys(app: Any) -> None:
    """``get_signing_serializer`` signs with the secret key and accepts the fallbacks.

    Without a secret key it returns ``None``.
    """
    app.config["SECRET_KEY_FALLBACKS"] = ["old"]
    signer = app.session_interface.get_signing_serializer(app)
    assert signer.secret_keys == [b"old", SECRET.encode()]
    assert signer.secret_key == SECRET.encode()
    app.config["SECRET_KEY"] = None
    assert app.session_interface.get_signing_serializer(app) is None


@pytest.mark.spec("sessions.interface.signing-serializer-api")
def test_signing_serializer_takes_itsdangerous_arguments(app: Any) -> None:
    """The signing serializer's ``dumps``/``loads`` honour ``salt``, ``max_age``,
    ``return_timestamp`` and bytes tokens as itsdangerous's serializer does."""
    signer = app.session_interface.get_signing_serializer(app)
    token = signer.dumps({"a": "1"})
    assert spec_serializer().loads(token) == {"a": "1"}
    assert signer.loads(token.encode()) == {"a": "1"}
    value, signed_at = signer.loads(token, return_timestamp=True)
    assert value == {"a": "1"}
    assert isinstance(signed_at, datetime)
    with pytest.raises(SignatureExpired) as expired:
        signer.loads(token, max_age=-1)
    assert refused_value(expired.value) == {"a": "1"}
    salted = signer.dumps({"b": "2"}, salt="other")
    assert spec_serializer(salt="other").loads(salted) == {"b": "2"}
    assert signer.loads(salted, salt="other") == {"b": "2"}
    with pytest.raises(BadSignature) as wrong_salt:
        signer.loads(salted)
    assert refused_value(wrong_salt.value) == {"b": "2"}
    with pytest.raises(BadSignature) as other_salt:
        signer.loads(token, salt="other")
    assert refused_value(other_salt.value) == {"a": "1"}


def reference_serializer(
    signer: Any, secrets: list[str], digest: Any = hashlib.sha1
) -> URLSafeTimedSerializer:
    """itsdangerous's serializer with the documented cookie parameters (or another
    ``digest``) and the data serializer of the implementation's signing serializer."""
    return URLSafeTimedSerializer(
        secrets,
        salt="cookie-session",
        serializer=signer.serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
    )


def signed_tokens(now: int, digest: Any) -> dict[str, str]:
    """Session tokens for :func:`test_signing_serializer_answers_as_itsdangerous`, signed
    with the documented cookie parameters and ``digest``: well-formed ones, and ones
    whose signature, payload, timestamp or key is wrong in one way each."""

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    def signer(secret: str = SECRET, timed: bool = True) -> Any:
        kind = TimestampSigner if timed else Signer
        return kind(secret, salt="cookie-session", key_derivation="hmac", digest_method=digest)

    def at(when: int, payload: bytes, secret: str = SECRET) -> str:
        timestamp = b64(when.to_bytes((when.bit_length() + 7) // 8, "big"))
        value = payload + b"." + timestamp
        return signer(secret, timed=False).sign(value).decode()

    def dotted(data: bytes) -> bytes:
        return data[:1] + b"." + data[1:]

    body = b'{"a":"1"}'  # 12 base64 characters: appended ones start a new quantum
    big = json.dumps({"a": "x" * 300}, separators=(",", ":")).encode()
    valid = at(now, b64(body))
    tokens = {
        "plain": valid,
        "compressed": at(now, b"." + b64(zlib.compress(big))),
        "fallback-key": at(now, b64(body), secret="old"),
        "unknown-key": at(now, b64(body), secret="unknown"),
        "bad-signature": valid[:-1] + ("A" if valid[-1] != "A" else "B"),
        "bad-payload-character": "B" + valid[1:],
        "misaligned-compressed": at(now, b"A" + b64(zlib.compress(body))),
        "misaligned-after-dot": at(now, b".A" + b64(zlib.compress(body))),
        "not-utf8": at(now, b64(b"\xff\xfe")),
        "not-json": at(now, b64(b"not json")),
        "not-zlib": at(now, b"." + b64(b"not zlib")),
        "dot-then-plain": at(now, b"." + b64(body)),
        "unpadded-odd": at(now, b64(body) + b"A"),
        "no-dot": "plain",
        "no-timestamp": signer(timed=False).sign(b64(body)).decode(),
        "bad-timestamp": signer(timed=False).sign(b64(body) + b".!!").decode(),
        "empty-timestamp": signer(timed=False).sign(b64(body) + b".").decode(),
        "future": at(now + 1000, b64(body)),
        "just-expired": at(now - 101, b64(body)),
        "at-max-age": at(now - 100, b64(body)),
        "non-ascii": valid + "\u00e9",
        # "XX.XX" around the last dot: a parser splitting on anything but the last "."
        # (of the token, then of the signed value) would verify or read other bytes.
        "xx-around-signature-dot": valid.rpartition(".")[0] + "XX.XX" + valid.rpartition(".")[2],
        "xx-around-timestamp-dot": signer(timed=False).sign(b64(body) + b"XX.XXAAAA").decode(),
        # Base64 that is invalid only once its length is counted with a stray "." in it,
        # and a timestamp of 5 characters (no whole number of bytes).
        "dot-inside-payload": at(now, dotted(b64(b'{"a":"xx"}'))),
        "dot-inside-compressed": at(now, b"." + dotted(b64(zlib.compress(body)))),
        "five-character-timestamp": signer(timed=False).sign(b64(body) + b".AAAAB").decode(),
    }
    return tokens


@pytest.mark.spec("sessions.interface.signing-serializer-verifies")
@pytest.mark.parametrize("max_age", [None, 100])
# SHA-384 signatures are a whole number of base64 quanta, SHA-1 ones are not.
@pytest.mark.parametrize("digest", [hashlib.sha1, hashlib.sha384], ids=["sha1", "sha384"])
def test_signing_serializer_answers_as_itsdangerous(
    impl: Any,
    driver: Any,
    app: Any,
    monkeypatch: pytest.MonkeyPatch,
    max_age: int | None,
    digest: Any,
) -> None:
    """The signing serializer's ``loads`` returns the value, or raises the itsdangerous
    error, that itsdangerous's serializer gives for the same token, key and age limit."""
    module: Any = sessions_module(impl)

    class DigestSessions(module.SecureCookieSessionInterface):
        digest_method = staticmethod(digest)

    now = 1_700_000_000
    freeze_time(monkeypatch, float(now))
    app.config["SECRET_KEY_FALLBACKS"] = ["old"]
    signer = DigestSessions().get_signing_serializer(app)
    expected = reference_serializer(signer, ["old", SECRET], digest)

    def outcome(serializer: Any, token: str | bytes) -> Any:
        try:
            return serializer.loads(token, max_age=max_age)
        except Exception as error:  # the kind of error is the answer
            return type(error)

    with driver.app_context(app):
        tokens = signed_tokens(now, digest)
        assert outcome(signer, tokens["plain"]) == {"a": "1"}
        for name, token in tokens.items():
            for form in (token, token.encode()):
                assert outcome(signer, form) == outcome(expected, form), name


@pytest.mark.spec("sessions.interface.signing-serializer-compression")
# A SHA-384 signature is 64 base64 characters, all of them data: its last one can be
# any character, where a SHA-1 signature always ends in one of four.
@pytest.mark.parametrize("digest", [hashlib.sha1, hashlib.sha384], ids=["sha1", "sha384"])
def test_signing_serializer_compresses_as_itsdangerous(
    impl: Any, driver: Any, app: Any, monkeypatch: pytest.MonkeyPatch, digest: Any
) -> None:
    """The signing serializer's ``dumps`` writes itsdangerous's token byte for byte,
    compressing the payload exactly when zlib makes it more than one byte shorter."""
    module: Any = sessions_module(impl)

    class DigestSessions(module.SecureCookieSessionInterface):
        digest_method = staticmethod(digest)

    freeze_time(monkeypatch, FIXED_TIME)
    signer = DigestSessions().get_signing_serializer(app)
    expected = reference_serializer(signer, [SECRET], digest)
    with driver.app_context(app):
        # Values around the point where compression starts to pay, and beyond.
        tokens = [
            (signer.dumps({"a": "b" + "a" * n}), expected.dumps({"a": "b" + "a" * n}))
            for n in range(200)
        ]
    assert [ours for ours, _ in tokens] == [theirs for _, theirs in tokens]
    assert {token.startswith(".") for token, _ in tokens} == {True, False}


@pytest.mark.spec("sessions.interface.signing-serializer-bytes")
def test_signing_serializer_with_a_bytes_serializer(
    impl: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an interface ``serializer`` that writes bytes, the signing serializer's
    tokens are bytes, the ones itsdangerous writes, and read back."""
    module: Any = sessions_module(impl)

    class BytesJSON:
        @staticmethod
        def dumps(obj: Any) -> bytes:
            return json.dumps(obj).encode()

        @staticmethod
        def loads(data: bytes) -> Any:
            return json.loads(data)

    class BytesSessions(module.SecureCookieSessionInterface):
        serializer = BytesJSON()

    freeze_time(monkeypatch, FIXED_TIME)
    signer = BytesSessions().get_signing_serializer(app)
    token = signer.dumps({"a": "1"})
    assert token == reference_serializer(signer, [SECRET]).dumps({"a": "1"})
    assert isinstance(token, bytes)
    assert signer.loads(token) == {"a": "1"}


@pytest.mark.spec("sessions.wire.digest-of-another-size")
def test_digest_of_a_non_default_size_signs_as_itsdangerous(
    impl: Any, driver: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``digest_method`` whose hash has a non-default size (BLAKE2b of 20 bytes, which
    ``hashlib.new("blake2b")`` would make 64) signs the cookie as itsdangerous does."""
    module: Any = sessions_module(impl)

    def blake2b_160(data: bytes = b"") -> Any:
        return hashlib.blake2b(data, digest_size=20)

    class Blake2bSessions(module.SecureCookieSessionInterface):
        digest_method = staticmethod(blake2b_160)

    freeze_time(monkeypatch, FIXED_TIME)
    signer = Blake2bSessions().get_signing_serializer(app)
    with driver.app_context(app):
        token = signer.dumps({"a": "1"})
        assert token == reference_serializer(signer, [SECRET], blake2b_160).dumps({"a": "1"})


@pytest.mark.spec("sessions.interface.session-class-arguments")
def test_session_class_built_without_arguments_for_no_cookie(
    impl: Any, app: Any, driver: Any
) -> None:
    """Without a session cookie ``open_session`` builds ``session_class()`` with no
    argument; with one, with the stored dict."""
    module: Any = sessions_module(impl)
    calls: list[tuple[Any, ...]] = []

    class RecordingSession(module.SecureCookieSession):
        def __init__(self, *args: Any) -> None:
            calls.append(args)
            super().__init__(*args)

    class RecordingSessions(module.SecureCookieSessionInterface):
        session_class = RecordingSession

    app.session_interface = RecordingSessions()
    add_session_routes(app, impl)
    client = driver.client(app)
    client.get("/noop")
    client.set_cookie("session", spec_serializer().dumps({"a": "1"}))
    client.get("/noop")
    assert calls == [(), ({"a": "1"},)]


@pytest.mark.spec("sessions.interface.custom")
def test_custom_session_interface(impl: Any, session_app: Any, driver: Any) -> None:
    """An app's ``session_interface`` can be replaced by a subclass storing sessions elsewhere."""
    module: Any = sessions_module(impl)
    store: dict[str, dict[str, Any]] = {}

    class MemorySessions(module.SessionInterface):
        def open_session(self, app: Any, request: Any) -> Any:
            return module.SecureCookieSession(store.get(request.cookies.get("sid", ""), {}))

        def save_session(self, app: Any, session: Any, response: Any) -> None:
            if session.modified:
                store["the-id"] = dict(session)
                response.set_cookie("sid", "the-id")

    session_app.session_interface = MemorySessions()
    client = driver.client(session_app)
    response = client.get("/set/a/1")
    assert set_cookies(response) == ["sid=the-id; Path=/"]
    assert store == {"the-id": {"a": "1"}}
    assert client.get("/get/a").get_data() == b"'1'"


@pytest.mark.spec("sessions.interface.open-returns-none")
def test_open_session_none_uses_null_session(impl: Any, app: Any, driver: Any) -> None:
    """When ``open_session`` returns ``None`` the request gets ``make_null_session``'s session."""
    module: Any = sessions_module(impl)

    class NoSessions(module.SecureCookieSessionInterface):
        def open_session(self, app: Any, request: Any) -> None:
            return None

    app.session_interface = NoSessions()
    with driver.request_context(app):
        assert isinstance(impl.session._get_current_object(), module.NullSession)


@pytest.mark.spec("sessions.interface.null-session-gets-app")
def test_make_null_session_gets_the_app(impl: Any, app: Any, driver: Any) -> None:
    """When ``open_session`` returns ``None``, ``make_null_session`` is called with the app."""
    module: Any = sessions_module(impl)
    asked: list[Any] = []

    class NoSessions(module.SecureCookieSessionInterface):
        def open_session(self, app: Any, request: Any) -> None:
            return None

        def make_null_session(self, app: Any) -> Any:
            asked.append(app)
            return super().make_null_session(app)

    app.session_interface = NoSessions()
    with driver.request_context(app):
        driver.resolve(impl.session.get("a"))
    assert asked == [app]


@pytest.mark.spec("sessions.interface.custom-serializer-tag")
def test_custom_tag_on_the_serializer(impl: Any, session_app: Any, driver: Any) -> None:
    """A ``JSONTag`` registered on an interface's serializer lets sessions hold a new type."""
    tag_module: Any = impl.submodule("json.tag")
    module: Any = sessions_module(impl)

    class TagSet(tag_module.JSONTag):
        key = " set"

        def check(self, value: Any) -> bool:
            return isinstance(value, set)

        def to_json(self, value: Any) -> Any:
            return sorted(value)

        def to_python(self, value: Any) -> Any:
            return set(value)

    serializer = tag_module.TaggedJSONSerializer()
    serializer.register(TagSet, index=0)

    class SetSessions(module.SecureCookieSessionInterface):
        pass

    SetSessions.serializer = serializer
    session_app.session_interface = SetSessions()

    def write() -> str:
        impl.session["s"] = {3, 1}
        return "ok"

    def read() -> str:
        return repr(impl.session["s"])

    session_app.add_url_rule("/write", "write", write)
    session_app.add_url_rule("/read", "read", read)
    client = driver.client(session_app)
    client.get("/write")
    assert client.get("/read").get_data() == b"{1, 3}"


# --- wire format and interoperability -----------------------------------------------------


@pytest.mark.spec("sessions.wire.tagged-json")
def test_cookie_holds_tagged_json(impl: Any, app: Any, client: Any) -> None:
    """The cookie is an itsdangerous timed signature of compact, sorted, tagged JSON.

    The signature uses salt ``cookie-session``, HMAC key derivation and SHA-1.
    """

    def write() -> str:
        impl.session.update(
            b=(1, 2),
            a=b"\x01",
            m=Markup("<i>"),
            u=uuid.UUID(int=1),
            d=datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            k={" t": 0},
        )
        return "ok"

    app.add_url_rule("/write", "write", write)
    value = cookie_value(client.get("/write"))
    assert spec_serializer().loads(value) == {
        "a": {" b": "AQ=="},
        "b": {" t": [1, 2]},
        "d": {" d": "Thu, 02 Jan 2020 03:04:05 GMT"},
        "k": {" di": {" t__": 0}},
        "m": {" m": "<i>"},
        "u": {" u": "00000000000000000000000000000001"},
    }


@pytest.mark.spec("sessions.wire.exact-bytes")
def test_cookie_bytes_are_exact(session_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a given time the cookie is byte-identical to the documented serialisation."""
    freeze_time(monkeypatch, FIXED_TIME)
    session_client.get("/set/b/2")
    value = cookie_value(session_client.get("/set/a/é"))
    assert value == spec_serializer().dumps({"a": "é", "b": "2"})


@pytest.mark.spec("sessions.wire.reads-spec-cookie")
def test_reads_a_cookie_made_to_the_spec(session_client: Any) -> None:
    """A cookie produced independently with the documented format is read as the session."""
    cookie = spec_serializer().dumps(
        {"a": {" t": ["x", {" b": "AP8="}]}, "z": {" di": {" m__": 1}}}
    )
    session_client.set_cookie("session", cookie)
    assert session_client.get("/items").get_data(as_text=True) == repr(
        [("a", ("x", b"\x00\xff")), ("z", {" m": 1})]
    )


@pytest.mark.spec("sessions.wire.compressed")
def test_large_sessions_are_compressed(session_client: Any) -> None:
    """A large, compressible session is zlib-compressed (leading ``.``) and read back."""
    value = cookie_value(session_client.get(f"/set/big/{'x' * 3000}"))
    assert value.startswith(".")
    assert len(value) < 500
    assert session_client.get("/get/big").get_data() == repr("x" * 3000).encode()


def custom_signing_app(impl: Any, app: Any) -> Any:
    """The session app with an interface signing with salt ``custom`` and SHA-256."""
    module: Any = sessions_module(impl)

    class Sha256Sessions(module.SecureCookieSessionInterface):
        salt = "custom"
        digest_method = staticmethod(hashlib.sha256)

    app.session_interface = Sha256Sessions()
    add_session_routes(app, impl)
    return app


@pytest.mark.spec("sessions.wire.custom-signing-writes")
def test_custom_salt_and_digest_sign_the_cookie(impl: Any, app: Any, driver: Any) -> None:
    """An interface's own ``salt`` and ``digest_method`` sign the cookie, as itsdangerous does."""
    client = driver.client(custom_signing_app(impl, app))
    value = cookie_value(client.get("/set/a/1"))
    assert spec_serializer(salt="custom", digest=hashlib.sha256).loads(value) == {"a": "1"}
    with pytest.raises(BadSignature) as info:
        spec_serializer().loads(value)
    assert refused_value(info.value) == {"a": "1"}


@pytest.mark.spec("sessions.wire.custom-signing-reads")
def test_custom_salt_and_digest_verify_the_cookie(impl: Any, app: Any, driver: Any) -> None:
    """An interface's ``salt`` and ``digest_method`` verify the cookie; a default one is ignored."""
    client = driver.client(custom_signing_app(impl, app))
    client.set_cookie(
        "session", spec_serializer(salt="custom", digest=hashlib.sha256).dumps({"a": "x"})
    )
    assert client.get("/get/a").get_data(as_text=True) == repr("x")
    client.set_cookie("session", spec_serializer().dumps({"a": "y"}))
    assert client.get("/get/a").get_data(as_text=True) == repr(None)


@pytest.mark.spec("sessions.wire.unhashable-digest-fallback-keys")
def test_unhashable_digest_method_reads_fallback_keys(impl: Any, app: Any, driver: Any) -> None:
    """With an unhashable ``digest_method`` callable, a cookie signed with a key of
    ``SECRET_KEY_FALLBACKS`` is still read."""
    module: Any = sessions_module(impl)

    class UnhashableSha1:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, data: bytes = b"") -> Any:
            return hashlib.sha1(data)

    class UnhashableDigestSessions(module.SecureCookieSessionInterface):
        digest_method = UnhashableSha1()

    app.config["SECRET_KEY_FALLBACKS"] = ["old"]
    app.session_interface = UnhashableDigestSessions()
    add_session_routes(app, impl)
    client = driver.client(app)
    client.set_cookie("session", spec_serializer(secret="old").dumps({"a": "x"}))
    assert client.get("/get/a").get_data(as_text=True) == repr("x")


@pytest.mark.spec("sessions.interop.reference")
def test_cookies_interoperate_with_reference(
    impl: Any, reference: Any, monkeypatch: pytest.MonkeyPatch, driver: Any
) -> None:
    """Cookies written by the implementation and the reference read back in both directions.

    At the same time both write byte-identical cookies.
    """
    if reference is None:
        pytest.skip("needs --reference MODULE")

    def build(module: Any) -> Any:
        app = module.Flask("interop_app")
        app.config.update(TESTING=True, SECRET_KEY="shared secret")
        session = module.session

        def write() -> str:
            session["value"] = {
                "tuple": (1, b"\x00"),
                "markup": Markup("<b>"),
                "uuid": uuid.UUID(int=9),
                "when": datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone.utc),
                " t": "tag-like",
            }
            session.permanent = True
            return "ok"

        def read() -> str:
            return repr((session.permanent, session.get("value")))

        app.add_url_rule("/write", "write", write)
        app.add_url_rule("/read", "read", read)
        return app

    ours, theirs = build(impl), build(reference)
    # A recent time, so that the cookies have not expired when read back unfrozen.
    freeze_time(monkeypatch, float(int(time.time())))
    our_cookie = cookie_value(driver.client(ours).get("/write"))
    their_cookie = cookie_value(driver.client(theirs).get("/write"))
    assert our_cookie == their_cookie

    monkeypatch.undo()
    expected = driver.client(theirs)
    expected.set_cookie("session", their_cookie)
    expected_body = expected.get("/read").get_data()
    assert expected_body.startswith(b"(True, {")

    reader = driver.client(theirs)
    reader.set_cookie("session", our_cookie)
    assert reader.get("/read").get_data() == expected_body

    reader = driver.client(ours)
    reader.set_cookie("session", their_cookie)
    assert reader.get("/read").get_data() == expected_body
