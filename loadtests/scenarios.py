"""Locust users that load the app of ``loadtests/apps.py`` over real HTTP.

Run by ``python -m loadtests run`` as ``locust -f loadtests/scenarios.py ...``; never
import this module from another process: importing locust monkey-patches the
standard library with gevent.

Two users share the load by weight: :class:`BrowsingUser` walks every endpoint with
weighted tasks, :class:`JsonUser` asks for ``/json`` only. Users send requests back
to back (no think time), so the requests per second measure what the stack serves at
that many concurrent clients. Every response is checked, its status and a marker in
its body, and a wrong one is reported as a failure through ``catch_response`` with a
message that names what was wrong (messages are fixed strings so that locust groups
them).

With ``--csv PREFIX``, locust rewrites ``PREFIX_stats.csv`` every second but not when
the run ends, so the last second would be missing; on quit this module writes the
final numbers, in the same format, to ``PREFIX_final_stats.csv`` (and
``_final_failures.csv``, ``_final_exceptions.csv``).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from typing import Any

from locust import HttpUser, constant, events, task
from locust.clients import ResponseContextManager
from locust.env import Environment
from locust.stats import PERCENTILES_TO_REPORT, CSVWriter, StatsCSV

from loadtests.apps import (
    HELLO_BODY,
    JSON_ITEMS,
    JSON_MESSAGE,
    STREAM_CHUNKS,
    TEMPLATE_ITEMS,
    TEMPLATE_TITLE_ESCAPED,
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

STREAM_BODY = "".join(stream_chunk(index) for index in range(STREAM_CHUNKS))
LAST_TEMPLATE_ITEM = f"<li>item {TEMPLATE_ITEMS - 1}</li>"


def check(
    response: ResponseContextManager, status: int, *markers: str, what: str | None = None
) -> bool:
    """Mark ``response`` a success if it has ``status`` and every marker in its body.

    Otherwise mark it a failure saying what differed; ``what`` describes markers that
    vary between requests, so that the message does not. Returns whether it succeeded.
    """
    if response.status_code == 0:
        response.failure(f"no response: {type(response.error).__name__}")
        return False
    if response.status_code != status:
        response.failure(f"expected status {status}, got {response.status_code}")
        return False
    for marker in markers:
        if marker not in response.text:
            response.failure(f"body lacks {what or repr(marker)}")
            return False
    response.success()
    return True


def check_json(response: ResponseContextManager) -> None:
    """Mark a ``/json`` response a success if it is 200 with exactly the expected document."""
    if not check(response, 200):
        return
    try:
        document = response.json()
    except ValueError:
        response.failure("body is not JSON")
        return
    if document != {"message": JSON_MESSAGE, "items": JSON_ITEMS}:
        response.failure("unexpected JSON document")


class BrowsingUser(HttpUser):
    """A client visiting every endpoint, the cheap ones most often."""

    weight = 3
    wait_time = constant(0)

    def on_start(self) -> None:
        """Start with no visits recorded in this user's session."""
        self.visits = 0

    @task(4)
    def visit_hello(self) -> None:
        """GET /hello: plain text."""
        with self.client.get("/hello", catch_response=True) as response:
            check(response, 200, HELLO_BODY)

    @task(3)
    def visit_json(self) -> None:
        """GET /json: a dict returned by the view, serialised as JSON."""
        with self.client.get("/json", catch_response=True) as response:
            check_json(response)

    @task(3)
    def visit_user(self) -> None:
        """GET /user/<id>: the int converter and ``url_for``."""
        user_id = random.randint(1, 100_000)
        with self.client.get(
            f"/user/{user_id}", name="/user/[id]", catch_response=True
        ) as response:
            check(response, 200, user_text(user_id, f"/user/{user_id}"), what="the id and its URL")

    @task(2)
    def visit_session_counter(self) -> None:
        """GET /session: the signed-cookie session counts this user's visits."""
        with self.client.get("/session", catch_response=True) as response:
            if check(response, 200, session_text(self.visits + 1), what="the next visit count"):
                self.visits += 1
            elif response.status_code == 200:
                # Resynchronise so that one lost cookie does not fail every later visit.
                self.visits = _parse_visits(response.text, self.visits)

    @task(2)
    def visit_form(self) -> None:
        """POST /form: a form field echoed back."""
        name = f"visitor{random.randrange(1_000_000)}"
        with self.client.post("/form", data={"name": name}, catch_response=True) as response:
            check(response, 200, form_text(name), what="the posted name")

    @task(2)
    def visit_template(self) -> None:
        """GET /template: a string template with a loop and an autoescaped title."""
        with self.client.get("/template", catch_response=True) as response:
            check(response, 200, TEMPLATE_TITLE_ESCAPED, LAST_TEMPLATE_ITEM)

    @task(1)
    def visit_stream(self) -> None:
        """GET /stream: a generator response sent in chunks."""
        with self.client.get("/stream", catch_response=True) as response:
            check(response, 200, STREAM_BODY)

    @task(1)
    def visit_missing(self) -> None:
        """GET /missing: no route, so the routing answers 404 (a success here)."""
        with self.client.get("/missing", catch_response=True) as response:
            check(response, 404, "Not Found")


class JsonUser(HttpUser):
    """An API client asking for ``/json`` only."""

    weight = 1
    wait_time = constant(0)

    @task
    def visit_json(self) -> None:
        """GET /json: a dict returned by the view, serialised as JSON."""
        with self.client.get("/json", catch_response=True) as response:
            check_json(response)


def _parse_visits(body: str, default: int) -> int:
    """Return the visit count in a ``/session`` body, or ``default`` if there is none."""
    _, _, count = body.rpartition(" ")
    return int(count) if count.isdigit() else default


@events.init.add_listener
def _write_final_csv_on_quit(environment: Environment, **kwargs: Any) -> None:
    """Arrange for locust's final statistics to be written as CSV when it quits."""
    options = environment.parsed_options
    prefix = getattr(options, "csv_prefix", None) if options is not None else None
    if not prefix:
        return

    def write_final_csv(**kwargs: Any) -> None:
        writer = StatsCSV(environment, PERCENTILES_TO_REPORT)
        files: list[tuple[str, Callable[[CSVWriter], None]]] = [
            (FINAL_STATS_SUFFIX, writer.requests_csv),
            (FINAL_FAILURES_SUFFIX, writer.failures_csv),
            (FINAL_EXCEPTIONS_SUFFIX, writer.exceptions_csv),
        ]
        for suffix, write in files:
            with open(f"{prefix}{suffix}", "w", newline="", encoding="utf-8") as file:
                write(csv.writer(file))

    environment.events.quit.add_listener(write_final_csv)
