"""A small notes application: a JSON API in a blueprint, HTML pages with templates,
sessions and flashed messages, error handlers and request hooks.

Run it with ``framework --app examples.notes run`` and list its routes with
``framework --app examples.notes routes``. Written for Flask, it runs on Flask too
by changing the import below.
"""

from __future__ import annotations

import time
from typing import Any

from framework import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

NOTES: dict[int, dict[str, Any]] = {}

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/notes")
def list_notes() -> Any:
    """All notes, newest first."""
    return jsonify(sorted(NOTES.values(), key=lambda note: -note["id"]))


@api.post("/notes")
def create_note() -> Any:
    """Create a note from a JSON body ``{"text": ...}``."""
    data = request.get_json()
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        abort(400, description="a note needs a non-empty 'text'")
    note_id = max(NOTES, default=0) + 1
    NOTES[note_id] = {"id": note_id, "text": text.strip()}
    return NOTES[note_id], 201, {"Location": url_for("api.get_note", note_id=note_id)}


@api.get("/notes/<int:note_id>")
def get_note(note_id: int) -> Any:
    """One note, or 404."""
    if note_id not in NOTES:
        abort(404)
    return NOTES[note_id]


@api.errorhandler(400)
@api.errorhandler(404)
def api_error(error: Any) -> Any:
    """API errors are JSON."""
    return {"error": error.name, "description": error.description}, error.code


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application (the factory the CLI finds)."""
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY="change me in production", NOTES_TITLE="Notes")
    if config:
        app.config.from_mapping(config)
    app.register_blueprint(api)

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def add_timing(response: Any) -> Any:
        response.headers["Server-Timing"] = (
            f"app;dur={(time.perf_counter() - g.started) * 1000:.2f}"
        )
        return response

    @app.get("/")
    def index() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return render_template("index.html", notes=NOTES.values(), visits=session["visits"])

    @app.post("/")
    def add() -> Any:
        text = request.form.get("text", "").strip()
        if text:
            note_id = max(NOTES, default=0) + 1
            NOTES[note_id] = {"id": note_id, "text": text}
            flash("Note added.", "success")
        else:
            flash("A note cannot be empty.", "error")
        return redirect(url_for("index"))

    @app.errorhandler(404)
    def not_found(error: Any) -> Any:
        return render_template("404.html"), 404

    return app
