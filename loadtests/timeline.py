"""Requests per second of wall-clock time, as the locust processes saw them complete.

Every locust process that runs users (the single local process, or each worker of a
distributed run) keeps a :class:`TimelineRecorder`: each request lands in the bucket
of the wall-clock second it completed in, with its latency rounded into a histogram.
Once a second the finished buckets are appended to ``timeline-<pid>.jsonl`` in the
folder named by ``LOADTEST_TIMELINE_DIR``, one JSON object a line.

The runner merges the files of every process with :func:`load_timeline` into a
:class:`Timeline`, which gives exact request counts and latency percentiles over any
window of whole seconds (the measured window after warm-up, each step of a
saturation search) and the per-second series the charts draw. These counts are
taken where the requests were made, so they are independent of locust's own
statistics, and line up with the server's CPU samples by wall-clock time.

Nothing here imports locust.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

TIMELINE_DIR_ENV_VAR = "LOADTEST_TIMELINE_DIR"
TIMELINE_GLOB = "timeline-*.jsonl"


def round_latency(ms: float) -> float:
    """Round a latency in ms to its histogram bucket (finer for faster requests).

    0.1 ms below 10 ms, 1 ms below 100 ms, 10 ms below 1 s, 100 ms beyond.
    """
    if ms < 10:
        return round(ms, 1)
    if ms < 100:
        return float(round(ms))
    if ms < 1000:
        return float(round(ms, -1))
    return float(round(ms, -2))


@dataclasses.dataclass
class Bucket:
    """The requests that completed within one wall-clock second (or a window of them)."""

    requests: int = 0
    failures: int = 0
    users: int = 0
    latencies: Counter[float] = dataclasses.field(default_factory=Counter)

    def add(self, other: Bucket) -> None:
        """Add ``other``'s requests, failures, users and latencies to this bucket."""
        self.requests += other.requests
        self.failures += other.failures
        self.users += other.users
        self.latencies.update(other.latencies)

    def percentile(self, fraction: float) -> float | None:
        """Return the latency (ms) below which ``fraction`` of requests fell, or None."""
        total = sum(self.latencies.values())
        if total == 0:
            return None
        rank = fraction * total
        seen = 0
        for latency in sorted(self.latencies):
            seen += self.latencies[latency]
            if seen >= rank:
                return latency
        return max(self.latencies)

    def to_json(self, second: int) -> str:
        """Return this bucket as one JSON line for ``second``."""
        return json.dumps(
            {
                "t": second,
                "n": self.requests,
                "f": self.failures,
                "u": self.users,
                "h": {str(k): v for k, v in self.latencies.items()},
            }
        )


class TimelineRecorder:
    """Buckets one process's requests by completion second; flushes them to a file."""

    def __init__(self, path: Path) -> None:
        """Record into ``path`` (``timeline-<pid>.jsonl``), appending on each flush."""
        self.path = path
        self.buckets: dict[int, Bucket] = {}
        self.users = 0

    def record(self, now: float, response_time_ms: float, failed: bool) -> None:
        """Count a request that completed at ``now`` (epoch seconds) after ``response_time_ms``."""
        bucket = self.buckets.get(int(now))
        if bucket is None:
            bucket = self.buckets[int(now)] = Bucket(users=self.users)
        bucket.requests += 1
        bucket.failures += failed
        bucket.latencies[round_latency(response_time_ms)] += 1

    def flush(self, now: float | None = None) -> None:
        """Append the buckets of seconds before ``now`` (all of them when None) to the file."""
        done = sorted(s for s in self.buckets if now is None or s < int(now))
        if not done:
            return
        with open(self.path, "a", encoding="utf-8") as file:
            for second in done:
                file.write(self.buckets.pop(second).to_json(second) + "\n")


def recorder_from_environment() -> TimelineRecorder | None:
    """Return a recorder writing into ``$LOADTEST_TIMELINE_DIR``, or None when it is unset."""
    folder = os.environ.get(TIMELINE_DIR_ENV_VAR)
    if not folder:
        return None
    return TimelineRecorder(Path(folder) / f"timeline-{os.getpid()}.jsonl")


class TimelineError(ValueError):
    """A timeline file is malformed (the message names it)."""


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Per-second buckets merged over every locust process of a run."""

    seconds: dict[int, Bucket]

    @property
    def first(self) -> int | None:
        """Return the first second in which a request completed, or None."""
        return min(self.seconds) if self.seconds else None

    @property
    def last(self) -> int | None:
        """Return the last second in which a request completed, or None."""
        return max(self.seconds) if self.seconds else None

    @property
    def requests(self) -> int:
        """Return every request counted, over the whole run."""
        return sum(bucket.requests for bucket in self.seconds.values())

    def window(self, start: int, end: int) -> Bucket:
        """Return the requests that completed in the seconds ``start`` to ``end - 1``."""
        merged = Bucket()
        for second in range(start, end):
            bucket = self.seconds.get(second)
            if bucket is not None:
                merged.add(bucket)
        return merged


def parse_timeline_lines(lines: Iterable[str], what: str) -> dict[int, Bucket]:
    """Parse the JSON lines of one timeline file into buckets by second."""
    seconds: dict[int, Bucket] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            bucket = Bucket(
                requests=int(data["n"]),
                failures=int(data["f"]),
                users=int(data["u"]),
                latencies=Counter({float(k): int(v) for k, v in data["h"].items()}),
            )
            second = int(data["t"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TimelineError(f"{what} line {number}: not a timeline entry ({exc})")
        seconds.setdefault(second, Bucket()).add(bucket)
    return seconds


def load_timeline(folder: Path) -> Timeline:
    """Merge every ``timeline-*.jsonl`` in ``folder`` into one :class:`Timeline`."""
    merged: dict[int, Bucket] = {}
    for path in sorted(folder.glob(TIMELINE_GLOB)):
        with open(path, encoding="utf-8") as file:
            for second, bucket in parse_timeline_lines(file, str(path)).items():
                merged.setdefault(second, Bucket()).add(bucket)
    return Timeline(merged)
