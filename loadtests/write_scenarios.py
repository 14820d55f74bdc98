"""The locust user of the fault runs: it POSTs writes to the app of
``loadtests/writes_app.py`` and records the outcome of every one.

Run by ``python -m loadtests faults`` as ``locust -f loadtests/write_scenarios.py``;
never import this module from another process (importing locust monkey-patches the
standard library with gevent).

Each write gets a new random ``id`` (a UUID chosen here, by the client). Every POST
appends two tab-separated lines, ``<unix time> <id> <status> <error>``, to the file
named by the ``WRITES_OUTCOMES`` environment variable: one with status ``-`` just
before it is sent, one with its outcome (status 0: no answer), so a write cut short by
the end of the run is still known to have been sent. A ``2xx`` status is the server's
acknowledgement that the write is stored. Requests are never retried, so a write is
sent exactly once.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import IO

from locust import HttpUser, constant, events, task

from loadtests.writes_app import OUTCOMES_ENV_VAR

PAYLOAD = "x" * 100
SENT = "-"

_outcomes: IO[str] | None = None


def _record(write_id: str, status: int | str, error: str) -> None:
    """Append one outcome line (the file is opened on first use)."""
    global _outcomes
    if _outcomes is None:
        _outcomes = open(os.environ[OUTCOMES_ENV_VAR], "a", encoding="utf-8")  # noqa: SIM115
    clean = " ".join(error.split())[:200]
    _outcomes.write(f"{time.time():.6f}\t{write_id}\t{status}\t{clean}\n")
    _outcomes.flush()


@events.quit.add_listener
def _close_outcomes(**kwargs: object) -> None:
    """Close the outcomes file when locust quits."""
    if _outcomes is not None:
        _outcomes.close()


class WritingUser(HttpUser):
    """A client storing writes back to back, each with its own id."""

    wait_time = constant(0)

    @task
    def write(self) -> None:
        """POST /writes: a 201 echoing the id means the write is stored."""
        write_id = uuid.uuid4().hex
        _record(write_id, SENT, "")
        with self.client.post(
            "/writes", data={"id": write_id, "payload": PAYLOAD}, catch_response=True
        ) as response:
            status = response.status_code
            if status == 0:
                error = f"no answer: {type(response.error).__name__}: {response.error}"
                response.failure(f"no answer: {type(response.error).__name__}")
            elif status != 201 or response.text != write_id:
                error = f"status {status}"
                response.failure(f"expected 201 with the id, got {status}")
            else:
                error = ""
                response.success()
            _record(write_id, status or 0, error)
