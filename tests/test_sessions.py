"""Unit tests for ``framework.sessions``, driven through a stand-in app object."""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from werkzeug.http import parse_date
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from framework.json.tag import TaggedJSONSerializer
from framework.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
    session_json_serializer,
)

DEFAULT_CONFIG: dict[str, t.Any] = {
    "APPLICATION_ROOT": "/",
    "SECRET_KEY_FALLBACKS": None,
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_REFRESH_EACH_REQUEST": True,
}


class _StandInApp:
    """The parts of an app the session interface uses."""

    def __init__(self, secret_key: str | bytes | None = "secret", **config: t.Any) -> None:
        self.secret_key = secret_key
        self.config = {**DEFAULT_CONFIG, **config}
        self.permanent_session_lifetime = timedelta(days=31)
        self.session_interface = SecureCookieSessionInterface()


def stand_in_app(secret_key: str | bytes | None = "secret", **config: t.Any) -> t.Any:
    """Return a stand-in app, typed ``Any`` as it only duck-types as ``Flask``."""
    return _StandInApp(secret_key, **config)


def make_request(cookie: str | None = None, name: str = "session") -> Request:
    headers = [("Cookie", f"{name}={cookie}")] if cookie is not None else []
    return Request(EnvironBuilder(headers=headers).get_environ())


def save(app: t.Any, session: SessionMixin) -> Response:
    response = Response("body")
    app.session_interface.save_session(app, session, response)
    return response


def cookie_value(response: Response) -> str:
    (header,) = response.headers.getlist("Set-Cookie")
    return header.split(";", 1)[0].split("=", 1)[1]


def round_trip(app: t.Any, session: SessionMixin) -> SessionMixin | None:
    return app.session_interface.open_session(app, make_request(cookie_value(save(app, session))))


# --- session objects ----------------------------------------------------------------------


def test_new_cookie_session_is_unmodified_and_not_accessed() -> None:
    session = SecureCookieSession({"a": 1})
    assert (session.modified, session.accessed, session.new, session.permanent) == (
        False,
        False,
        False,
        False,
    )


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.__setitem__("b", 2),
        lambda s: s.__delitem__("a"),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.clear(),
        lambda s: s.update(b=2),
        lambda s: s.setdefault("b", 2),
    ],
)
def test_mutations_set_modified(mutate: t.Callable[[SecureCookieSession], t.Any]) -> None:
    session = SecureCookieSession({"a": 1})
    mutate(session)
    assert session.modified


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s["a"],
        lambda s: s.get("a"),
        lambda s: "a" in s,
        lambda s: len(s),
        lambda s: list(s),
        lambda s: s.pop("missing", None),
        lambda s: s.permanent,
    ],
)
def test_reads_do_not_set_modified_or_accessed(
    read: t.Callable[[SecureCookieSession], t.Any],
) -> None:
    session = SecureCookieSession({"a": 1})
    read(session)
    assert not session.modified
    assert not session.accessed


def test_permanent_is_stored_under_a_key() -> None:
    session = SecureCookieSession()
    session.permanent = 1  # type: ignore[assignment]
    assert session.permanent is True
    assert dict(session) == {"_permanent": True}
    assert session.modified
    session.permanent = False
    assert dict(session) == {"_permanent": False}


def test_mixin_defaults() -> None:
    assert (SessionMixin.new, SessionMixin.modified, SessionMixin.accessed) == (False, True, False)


def test_repr_names_the_class() -> None:
    assert repr(SecureCookieSession({"a": 1})) == "<SecureCookieSession {'a': 1}>"


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.__setitem__("a", 1),
        lambda s: s.__delitem__("a"),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.clear(),
        lambda s: s.update(a=1),
        lambda s: s.setdefault("a", 1),
        lambda s: setattr(s, "permanent", True),
    ],
)
def test_null_session_refuses_writes(write: t.Callable[[NullSession], t.Any]) -> None:
    with pytest.raises(RuntimeError, match="no secret key was set"):
        write(NullSession())


def test_null_session_reads_as_empty() -> None:
    session = NullSession()
    assert session.get("a") is None
    assert len(session) == 0
    assert not session.permanent


# --- interface helpers -------------------------------------------------------------------


def test_cookie_settings_default() -> None:
    app = stand_in_app()
    interface = app.session_interface
    assert interface.get_cookie_name(app) == "session"
    assert interface.get_cookie_domain(app) is None
    assert interface.get_cookie_path(app) == "/"
    assert interface.get_cookie_httponly(app) is True
    assert interface.get_cookie_secure(app) is False
    assert interface.get_cookie_samesite(app) is None
    assert interface.get_cookie_partitioned(app) is False


