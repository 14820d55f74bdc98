"""Sessions: the dict-like ``session`` object and the interface that loads and saves it.

The default :class:`SecureCookieSessionInterface` keeps the whole session in a
cookie signed with the app's ``SECRET_KEY`` (the client can read but not alter it).
Set ``app.session_interface`` to another :class:`SessionInterface` to store
sessions elsewhere.
"""

from __future__ import annotations

import collections.abc as cabc
import hashlib
import typing as t
import weakref
from datetime import datetime, timezone

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict
from werkzeug.sansio.response import Response as _WerkzeugResponse

from .json.tag import TaggedJSONSerializer
from .overrides import keeps_default
from .signing import SessionTokenSerializer

if t.TYPE_CHECKING:
    from werkzeug.sansio.request import Request
    from werkzeug.sansio.response import Response

    from .app import Flask

__all__ = [
    "NullSession",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "SessionInterface",
    "SessionMixin",
    "session_json_serializer",
]

_NO_SECRET_KEY = (
    "The session is unavailable because no secret key was set.  Set the"
    " secret_key on the application to something unique and secret."
)


class SessionMixin(cabc.MutableMapping[str, t.Any]):
    """Adds the session flags to a mutable mapping; every session class includes it."""

    #: True for a session created during this request rather than loaded from storage.
    #: Storage back-ends that can tell set it; the cookie session leaves it False.
    new = False

    #: True when the session must be written back. This base value is a conservative
    #: True; sessions that track their changes override it. Changes made inside a
    #: mutable value held by the session go unnoticed: set it by hand after those.
    modified = True

    #: True once the session has been read during the request, which makes the
    #: response vary on the ``Cookie`` header.
    accessed = False

    @property
    def permanent(self) -> bool:
        """Whether the session is kept for ``PERMANENT_SESSION_LIFETIME`` rather than
        until the browser closes; kept in the session under ``"_permanent"`` (default
        False)."""
        return self.get("_permanent", False)

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """The session of the signed-cookie interface: a dict that records changes.

    Any mutation sets :attr:`modified`. :attr:`accessed` is set by the request context
    each time the session is looked up through it (as ``session`` does).
    """

    #: Set when the dict is changed; an unchanged session is not written back.
    modified = False

    def __init__(self, initial: cabc.Mapping[str, t.Any] | None = None) -> None:
        super().__init__(initial, _flag_modified)


def _flag_modified(session: SecureCookieSession) -> None:
    """The change callback of every :class:`SecureCookieSession`: mark it modified."""
    session.modified = True


