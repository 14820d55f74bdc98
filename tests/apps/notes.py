"""A notes app written for Flask: a JSON API in a blueprint and an HTML page rendered
from template strings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, jsonify, render_template_string, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

#: The notes, by id.
notes: dict[int, dict[str, Any]] = {}

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/notes")
def list_notes() -> Response:
    """All notes, in creation order."""
    return jsonify(notes=list(notes.values()))


@api.post("/notes")
def create_note() -> tuple[dict[str, Any], int, dict[str, str]]:
    """Create a note from ``{"text": ...}``; 201 with its URL in ``Location``."""
    data = request.get_json()
    if not isinstance(data, dict) or not str(data.get("text", "")).strip():
        abort(400, description="a note needs some text")
    note_id = len(notes) + 1
    notes[note_id] = {"id": note_id, "text": data["text"], "tags": data.get("tags", [])}
    return notes[note_id], 201, {"Location": url_for(".get_note", note_id=note_id)}


@api.get("/notes/<int:note_id>")
def get_note(note_id: int) -> dict[str, Any]:
    """One note, or a JSON 404."""
    if note_id not in notes:
        abort(404)
    return notes[note_id]


@api.delete("/notes/<int:note_id>")
def delete_note(note_id: int) -> tuple[str, int]:
    """Delete a note: 204, or 404 if it does not exist."""
    if notes.pop(note_id, None) is None:
        abort(404)
    return "", 204


@api.errorhandler(HTTPException)
def api_error(error: HTTPException) -> tuple[Response, int]:
    """Every HTTP error of the API as JSON."""
    return jsonify(error=error.name, description=error.description), error.code or 500


app = Flask(__name__)
app.register_blueprint(api)

PAGE = """<!doctype html>
<title>{{ title }}</title>
<h1>{{ title|shout }}</h1>
<ul>
{%- for note in notes %}
  <li><a href="{{ url_for('api.get_note', note_id=note.id) }}">{{ note.text }}</a>
  {%- if note.tags %} [{{ note.tags|join(', ') }}]{% endif %}</li>
{%- else %}
  <li>No notes yet.</li>
{%- endfor %}
</ul>
<footer>{{ site_name }} &middot; {{ request.path }}</footer>
"""


@app.template_filter("shout")
def shout(value: str) -> str:
    """Upper-case a value and add an exclamation mark."""
    return f"{value.upper()}!"


@app.context_processor
def site_details() -> dict[str, str]:
    """Values every template sees."""
    return {"site_name": "Notes"}


@app.route("/")
def home() -> str:
    """The notes as an HTML page."""
    return render_template_string(PAGE, title="My <notes>", notes=list(notes.values()))


@app.route("/notes/")
def notes_page() -> str:
    """A page under a trailing-slash URL."""
    count = len(notes)
    return render_template_string("{{ count }} note{{ 's' if count != 1 }}", count=count)