def test_cookie_path_prefers_its_own_key_over_application_root() -> None:
    interface = SecureCookieSessionInterface()
    assert interface.get_cookie_path(stand_in_app(APPLICATION_ROOT="/app")) == "/app"
    assert (
        interface.get_cookie_path(stand_in_app(APPLICATION_ROOT="/app", SESSION_COOKIE_PATH="/p"))
        == "/p"
    )


def test_null_session_helpers() -> None:
    interface = SessionInterface()
    null = interface.make_null_session(stand_in_app())
    assert isinstance(null, NullSession)
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())


def test_base_interface_methods_are_abstract() -> None:
    interface = SessionInterface()
    with pytest.raises(NotImplementedError):
        interface.open_session(stand_in_app(), make_request())
    with pytest.raises(NotImplementedError):
        interface.save_session(stand_in_app(), SecureCookieSession(), Response())


def test_expiration_time() -> None:
    app = stand_in_app()
    interface = app.session_interface
    assert interface.get_expiration_time(app, SecureCookieSession()) is None
    before = datetime.now(timezone.utc)
    expires = interface.get_expiration_time(app, SecureCookieSession({"_permanent": True}))
    assert expires is not None
    assert before + timedelta(days=31) <= expires <= datetime.now(timezone.utc) + timedelta(days=31)


@pytest.mark.parametrize(
    ("data", "modified", "refresh", "expected"),
    [
        ({}, False, True, False),
        ({}, True, True, True),
        ({"_permanent": True}, False, True, True),
        ({"_permanent": True}, False, False, False),
        ({"_permanent": True}, True, False, True),
    ],
)
def test_should_set_cookie(
    data: dict[str, t.Any], modified: bool, refresh: bool, expected: bool
) -> None:
    app = stand_in_app(SESSION_REFRESH_EACH_REQUEST=refresh)
    session = SecureCookieSession(data)
    session.modified = modified
    assert app.session_interface.should_set_cookie(app, session) is expected


# --- signing -------------------------------------------------------------------------------


def test_no_secret_key_means_no_serializer_and_no_session() -> None:
    for key in (None, ""):
        app = stand_in_app(secret_key=key)
        assert app.session_interface.get_signing_serializer(app) is None
        assert app.session_interface.open_session(app, make_request("x")) is None


def test_signing_serializer_settings() -> None:
    app = stand_in_app(SECRET_KEY_FALLBACKS=["old1", b"old2"])
    signer = app.session_interface.get_signing_serializer(app)
    assert isinstance(signer, URLSafeTimedSerializer)
    assert signer.secret_keys == [b"old1", b"old2", b"secret"]
    assert signer.salt == b"cookie-session"
    assert signer.serializer is session_json_serializer
    assert isinstance(session_json_serializer, TaggedJSONSerializer)
    assert signer.signer_kwargs["key_derivation"] == "hmac"
    assert signer.signer_kwargs["digest_method"](b"abc").name == "sha1"


def test_cookie_format_is_stable() -> None:
    # The expected value was produced by Flask 3.1 for the same key, data and time.
    app = stand_in_app(secret_key="s3")
    session = SecureCookieSession({"a": 1})
    session.modified = True
    with mock.patch("time.time", return_value=1700000000.0):
        assert cookie_value(save(app, session)) == "eyJhIjoxfQ.ZVPxAA.SGmNVt9i7zYyzHtFYKXbcQOaYs4"


# --- open_session --------------------------------------------------------------------------


def test_open_without_cookie_gives_an_empty_session() -> None:
    app = stand_in_app()
    session = app.session_interface.open_session(app, make_request())
    assert isinstance(session, SecureCookieSession)
    assert dict(session) == {}
    assert not session.modified


def test_round_trip_keeps_tagged_values() -> None:
    app = stand_in_app()
    data = {"t": (1, 2), "b": b"\x00", "nested": {" t": [1]}}
    session = SecureCookieSession(data)
    session.modified = True
    loaded = round_trip(app, session)
    assert loaded == data
    assert loaded is not None and not loaded.modified


@pytest.mark.parametrize(
    "cookie", ["garbage", "", "a.b.c", "eyJhIjoyfQ.ZVPxAA.SGmNVt9i7zYyzHtFYKXbcQOaYs4"]
)
def test_bad_cookies_give_an_empty_session(cookie: str) -> None:
    app = stand_in_app()
    session = app.session_interface.open_session(app, make_request(cookie))
    assert session is not None
    assert dict(session) == {}


