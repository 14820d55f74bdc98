"""Every cache of the speed shortcuts is bounded in entries, bytes and key length.

Each test feeds one cache what a hostile client could (unique long paths, unique
hosts, unique mimetypes, rotating secret keys) and checks its bounds, and where the
bound is in bytes, that the memory really allocated stays under it (the byte counts
are estimates: these tests keep them honest).
"""

from __future__ import annotations

import gc
import tracemalloc
import typing as t
import weakref

import pytest
from werkzeug.routing import Rule

from framework import Flask
from framework.caches import BoundedCache
from framework.routing import Map, RequestBinding
from framework.sessions import SecureCookieSessionInterface, _serializers
from framework.wrappers import Response, _text_plans


def _environ(path: str, host: str = "example.test") -> dict[str, t.Any]:
    return {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": host,
        "PATH_INFO": path,
    }


def _allocated_by(action: t.Callable[[], object]) -> int:
    """Bytes still allocated after ``action`` (and a collection) compared to before."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = action()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del kept
    return after - before


# -- the bounded cache itself ------------------------------------------------------------


def test_bounded_cache_refuses_long_keys_and_starts_over_when_full() -> None:
    """A key over the length limit is not kept; the entry and byte bounds empty it."""
    cache: BoundedCache[str, int] = BoundedCache(max_entries=3, max_bytes=100, max_key_length=5)
    assert cache.remember("toolong", 1, key_length=7, cost=10) == 1
    assert "toolong" not in cache
    for key in "abc":
        cache.remember(key, 1, key_length=1, cost=10)
    assert len(cache) == 3 and cache.size == 30
    cache.remember("d", 1, key_length=1, cost=10)
    assert list(cache) == ["d"] and cache.size == 10
    cache.remember("e", 1, key_length=1, cost=95)
    assert list(cache) == ["e"] and cache.size == 95
    cache.remember("e", 2, key_length=1, cost=95)  # replacing costs nothing more
    assert cache == {"e": 2} and cache.size == 95


# -- the match memo ----------------------------------------------------------------------


def _memo(url_map: Map) -> BoundedCache[t.Any, t.Any]:
    return url_map._framework_match_memo[1]  # type: ignore[attr-defined, no-any-return]


def test_long_paths_are_matched_but_never_memoised() -> None:
    """A 10 KB path matches as usual, and the memo does not keep it."""
    url_map = Map([Rule("/p/<path:rest>", endpoint="p")])
    for i in range(50):
        rule, values = RequestBinding(url_map, _environ(f"/p/{i}/" + "x" * 10_000)).match()
        assert rule.endpoint == "p" and values["rest"].startswith(f"{i}/")
    assert len(_memo(url_map)) == 0


def test_unique_paths_keep_the_memo_within_its_entries_and_bytes() -> None:
    """Thousands of unique paths just under the length limit: the memo stays within
    its bounds, and the memory it holds within its byte budget."""
    url_map = Map([Rule("/p/<path:rest>", endpoint="p")])
    RequestBinding(url_map, _environ("/p/warm")).match()
    memo = _memo(url_map)

    def fill() -> None:
        for i in range(5_000):
            RequestBinding(url_map, _environ(f"/p/{i:08d}" + "y" * 220)).match()

    allocated = _allocated_by(fill)
    assert 0 < len(memo) <= memo.max_entries
    assert memo.size <= memo.max_bytes
    assert allocated <= memo.max_bytes


def test_memo_bounds_are_small() -> None:
    """The match memo may not hold more than 1,024 answers, 512 KiB or 256-character URLs."""
    url_map = Map([Rule("/", endpoint="i")])
    RequestBinding(url_map, _environ("/")).match()
    memo = _memo(url_map)
    assert (memo.max_entries, memo.max_bytes, memo.max_key_length) <= (1024, 512 * 1024, 256)


# -- the per-host binding cache -------------------------------------------------------------


def test_unique_hosts_keep_the_binding_cache_bounded() -> None:
    """Unique Host headers, short and long: the cache stays within its bounds, keeps
    no over-long host, and holds no more memory than its byte budget."""
    url_map = Map([Rule("/", endpoint="i")])
    RequestBinding(url_map, _environ("/", "warm.test"))
    cache: BoundedCache[t.Any, t.Any] = url_map._framework_bind_cache  # type: ignore[attr-defined]

    def fill() -> None:
        for i in range(3_000):
            RequestBinding(url_map, _environ("/", f"h{i}." + "a" * 60 + ".test"))

    allocated = _allocated_by(fill)
    assert 0 < len(cache) <= cache.max_entries
    assert cache.size <= cache.max_bytes
    assert allocated <= cache.max_bytes

    long_host = ".".join(["b" * 60] * 8)  # 487 characters, valid labels
    cache.clear()
    RequestBinding(url_map, _environ("/", long_host))
    assert len(cache) == 0


# -- the text-response plans ----------------------------------------------------------------


def test_unique_mimetypes_keep_the_text_plans_bounded() -> None:
    """Responses with request-chosen mimetypes: the plans stay within their bounds; a
    very long mimetype is not kept."""
    _text_plans.clear()

    def fill() -> None:
        for i in range(2_000):
            Response("body", mimetype=f"text/x-{i:06d}" + "z" * 80)

    allocated = _allocated_by(fill)
    assert 0 < len(_text_plans) <= _text_plans.max_entries
    assert _text_plans.size <= _text_plans.max_bytes
    assert allocated <= _text_plans.max_bytes
    _text_plans.clear()
    Response("body", mimetype="text/" + "w" * 10_000)
    assert len(_text_plans) == 0


# -- session serializers and derived keys ----------------------------------------------------


def test_rotated_secret_keys_are_not_kept() -> None:
    """After many key rotations on one app, the cache holds one serializer for it,
    built from the current key only, whose derived keys are the current key's."""
    app = Flask("rotation")
    interface = SecureCookieSessionInterface()
    for i in range(100):
        app.secret_key = f"secret-{i}"
        serializer = interface.get_signing_serializer(app)
        assert serializer is not None
        serializer.loads(serializer.dumps({"n": i}))
        serializer.loads(serializer.dumps({"n": i}, salt="other"), salt="other")
    cache_key, cached = _serializers[app]
    assert cached is serializer
    assert cached.secret_keys == [b"secret-99"]
    assert {key[0] for key in cached._derived_keys} <= {"secret-99", b"secret-99"}  # type: ignore[attr-defined]
    assert not any("secret-98" in repr(part) for part in t.cast(tuple, cache_key))


