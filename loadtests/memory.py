"""Measuring how much a process's memory grows while it serves requests.

A :class:`MemoryWatch` takes a baseline (after a full garbage collection) once the
caller has warmed the app up, then samples at chosen moments: the resident set size
(RSS, from the operating system, so it also sees memory that C code keeps) and the
memory ``tracemalloc`` traces (Python allocations still alive since tracing began, and
the peak between samples). Growth is measured against the baseline at the worst
sample, so a cache that fills up and then starts over still counts at its fullest.

Before the baseline, free C-heap memory is handed back to the operating system
(:func:`release_free_memory`): otherwise a leak can fill memory freed earlier (by a
previous test in the same process, say) without the RSS moving.

tracemalloc's own bookkeeping grows with the number of live traced blocks; it is
subtracted from the RSS so that tracing does not count as growth of the app.
"""

from __future__ import annotations

import ctypes
import gc
import os
import resource
import sys
import tracemalloc
from dataclasses import dataclass, field

MB = 1024 * 1024


def current_rss() -> int:
    """Return this process's resident set size in bytes.

    On Linux it is read from ``/proc/self/statm``; elsewhere only the peak RSS is
    available (``getrusage``), which still shows growth, never a fall.
    """
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB else


def release_free_memory() -> None:
    """Hand the C heap's free memory back to the operating system (glibc's
    ``malloc_trim``; elsewhere nothing), so that memory freed before a baseline is not
    silently reused by a leak afterwards, which would hide the leak from the RSS."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


@dataclass(frozen=True)
class MemorySample:
    """Memory at one moment: after ``requests`` requests, in bytes."""

    requests: int
    rss: int
    traced: int
    traced_peak: int
    """The most tracemalloc traced at any moment since the previous sample."""

    def to_json(self) -> dict[str, int]:
        """Return the sample as a JSON object."""
        return {
            "requests": self.requests,
            "rss": self.rss,
            "traced": self.traced,
            "traced_peak": self.traced_peak,
        }


@dataclass
class MemoryWatch:
    """Baseline and samples of this process's memory; see the module's documentation.

    With ``trace`` false, tracemalloc is not used (much faster) and only RSS counts.
    """

    trace: bool = True
    baseline: MemorySample | None = field(default=None, repr=False)
    samples: list[MemorySample] = field(default_factory=list, repr=False)
    _started_tracing: bool = field(default=False, repr=False)
    _baseline_snapshot: tracemalloc.Snapshot | None = field(default=None, repr=False)

    def start_tracing(self) -> None:
        """Start tracemalloc (if tracing and not already on); call before the warm-up."""
        if self.trace and not tracemalloc.is_tracing():
            tracemalloc.start()
            self._started_tracing = True

    def stop_tracing(self) -> None:
        """Stop tracemalloc if :meth:`start_tracing` started it."""
        if self._started_tracing:
            tracemalloc.stop()
            self._started_tracing = False

    def take_baseline(self, requests: int = 0) -> MemorySample:
        """Collect garbage and record the baseline the growth is measured from."""
        self.baseline = self._measure(requests, collect=True)
        self.samples = []
        if self.trace and tracemalloc.is_tracing():
            self._baseline_snapshot = tracemalloc.take_snapshot()
        return self.baseline

    def top_growth(self, limit: int = 3) -> list[str]:
        """Return the ``limit`` source lines whose live allocations grew most since the
        baseline, as ``file:line +N KiB`` (empty when not tracing)."""
        if self._baseline_snapshot is None or not tracemalloc.is_tracing():
            return []
        now = tracemalloc.take_snapshot()
        lines = []
        for stat in now.compare_to(self._baseline_snapshot, "lineno")[:limit]:
            frame = stat.traceback[0]
            lines.append(f"{frame.filename}:{frame.lineno} {stat.size_diff / 1024:+.0f} KiB")
        return lines

    def sample(self, requests: int) -> MemorySample:
        """Record and return a sample after ``requests`` requests (no collection first,
        so that garbage the app leaves to the collector counts as it would in a server)."""
        sample = self._measure(requests, collect=False)
        self.samples.append(sample)
        return sample

    def _measure(self, requests: int, *, collect: bool) -> MemorySample:
        if collect:
            gc.collect()
            release_free_memory()
        rss = current_rss()
        if self.trace and tracemalloc.is_tracing():
            traced, peak = tracemalloc.get_traced_memory()
            rss -= tracemalloc.get_tracemalloc_memory()
            tracemalloc.reset_peak()
        else:
            traced = peak = 0
        return MemorySample(requests, rss, traced, peak)

    def _require_baseline(self) -> MemorySample:
        if self.baseline is None:
            raise RuntimeError("take_baseline() first")
        return self.baseline

    @property
    def rss_growth(self) -> int:
        """Bytes the RSS rose above the baseline at the worst sample (0 if it never did)."""
        base = self._require_baseline().rss
        return max([0, *(sample.rss - base for sample in self.samples)])

    @property
    def traced_growth(self) -> int:
        """Bytes the traced memory rose above the baseline at its peak (0 untraced)."""
        base = self._require_baseline().traced
        if not self.trace:
            return 0
        return max([0, *(sample.traced_peak - base for sample in self.samples)])

    def over(self, bound: int) -> list[str]:
        """Return a phrase for each measure whose growth exceeds ``bound`` bytes."""
        problems = []
        if self.rss_growth > bound:
            problems.append(f"RSS grew by {self.rss_growth / MB:.1f} MB")
        if self.traced_growth > bound:
            problems.append(f"traced memory grew by {self.traced_growth / MB:.1f} MB")
        return problems