@pytest.mark.parametrize("payload", [[1, 2], "ab", 7, None, [["a", 1, 2]]])
def test_a_signed_payload_that_is_no_mapping_gives_an_empty_session(payload: object) -> None:
    """Flask fails with a 500 on these (README, "Where it differs from Flask")."""
    app = stand_in_app()
    signer = app.session_interface.get_signing_serializer(app)
    assert signer is not None
    session = app.session_interface.open_session(app, make_request(signer.dumps(payload)))
    assert session is not None and dict(session) == {}


def test_a_signed_list_of_pairs_reads_as_a_dict() -> None:
    app = stand_in_app()
    signer = app.session_interface.get_signing_serializer(app)
    assert signer is not None
    cookie = signer.dumps([["a", 1], ("b", [2])])
    assert app.session_interface.open_session(app, make_request(cookie)) == {"a": 1, "b": [2]}


def test_cookie_name_is_configurable() -> None:
    app = stand_in_app(SESSION_COOKIE_NAME="sid")
    value = cookie_value(save(app, _modified({"a": 1})))
    opened = app.session_interface.open_session(app, make_request(value, name="sid"))
    assert opened == {"a": 1}
    ignored = app.session_interface.open_session(app, make_request(value, name="session"))
    assert ignored == {}


def _modified(data: dict[str, t.Any]) -> SecureCookieSession:
    session = SecureCookieSession(data)
    session.modified = True
    return session


def test_expired_cookie_gives_an_empty_session() -> None:
    app = stand_in_app()
    app.permanent_session_lifetime = timedelta(seconds=10)
    with mock.patch("time.time", return_value=1700000000.0):
        value = cookie_value(save(app, _modified({"a": 1})))
    interface = app.session_interface
    with mock.patch("time.time", return_value=1700000010.0):
        assert interface.open_session(app, make_request(value)) == {"a": 1}
    with mock.patch("time.time", return_value=1700000011.0):
        assert interface.open_session(app, make_request(value)) == {}


def test_fallback_keys_are_accepted_and_the_current_key_signs() -> None:
    old = stand_in_app(secret_key="old")
    value = cookie_value(save(old, _modified({"a": 1})))
    rotated = stand_in_app(secret_key="new")
    assert rotated.session_interface.open_session(rotated, make_request(value)) == {}
    rotated.config["SECRET_KEY_FALLBACKS"] = ["older", "old"]
    assert rotated.session_interface.open_session(rotated, make_request(value)) == {"a": 1}
    resigned = cookie_value(save(rotated, _modified({"a": 1})))
    new_only = stand_in_app(secret_key="new")
    assert new_only.session_interface.open_session(new_only, make_request(resigned)) == {"a": 1}
    assert old.session_interface.open_session(old, make_request(resigned)) == {}


def test_other_salt_does_not_verify() -> None:
    app = stand_in_app()
    value = cookie_value(save(app, _modified({"a": 1})))

    class Salted(SecureCookieSessionInterface):
        salt = "other"

    app.session_interface = Salted()
    assert app.session_interface.open_session(app, make_request(value)) == {}


# --- save_session --------------------------------------------------------------------------


def test_unmodified_session_sets_no_cookie_and_no_vary() -> None:
    response = save(stand_in_app(), SecureCookieSession({"a": 1}))
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_accessed_session_varies_on_cookie() -> None:
    session = SecureCookieSession({"a": 1})
    session.accessed = True
    response = save(stand_in_app(), session)
    assert response.headers["Vary"] == "Cookie"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (None, "Cookie"),
        ("Accept-Encoding", "Accept-Encoding, Cookie"),
        ("cookie", "cookie"),
        ("*", "*, Cookie"),
    ],
)
def test_cookie_joins_the_vary_header_as_werkzeug_adds_it(
    existing: str | None, expected: str
) -> None:
    session = SecureCookieSession({"a": 1})
    session.accessed = True
    app = stand_in_app()
    response = Response("body")
    reference = Response("body")
    if existing is not None:
        response.headers["Vary"] = reference.headers["Vary"] = existing
    app.session_interface.save_session(app, session, response)
    reference.vary.add("Cookie")
    assert response.headers.getlist("Vary") == reference.headers.getlist("Vary") == [expected]
    assert list(response.headers) == list(reference.headers)


def test_a_response_class_with_its_own_vary_is_used() -> None:
    added: list[str] = []

    class OwnVary(Response):
        @property
        def vary(self) -> t.Any:
            return type("Recorder", (), {"add": staticmethod(added.append)})()

    session = SecureCookieSession({"a": 1})
    session.accessed = True
    app = stand_in_app()
    app.session_interface.save_session(app, session, OwnVary("body"))
    assert added == ["Cookie"]


