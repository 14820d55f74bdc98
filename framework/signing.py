"""Signed, timestamped session tokens: itsdangerous's format, with a fast common path.

:class:`SessionTokenSerializer` *is* an itsdangerous ``URLSafeTimedSerializer`` (same
constructor, same tokens, same exceptions), so cookies stay interchangeable with
Flask's. For the common case (HMAC key derivation, no per-call salt, no fallback
signers) it signs and verifies with ``hmac.digest`` on keys derived once, instead of
building a signer and walking itsdangerous's layers on every call. Whenever the fast
path meets anything unusual (a bad signature, an expired or malformed token) it hands
the token to itsdangerous, which then decides and raises exactly as it always does.
"""

from __future__ import annotations

import base64
import hmac
import typing as t
import zlib

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import bytes_to_int, int_to_bytes
from itsdangerous.signer import HMACAlgorithm

from .caches import BoundedCache
from .overrides import keeps_default

# Estimated bytes of one derived key: the key tuple, the 20-64 byte digest, the slot.
_DERIVED_KEY_COST = 400

__all__ = ["SessionTokenSerializer"]


def _derived_key_cache() -> BoundedCache[tuple[t.Any, ...], bytes]:
    """A cache of derived keys for one serializer's secret keys: a few salts (given per
    call, so bounded in number and length) times its keys."""
    return BoundedCache(max_entries=32, max_bytes=32 * 1024, max_key_length=256)


class _DerivedKeyCachingSigner(TimestampSigner):
    """itsdangerous's timestamp signer, deriving each signing key once: the derivation
    (an HMAC of the secret key and salt) otherwise runs on every sign and verify.

    The derived keys are kept by the serializer that makes the signer (see
    :meth:`SessionTokenSerializer.make_signer`), so they go when it goes: a rotated
    secret key is not kept alive by a cache."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived = _derived_key_cache()

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """Return the signing key derived from ``secret_key`` (default: the newest)."""
        if secret_key is None:
            secret_key = self.secret_keys[-1]
        key = (secret_key, self.salt, self.key_derivation, self.digest_method)
        try:
            return self._derived[key]
        except KeyError:
            pass
        except TypeError:  # unhashable digest method
            return super().derive_key(secret_key)
        derived = super().derive_key(secret_key)
        salt_length = len(self.salt)
        return self._derived.remember(
            key, derived, key_length=salt_length, cost=_DERIVED_KEY_COST + salt_length
        )


class _FastPath(t.NamedTuple):
    """What the fast path needs, worked out once per serializer."""

    digest_name: str
    signing_key: bytes
    verifying_keys: tuple[bytes, ...]  # newest first, as itsdangerous tries them
    signer: TimestampSigner  # for its clock, so a patched ``time.time`` is honoured


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))


class SessionTokenSerializer(URLSafeTimedSerializer):
    """An itsdangerous ``URLSafeTimedSerializer`` whose ``dumps`` and ``loads`` take a
    direct route when the settings allow; see the module docstring.

    Signing keys are derived once per serializer, so build one per set of settings
    and reuse it. Returns and raises exactly what ``URLSafeTimedSerializer`` does.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        kwargs.setdefault("signer", _DerivedKeyCachingSigner)
        self._derived_keys = _derived_key_cache()
        super().__init__(*args, **kwargs)
        self._fast = self._plan_fast_path()

    def make_signer(self, salt: str | bytes | None = None) -> t.Any:
        """Return itsdangerous's signer for ``salt``, sharing this serializer's derived
        keys when it is the caching signer."""
        signer = super().make_signer(salt)
        if isinstance(signer, _DerivedKeyCachingSigner):
            signer._derived = self._derived_keys
        return signer

    def _plan_fast_path(self) -> _FastPath | None:
        """Return the fast path's keys, or None when the settings need itsdangerous's
        general machinery (another signer, algorithm, key derivation or separator,
        fallback signers, a binary serializer or serializer arguments)."""
        if self.fallback_signers or self.serializer_kwargs or not self.is_text_serializer:
            return None
        if not keeps_default(type(self), URLSafeTimedSerializer, "dump_payload", "load_payload"):
            return None
        signer = self.make_signer()
        if (
            not isinstance(signer, TimestampSigner)
            or type(signer) not in (TimestampSigner, _DerivedKeyCachingSigner)
            or type(signer.algorithm) is not HMACAlgorithm
            or signer.key_derivation != "hmac"
            or signer.sep != b"."
        ):
            return None
        try:
            signing_key = signer.derive_key()
            digest_name = signer.digest_method().name
            probe = hmac.digest(signing_key, b"probe", digest_name)
        except (TypeError, ValueError, AttributeError):
            return None
        # A digest whose name hmac resolves differently is left to itsdangerous.
        if _b64encode(probe) != signer.get_signature(b"probe"):
            return None
        keys = tuple(signer.derive_key(key) for key in reversed(self.secret_keys))
        return _FastPath(digest_name, signing_key, keys, signer)

    def dumps(self, obj: t.Any, salt: str | bytes | None = None) -> str:
        """Return ``obj`` serialized, compressed when that is shorter, timestamped and
        signed with the newest key, as a URL-safe string."""
        fast = self._fast
        if fast is None or salt is not None:
            return super().dumps(obj, salt)
        payload = self.serializer.dumps(obj).encode("utf-8")
        compressed = zlib.compress(payload)
        if len(compressed) < len(payload) - 1:
            body = b"." + _b64encode(compressed)
        else:
            body = _b64encode(payload)
        value = body + b"." + _b64encode(int_to_bytes(fast.signer.get_timestamp()))
        signature = hmac.digest(fast.signing_key, value, fast.digest_name)
        return (value + b"." + _b64encode(signature)).decode("utf-8")

    def loads(  # type: ignore[override]
        self,
        s: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
        salt: str | bytes | None = None,
    ) -> t.Any:
        """Return the object signed into ``s``; raise ``BadSignature`` (or its
        subclasses ``SignatureExpired``, ``BadTimeSignature``, ``BadPayload``) when
        it was tampered with, is older than ``max_age`` seconds or cannot be read."""
        fast = self._fast
        if fast is not None and salt is None and not return_timestamp:
            token = s.encode("utf-8") if isinstance(s, str) else s
            payload = self._verified_payload(fast, token, max_age)
            if payload is not None:
                try:
                    # itsdangerous's load_payload: "." marks a compressed payload.
                    if payload[:1] == b".":
                        data = zlib.decompress(_b64decode(payload[1:]))
                    else:
                        data = _b64decode(payload)
                    return self.serializer.loads(data.decode("utf-8"))
                except Exception:
                    pass  # itsdangerous raises its own error for this below
        return super().loads(s, max_age=max_age, return_timestamp=return_timestamp, salt=salt)

    @staticmethod
    def _verified_payload(fast: _FastPath, token: bytes, max_age: int | None) -> bytes | None:
        """Return the payload part of ``token`` when its signature is valid and it is
        within ``max_age``; None for anything else (itsdangerous then explains)."""
        value, dot, signature = token.rpartition(b".")
        if not dot:
            return None
        try:
            expected = _b64decode(signature)
            for key in fast.verifying_keys:
                if hmac.compare_digest(expected, hmac.digest(key, value, fast.digest_name)):
                    break
            else:
                return None
            payload, dot, timestamp = value.rpartition(b".")
            if not dot:
                return None
            signed_at = bytes_to_int(_b64decode(timestamp))
        except Exception:
            return None
        if max_age is not None:
            age = fast.signer.get_timestamp() - signed_at
            if age > max_age or age < 0:
                return None
        return payload
