"""Tests of the load-test package: arguments, CSV parsing, reports, the app, process control.

locust is never imported here (it monkey-patches with gevent on import and pytest runs
with ``-p no:locust``): the scenario checks and the end-to-end smoke test run it in
subprocesses. The smoke test is the one test that loads a real server, for 3 seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from loadtest_samples import endpoint, generator, machine, measurement, run_report, step
from werkzeug.test import Client

from loadtests import apps, rawapp, runner
from loadtests.measures import TimelinePoint
from loadtests.processes import EXIT_INTERRUPTED, run_stoppable
from loadtests.report import (
    EndpointStats,
    ExceptionEntry,
    FailureEntry,
    ReportError,
    load_report,
    parse_exceptions_csv,
    parse_failures_csv,
    parse_stats_csv,
    render_summary,
)
from loadtests.runner import RunError
from loadtests.steps import StepPlan

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# A real locust 2.47 ``*_stats.csv`` (trimmed to three endpoints), plus one endpoint
# that saw no request, for which locust writes N/A percentiles.
STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
POST,/form,256,0,8,9.08,2.78,36.32,20.875,66.52,0.0,8,9,11,12,15,17,21,24,36,36,36
GET,/hello,454,2,8,9.22,2.59,34.29,13.0,117.97,0.5,8,10,11,12,14,17,20,22,34,34,34
GET,/user/[id],352,0,8,9.46,2.30,39.15,24.76,91.47,0.0,8,10,12,13,15,18,21,26,39,39,39
GET,/never,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,1062,2,8,9.14,2.30,39.15,48.89,275.96,0.5,8,10,11,12,15,17,20,23,40,50,50
"""

FAILURES_CSV = """\
Method,Name,Error,Occurrences,First Seen,Last Seen
GET,/hello,"CatchResponseError('expected status 200, got 500')",2,2026-01-01T00:00:01Z,\
2026-01-01T00:00:02Z
"""

EXCEPTIONS_CSV = """\
Count,Message,Traceback,Nodes
3,ZeroDivisionError('division by zero'),"Traceback ...",local
"""


def parse_run_args(*argv: str) -> argparse.Namespace:
    """Parse ``python -m loadtests run ARGV`` (defaults filled in)."""
    return runner.build_parser().parse_args(["run", *argv])


# --- arguments ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30", 30), ("10s", 10), ("2m", 120), ("1m30s", 90), ("1m30", 90), ("10m", 600)],
)
def test_parse_duration_accepts_seconds_and_minutes(text: str, seconds: int) -> None:
    assert runner.parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "bad duration"),
        ("10x", "bad duration"),
        ("1.5s", "bad duration"),
        ("-5", "bad duration"),
        ("1h", "bad duration"),
        ("0s", "at least 1 second"),
        ("10m1s", "over the limit of 10 minutes"),
        ("11m", "over the limit of 10 minutes"),
    ],
)
def test_parse_duration_rejects_malformed_zero_and_over_ten_minutes(
    text: str, message: str
) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        runner.parse_duration(text)


def test_run_defaults() -> None:
    options = runner.validate_run(parse_run_args())
    assert options == runner.RunOptions(
        impl="framework",
        server="werkzeug",
        users=10,
        spawn_rate=10.0,
        duration_s=10,
        workers=None,
        out=Path("reports/load"),
        scenario="mixed",
        processes=runner.DEFAULT_PROCESSES,
        warmup_s=2,
        p99_ms=50.0,
        step_plan=None,
    )
    assert options.name == "framework-werkzeug-mixed"
    assert options.shape == "constant"
    assert options.run_time_s == 10


@pytest.mark.parametrize(("server", "workers"), [("gunicorn", 2), ("waitress", 4), ("uvicorn", 1)])
def test_run_gives_each_server_its_default_concurrency(server: str, workers: int) -> None:
    options = runner.validate_run(parse_run_args("--server", server))
    assert options.workers == workers


