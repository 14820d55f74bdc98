"""The app of the fault runs: it stores each accepted POST in a SQLite database.

``create_app("framework", path)`` and ``create_app("flask", path)`` build the same
app. ``POST /writes`` with form fields ``id`` (chosen by the client, unique per
write) and ``payload`` inserts one row and commits it *in the view*, before the
answer is built, so a ``201`` is only ever sent for a write already on disk (a
commit in a teardown function would run after the answer was sent). ``GET /hello``
answers as the load-test app does (so the runner's readiness check applies),
``GET /writes/count`` answers the number of rows as JSON.

The database is a real file in WAL mode, shared by every worker process; rows are
keyed by an autoincrement ``seq``, not by ``id``, so a write stored twice shows up as
two rows instead of being refused. ``synchronous=NORMAL`` suffices here: in WAL mode
it loses no committed transaction when a process dies, only on power loss.

Servers import ``loadtests.writes_app:app``, built on first access from the
``LOADTEST_IMPL`` and ``WRITES_DATABASE`` environment variables (PEP 562).
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from loadtests.apps import DEFAULT_IMPL, HELLO_BODY, IMPL_ENV_VAR

DATABASE_ENV_VAR = "WRITES_DATABASE"
OUTCOMES_ENV_VAR = "WRITES_OUTCOMES"
"""Where the locust writers record each POST's outcome (``loadtests/write_scenarios.py``)."""
BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another worker's transaction before failing."""
MAX_ID_LENGTH = 64
MAX_PAYLOAD_LENGTH = 1024

SCHEMA = """
CREATE TABLE IF NOT EXISTS writes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    payload TEXT NOT NULL,
    worker INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS writes_id ON writes (id);
"""


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """Open the database at ``path`` (autocommit mode: transactions are explicit) and
    close it afterwards."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous=NORMAL")
        yield db


def init_database(path: Path) -> None:
    """Create an empty database at ``path`` in WAL mode (an existing file is replaced)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with connect(path) as db:
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            raise RuntimeError(f"SQLite refused WAL mode for {path} (got {mode!r})")
        db.executescript(SCHEMA)


def stored_ids(path: Path) -> list[str]:
    """Return the ``id`` of every row in the database at ``path``, in insertion order."""
    with connect(path) as db:
        return [row[0] for row in db.execute("SELECT id FROM writes ORDER BY seq")]


def create_app(impl_name: str, database: Path) -> Any:
    """Build the writes app on implementation ``impl_name`` storing into ``database``
    (which :func:`init_database` created)."""
    impl = importlib.import_module(impl_name)
    app = impl.Flask(__name__)
    request = impl.request

    @app.route("/hello")
    def hello() -> str:
        return HELLO_BODY

    @app.route("/writes", methods=["POST"])
    def store() -> tuple[str, int]:
        write_id = request.form.get("id", "")
        payload = request.form.get("payload", "")
        if not write_id or len(write_id) > MAX_ID_LENGTH or len(payload) > MAX_PAYLOAD_LENGTH:
            impl.abort(400)
        with connect(database) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO writes (id, payload, worker) VALUES (?, ?, ?)",
                (write_id, payload, os.getpid()),
            )
            db.execute("COMMIT")
        return write_id, 201

    @app.route("/writes/count")
    def count() -> dict[str, int]:
        with connect(database) as db:
            rows = db.execute("SELECT COUNT(*) FROM writes").fetchone()[0]
        return {"rows": rows}

    return app


def __getattr__(name: str) -> Any:
    """Build the module-level ``app`` on first access, from the environment."""
    if name == "app":
        database = os.environ.get(DATABASE_ENV_VAR)
        if not database:
            raise RuntimeError(f"set {DATABASE_ENV_VAR} to the database file")
        app = create_app(os.environ.get(IMPL_ENV_VAR, DEFAULT_IMPL), Path(database))
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