def test_serializers_go_with_their_apps() -> None:
    """The serializer cache keeps neither an app nor its secrets alive."""
    app = Flask("short_lived")
    app.secret_key = "gone-with-the-app"
    assert SecureCookieSessionInterface().get_signing_serializer(app) is not None
    alive = weakref.ref(app)
    del app
    gc.collect()
    assert alive() is None
    assert not any("gone-with-the-app" in repr(entry[0]) for entry in _serializers.values())


# -- a whole app under unique long paths -----------------------------------------------------


@pytest.mark.parametrize("path_length", [200, 20_000])
def test_an_app_does_not_grow_with_unique_long_paths(path_length: int) -> None:
    """2,000 requests with unique paths to a ``<path:...>`` rule, called as a WSGI app
    (the test client and ``urllib`` keep caches of their own), leave the app's caches
    within their budgets: under 1 MB in all."""
    app = Flask("hostile_paths", static_folder=None)
    app.add_url_rule("/files/<path:name>", "files", lambda name: f"{len(name)}")
    statuses: list[str] = []

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        statuses.append(status)

    def send() -> None:
        for i in range(2_000):
            body = app(_environ(f"/files/{i:06d}" + "q" * path_length), start_response)
            assert b"".join(body) == str(path_length + 6).encode()

    assert b"".join(app(_environ("/files/warm"), start_response)) == b"4"
    assert _allocated_by(send) < 1_000_000
    assert set(statuses) == {"200 OK"}