def test_run_takes_every_option() -> None:
    args = parse_run_args(
        "--impl", "flask", "--server", "gunicorn", "--users", "5", "--spawn-rate", "2.5",
        "--duration", "1m", "--workers", "3", "--out", "somewhere", "--scenario", "hello",
        "--processes", "3", "--warmup", "0", "--shape", "steps", "--p99-ms", "20",
        "--step-users", "4", "--step-seconds", "5", "--steps", "6",
    )  # fmt: skip
    options = runner.validate_run(args)
    assert options == runner.RunOptions(
        impl="flask",
        server="gunicorn",
        users=5,
        spawn_rate=2.5,
        duration_s=60,
        workers=3,
        out=Path("somewhere"),
        scenario="hello",
        processes=3,
        warmup_s=0,
        p99_ms=20.0,
        step_plan=StepPlan(step_users=4, step_seconds=5, steps=6),
    )
    assert options.name == "flask-gunicorn-hello-steps"
    # The steps decide how long locust runs, not --duration.
    assert options.run_time_s == 30


def test_run_accepts_the_raw_floor() -> None:
    options = runner.validate_run(parse_run_args("--impl", "raw", "--server", "gunicorn"))
    assert options.name == "raw-gunicorn-mixed"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--impl", "no_such_module_xyz"], "cannot import module 'no_such_module_xyz'"),
        (["run", "--impl", "json"], "module 'json' has no Flask class"),
        (["run", "--server", "nginx"], "invalid choice: 'nginx'"),
        (["run", "--duration", "10x"], "bad duration '10x'"),
        (["run", "--duration", "11m"], "over the limit of 10 minutes"),
        (["run", "--users", "0"], "--users: '0' must be at least 1"),
        (["run", "--spawn-rate", "nan"], "--spawn-rate: 'nan' must be a positive number"),
        (["run", "--workers", "2"], "--workers does not apply to --server werkzeug"),
        (["run", "--scenario", "login"], "invalid choice: 'login'"),
        (["run", "--shape", "ramp"], "invalid choice: 'ramp'"),
        (["run", "--processes", "0"], "--processes: '0' must be at least 1"),
        (["run", "--warmup", "-1"], "--warmup: '-1' must not be negative"),
        (["run", "--p99-ms", "0"], "--p99-ms: '0' must be a positive number"),
        (["run", "--shape", "steps", "--step-seconds", "2"], "--step-seconds must be at least 3"),
        (["run", "--shape", "steps", "--steps", "101"], "over the limit of 10 minutes"),
        (["compare"], "required: reports"),
        ([], "required"),
    ],
)
def test_bad_arguments_give_a_one_line_error_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = runner.main(argv)
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("python -m loadtests")
    assert "error: " in captured.err
    assert message in captured.err


# --- commands and environment of the child processes -------------------------


@pytest.mark.parametrize("server", runner.SERVERS)
def test_server_command_serves_the_app_on_loopback_only(server: str) -> None:
    workers = runner.DEFAULT_WORKERS[server]
    command = " ".join(runner.server_command(server, 54321, workers))
    assert command.startswith(sys.executable)
    assert "127.0.0.1" in command
    assert "54321" in command
    assert "0.0.0.0" not in command
    assert ("loadtests.asgi:app" if server == "uvicorn" else "loadtests.apps") in command


def test_server_command_passes_the_concurrency() -> None:
    assert "--workers 3" in " ".join(runner.server_command("gunicorn", 1, 3))
    assert "--threads=3" in runner.server_command("waitress", 1, 3)
    assert "--workers 3" in " ".join(runner.server_command("uvicorn", 1, 3))


def test_server_command_rejects_an_unknown_server() -> None:
    with pytest.raises(ValueError, match="unknown server 'nginx'"):
        runner.server_command("nginx", 1, None)


def test_locust_command_is_headless_bounded_and_aimed_at_loopback(tmp_path: Path) -> None:
    options = runner.validate_run(parse_run_args("--users", "7", "--spawn-rate", "3"))
    command = runner.locust_command(options, 4321, tmp_path / "prefix")
    assert command[:3] == [sys.executable, "-m", "locust"]
    assert command[command.index("-f") + 1] == str(runner.SCENARIOS_FILE)
    assert command[command.index("--host") + 1] == "http://127.0.0.1:4321"
    assert command[command.index("-t") + 1] == "10s"
    assert command[command.index("-u") + 1] == "7"
    assert command[command.index("-r") + 1] == "3.0"
    assert command[command.index("--csv") + 1] == str(tmp_path / "prefix")
    assert command[command.index("--html") + 1] == f"{tmp_path / 'prefix'}.html"
    assert "--headless" in command
    assert "--only-summary" in command
    assert "--master" not in command
    # The mixed scenario's user classes close the command line.
    assert command[-2:] == ["BrowsingUser", "JsonUser"]


def test_distributed_locust_commands_bind_the_master_to_loopback(tmp_path: Path) -> None:
    options = runner.validate_run(parse_run_args("--processes", "3", "--scenario", "hello"))
    master = runner.locust_command(options, 4321, tmp_path / "prefix", master_port=5557)
    assert master[master.index("--expect-workers") + 1] == "3"
    assert master[master.index("--master-bind-host") + 1] == "127.0.0.1"
    assert master[master.index("--master-bind-port") + 1] == "5557"
    assert master[-1] == "HelloUser"
    worker = runner.locust_worker_command(options, 5557)
    assert "--worker" in worker
    assert worker[worker.index("--master-host") + 1] == "127.0.0.1"
    assert worker[worker.index("--master-port") + 1] == "5557"
    assert worker[-1] == "HelloUser"


def test_step_shape_command_loads_the_shape_and_leaves_users_to_it(tmp_path: Path) -> None:
    options = runner.validate_run(parse_run_args("--shape", "steps"))
    command = runner.locust_command(options, 4321, tmp_path / "prefix")
    assert command[command.index("-f") + 1] == f"{runner.SCENARIOS_FILE},{runner.SHAPES_FILE}"
    for flag in ("-u", "-r", "-t"):
        assert flag not in command


def test_child_environment_chooses_the_impl_and_drops_outside_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOCUST_USERS", "1000")
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--workers 9")
    monkeypatch.setenv("WEB_CONCURRENCY", "9")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    env = runner.child_environment("flask")
    assert env[apps.IMPL_ENV_VAR] == "flask"
    for name in ("LOCUST_USERS", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "HTTP_PROXY"):
        assert name not in env
    assert env["PYTHONPATH"].split(os.pathsep) == [str(PROJECT_ROOT), os.getcwd(), "/elsewhere"]
    assert "127.0.0.1" in env["NO_PROXY"]


# --- process control ---------------------------------------------------------


def start(code: str, tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """Start ``python -c code`` as the runner starts a server; return it and its log."""
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = runner.start_process(
            [sys.executable, "-c", code], log, dict(os.environ), tmp_path
        )
    return process, log_path


def test_wait_until_ready_names_a_server_that_exits(tmp_path: Path) -> None:
    process, log_path = start("import sys; print('cannot bind'); sys.exit(3)", tmp_path)
    try:
        with pytest.raises(RunError, match=r"^gunicorn exited with code 3 .*cannot bind"):
            runner.wait_until_ready(process, "gunicorn", runner.free_port(), log_path)
    finally:
        runner.stop_process(process)


def test_wait_until_ready_names_a_server_that_never_answers(tmp_path: Path) -> None:
    process, log_path = start("import time; time.sleep(60)", tmp_path)
    try:
        with pytest.raises(RunError, match=r"^waitress did not answer on http://127\.0\.0\.1:"):
            runner.wait_until_ready(process, "waitress", runner.free_port(), log_path, timeout=0.5)
    finally:
        runner.stop_process(process)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states in /proc")
def test_stop_process_stops_the_whole_process_group(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print(child.pid, flush=True)
        time.sleep(60)
        """
    )
    process, log_path = start(code, tmp_path)
    deadline = time.monotonic() + 30
    while not log_path.read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.05)
    child_pid = int(log_path.read_text())
    runner.stop_process(process, timeout=5)
    assert process.returncode is not None
    # The worker was in the leader's group: it dies too (a zombie until init reaps it).
    deadline = time.monotonic() + 10
    while process_alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(child_pid)


def process_alive(pid: int) -> bool:
    """Return whether ``pid`` is a running (not zombie) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def sample_options(tmp_path: Path, duration_s: int = 1) -> runner.RunOptions:
    """Options of a short werkzeug run writing under ``tmp_path``."""
    return runner.RunOptions(
        impl="framework",
        server="werkzeug",
        users=1,
        spawn_rate=1.0,
        duration_s=duration_s,
        workers=None,
        out=tmp_path,
    )


@pytest.fixture
def fast_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the grace period and progress interval so that watch_locust acts quickly."""
    monkeypatch.setattr(runner, "LOCUST_GRACE_S", 0.5)
    monkeypatch.setattr(runner, "PROGRESS_INTERVAL_S", 0.2)


def test_watch_locust_kills_locust_when_it_overruns(tmp_path: Path, fast_watch: None) -> None:
    locust, _ = start("import time; time.sleep(60)", tmp_path)
    server, _ = start("import time; time.sleep(60)", tmp_path)
    try:
        with pytest.raises(RunError, match=r"^locust overran its time limit of 2 s"):
            runner.watch_locust(
                locust, server, sample_options(tmp_path), tmp_path / "x_stats.csv", io.StringIO()
            )
        assert locust.poll() is not None
    finally:
        runner.stop_process(locust)
        runner.stop_process(server)


def test_watch_locust_stops_locust_when_the_server_dies(tmp_path: Path, fast_watch: None) -> None:
    locust, _ = start("import time; time.sleep(60)", tmp_path)
    server, _ = start("import sys; sys.exit(4)", tmp_path)
    try:
        with pytest.raises(RunError, match=r"^werkzeug exited with code 4 during the run"):
            runner.watch_locust(
                locust, server, sample_options(tmp_path, 30), tmp_path / "x.csv", io.StringIO()
            )
        assert locust.poll() is not None
    finally:
        runner.stop_process(locust)


def test_watch_locust_prints_progress_and_returns_the_exit_code(
    tmp_path: Path, fast_watch: None
) -> None:
    stats_path = tmp_path / "x_stats.csv"
    locust, _ = start(
        f"import pathlib, sys, time; time.sleep(0.5); "
        f"pathlib.Path({str(stats_path)!r}).write_text({STATS_CSV!r}); time.sleep(0.5); "
        f"sys.exit(1)",
        tmp_path,
    )
    server, _ = start("import time; time.sleep(60)", tmp_path)
    progress = io.StringIO()
    try:
        code = runner.watch_locust(locust, server, sample_options(tmp_path), stats_path, progress)
    finally:
        runner.stop_process(server)
    assert code == 1
    lines = progress.getvalue().splitlines()
    assert lines[0].endswith("s/1s] waiting for locust's first statistics")
    assert lines[-1].endswith("s/1s] 1062 requests, 2 failures, 276 req/s")


def test_read_results_prefers_final_statistics_to_the_periodic_snapshot(tmp_path: Path) -> None:
    prefix = tmp_path / "framework-werkzeug"
    periodic = STATS_CSV.replace(",Aggregated,1062,", ",Aggregated,999,")
    for kind, text in [("stats", periodic), ("failures", FAILURES_CSV), ("exceptions", "")]:
        Path(f"{prefix}_{kind}.csv").write_text(text or "Count,Message,Traceback,Nodes\n")
    options = sample_options(tmp_path)
    snapshot = runner.read_results(options, prefix, "2026-01-01T00:00:00+00:00")
    assert (snapshot.complete, snapshot.total.requests) == (False, 999)
    for kind, text in [("stats", STATS_CSV), ("failures", FAILURES_CSV), ("exceptions", "")]:
        Path(f"{prefix}_final_{kind}.csv").write_text(text or "Count,Message,Traceback,Nodes\n")
    final = runner.read_results(options, prefix, "2026-01-01T00:00:00+00:00")
    assert (final.complete, final.total.requests) == (True, 1062)
    assert final.errors == parse_failures_csv(FAILURES_CSV)
    assert (final.impl, final.server, final.workers, final.duration_s) == (
        "framework",
        "werkzeug",
        None,
        1,
    )
    assert final.impl_version != "unknown"


def test_read_results_without_statistics_says_so(tmp_path: Path) -> None:
    with pytest.raises(RunError, match=r"^locust wrote no statistics"):
        runner.read_results(sample_options(tmp_path), tmp_path / "x", "now")


# --- CSV parsing ---------------------------------------------------------------


def test_parse_stats_csv_reads_every_endpoint_and_the_total() -> None:
    stats = parse_stats_csv(STATS_CSV)
    assert [entry.label for entry in stats.endpoints] == [
        "POST /form",
        "GET /hello",
        "GET /user/[id]",
        "GET /never",
    ]
    hello = stats.endpoints[1]
    assert hello == EndpointStats(
        method="GET",
        name="/hello",
        requests=454,
        failures=2,
        rps=117.97,
        median_ms=8.0,
        average_ms=9.22,
        p95_ms=17.0,
        p99_ms=22.0,
        max_ms=34.29,
    )
    assert hello.failure_rate == pytest.approx(2 / 454)
    assert stats.total.label == "Aggregated"
    assert (stats.total.requests, stats.total.failures, stats.total.rps) == (1062, 2, 275.96)
    assert (stats.total.p95_ms, stats.total.p99_ms) == (17.0, 23.0)


def test_parse_stats_csv_gives_no_latency_for_an_endpoint_without_requests() -> None:
    never = parse_stats_csv(STATS_CSV).endpoints[-1]
    assert never.requests == 0
    assert never.failure_rate == 0.0
    assert (never.median_ms, never.average_ms, never.p95_ms, never.p99_ms, never.max_ms) == (
        None,
        None,
        None,
        None,
        None,
    )


def test_parse_stats_csv_requires_the_aggregated_row() -> None:
    without_total = "\n".join(STATS_CSV.splitlines()[:-1])
    with pytest.raises(ReportError, match="no Aggregated row"):
        parse_stats_csv(without_total)


def test_parse_stats_csv_names_a_missing_column() -> None:
    header, *rows = STATS_CSV.splitlines()
    renamed = "\n".join([header.replace("95%", "96%"), *rows])
    with pytest.raises(ReportError, match="lacks the column"):
        parse_stats_csv(renamed)


@pytest.mark.parametrize("text", ["", "\n"])
def test_parse_stats_csv_rejects_an_empty_file(text: str) -> None:
    with pytest.raises(ReportError, match="empty"):
        parse_stats_csv(text)


def test_parse_stats_csv_names_a_value_that_is_not_a_number() -> None:
    broken = STATS_CSV.replace("GET,/hello,454,", "GET,/hello,lots,")
    with pytest.raises(ReportError, match=r"'/hello'.*'Request Count' holds 'lots'"):
        parse_stats_csv(broken)


def test_parse_failures_and_exceptions_csv() -> None:
    assert parse_failures_csv(FAILURES_CSV) == [
        FailureEntry(
            method="GET",
            name="/hello",
            error="CatchResponseError('expected status 200, got 500')",
            occurrences=2,
        )
    ]
    assert parse_exceptions_csv(EXCEPTIONS_CSV) == [
        ExceptionEntry(count=3, message="ZeroDivisionError('division by zero')")
    ]
    assert parse_failures_csv("Method,Name,Error,Occurrences,First Seen,Last Seen\n") == []


# --- the JSON report and the tables --------------------------------------------


def test_report_round_trips_through_json(tmp_path: Path) -> None:
    report = run_report(
        errors=[FailureEntry("GET", "/hello", "boom", 2)],
        exceptions=[ExceptionEntry(1, "oops")],
        endpoints=[endpoint("/never", method="GET", requests=0, median_ms=None)],
        measurement=measurement(),
        generator=generator(),
        machine=machine(),
        timeline=[TimelinePoint(0, 10, 480, 0, 4.0, None)],
        steps=[step(10, 400.0, 12.0), step(20, 600.0, 80.0)],
        p99_bound_ms=50.0,
        shape="steps",
    )
    path = tmp_path / "deep" / "framework-gunicorn-hello.json"
    report.write(path)
    data = json.loads(path.read_text())
    assert data["schema"] == "flaskspec-load/2"
    assert data["total"]["requests"] == 1000
    assert data["total"]["failure_rate"] == 0.0
    assert data["endpoints"][0]["median_ms"] is None
    assert data["measurement"]["cpu_us_per_request"] == 300.0
    assert data["steps"][1]["users"] == 20
    assert load_report(path) == report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ('{"schema": "something else"}', "not a load-test report"),
        ('{"schema": "flaskspec-load/1", "impl": "x"}', "not a load-test report"),
        ('{"schema": "flaskspec-load/2", "impl": "x"}', "report lacks"),
    ],
)
def test_load_report_names_the_file_and_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ReportError, match=f"^{path}: .*{message}"):
        load_report(path)


def test_report_is_ok_only_when_complete_with_requests_and_no_failure() -> None:
    assert run_report().ok
    assert not run_report(complete=False).ok
    assert not run_report(total=endpoint(requests=0)).ok
    assert not run_report(total=endpoint(failures=1)).ok
    assert not run_report(exceptions=[ExceptionEntry(1, "oops")]).ok


def test_render_summary_lists_endpoints_then_the_total_and_the_failures() -> None:
    stats = parse_stats_csv(STATS_CSV)
    report = run_report(
        total=stats.total,
        endpoints=stats.endpoints,
        errors=parse_failures_csv(FAILURES_CSV),
    )
    lines = render_summary(report).splitlines()
    assert lines[0] == "framework 1.0 on gunicorn -w 2: 10 users for 10 s"
    assert (
        lines[1]
        == f"{'endpoint':<18}{'requests':>10}{'failures':>10}{'req/s':>10}"
        + "  p50 ms  p95 ms  p99 ms"
    )
    rows = {line.rsplit(None, 6)[0]: line.rsplit(None, 6)[1:] for line in lines[3:9]}
    assert rows["GET /hello"] == ["454", "2", "118.0", "8", "17", "22"]
    assert rows["GET /never"] == ["0", "0", "0.0", "-", "-", "-"]
    assert lines[-3].split() == ["Aggregated", "1062", "2", "276.0", "8", "17", "23"]
    assert lines[-2] == (
        "failure x2: GET /hello: CatchResponseError('expected status 200, got 500')"
    )
    assert lines[-1] == "measured after warm-up: nothing (the run was too short for a window)"


def test_render_summary_flags_partial_statistics() -> None:
    assert "PARTIAL" in render_summary(run_report(complete=False)).splitlines()[0]
    assert "PARTIAL" not in render_summary(run_report()).splitlines()[0]


def test_render_summary_gives_server_cost_generator_and_machine() -> None:
    text = render_summary(
        run_report(measurement=measurement(), generator=generator(), machine=machine())
    )
    assert (
        "measured after warm-up: 5000 requests in 10 s (500 req/s, 0 failures), p50 4.0 ms, "
        "p99 20 ms; server 300 us CPU per request over 3 process(es), peak RSS 30.0 MiB per "
        "worker"
    ) in text
    assert "generator not saturated: its busiest process used 35% of a core" in text
    assert "machine: Test CPU, 2 core(s): 50% busy during the window, 10% of it" in text


def test_render_summary_says_plainly_when_the_generator_was_saturated() -> None:
    text = render_summary(run_report(generator=generator(busiest_process_share=0.97)))
    assert "GENERATOR SATURATED: its busiest process used 97% of a core" in text
    assert "these req/s are the generator's, not the server's" in text


def test_render_summary_of_steps_gives_each_step_and_the_capacity() -> None:
    report = run_report(
        shape="steps",
        steps=[step(10, 400.0, 12.0), step(20, 700.0, 40.0), step(30, 750.0, 90.0)],
        p99_bound_ms=50.0,
    )
    lines = render_summary(report).splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("step")] == [
        "step   10 users",
        "step   20 users",
        "step   30 users",
    ]
    assert "capacity (p99 <= 50 ms, no failures): 700 req/s at 20 users" in lines


def test_compare_command_writes_markdown_and_html_next_to_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for report in (run_report("framework"), run_report("flask")):
        report.write(tmp_path / f"{report.impl}-{report.server}.json")
    paths = sorted(str(path) for path in tmp_path.glob("*.json"))
    assert runner.main(["compare", *paths]) == 0
    written = (tmp_path / "comparison.md").read_text()
    assert capsys.readouterr().out == written
    assert (tmp_path / "comparison.html").read_text().startswith("<!doctype html>")
    out = tmp_path / "elsewhere"
    assert runner.main(["compare", *paths, "--out", str(out), "--baseline", "framework"]) == 0
    assert "flask/framework" in (out / "comparison.md").read_text()


def test_compare_command_names_an_unreadable_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nope.json"
    assert runner.main(["compare", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{path}: cannot read" in err


# --- the app under load ---------------------------------------------------------


@pytest.fixture(params=["framework", "flask", "raw"])
def load_client(request: pytest.FixtureRequest) -> Client:
    """A test client of the load-test app on each implementation, and of the raw floor."""
    return Client(apps.create_app(request.param))


def test_app_endpoints_answer_what_the_scenarios_check(load_client: Client) -> None:
    client = load_client
    assert client.get("/hello").get_data(as_text=True) == apps.HELLO_BODY
    assert client.get("/json").get_json() == {
        "message": apps.JSON_MESSAGE,
        "items": apps.JSON_ITEMS,
    }
    assert client.get("/user/42").get_data(as_text=True) == apps.user_text(42, "/user/42")
    assert client.get("/user/x").status_code == 404
    assert client.get("/session").get_data(as_text=True) == apps.session_text(1)
    assert client.get("/session").get_data(as_text=True) == apps.session_text(2)
    form = client.post("/form", data={"name": "Ada"})
    assert form.get_data(as_text=True) == apps.form_text("Ada")
    assert client.post("/form", data={}).status_code == 400
    assert client.get("/form").status_code == 405
    stream = client.get("/stream")
    assert stream.is_streamed
    assert stream.get_data(as_text=True) == "".join(
        apps.stream_chunk(i) for i in range(apps.STREAM_CHUNKS)
    )
    template = client.get("/template").get_data(as_text=True)
    assert apps.TEMPLATE_TITLE_ESCAPED in template
    assert apps.TEMPLATE_TITLE not in template
    assert template.count("<li>") == apps.TEMPLATE_ITEMS
    static = client.get(f"/static/{apps.STATIC_FILE}")
    assert static.status_code == 200
    assert static.get_data() == (apps.STATIC_FOLDER / apps.STATIC_FILE).read_bytes()
    assert static.get_data(as_text=True).rstrip().endswith(apps.STATIC_MARKER)
    assert client.get("/missing").status_code == 404


def test_app_session_ignores_a_forged_cookie(load_client: Client) -> None:
    load_client.set_cookie("session", "41.forged")
    assert load_client.get("/session").get_data(as_text=True) == apps.session_text(1)


def test_raw_floor_is_what_the_app_module_serves_for_raw() -> None:
    assert apps.create_app(apps.RAW_IMPL) is rawapp.app


@pytest.mark.parametrize("impl", ["flask", "framework"])
def test_module_level_app_is_built_from_loadtest_impl(
    impl: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(apps.IMPL_ENV_VAR, impl)
    monkeypatch.delitem(apps.__dict__, "app", raising=False)
    app = apps.app
    assert type(app).__module__.split(".")[0] == impl
    assert apps.app is app  # built once


def test_apps_module_has_no_other_lazy_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        apps.nothing


# --- the locust side, in subprocesses ----------------------------------------------

CHECK_SCRIPT = """
import json
from loadtests.scenarios import check, check_json

class FakeResponse:
    def __init__(self, status, text, error=None):
        self.status_code, self.content, self.error = status, text.encode(), error
        self.outcome = None
    def success(self):
        self.outcome = "success"
    def failure(self, message):
        self.outcome = "failure: " + str(message)

outcomes = []
for status, text, expected, markers in [
    (200, "Hello, World!", 200, ["Hello, World!"]),
    (500, "oops", 200, ["Hello, World!"]),
    (200, "Goodbye", 200, ["Hello, World!"]),
    (404, "Not Found", 404, ["Not Found"]),
    (0, "", 200, []),
]:
    response = FakeResponse(status, text, ConnectionError("refused") if status == 0 else None)
    returned = check(response, expected, *markers)
    outcomes.append([returned, response.outcome])
response = FakeResponse(200, "user 7 at /user/8")
outcomes.append([check(response, 200, "user 7 at /user/7", what="the id"), response.outcome])
for text in ['{"message": "Hello, World!", "items": [1, 2, 3]}', '{"message": 1}', "<html>"]:
    response = FakeResponse(200, text)
    check_json(response)
    outcomes.append([None, response.outcome])
print(json.dumps(outcomes))
"""


def test_scenario_checks_report_wrong_responses_as_failures() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        [True, "success"],
        [False, "failure: expected status 200, got 500"],
        [False, "failure: body lacks 'Hello, World!'"],
        [True, "success"],
        [False, "failure: no response: ConnectionError"],
        [False, "failure: body lacks the id"],
        [None, "success"],
        [None, "failure: unexpected JSON document"],
        [None, "failure: body is not JSON"],
    ]


def test_run_end_to_end_against_werkzeug(tmp_path: Path) -> None:
    """Serve framework with werkzeug and load it for 4 s with 5 users: all must succeed."""
    command = [
        sys.executable, "-m", "loadtests", "run", "--impl", "framework", "--server",
        "werkzeug", "--users", "5", "--spawn-rate", "5", "--duration", "4s", "--warmup", "0",
        "--processes", "1", "--out", str(tmp_path),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.terminate()  # the runner stops its server and locust on SIGTERM
            process.communicate(timeout=30)
    assert process.returncode == 0, err
    report = load_report(tmp_path / "framework-werkzeug-mixed.json")
    assert report.complete
    assert report.total.requests > 0
    assert report.total.failures == 0
    assert report.errors == []
    assert report.exceptions == []
    assert {entry.name for entry in report.endpoints} == {
        "/hello",
        "/json",
        "/user/[id]",
        "/session",
        "/form",
        "/stream",
        "/template",
        "/static/load.css",
        "/missing",
    }
    assert sum(entry.requests for entry in report.endpoints) == report.total.requests
    # The runner's own count, per second, adds up to locust's.
    assert sum(point.rps for point in report.timeline) == report.total.requests
    assert report.measurement is not None
    assert 0 < report.measurement.requests < report.total.requests
    assert report.measurement.cpu_us_per_request is not None
    assert report.measurement.cpu_us_per_request > 0
    assert report.generator is not None and report.generator.processes == 1
    assert report.machine is not None
    assert "Aggregated" in out
    assert "us CPU per request" in out
    assert "s/4s]" in err  # at least one progress line
    raw = tmp_path / "raw"
    assert (raw / "framework-werkzeug-mixed.server.log").exists()
    assert (raw / "framework-werkzeug-mixed.html").read_text().lstrip().startswith("<!")


def test_profile_without_py_spy_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "pyspy_path", lambda: None)
    assert runner.main(["run", "--profile"]) == 2
    assert capsys.readouterr().err == (
        "python -m loadtests run: error: --profile needs py-spy (pip install py-spy)\n"
    )


def test_profiled_and_repeated_runs_have_names_of_their_own() -> None:
    options = runner.validate_run(
        parse_run_args("--impl", "raw", "--scenario", "hello", "--round", "2", "--profile")
    )
    assert options.name == "raw-werkzeug-hello-profiled-r2"
    assert run_report("raw", round=2, profiled=True).name == "raw-gunicorn-hello-profiled-r2"


def test_run_stoppable_gives_the_result_or_one_line_and_an_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A run's failures end in one line and a code; SIGTERM unwinds like Ctrl-C."""
    assert run_stoppable(lambda: "report", "prog", "stopped") == ("report", None)

    def fails() -> str:
        raise RunError("the server did not start")

    assert run_stoppable(fails, "prog run", "stopped") == (None, 1)
    assert capsys.readouterr().err == "prog run: error: the server did not start\n"

    def terminated() -> str:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        return "not reached"

    before = signal.getsignal(signal.SIGTERM)
    assert run_stoppable(terminated, "prog", "server stopped") == (None, EXIT_INTERRUPTED)
    assert capsys.readouterr().err == "prog: interrupted; server stopped\n"
    assert signal.getsignal(signal.SIGTERM) is before
