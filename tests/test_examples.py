"""The example application works in-process and through the framework command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from examples import notes

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = [sys.executable, "-m", "framework"]


@pytest.fixture
def client() -> Any:
    notes.NOTES.clear()
    app = notes.create_app({"TESTING": True})
    return app.test_client()


def test_api_creates_lists_and_gets_notes(client: Any) -> None:
    """The JSON API creates a note (201 with Location), lists and returns it."""
    created = client.post("/api/notes", json={"text": " buy milk "})
    assert created.status_code == 201
    assert created.headers["Location"] == "/api/notes/1"
    assert created.json == {"id": 1, "text": "buy milk"}
    assert client.get("/api/notes").json == [{"id": 1, "text": "buy milk"}]
    assert client.get("/api/notes/1").json == {"id": 1, "text": "buy milk"}


def test_api_errors_are_json(client: Any) -> None:
    """API errors are JSON bodies from the blueprint's handlers."""
    missing = client.get("/api/notes/9")
    assert missing.status_code == 404
    assert missing.json["error"] == "Not Found"
    bad = client.post("/api/notes", json={"text": ""})
    assert bad.status_code == 400
    assert "non-empty" in bad.json["description"]


def test_pages_flash_and_count_visits(client: Any) -> None:
    """The HTML page adds notes through a form, flashes, and counts visits in the session."""
    response = client.post("/", data={"text": "hello <b>"}, follow_redirects=True)
    assert b"Note added." in response.data
    assert b"hello &lt;b&gt;" in response.data
    assert b"Visit number 1." in response.data
    assert b"Visit number 2." in client.get("/").data
    assert "Server-Timing" in response.headers
    assert client.get("/missing").status_code == 404
    assert b"Back to the notes" in client.get("/missing").data


def test_routes_command_lists_the_example_routes() -> None:
    """`framework --app examples.notes routes` prints the example's route table."""
    completed = subprocess.run(
        [*FRAMEWORK, "--app", "examples.notes", "routes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    for expected in ("api.create_note", "/api/notes/<int:note_id>", "index", "static"):
        assert expected in completed.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_command_serves_the_example() -> None:
    """`framework --app examples.notes run` serves the app on 127.0.0.1."""
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    server = subprocess.Popen(
        [*FRAMEWORK, "--app", "examples.notes", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/notes", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("the development server did not answer within 15 s")
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json() == []
    finally:
        server.terminate()
        server.wait(timeout=10)
