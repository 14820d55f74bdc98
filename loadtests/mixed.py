"""The mixed scenario of the load tests, sent in-process instead of over HTTP.

:class:`MixedScenario` yields requests to every endpoint of the load-test app
(:mod:`loadtests.apps`) in a fixed weighted order, with the weights of the locust
users (the browsing user's tasks, plus the JSON-only user's share of ``/json``), each
with a check of its answer built from the app's contract. It plays one client whose
session cookie is kept from answer to answer, so the session counter must go up by
one each visit. The order is deterministic so that two runs send the same requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

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
from loadtests.inprocess import Answer, Probe, expect, make_environ

STREAM_BODY = "".join(stream_chunk(index) for index in range(STREAM_CHUNKS)).encode()
TEMPLATE_MARKERS = (TEMPLATE_TITLE_ESCAPED.encode(), f"<li>item {TEMPLATE_ITEMS - 1}</li>".encode())
# The browsing user's task weights (loadtests/scenarios.py, 18 in all) times its user
# weight 3, and /json also getting the JSON-only user's requests: that user has weight
# 1, so it sends a third as many requests as the browsing users (54 / 3 = 18).
WEIGHTS = {
    "hello": 4 * 3,
    "json": 3 * 3 + 18,
    "user": 3 * 3,
    "session": 2 * 3,
    "form": 2 * 3,
    "template": 2 * 3,
    "stream": 1 * 3,
    "missing": 1 * 3,
}
USER_IDS = 100_000
"""``/user/<id>`` ids cycle through 1 to this, as the locust user's random ids do."""


def _schedule() -> list[str]:
    """Return one round of request kinds, each as often as its weight, interleaved."""
    remaining = dict(WEIGHTS)
    order: list[str] = []
    while any(remaining.values()):
        for kind in WEIGHTS:
            if remaining[kind]:
                order.append(kind)
                remaining[kind] -= 1
    return order


SCHEDULE = tuple(_schedule())


class MixedScenario:
    """One client visiting every endpoint of the load-test app in :data:`SCHEDULE` order."""

    def __init__(self) -> None:
        self.cookie: str | None = None
        self.visits = 0
        self._builders: dict[str, Callable[[int], Probe]] = {
            "hello": lambda n: Probe("hello", make_environ("/hello"), _HELLO),
            "json": lambda n: Probe("json", make_environ("/json"), _check_json),
            "user": self._user,
            "session": self._session,
            "form": self._form,
            "template": lambda n: Probe("template", make_environ("/template"), _check_template),
            "stream": lambda n: Probe("stream", make_environ("/stream"), _STREAM),
            "missing": lambda n: Probe("missing", make_environ("/missing"), _MISSING),
        }

    def probes(self) -> Iterator[Probe]:
        """Yield the scenario's requests forever."""
        n = 0
        while True:
            for kind in SCHEDULE:
                yield self._builders[kind](n)
                n += 1

    def _user(self, n: int) -> Probe:
        user_id = n % USER_IDS + 1
        expected = user_text(user_id, f"/user/{user_id}").encode()
        return Probe("user", make_environ(f"/user/{user_id}"), expect(200, expected))

    def _form(self, n: int) -> Probe:
        name = f"visitor{n}"
        environ = make_environ(
            "/form",
            method="POST",
            body=f"name={name}".encode(),
            content_type="application/x-www-form-urlencoded",
        )
        return Probe("form", environ, expect(200, form_text(name).encode()))

    def _session(self, n: int) -> Probe:
        headers = {"Cookie": f"session={self.cookie}"} if self.cookie else {}
        expected = session_text(self.visits + 1).encode()

        def check(answer: Answer) -> str | None:
            if answer.status != 200 or answer.body != expected:
                return "the session counter did not go up by one"
            cookie = answer.header("Set-Cookie") or ""
            if not cookie.startswith("session="):
                return "the session cookie was not sent back"
            self.cookie = cookie.partition(";")[0].removeprefix("session=")
            self.visits += 1
            return None

        return Probe("session", make_environ("/session", headers=headers), check)


_HELLO = expect(200, HELLO_BODY.encode())
_STREAM = expect(200, STREAM_BODY)
_MISSING = expect(404, contains=b"Not Found")


def _check_json(answer: Answer) -> str | None:
    if answer.status != 200:
        return f"expected status 200, got {answer.status}"
    try:
        document = json.loads(answer.body)
    except ValueError:
        return "body is not JSON"
    if document != {"message": JSON_MESSAGE, "items": JSON_ITEMS}:
        return "unexpected JSON document"
    return None


def _check_template(answer: Answer) -> str | None:
    if answer.status != 200:
        return f"expected status 200, got {answer.status}"
    if not all(marker in answer.body for marker in TEMPLATE_MARKERS):
        return "body lacks the escaped title or the last item"
    return None
