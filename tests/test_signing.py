"""``framework.signing``: the session token serializer's fast path must give exactly
what itsdangerous's ``URLSafeTimedSerializer`` gives, token for token and error for
error."""

from __future__ import annotations

import hashlib
import typing as t
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from framework.json.tag import TaggedJSONSerializer
from framework.signing import SessionTokenSerializer, _DerivedKeyCachingSigner

NOW = 1_750_000_000
SETTINGS: dict[str, t.Any] = {
    "salt": "cookie-session",
    "serializer": TaggedJSONSerializer(),
    "signer_kwargs": {"key_derivation": "hmac", "digest_method": hashlib.sha1},
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
session_dicts = st.dictionaries(st.text(max_size=12), json_values, max_size=6)
keys = st.lists(st.text(min_size=1, max_size=16), min_size=1, max_size=3)


def _pair(secret_keys: list[str], **overrides: t.Any) -> tuple[t.Any, t.Any]:
    """The fast serializer and plain itsdangerous built with the same settings."""
    settings = {**SETTINGS, **overrides}
    return SessionTokenSerializer(secret_keys, **settings), URLSafeTimedSerializer(
        secret_keys, **settings
    )


def _outcome(load: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    try:
        return "value", load()
    except BadData as e:
        return type(e).__name__, str(e)


def _at(timestamp: float) -> t.Any:
    return mock.patch("itsdangerous.timed.time.time", return_value=timestamp)


def test_default_settings_take_the_fast_path() -> None:
    fast, _ = _pair(["key"])
    assert fast._fast is not None


@pytest.mark.parametrize(
    "overrides",
    [
        {"signer_kwargs": {"key_derivation": "concat", "digest_method": hashlib.sha1}},
        {"signer_kwargs": {"key_derivation": "hmac", "digest_method": hashlib.sha256, "sep": "|"}},
        {"fallback_signers": [{"digest_method": hashlib.md5}]},
        {"serializer_kwargs": {"sort_keys": True}, "serializer": __import__("json")},
    ],
)
def test_unusual_settings_use_itsdangerous_unchanged(overrides: dict[str, t.Any]) -> None:
    fast, plain = _pair(["old", "new"], **overrides)
    assert fast._fast is None
    with _at(NOW):
        token = fast.dumps({"a": 1})
        assert token == plain.dumps({"a": 1})
        assert fast.loads(token, max_age=60) == {"a": 1}


@given(session_dicts, keys)
def test_tokens_are_itsdangerous_tokens(data: dict[str, t.Any], secret_keys: list[str]) -> None:
    fast, plain = _pair(secret_keys)
    with _at(NOW):
        token = fast.dumps(data)
        assert token == plain.dumps(data)
        assert fast.loads(token, max_age=3600) == plain.loads(token, max_age=3600)


@given(
    session_dicts,
    st.integers(min_value=0, max_value=200),
    st.sampled_from(["flip", "cut", "append", "drop-dot"]),
    st.text(alphabet="abcXYZ019-_.=~ é", min_size=1, max_size=3),
)
def test_damaged_tokens_fail_exactly_as_in_itsdangerous(
    data: dict[str, t.Any], position: int, damage: str, extra: str
) -> None:
    fast, plain = _pair(["key"])
    with _at(NOW):
        token = fast.dumps(data)
    position %= len(token)
    if damage == "flip":
        replacement = "A" if token[position] != "A" else "B"
        token = token[:position] + replacement + token[position + 1 :]
    elif damage == "cut":
        token = token[:position]
    elif damage == "append":
        token = token + extra
    else:
        token = token.replace(".", "", 1)
    with _at(NOW):
        assert _outcome(lambda: fast.loads(token, max_age=60)) == _outcome(
            lambda: plain.loads(token, max_age=60)
        )


@pytest.mark.parametrize(("age", "verdict"), [(0, "value"), (60, "value"), (61, "expired")])
def test_max_age_is_enforced_like_itsdangerous(age: int, verdict: str) -> None:
    fast, plain = _pair(["key"])
    with _at(NOW):
        token = fast.dumps({"n": 1})
    with _at(NOW + age):
        fast_outcome = _outcome(lambda: fast.loads(token, max_age=60))
        assert fast_outcome == _outcome(lambda: plain.loads(token, max_age=60))
    assert fast_outcome[0] == ("value" if verdict == "value" else SignatureExpired.__name__)


def test_a_token_from_the_future_is_expired_like_itsdangerous() -> None:
    fast, plain = _pair(["key"])
    with _at(NOW + 100):
        token = fast.dumps({"n": 1})
    with _at(NOW):
        outcome = _outcome(lambda: fast.loads(token, max_age=60))
        assert outcome == _outcome(lambda: plain.loads(token, max_age=60))
    assert outcome[0] == "SignatureExpired"


def test_old_keys_verify_and_the_newest_signs() -> None:
    old, _ = _pair(["old"])
    rotated, plain_rotated = _pair(["old", "new"])
    with _at(NOW):
        token = old.dumps({"n": 1})
        assert rotated.loads(token) == {"n": 1}
        assert rotated.dumps({"n": 1}) == plain_rotated.dumps({"n": 1})
        assert _outcome(lambda: old.loads(rotated.dumps({"n": 1})))[0] == "BadTimeSignature"


def test_per_call_salt_and_timestamps_are_itsdangerous_own() -> None:
    fast, plain = _pair(["key"])
    with _at(NOW):
        token = fast.dumps({"n": 1}, salt="other")
        assert token == plain.dumps({"n": 1}, salt="other")
        assert fast.loads(token, salt="other") == {"n": 1}
        value, signed_at = fast.loads(fast.dumps({"n": 1}), return_timestamp=True)
    assert value == {"n": 1} and signed_at.timestamp() == NOW


def test_bytes_tokens_are_accepted() -> None:
    fast, _ = _pair(["key"])
    with _at(NOW):
        assert fast.loads(fast.dumps({"n": 1}).encode()) == {"n": 1}


def test_a_payload_that_cannot_be_read_raises_bad_payload() -> None:
    fast, plain = _pair(["key"])
    signer = _DerivedKeyCachingSigner(
        ["key"], **{"salt": "cookie-session", **SETTINGS["signer_kwargs"]}
    )
    with _at(NOW):
        token = signer.sign(b"!!not-base64-json").decode()
        outcome = _outcome(lambda: fast.loads(token))
        assert outcome == _outcome(lambda: plain.loads(token))
    assert outcome[0] == "BadPayload"


@pytest.mark.parametrize("data", [{"text": "abc" * 100}, {"n": 1}])
def test_valid_tokens_are_read_without_itsdangerous(data: dict[str, t.Any]) -> None:
    fast, plain = _pair(["old", "key"])
    with _at(NOW):
        token = fast.dumps(data)
        assert token == plain.dumps(data)
        assert token.startswith(".") == (len(data) == 1 and "text" in data)  # compressed
        slow = mock.patch.object(URLSafeTimedSerializer, "loads", side_effect=AssertionError)
        with slow:
            assert fast.loads(token, max_age=60) == data