def _refuse_write(self: SecureCookieSession, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Refuse a change to a null session, telling the developer to set a secret key."""
    raise RuntimeError(_NO_SECRET_KEY)


class NullSession(SecureCookieSession):
    """The empty stand-in session of an app without a secret key.

    It can be read like any session, but changing it raises ``RuntimeError`` explaining
    that a secret key must be set, so data is never silently dropped.
    """

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _refuse_write


class SessionInterface:
    """How the app opens and saves sessions; subclass it to store them differently.

    A subclass implements :meth:`open_session` and :meth:`save_session`. The
    ``get_cookie_*`` methods read the ``SESSION_COOKIE_*`` configuration keys.
    When :meth:`open_session` returns ``None`` the app uses :meth:`make_null_session`.
    """

    #: The class :meth:`make_null_session` instantiates.
    null_session_class: type[SessionMixin] = NullSession

    #: Whether the sessions are stored with pickle (informational, for extensions).
    pickle_based = False

    def make_null_session(self, app: Flask) -> NullSession:
        """Return the placeholder session used when no real session could be opened."""
        return self.null_session_class()  # type: ignore[return-value]

    def is_null_session(self, obj: object) -> bool:
        """Return whether ``obj`` is a null session (an instance of
        :attr:`null_session_class`)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Flask) -> str:
        """Return the session cookie's name: ``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]

    def get_cookie_domain(self, app: Flask) -> str | None:
        """Return the session cookie's ``Domain``: ``SESSION_COOKIE_DOMAIN``, or None
        for a host-only cookie."""
        return app.config["SESSION_COOKIE_DOMAIN"]

    def get_cookie_path(self, app: Flask) -> str:
        """Return the session cookie's ``Path``: ``SESSION_COOKIE_PATH``, else
        ``APPLICATION_ROOT``."""
        config = app.config
        return config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"]

    def get_cookie_httponly(self, app: Flask) -> bool:
        """Return whether the session cookie is ``HttpOnly``: ``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return whether the session cookie is ``Secure``: ``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """Return the session cookie's ``SameSite`` value: ``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]

    def get_cookie_partitioned(self, app: Flask) -> bool:
        """Return whether the session cookie is ``Partitioned`` (CHIPS):
        ``SESSION_COOKIE_PARTITIONED``. A partitioned cookie is always ``Secure``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """Return when the session cookie expires: now plus the app's
        ``permanent_session_lifetime`` for a permanent session, else None (the cookie
        ends with the browser session)."""
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Return whether :meth:`save_session` writes the cookie: when the session was
        modified, or when it is permanent and ``SESSION_REFRESH_EACH_REQUEST`` is on
        (which pushes the expiry forward on every request)."""
        if session.modified:
            return True
        return session.permanent and bool(app.config["SESSION_REFRESH_EACH_REQUEST"])

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """Return the session for ``request``, or None to use a null session."""
        raise NotImplementedError

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` at the end of a request, e.g. by setting a cookie on
        ``response``."""
        raise NotImplementedError


def _sha1_resolved_late(string: bytes = b"") -> t.Any:
    """Return ``hashlib.sha1(string)``, looking the constructor up only when called.

    Builds with SHA-1 disabled (FIPS) can then still import this module and
    configure another digest before any session is signed.
    """
    return hashlib.sha1(string)


#: The serializer of the cookie session's contents.
session_json_serializer = TaggedJSONSerializer()


# The serializer each live app signs with, and the settings it was built from: one per
# app, so a rotated secret key replaces the serializer (and its derived keys) holding
# the old one instead of being kept beside it. Entries go with their apps.
_serializers: weakref.WeakKeyDictionary[t.Any, tuple[t.Hashable, URLSafeTimedSerializer]] = (
    weakref.WeakKeyDictionary()
)


def _vary_on_cookie(response: Response) -> None:
    """Add ``Cookie`` to the response's ``Vary`` header, as ``response.vary.add`` does;
    a response without the header gets it set directly, skipping the parse."""
    if keeps_default(type(response), _WerkzeugResponse, "vary") and "Vary" not in response.headers:
        response.headers["Vary"] = "Cookie"
    else:
        response.vary.add("Cookie")


