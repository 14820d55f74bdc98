"""Tests of what the load-test runner measures itself: timelines, CPU samples, steps, verdicts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from loadtest_samples import generator, machine, step

from loadtests.measures import (
    GENERATOR_GROUP,
    SERVER_GROUP,
    GeneratorLoad,
    Measurement,
    capacity,
    measure,
    timeline_points,
)
from loadtests.profiling import (
    APPLICATION,
    OTHER,
    classify,
    frame_file,
    pyspy_command,
    summarise_profile,
)
from loadtests.sampling import GroupUsage, TreeSampler, WindowUsage
from loadtests.steps import StepPlan, step_windows
from loadtests.timeline import (
    Bucket,
    Timeline,
    TimelineError,
    TimelineRecorder,
    load_timeline,
    round_latency,
)

# --- timeline ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "bucket"),
    [(0.04, 0.0), (3.26, 3.3), (42.4, 42.0), (456.0, 460.0), (1234.0, 1200.0)],
)
def test_latencies_are_rounded_finer_for_faster_requests(ms: float, bucket: float) -> None:
    assert round_latency(ms) == bucket


def test_recorder_buckets_requests_by_completion_second_and_flushes_finished_ones(
    tmp_path: Path,
) -> None:
    recorder = TimelineRecorder(tmp_path / "timeline-1.jsonl")
    recorder.users = 4
    recorder.record(100.2, 3.0, failed=False)
    recorder.record(100.9, 5.0, failed=True)
    recorder.record(101.5, 7.0, failed=False)
    recorder.flush(101.7)  # second 101 is not over yet
    lines = (tmp_path / "timeline-1.jsonl").read_text().splitlines()
    assert len(lines) == 1
    recorder.flush()
    timeline = load_timeline(tmp_path)
    assert sorted(timeline.seconds) == [100, 101]
    first = timeline.seconds[100]
    assert (first.requests, first.failures, first.users) == (2, 1, 4)
    assert first.latencies == {3.0: 1, 5.0: 1}


def test_timelines_of_several_processes_are_merged_second_by_second(tmp_path: Path) -> None:
    for pid, count in ((1, 3), (2, 5)):
        recorder = TimelineRecorder(tmp_path / f"timeline-{pid}.jsonl")
        recorder.users = pid
        for index in range(count):
            recorder.record(200.5, float(index), failed=False)
        recorder.flush()
    timeline = load_timeline(tmp_path)
    assert timeline.requests == 8
    assert timeline.seconds[200].users == 3
    assert timeline.window(200, 201).percentile(0.5) == 1.0


def test_bucket_percentiles() -> None:
    bucket = Bucket()
    assert bucket.percentile(0.5) is None
    for latency in range(1, 101):
        bucket.latencies[float(latency)] += 1
    assert bucket.percentile(0.5) == 50.0
    assert bucket.percentile(0.99) == 99.0
    assert bucket.percentile(1.0) == 100.0


def test_window_counts_only_its_seconds() -> None:
    timeline = Timeline({second: Bucket(requests=second) for second in range(10, 15)})
    assert timeline.window(11, 13).requests == 11 + 12
    assert (timeline.first, timeline.last) == (10, 14)


def test_a_malformed_timeline_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "timeline-7.jsonl").write_text('{"t": 1, "n": 2}\n')
    with pytest.raises(TimelineError, match=r"timeline-7\.jsonl line 1: not a timeline entry"):
        load_timeline(tmp_path)


def test_timeline_points_cover_every_second_from_the_first_request() -> None:
    timeline = Timeline({50: Bucket(requests=3, users=2), 52: Bucket(requests=4, users=2)})
    points = timeline_points(timeline)
    assert [(p.second, p.rps) for p in points] == [(0, 3), (1, 0), (2, 4)]
    assert points[1].p99_ms is None


# --- sampling --------------------------------------------------------------------

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_sampler_measures_the_cpu_of_a_process_tree_and_its_children() -> None:
    """A parent that starts a child burning 0.6 s of CPU is charged that CPU."""
    code = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', {BURN.format(seconds=0.6)!r}])\n"
        "child.wait()\ntime.sleep(0.3)\n"
    )
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
    busy = subprocess.Popen([sys.executable, "-c", code])
    sampler = TreeSampler(interval=0.05)
    try:
        sampler.watch(SERVER_GROUP, busy.pid)
        sampler.watch(GENERATOR_GROUP, sleeper.pid)
        started = time.time()
        sampler.start()
        busy.wait(timeout=30)
    finally:
        sampler.stop()
        sleeper.kill()
        sleeper.wait()
    usage = sampler.usage(started, time.time())
    server = usage.groups[SERVER_GROUP]
    # The child's burn was seen (it exited before the end, but its last reading stays).
    assert 0.4 < server.cpu_s < 2.0
    assert len(server.cpu_by_pid) == 2
    assert usage.groups[GENERATOR_GROUP].cpu_s < 0.3
    assert server.root_pids == frozenset({busy.pid})
    assert server.worker_pids != [busy.pid]
    assert usage.cores >= 1
    assert usage.machine_busy_s >= 0.4


def test_window_usage_shares() -> None:
    group = GroupUsage(
        cpu_s=2.0, cpu_by_pid={1: 2.0}, peak_rss_by_pid={1: 10}, root_pids=frozenset({1})
    )
    usage = WindowUsage(
        start=0.0, end=10.0, groups={SERVER_GROUP: group}, machine_busy_s=5.0, cores=2
    )
    assert usage.machine_share == 0.25
    assert usage.others_share == pytest.approx(0.15)
    # A lone process is its own worker.
    assert group.worker_pids == [1]


# --- generator and machine verdicts -------------------------------------------------


@pytest.mark.parametrize(
    ("busiest", "all_cores", "saturated"),
    [(0.5, 0.4, False), (0.92, 0.5, True), (0.6, 0.95, True), (0.89, 0.89, False)],
)
def test_generator_is_saturated_when_a_process_or_all_of_them_ran_out_of_cpu(
    busiest: float, all_cores: float, saturated: bool
) -> None:
    load = generator(busiest_process_share=busiest, share_of_cores=all_cores)
    assert load.saturated is saturated
    assert load.verdict.startswith("GENERATOR SATURATED" if saturated else "generator not")


def test_generator_load_counts_the_cores_its_user_processes_could_have() -> None:
    group = GroupUsage(
        cpu_s=9.0,
        cpu_by_pid={1: 0.5, 2: 4.5, 3: 4.0},
        peak_rss_by_pid={},
        root_pids=frozenset({1, 2, 3}),
    )
    usage = WindowUsage(0.0, 10.0, {GENERATOR_GROUP: group}, machine_busy_s=15.0, cores=2)
    load = GeneratorLoad.of(usage, user_processes=4)
    assert (load.processes, load.cores_had) == (3, 2)
    assert load.share_of_cores == 0.45
    assert load.busiest_process_share == 0.45
    assert not load.saturated


def test_machine_description_flags_a_saturated_machine() -> None:
    assert "MACHINE SATURATED" in machine(busy_share=0.97).description
    assert "MACHINE SATURATED" not in machine().description


# --- steps and capacity -----------------------------------------------------------------


def test_step_plan_schedules_users_and_ends() -> None:
    plan = StepPlan(step_users=10, step_seconds=5, steps=3)
    assert [plan.users_at(t) for t in (0, 4.9, 5, 14.9, 15)] == [10, 10, 20, 30, None]
    assert plan.duration_s == 15
    assert plan.spawn_rate == 20.0


def test_step_plan_travels_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = StepPlan(step_users=3, step_seconds=4, steps=2)
    for name, value in plan.environment().items():
        monkeypatch.setenv(name, value)
    assert StepPlan.from_environment() == plan


def test_step_plan_missing_from_the_environment_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in StepPlan(1, 3, 1).environment():
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="no step plan in the environment"):
        StepPlan.from_environment()


def test_step_windows_drop_the_settling_second_and_the_last() -> None:
    windows = step_windows(StepPlan(step_users=10, step_seconds=5, steps=3), first_second=100)
    assert windows == [(10, 101, 104), (20, 106, 109), (30, 111, 114)]


def test_capacity_is_the_fastest_step_within_the_bound() -> None:
    steps = [
        step(10, 400.0, 10.0),
        step(20, 700.0, 45.0),
        step(30, 900.0, 60.0),
        step(40, 950.0, 20.0, failures=1),
    ]
    best = capacity(steps, 50.0)
    assert best is not None and best.users == 20
    assert capacity(steps, 5.0) is None


class FakeSampler(TreeSampler):
    """A sampler whose usage is 1 ms of server CPU and 0.2 s of generator CPU per second."""

    def __init__(self) -> None:
        super().__init__()
        self.samples = [object()]  # type: ignore[list-item]

    def usage(self, start: float, end: float) -> WindowUsage:
        seconds = end - start
        server = GroupUsage(seconds * 1e-3, {2: seconds * 1e-3}, {2: 20 << 20}, frozenset({1}))
        locust = GroupUsage(seconds * 0.2, {3: seconds * 0.2}, {}, frozenset({3}))
        return WindowUsage(
            start, end, {SERVER_GROUP: server, GENERATOR_GROUP: locust}, seconds * 0.5, 2
        )


def test_measure_a_constant_run_after_warm_up() -> None:
    timeline = Timeline({second: Bucket(requests=100) for second in range(1000, 1012)})
    measured = measure(timeline, FakeSampler(), 1, None, settle_s=3)
    m = measured.measurement
    assert m is not None
    # From 3 s after the first second to the last (partial) one, excluded.
    assert (m.start, m.seconds, m.requests, m.rps) == (3, 8, 800, 100.0)
    assert m.cpu_us_per_request == 10.0
    assert m.peak_rss_mib_per_worker == 20.0
    assert measured.generator is not None and measured.generator.busiest_process_share == 0.2
    assert measured.steps == []


def test_measure_gives_no_window_when_the_run_is_too_short() -> None:
    timeline = Timeline({second: Bucket(requests=100) for second in range(1000, 1004)})
    assert measure(timeline, FakeSampler(), 1, None, settle_s=3).measurement is None
    assert measure(Timeline({}), FakeSampler(), 1, None, settle_s=0).generator is None


def test_measure_a_step_run_step_by_step() -> None:
    timeline = Timeline({1000 + s: Bucket(requests=100 * (1 + s // 4)) for s in range(12)})
    measured = measure(timeline, FakeSampler(), 2, StepPlan(5, 4, 3), settle_s=0)
    assert measured.measurement is None
    assert [(s.users, s.measurement.rps) for s in measured.steps] == [
        (5, 100.0),
        (10, 200.0),
        (15, 300.0),
    ]
    assert all(isinstance(s.measurement, Measurement) for s in measured.steps)


# --- profiles --------------------------------------------------------------------------

PROFILE = """\
main (gunicorn/app.py:1);handle (gunicorn/workers/sync.py:9);wsgi_app (framework/app.py:5) 6
main (gunicorn/app.py:1);handle (gunicorn/workers/sync.py:9);dumps (json/__init__.py:3) 2
main (gunicorn/app.py:1);__call__ (framework/wrappers.py:2);start (gunicorn/http/wsgi.py:4) 1
main (gunicorn/app.py:1);route (werkzeug/routing/map.py:7);_compile (re/__init__.py:1) 1
<module> (<frozen runpy>:1) 0
not a stack line
"""


def test_profile_samples_count_for_the_deepest_app_or_server_frame() -> None:
    total, shares = summarise_profile(PROFILE.splitlines(), "gunicorn")
    assert total == 10
    assert {share.where: share.share for share in shares} == {
        APPLICATION: 0.7,  # framework's frame, and werkzeug's under the stdlib's re
        "gunicorn: gunicorn/workers/sync.py": 0.2,  # json called by the worker
        "gunicorn: gunicorn/http/wsgi.py": 0.1,  # start_response called by the app
    }
    assert shares[0].where == APPLICATION


def test_profile_of_another_server_and_unknown_frames() -> None:
    assert classify(["main (waitress/task.py:3)", "f (socket.py:2)"], "waitress") == (
        "waitress: waitress/task.py"
    )
    assert classify(["<module> (<frozen runpy>:1)"], "waitress") == OTHER
    assert frame_file("Response.write (gunicorn/http/wsgi.py:504)") == "gunicorn/http/wsgi.py"


def test_pyspy_command_records_one_process_without_pausing_it(tmp_path: Path) -> None:
    command = pyspy_command("py-spy", 42, 12, tmp_path / "out.txt")
    assert command[command.index("--pid") + 1] == "42"
    assert command[command.index("--duration") + 1] == "12"
    assert {"--gil", "--nonblocking"} <= set(command)
    assert command[command.index("--format") + 1] == "raw"