def test_written_cookie_varies_on_cookie_even_when_not_accessed() -> None:
    response = save(stand_in_app(), _modified({"a": 1}))
    assert response.headers["Vary"] == "Cookie"


def test_default_cookie_attributes() -> None:
    (header,) = save(stand_in_app(), _modified({"a": 1})).headers.getlist("Set-Cookie")
    assert header.split("; ")[1:] == ["HttpOnly", "Path=/"]


def test_every_cookie_attribute_is_configurable() -> None:
    app = stand_in_app(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/x",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
    )
    (header,) = save(app, _modified({"a": 1})).headers.getlist("Set-Cookie")
    name, *attributes = header.split("; ")
    assert name.startswith("sid=")
    assert attributes == [
        "Domain=example.com",
        "Secure",
        "Path=/x",
        "SameSite=Strict",
        "Partitioned",
    ]


def test_partitioned_implies_secure() -> None:
    (header,) = save(
        stand_in_app(SESSION_COOKIE_PARTITIONED=True), _modified({"a": 1})
    ).headers.getlist("Set-Cookie")
    assert header.split("; ")[1:] == ["Secure", "HttpOnly", "Path=/", "Partitioned"]


def test_permanent_session_cookie_expires() -> None:
    app = stand_in_app()
    app.permanent_session_lifetime = timedelta(hours=1)
    session = _modified({"a": 1})
    session.permanent = True
    (header,) = save(app, session).headers.getlist("Set-Cookie")
    expires_attr = next(part for part in header.split("; ") if part.startswith("Expires="))
    expires = parse_date(expires_attr.removeprefix("Expires="))
    assert expires is not None
    delta = expires - datetime.now(timezone.utc)
    assert timedelta(minutes=59) < delta <= timedelta(hours=1)
    assert "Max-Age" not in header


def test_permanent_session_is_refreshed_each_request_unless_disabled() -> None:
    session = SecureCookieSession({"_permanent": True, "a": 1})
    assert "Set-Cookie" in save(stand_in_app(), session).headers
    assert (
        "Set-Cookie" not in save(stand_in_app(SESSION_REFRESH_EACH_REQUEST=False), session).headers
    )


def test_emptied_session_deletes_the_cookie_with_the_same_attributes() -> None:
    app = stand_in_app(
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/x",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    session = SecureCookieSession({"a": 1})
    session.clear()
    response = save(app, session)
    assert response.headers.getlist("Set-Cookie") == [
        "session=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;"
        " Secure; HttpOnly; Path=/x; SameSite=Lax"
    ]
    assert response.headers["Vary"] == "Cookie"


def test_empty_unmodified_session_does_nothing() -> None:
    response = save(stand_in_app(), SecureCookieSession())
    assert "Set-Cookie" not in response.headers


def test_save_without_secret_key_refuses_to_lose_changes() -> None:
    """A changed session whose secret key disappeared during the request raises a
    RuntimeError saying so, instead of silently dropping the changes."""
    with pytest.raises(RuntimeError, match="no longer has a secret key"):
        save(stand_in_app(secret_key=None), _modified({"a": 1}))


def test_signing_serializer_is_reused_and_follows_key_changes() -> None:
    """The signing serializer is built once per key set, and a new secret key gets a
    new one, so cookies signed with the old key stop being accepted."""
    from framework import Flask
    from framework.sessions import SecureCookieSessionInterface

    app = Flask("serializer_cache")
    app.secret_key = "first"
    interface = SecureCookieSessionInterface()
    first = interface.get_signing_serializer(app)
    assert first is not None
    assert interface.get_signing_serializer(app) is first
    cookie = first.dumps({"a": 1})
    app.secret_key = "second"
    second = interface.get_signing_serializer(app)
    assert second is not None and second is not first
    with pytest.raises(BadSignature):
        second.loads(cookie)
    app.config["SECRET_KEY_FALLBACKS"] = ["first"]
    assert interface.get_signing_serializer(app).loads(cookie) == {"a": 1}  # type: ignore[union-attr]


def test_derived_keys_are_cached_per_secret() -> None:
    """The derived-key cache gives each secret key its own signing key."""
    from framework.signing import _DerivedKeyCachingSigner

    one = _DerivedKeyCachingSigner(["k1"], salt="s", key_derivation="hmac")
    two = _DerivedKeyCachingSigner(["k2"], salt="s", key_derivation="hmac")
    plain_one = TimestampSigner(["k1"], salt="s", key_derivation="hmac")
    assert one.derive_key() == plain_one.derive_key()
    assert one.derive_key() != two.derive_key()
    assert one.unsign(plain_one.sign(b"v")) == b"v"
