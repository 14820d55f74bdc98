"""Hostile request streams leave memory flat (issue 12): 10,000 requests with unique
long paths, hosts, cookies and sessions (``loadtests/hostile.py``), sent in-process,
must not grow the process by 5 MB, on either implementation.

Growth is measured after a warm-up that sends every stream, at the worst of 20
samples (so a cache that fills and then starts over counts when full), in RSS and in
tracemalloc's traced memory; see :class:`loadtests.memory.MemoryWatch`. An
implementation that remembers every request proves the measurement catches a leak.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from loadtests.hostile import (
    DEFAULT_SIZE,
    SESSION_COOKIE_LIMIT,
    STREAMS,
    HostileStreams,
    create_hostile_app,
)
from loadtests.inprocess import call_wsgi, send_probes
from loadtests.memory import MB, MemoryWatch

BROKEN_IMPLS = Path(__file__).resolve().parent / "broken_impls"
HOSTILE_REQUESTS = 10_000
WARMUP_REQUESTS = 1_000
SAMPLES = 20
BOUND = 5 * MB


@dataclass(frozen=True)
class Growth:
    """What a hostile run did to memory (bytes), and where Python memory grew most."""

    rss: int
    traced: int
    top_sites: list[str]
    failures: Counter[str]

    def describe(self, requests: int) -> str:
        """Return the growth as one line naming the sites that grew most."""
        return (
            f"RSS +{self.rss / MB:.1f} MB, traced +{self.traced / MB:.1f} MB over "
            f"{requests} hostile requests; grew most: {'; '.join(self.top_sites)}"
        )


def hostile_growth(impl_name: str, requests: int) -> Growth:
    """Send ``requests`` hostile requests (after the warm-up) to a fresh hostile app on
    ``impl_name``; return how memory grew and the wrong answers."""
    app = create_hostile_app(impl_name)
    probes = HostileStreams(app, tag=impl_name[:2]).round_robin()
    watch = MemoryWatch()
    kinds: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    watch.start_tracing()
    try:
        send_probes(app, probes, WARMUP_REQUESTS, kinds, failures)
        watch.take_baseline()
        for sample in range(1, SAMPLES + 1):
            send_probes(app, probes, requests // SAMPLES, kinds, failures)
            watch.sample(requests * sample // SAMPLES)
        top_sites = watch.top_growth()
    finally:
        watch.stop_tracing()
    assert set(kinds) == set(STREAMS)
    return Growth(watch.rss_growth, watch.traced_growth, top_sites, failures)


@pytest.mark.parametrize("impl_name", ["flask", "framework"])
def test_hostile_streams_leave_memory_flat(impl_name: str) -> None:
    """10,000 hostile requests are answered right and grow RSS and traced memory by
    under 5 MB."""
    growth = hostile_growth(impl_name, HOSTILE_REQUESTS)
    assert not growth.failures
    assert growth.rss < BOUND, growth.describe(HOSTILE_REQUESTS)
    assert growth.traced < BOUND, growth.describe(HOSTILE_REQUESTS)


def test_memory_check_catches_an_implementation_that_remembers_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An implementation that keeps every request's path, host and cookies grows past
    the bound within 3,000 hostile requests, in both measures."""
    monkeypatch.syspath_prepend(str(BROKEN_IMPLS))
    growth = hostile_growth("broken_remembers_requests", 3_000)
    assert not growth.failures
    assert growth.rss > BOUND
    assert growth.traced > BOUND


@pytest.mark.parametrize("impl_name", ["flask", "framework"])
def test_each_stream_sends_unique_large_text_and_is_answered(impl_name: str) -> None:
    """Every hostile request carries about the configured amount of text, unique to it,
    and both implementations answer it as its check expects."""
    app = create_hostile_app(impl_name)
    streams = HostileStreams(app)
    seen: set[str] = set()
    for stream in STREAMS:
        for n in (0, 1, 255):
            probe = streams.probe(stream, n)
            assert probe.kind == stream
            environ = probe.environ
            text = environ["PATH_INFO"] + environ.get("HTTP_HOST", "")
            text += environ.get("HTTP_COOKIE", "")
            expected = SESSION_COOKIE_LIMIT if stream == "large-sessions" else DEFAULT_SIZE
            assert expected * 0.9 < len(text) < expected * 1.1, stream
            assert text not in seen
            seen.add(text)
            assert probe.check(call_wsgi(app, environ)) is None


def test_unknown_stream_and_small_size_are_refused() -> None:
    """Asking for an unknown stream or for less hostile text than the minimum raises."""
    app = create_hostile_app("framework")
    with pytest.raises(ValueError, match="unknown hostile stream 'nope'"):
        HostileStreams(app).probe("nope", 0)
    with pytest.raises(ValueError, match="under the minimum"):
        HostileStreams(app, size=10)
