"""CPU time and memory of process trees, sampled while a load test runs (with psutil).

A :class:`TreeSampler` thread reads, every quarter of a second, the CPU time (user +
system) and resident memory of every process in named groups of process trees (the
server: its master and workers; the generator: locust's processes), and the busy time
of the whole machine. :meth:`TreeSampler.usage` then gives, for any wall-clock window,
the CPU seconds each group and each process used (interpolated between samples), the
peak memory of each process and how busy the machine was, including the share used by
processes outside the test (other people's work on a shared machine).

CPU time is what a process actually ran, so CPU per request is a fair measure of a
server's cost even when the generator or a busy machine limits the throughput.
"""

from __future__ import annotations

import bisect
import dataclasses
import threading
import time

import psutil  # type: ignore[import-untyped]

SAMPLE_INTERVAL_S = 0.25


@dataclasses.dataclass(frozen=True)
class ProcessSample:
    """One process at one moment: cumulative CPU seconds (all, and in the kernel), memory."""

    cpu_s: float
    system_s: float
    rss: int
    is_root: bool


@dataclasses.dataclass(frozen=True)
class Sample:
    """Every watched process and the machine's busy CPU seconds at wall-clock time ``t``."""

    t: float
    processes: dict[str, dict[int, ProcessSample]]
    machine_busy_s: float


@dataclasses.dataclass(frozen=True)
class GroupUsage:
    """What one group of process trees used over a window."""

    cpu_s: float
    cpu_by_pid: dict[int, float]
    peak_rss_by_pid: dict[int, int]
    root_pids: frozenset[int]
    system_s: float = 0.0

    @property
    def worker_pids(self) -> list[int]:
        """Return the processes that do the work: the children, or the roots if alone."""
        children = [pid for pid in self.peak_rss_by_pid if pid not in self.root_pids]
        return sorted(children or self.peak_rss_by_pid)


@dataclasses.dataclass(frozen=True)
class WindowUsage:
    """Resources used over the wall-clock window ``start`` to ``end``."""

    start: float
    end: float
    groups: dict[str, GroupUsage]
    machine_busy_s: float
    cores: int

    @property
    def seconds(self) -> float:
        """Return the window's length in seconds."""
        return self.end - self.start

    @property
    def machine_share(self) -> float:
        """Return how busy the whole machine was, as a fraction of all its cores."""
        return self.machine_busy_s / (self.seconds * self.cores) if self.seconds > 0 else 0.0

    @property
    def others_share(self) -> float:
        """Return the share of the machine used by processes outside the watched groups."""
        if self.seconds <= 0:
            return 0.0
        ours = sum(group.cpu_s for group in self.groups.values())
        return max(0.0, self.machine_busy_s - ours) / (self.seconds * self.cores)


def machine_busy_seconds() -> float:
    """Return the CPU seconds all cores have spent not idle since boot."""
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return float(sum(times) - idle)


def available_cores() -> int:
    """Return the cores this process may run on."""
    try:
        return len(psutil.Process().cpu_affinity() or []) or psutil.cpu_count() or 1
    except (AttributeError, psutil.Error):
        return psutil.cpu_count() or 1


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return [root]


def _interpolate(times: list[float], values: list[float], at: float) -> float:
    """Return ``values`` (cumulative, sampled at ``times``) linearly interpolated at ``at``."""
    index = bisect.bisect_left(times, at)
    if index <= 0:
        return values[0]
    if index >= len(times):
        return values[-1]
    t0, t1 = times[index - 1], times[index]
    v0, v1 = values[index - 1], values[index]
    return v0 + (v1 - v0) * (at - t0) / (t1 - t0) if t1 > t0 else v1