class SecureCookieSessionInterface(SessionInterface):
    """Store the session in a cookie signed with itsdangerous.

    The cookie holds the session as tagged JSON (see :mod:`framework.json.tag`),
    base64-encoded, timestamped and signed with ``SECRET_KEY``; keys listed in
    ``SECRET_KEY_FALLBACKS`` are also accepted when reading, so keys can be rotated.
    """

    #: Salt mixed into the signing key, separating session signatures from others
    #: made with the same secret key.
    salt = "cookie-session"
    #: The hash function of the HMAC signature.
    digest_method = staticmethod(_sha1_resolved_late)
    #: How the signing key is derived from the secret key (see itsdangerous).
    key_derivation = "hmac"
    #: Turns the session's contents into a string and back.
    serializer: t.Any = session_json_serializer
    #: The class of the sessions :meth:`open_session` returns.
    session_class: type[SecureCookieSession] = SecureCookieSession

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the itsdangerous serializer that signs and verifies session cookies,
        or None when the app has no secret key.

        It signs with ``SECRET_KEY`` and verifies with it or any of
        ``SECRET_KEY_FALLBACKS``.
        """
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS")
        keys: list[t.Any] = [*fallbacks, secret_key] if fallbacks else [secret_key]
        # Serializers are stateless, so one is built per app and set of settings and
        # reused while they last.
        try:
            cache_key: t.Hashable = (
                tuple(keys),
                self.salt,
                self.serializer,
                self.key_derivation,
                self.digest_method,
            )
            cached = _serializers.get(app)
            hash(cache_key)
        except TypeError:  # unhashable settings, or an app without weak references
            cache_key, cached = None, None
        if cached is not None and cached[0] == cache_key:
            return cached[1]
        serializer = SessionTokenSerializer(
            keys,  # itsdangerous signs with the last key and accepts any of them
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )
        if cache_key is not None:
            _serializers[app] = (cache_key, serializer)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the session stored in the request's cookie, or None without a secret
        key.

        A missing, tampered, unreadable or expired cookie (older than
        ``PERMANENT_SESSION_LIFETIME``) gives a new, empty session.
        """
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        stored = self._verified_cookie_data(app, request, serializer)
        return self.session_class() if stored is None else self.session_class(stored)

    def _verified_cookie_data(
        self, app: Flask, request: Request, serializer: URLSafeTimedSerializer
    ) -> dict[str, t.Any] | None:
        """Return the dict signed into the request's session cookie, or None when there
        is no cookie or it fails verification, has expired or holds neither a dict nor a
        list of key-value pairs."""
        cookies = request.cookies
        name = self.get_cookie_name(app)
        # Tested first: MultiDict.get builds a BadRequestKeyError for a missing key.
        if name not in cookies:
            return None
        cookie = cookies[name]
        if not cookie:
            return None
        lifetime_seconds = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = serializer.loads(cookie, max_age=lifetime_seconds)
        except BadSignature:
            return None
        if isinstance(data, dict):
            return data
        # A signed list of pairs reads as the dict it spells; any other value is a
        # cookie this app did not write, and the session starts empty.
        try:
            return dict(data)
        except (TypeError, ValueError):
            return None

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write the session to the response's cookie, or delete the cookie.

        Adds ``Vary: Cookie`` when the session was accessed or the cookie is written.
        An emptied, modified session deletes the cookie; otherwise the cookie is set
        when :meth:`should_set_cookie` says so, with the ``SESSION_COOKIE_*``
        attributes and, for a permanent session, an ``Expires`` date.
        """
        # ``response.vary`` re-parses the header on every access, so Cookie is added
        # at most once: up front for an accessed session (keeping the header ahead of
        # Set-Cookie), otherwise only if the cookie was changed.
        varies_already = session.accessed
        if varies_already:
            _vary_on_cookie(response)
        if self._sync_cookie(app, session, response) and not varies_already:
            _vary_on_cookie(response)

    def _sync_cookie(self, app: Flask, session: SessionMixin, response: Response) -> bool:
        """Set or delete the session cookie on ``response`` as ``session`` requires, and
        return whether the cookie was touched.

        The cookie's attributes are only looked up when it is written or deleted, so
        an untouched session costs nothing here.
        """
        if not session:
            if not session.modified:
                return False
            # Emptied during the request: tell the browser to drop the cookie.
            response.delete_cookie(self.get_cookie_name(app), **self._cookie_attributes(app))
            return True
        if not self.should_set_cookie(app, session):
            return False
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            # The secret key was removed during the request: the changes cannot be
            # saved, and dropping them silently would lose data.
            raise RuntimeError(
                "The session was changed but the application no longer has a secret key:"
                " it cannot be saved. Keep SECRET_KEY set for the whole request."
            )
        response.set_cookie(
            self.get_cookie_name(app),
            serializer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            **self._cookie_attributes(app),
        )
        return True

    def _cookie_attributes(self, app: Flask) -> dict[str, t.Any]:
        """Return the cookie attributes shared by setting and deleting the session
        cookie, as keyword arguments read through the ``get_cookie_*`` methods."""
        return {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "partitioned": self.get_cookie_partitioned(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }
