"""Locust users that load the app of ``loadtests/apps.py`` over real HTTP.

Run by ``python -m loadtests run`` as ``locust -f loadtests/scenarios.py USER...``;
never import this module from another process: importing locust monkey-patches the
standard library with gevent.

The users are locust's ``FastHttpUser`` (geventhttpclient, several times cheaper per
request than ``HttpUser``), so that the generator is not the bottleneck. Each
``--scenario`` of the runner picks user classes (``contract.SCENARIO_USERS``): one
class per endpoint (:class:`HelloUser`, :class:`JsonUser`, ...) to isolate what
differs, and ``mixed``: :class:`BrowsingUser` walking every endpoint with weighted
tasks plus :class:`JsonUser`. Users send requests back to back (no think time), so the
requests per second measure what the stack serves at that many concurrent clients;
with ``LOADTEST_USER_RATE`` set (the runner's ``--rate``), each user is paced to that
many requests per second instead, so that every implementation serves the same load.
Every response is checked, its status and a marker in its body (compared as bytes, to
spare the generator decoding), and a wrong one is reported as a failure through
``catch_response`` with a fixed message that names what was wrong.

Two records are kept besides locust's own statistics:

- with ``LOADTEST_TIMELINE_DIR`` set, every process that runs users writes the
  requests it saw complete, per wall-clock second (see :mod:`loadtests.timeline`);
- with ``--csv PREFIX``, locust rewrites ``PREFIX_stats.csv`` every second but not when
  the run ends, so the last second would be missing; on quit the local or master
  process writes the final numbers, in the same format, to ``PREFIX_final_stats.csv``
  (and ``_final_failures.csv``, ``_final_exceptions.csv``).
"""

from __future__ import annotations

import csv
import json
import os
import random
import time
from collections.abc import Callable
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import FastHttpUser, constant, constant_throughput, events, task
from locust.contrib.fasthttp import ResponseContextManager
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, CSVWriter, StatsCSV

from loadtests.contract import (
    HELLO_BODY,
    JSON_ITEMS,
    JSON_MESSAGE,
    STATIC_FILE,
    STATIC_MARKER,
    STREAM_CHUNKS,
    TEMPLATE_ITEMS,
    TEMPLATE_TITLE_ESCAPED,
    USER_RATE_ENV_VAR,
    form_text,
    session_text,
    stream_chunk,
    user_text,
)
from loadtests.report import (
    FINAL_EXCEPTIONS_SUFFIX,
    FINAL_FAILURES_SUFFIX,
    FINAL_STATS_SUFFIX,
)
from loadtests.timeline import TimelineRecorder, recorder_from_environment

STREAM_BODY = "".join(stream_chunk(index) for index in range(STREAM_CHUNKS))
LAST_TEMPLATE_ITEM = f"<li>item {TEMPLATE_ITEMS - 1}</li>"
STATIC_URL = f"/static/{STATIC_FILE}"
TIMELINE_FLUSH_INTERVAL_S = 0.5


def _wait_time() -> Callable[[Any], float]:
    """Return no think time, or the pacing that holds each user to ``$LOADTEST_USER_RATE``/s."""
    rate = os.environ.get(USER_RATE_ENV_VAR)
    return constant_throughput(float(rate)) if rate else constant(0)


def check(
    response: ResponseContextManager, status: int, *markers: str, what: str | None = None
) -> bool:
    """Mark ``response`` a success if it has ``status`` and every marker in its body.

    Otherwise mark it a failure saying what differed; ``what`` describes markers that
    vary between requests, so that the message does not. Returns whether it succeeded.
    """
    if response.status_code == 0:
        response.failure(f"no response: {type(getattr(response, 'error', None)).__name__}")
        return False
    if response.status_code != status:
        response.failure(f"expected status {status}, got {response.status_code}")
        return False
    body = response.content or b""
    for marker in markers:
        if marker.encode() not in body:
            response.failure(f"body lacks {what or repr(marker)}")
            return False
    response.success()
    return True


def check_json(response: ResponseContextManager) -> None:
    """Mark a ``/json`` response a success if it is 200 with exactly the expected document."""
    if not check(response, 200):
        return
    try:
        document = json.loads(response.content or b"")
    except ValueError:
        response.failure("body is not JSON")
        return
    if document != {"message": JSON_MESSAGE, "items": JSON_ITEMS}:
        response.failure("unexpected JSON document")


class LoadUser(FastHttpUser):
    """The base of every user: no think time, and not a user class of its own."""

    abstract = True
    wait_time = _wait_time()

    def get_hello(self) -> None:
        """GET /hello: plain text."""
        with self.client.get("/hello", catch_response=True) as response:
            check(response, 200, HELLO_BODY)

    def get_json(self) -> None:
        """GET /json: a dict returned by the view, serialised as JSON."""
        with self.client.get("/json", catch_response=True) as response:
            check_json(response)

    def get_user(self) -> None:
        """GET /user/<id>: the int converter and ``url_for``."""
        user_id = random.randint(1, 100_000)
        with self.client.get(
            f"/user/{user_id}", name="/user/[id]", catch_response=True
        ) as response:
            check(response, 200, user_text(user_id, f"/user/{user_id}"), what="the id and its URL")

    def count_visit(self) -> None:
        """GET /session: the signed-cookie session counts this user's visits."""
        visits = getattr(self, "visits", 0)
        with self.client.get("/session", catch_response=True) as response:
            if check(response, 200, session_text(visits + 1), what="the next visit count"):
                self.visits = visits + 1
            elif response.status_code == 200:
                # Resynchronise so that one lost cookie does not fail every later visit.
                self.visits = _parse_visits(response.content or b"", visits)

    def post_form(self) -> None:
        """POST /form: a form field echoed back."""
        name = f"visitor{random.randrange(1_000_000)}"
        with self.client.post("/form", data={"name": name}, catch_response=True) as response:
            check(response, 200, form_text(name), what="the posted name")

    def get_template(self) -> None:
        """GET /template: a string template with a loop and an autoescaped title."""
        with self.client.get("/template", catch_response=True) as response:
            check(response, 200, TEMPLATE_TITLE_ESCAPED, LAST_TEMPLATE_ITEM)

    def get_stream(self) -> None:
        """GET /stream: a generator response sent in chunks."""
        with self.client.get("/stream", catch_response=True) as response:
            check(response, 200, STREAM_BODY)

    def get_static(self) -> None:
        """GET /static/load.css: a file from the static folder, sent whole."""
        with self.client.get(STATIC_URL, catch_response=True) as response:
            check(response, 200, STATIC_MARKER)

    def get_missing(self) -> None:
        """GET /missing: no route, so the routing answers 404 (a success here)."""
        with self.client.get("/missing", catch_response=True) as response:
            check(response, 404, "Not Found")


class HelloUser(LoadUser):
    """Scenario ``hello``: GET /hello only, the cheapest request there is."""

    @task
    def visit(self) -> None:
        """GET /hello."""
        self.get_hello()


class JsonUser(LoadUser):
    """Scenario ``json`` (and the API client of ``mixed``): GET /json only."""

    weight = 1

    @task
    def visit(self) -> None:
        """GET /json."""
        self.get_json()


class SessionUser(LoadUser):
    """Scenario ``session``: GET /session only, the signed cookie round-tripped."""

    @task
    def visit(self) -> None:
        """GET /session."""
        self.count_visit()


class TemplateUser(LoadUser):
    """Scenario ``template``: GET /template only."""

    @task
    def visit(self) -> None:
        """GET /template."""
        self.get_template()


class StaticUser(LoadUser):
    """Scenario ``static``: GET /static/load.css only."""

    @task
    def visit(self) -> None:
        """GET /static/load.css."""
        self.get_static()


class StreamUser(LoadUser):
    """Scenario ``stream``: GET /stream only."""

    @task
    def visit(self) -> None:
        """GET /stream."""
        self.get_stream()


class FormUser(LoadUser):
    """Scenario ``form``: POST /form only."""

    @task
    def visit(self) -> None:
        """POST /form."""
        self.post_form()


class BrowsingUser(LoadUser):
    """Scenario ``mixed``: a client visiting every endpoint, the cheap ones most often."""

    weight = 3

    @task(4)
    def visit_hello(self) -> None:
        """GET /hello."""
        self.get_hello()

    @task(3)
    def visit_json(self) -> None:
        """GET /json."""
        self.get_json()

    @task(3)
    def visit_user(self) -> None:
        """GET /user/<id>."""
        self.get_user()

    @task(2)
    def visit_session(self) -> None:
        """GET /session."""
        self.count_visit()

    @task(2)
    def visit_form(self) -> None:
        """POST /form."""
        self.post_form()

    @task(2)
    def visit_template(self) -> None:
        """GET /template."""
        self.get_template()

    @task(1)
    def visit_static(self) -> None:
        """GET /static/load.css."""
        self.get_static()

    @task(1)
    def visit_stream(self) -> None:
        """GET /stream."""
        self.get_stream()

    @task(1)
    def visit_missing(self) -> None:
        """GET /missing."""
        self.get_missing()


def _parse_visits(body: bytes, default: int) -> int:
    """Return the visit count in a ``/session`` body, or ``default`` if there is none."""
    _, _, count = body.rpartition(b" ")
    return int(count) if count.isdigit() else default


def _record_timeline(environment: Environment, recorder: TimelineRecorder) -> None:
    """Count every request into ``recorder`` and flush it every half second and at the end."""

    def on_request(response_time: float, exception: Any = None, **kwargs: Any) -> None:
        recorder.record(time.time(), response_time, exception is not None)

    def flush_periodically() -> None:
        while True:
            gevent.sleep(TIMELINE_FLUSH_INTERVAL_S)
            runner = environment.runner
            recorder.users = runner.user_count if runner is not None else 0
            recorder.flush(time.time())

    def flush_all(**kwargs: Any) -> None:
        recorder.flush()

    environment.events.request.add_listener(on_request)
    environment.events.test_stop.add_listener(flush_all)
    environment.events.quit.add_listener(flush_all)
    gevent.spawn(flush_periodically)


def _write_final_csv(environment: Environment, prefix: str) -> None:
    """Write locust's final statistics under ``prefix`` in the format of its CSV files."""
    writer = StatsCSV(environment, PERCENTILES_TO_REPORT)
    files: list[tuple[str, Callable[[CSVWriter], None]]] = [
        (FINAL_STATS_SUFFIX, writer.requests_csv),
        (FINAL_FAILURES_SUFFIX, writer.failures_csv),
        (FINAL_EXCEPTIONS_SUFFIX, writer.exceptions_csv),
    ]
    for suffix, write in files:
        with open(f"{prefix}{suffix}", "w", newline="", encoding="utf-8") as file:
            write(csv.writer(file))


@events.init.add_listener
def _set_up_records(environment: Environment, **kwargs: Any) -> None:
    """Record the timeline where users run; write the final CSV where statistics merge."""
    runner = environment.runner
    recorder = recorder_from_environment()
    if recorder is not None and not isinstance(runner, MasterRunner):
        _record_timeline(environment, recorder)
    options = environment.parsed_options
    prefix = getattr(options, "csv_prefix", None) if options is not None else None
    if prefix and not isinstance(runner, WorkerRunner):
        environment.events.quit.add_listener(lambda **kw: _write_final_csv(environment, prefix))
