"""The contract between the load-test apps and the locust scenarios: what each endpoint answers.

:mod:`loadtests.apps` (on any Flask-compatible implementation) and :mod:`loadtests.rawapp`
(the raw WSGI floor) serve these bodies; :mod:`loadtests.scenarios` checks them, so
that every response under load is verified.
"""

from __future__ import annotations

from pathlib import Path

SECRET_KEY = "load-test secret, not for production"
STATIC_FOLDER = Path(__file__).resolve().parent / "static"
STATIC_FILE = "load.css"
# The last line of the static file: a response that has it was sent whole.
STATIC_MARKER = "/* end of the load-test stylesheet */"
HELLO_BODY = "Hello, World!"
JSON_MESSAGE = "Hello, World!"
JSON_ITEMS = [1, 2, 3]
STREAM_CHUNKS = 5
TEMPLATE_ITEMS = 10
TEMPLATE_TITLE = "<Load & test>"
# The title as autoescaping renders it: the template endpoint must escape it.
TEMPLATE_TITLE_ESCAPED = "&lt;Load &amp; test&gt;"
TEMPLATE_SOURCE = (
    "<h1>{{ title }}</h1><ul>{% for item in items %}<li>item {{ item }}</li>{% endfor %}</ul>"
)
SESSION_KEY = "visits"


def stream_chunk(index: int) -> str:
    """Return the ``index``-th chunk the ``/stream`` endpoint sends."""
    return f"chunk {index}\n"


def user_text(user_id: int, url: str) -> str:
    """Return the ``/user/<id>`` body: the id and the URL ``url_for`` built for it."""
    return f"user {user_id} at {url}"


def session_text(visits: int) -> str:
    """Return the ``/session`` body after ``visits`` visits."""
    return f"visits: {visits}"


def form_text(name: str) -> str:
    """Return the ``/form`` body echoing the posted ``name`` field."""
    return f"Hello, {name}!"


#: The environment variable that paces each locust user to that many requests per second.
USER_RATE_ENV_VAR = "LOADTEST_USER_RATE"

#: The locust user classes of ``loadtests/scenarios.py`` each ``--scenario`` runs.
#: ``mixed`` is the weighted walk over every endpoint plus a JSON-only API client.
SCENARIO_USERS: dict[str, tuple[str, ...]] = {
    "hello": ("HelloUser",),
    "json": ("JsonUser",),
    "session": ("SessionUser",),
    "template": ("TemplateUser",),
    "static": ("StaticUser",),
    "stream": ("StreamUser",),
    "form": ("FormUser",),
    "mixed": ("BrowsingUser", "JsonUser"),
}