class TreeSampler(threading.Thread):
    """Samples named groups of process trees until stopped; see the module docstring."""

    def __init__(self, interval: float = SAMPLE_INTERVAL_S) -> None:
        """Sample every ``interval`` seconds once started; add groups with :meth:`watch`."""
        super().__init__(name="tree-sampler", daemon=True)
        self.interval = interval
        self.samples: list[Sample] = []
        self._roots: dict[str, list[psutil.Process]] = {}
        # The last reading of every process ever seen: one that exits keeps its CPU time.
        self._last: dict[str, dict[int, ProcessSample]] = {}
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def watch(self, group: str, pid: int) -> None:
        """Add the process tree rooted at ``pid`` to ``group`` (a process gone is ignored)."""
        try:
            process = psutil.Process(pid)
        except psutil.Error:
            return
        with self._lock:
            self._roots.setdefault(group, []).append(process)
            self._last.setdefault(group, {})

    def sample(self) -> Sample:
        """Take one sample now and keep it."""
        now = time.time()
        busy = machine_busy_seconds()
        with self._lock:
            for group, roots in self._roots.items():
                seen = self._last[group]
                for root in roots:
                    for process in _tree(root):
                        try:
                            with process.oneshot():
                                times = process.cpu_times()
                                rss = process.memory_info().rss
                        except psutil.Error:
                            continue
                        seen[process.pid] = ProcessSample(
                            cpu_s=times.user + times.system,
                            system_s=times.system,
                            rss=rss,
                            is_root=process in roots,
                        )
            taken = Sample(
                t=now,
                processes={group: dict(seen) for group, seen in self._last.items()},
                machine_busy_s=busy,
            )
            self.samples.append(taken)
        return taken

    def run(self) -> None:
        """Sample until :meth:`stop` is called."""
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Take a last sample and stop the thread."""
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=5)
        self.sample()

    def usage(self, start: float, end: float) -> WindowUsage:
        """Return the resources used between wall-clock times ``start`` and ``end``.

        CPU is interpolated between the samples around each bound; peak memory is
        the highest resident size sampled within the window (or the nearest sample).
        """
        samples = list(self.samples)
        if not samples:
            raise ValueError("no samples were taken")
        times = [s.t for s in samples]
        inside = [s for s in samples if start <= s.t <= end] or [
            min(samples, key=lambda s: abs(s.t - (start + end) / 2))
        ]
        groups: dict[str, GroupUsage] = {}
        for group in samples[-1].processes:
            pids = {pid for s in samples for pid in s.processes.get(group, {})}
            cpu_by_pid: dict[int, float] = {}
            system_s = 0.0
            for pid in pids:
                readings = [s.processes.get(group, {}).get(pid, _ABSENT) for s in samples]
                values = [reading.cpu_s for reading in readings]
                used = _interpolate(times, values, end) - _interpolate(times, values, start)
                cpu_by_pid[pid] = max(0.0, used)
                system = [reading.system_s for reading in readings]
                system_s += max(
                    0.0, _interpolate(times, system, end) - _interpolate(times, system, start)
                )
            peak = {
                pid: max(
                    (s.processes[group][pid].rss for s in inside if pid in s.processes[group]),
                    default=0,
                )
                for pid in pids
            }
            roots = frozenset(
                pid for pid in pids if samples[-1].processes[group].get(pid, _ABSENT).is_root
            )
            groups[group] = GroupUsage(
                cpu_s=sum(cpu_by_pid.values()),
                cpu_by_pid=cpu_by_pid,
                peak_rss_by_pid={pid: rss for pid, rss in peak.items() if rss},
                root_pids=roots,
                system_s=system_s,
            )
        busy = [s.machine_busy_s for s in samples]
        return WindowUsage(
            start=start,
            end=end,
            groups=groups,
            machine_busy_s=_interpolate(times, busy, end) - _interpolate(times, busy, start),
            cores=available_cores(),
        )


# A process not seen (yet, or in this group) in a sample.
_ABSENT = ProcessSample(cpu_s=0.0, system_s=0.0, rss=0, is_root=False)
