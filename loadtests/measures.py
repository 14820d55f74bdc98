"""What a run measured beyond locust's statistics: server cost, generator and machine load.

The runner combines the requests counted per second (:mod:`loadtests.timeline`) with
the CPU and memory sampled from the process trees (:mod:`loadtests.sampling`) over the
same wall-clock window, after warm-up:

- :class:`Measurement`: requests, req/s, latency percentiles and failures in the
  window, and the server's CPU microseconds per request and peak memory per worker;
- :class:`GeneratorLoad`: how much CPU locust's processes used, and whether the
  generator was saturated (then the req/s are the generator's, not the server's);
- :class:`MachineLoad`: how busy the whole machine was, and how much of it other
  processes took (a shared machine makes throughput noisy; CPU per request much less);
- :class:`TimelinePoint`: one second of the run, for the charts;
- :class:`StepResult`: one step of a saturation search, and :func:`capacity`.
"""

from __future__ import annotations

import dataclasses
import os
import platform
from collections.abc import Sequence
from typing import Any

from loadtests.sampling import TreeSampler, WindowUsage
from loadtests.steps import StepPlan, step_windows
from loadtests.timeline import Bucket, Timeline

SERVER_GROUP = "server"
GENERATOR_GROUP = "generator"
# A generator process is saturated above this share of its core; so is the whole
# generator above this share of the cores it had.
SATURATION_SHARE = 0.9
MIB = 1024 * 1024
# A measured window shorter than this is no measurement.
MIN_WINDOW_S = 2


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


@dataclasses.dataclass(frozen=True)
class Measurement:
    """The measured window of a run (or of one step): load, latency and server cost.

    ``server_system_share`` is the part of the server's CPU spent in the kernel
    (system time: the socket calls), the rest being the Python processes' own work.
    """

    start: int
    seconds: int
    requests: int
    failures: int
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    server_cpu_s: float
    cpu_us_per_request: float | None
    server_processes: int
    peak_rss_mib_per_worker: float | None
    server_system_share: float | None = None

    @classmethod
    def of(cls, bucket: Bucket, start: int, seconds: int, usage: WindowUsage) -> Measurement:
        """Combine the requests of ``bucket`` with the server's usage over the same window."""
        server = usage.groups.get(SERVER_GROUP)
        cpu_s = server.cpu_s if server is not None else 0.0
        workers = server.worker_pids if server is not None else []
        peak = max((server.peak_rss_by_pid[pid] for pid in workers), default=0) if server else 0
        return cls(
            start=start,
            seconds=seconds,
            requests=bucket.requests,
            failures=bucket.failures,
            rps=round(bucket.requests / seconds, 1) if seconds else 0.0,
            p50_ms=bucket.percentile(0.50),
            p99_ms=bucket.percentile(0.99),
            server_cpu_s=round(cpu_s, 3),
            cpu_us_per_request=round(cpu_s * 1e6 / bucket.requests, 1) if bucket.requests else None,
            server_processes=len(server.cpu_by_pid) if server is not None else 0,
            peak_rss_mib_per_worker=round(peak / MIB, 1) if peak else None,
            server_system_share=round(server.system_s / cpu_s, 3) if server and cpu_s else None,
        )


@dataclasses.dataclass(frozen=True)
class GeneratorLoad:
    """The CPU locust's processes used over the measured window, and the verdict on it."""

    processes: int
    user_processes: int
    cores_had: int
    cpu_s: float
    share_of_cores: float
    busiest_process_share: float

    @property
    def saturated(self) -> bool:
        """Return whether the generator, or one of its processes, ran out of CPU."""
        return (
            self.busiest_process_share >= SATURATION_SHARE
            or self.share_of_cores >= SATURATION_SHARE
        )

    @property
    def verdict(self) -> str:
        """Return one sentence saying whether the generator was the bottleneck."""
        detail = (
            f"its busiest process used {self.busiest_process_share:.0%} of a core, all "
            f"{self.processes} used {self.share_of_cores:.0%} of the "
            f"{self.cores_had} core(s) they had"
        )
        if self.saturated:
            return (
                f"GENERATOR SATURATED: {detail}; these req/s are the generator's, not the "
                "server's (server CPU per request is still valid)"
            )
        return f"generator not saturated: {detail}"

    @classmethod
    def of(cls, usage: WindowUsage, user_processes: int) -> GeneratorLoad:
        """Judge the generator group of ``usage``, whose users ran in ``user_processes``."""
        group = usage.groups.get(GENERATOR_GROUP)
        seconds = usage.seconds or 1.0
        cpu_by_pid = group.cpu_by_pid if group is not None else {}
        cores_had = max(1, min(user_processes, usage.cores))
        cpu_s = sum(cpu_by_pid.values())
        return cls(
            processes=len(cpu_by_pid),
            user_processes=user_processes,
            cores_had=cores_had,
            cpu_s=round(cpu_s, 3),
            share_of_cores=round(cpu_s / (seconds * cores_had), 3),
            busiest_process_share=round(max(cpu_by_pid.values(), default=0.0) / seconds, 3),
        )


@dataclasses.dataclass(frozen=True)
class MachineLoad:
    """The machine a run was made on and how busy it was during the measured window."""

    cpu_model: str
    cores: int
    busy_share: float
    others_share: float
    load_average_1m: float | None

    @property
    def saturated(self) -> bool:
        """Return whether the machine as a whole had no idle CPU left."""
        return self.busy_share >= SATURATION_SHARE

    @property
    def description(self) -> str:
        """Return one line describing the machine and its load."""
        text = (
            f"{self.cpu_model}, {self.cores} core(s): {self.busy_share:.0%} busy during the "
            f"window, {self.others_share:.0%} of it by processes outside the test"
        )
        if self.load_average_1m is not None:
            text += f", load average {self.load_average_1m:.1f}"
        if self.saturated:
            text += " (MACHINE SATURATED: req/s are what the shared CPU gave)"
        return text

    @classmethod
    def of(cls, usage: WindowUsage) -> MachineLoad:
        """Describe this machine and its load over ``usage``'s window."""
        try:
            load: float | None = os.getloadavg()[0]
        except (AttributeError, OSError):
            load = None
        return cls(
            cpu_model=cpu_model(),
            cores=usage.cores,
            busy_share=round(usage.machine_share, 3),
            others_share=round(usage.others_share, 3),
            load_average_1m=_round(load, 2),
        )


def cpu_model() -> str:
    """Return the processor's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


@dataclasses.dataclass(frozen=True)
class TimelinePoint:
    """One second of a run: seconds since the first request, users, req/s, latency."""

    second: int
    users: int
    rps: int
    failures: int
    p50_ms: float | None
    p99_ms: float | None


def timeline_points(timeline: Timeline) -> list[TimelinePoint]:
    """Return one point per second from the first request to the last."""
    first, last = timeline.first, timeline.last
    if first is None or last is None:
        return []
    points = []
    for second in range(first, last + 1):
        bucket = timeline.window(second, second + 1)
        points.append(
            TimelinePoint(
                second=second - first,
                users=bucket.users,
                rps=bucket.requests,
                failures=bucket.failures,
                p50_ms=bucket.percentile(0.50),
                p99_ms=bucket.percentile(0.99),
            )
        )
    return points


@dataclasses.dataclass(frozen=True)
class StepResult:
    """One step of a saturation search: its user count and what was measured in it."""

    users: int
    measurement: Measurement

    def within(self, p99_bound_ms: float) -> bool:
        """Return whether this step had requests, no failures and p99 under the bound."""
        m = self.measurement
        return (
            m.requests > 0 and m.failures == 0 and m.p99_ms is not None and m.p99_ms <= p99_bound_ms
        )

    def to_json(self) -> dict[str, Any]:
        """Return the step as a JSON-ready dict."""
        return {"users": self.users, "measurement": dataclasses.asdict(self.measurement)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepResult:
        """Rebuild a step from :meth:`to_json`."""
        return cls(users=data["users"], measurement=Measurement(**data["measurement"]))


def capacity(steps: Sequence[StepResult], p99_bound_ms: float) -> StepResult | None:
    """Return the step with the highest req/s among those within the p99 bound, or None."""
    good = [step for step in steps if step.within(p99_bound_ms)]
    return max(good, key=lambda step: step.measurement.rps, default=None)


@dataclasses.dataclass(frozen=True)
class Measured:
    """What the runner measured itself over a run (see :mod:`loadtests.measures`)."""

    measurement: Measurement | None
    steps: list[StepResult]
    generator: GeneratorLoad | None
    machine: MachineLoad | None


def measure(
    timeline: Timeline,
    sampler: TreeSampler,
    user_processes: int,
    plan: StepPlan | None,
    settle_s: int,
) -> Measured:
    """Combine the timeline's request counts with the sampled CPU, window by window.

    A constant run is measured from ``settle_s`` seconds after its first request
    (the ramp-up and the warm-up) to its last whole second; a step run (``plan``)
    step by step. The generator, whose users ran in ``user_processes`` processes,
    and the machine are judged over the same span.
    """
    first, last = timeline.first, timeline.last
    if first is None or last is None or not sampler.samples:
        return Measured(None, [], None, None)
    measurement = None
    steps: list[StepResult] = []
    if plan is not None:
        for users, start, end in step_windows(plan, first):
            usage = sampler.usage(start, end)
            window = Measurement.of(timeline.window(start, end), start - first, end - start, usage)
            steps.append(StepResult(users=users, measurement=window))
        span = (first, last)
        if steps:
            span = (
                first + steps[0].measurement.start,
                first + steps[-1].measurement.start + steps[-1].measurement.seconds,
            )
    else:
        start, end = first + settle_s, last  # the last second is partial
        span = (first, last)
        if end - start >= MIN_WINDOW_S:
            usage = sampler.usage(start, end)
            measurement = Measurement.of(
                timeline.window(start, end), start - first, end - start, usage
            )
            span = (start, end)
    usage = sampler.usage(*span)
    return Measured(
        measurement=measurement,
        steps=steps,
        generator=GeneratorLoad.of(usage, user_processes),
        machine=MachineLoad.of(usage),
    )
