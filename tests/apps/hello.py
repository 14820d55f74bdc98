"""A hello-world app written for Flask: routes with converters, error handlers and
request hooks."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask, abort, g, jsonify, make_response, redirect, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

app = Flask(__name__)

#: One entry per torn-down request: "ok" or the name of the unhandled exception.
teardowns: list[str] = []


class PaymentRequired(Exception):
    """Raised when a premium page is requested without a subscription."""


@app.before_request
def identify_visitor() -> None:
    """Remember who is asking, from the ``X-Visitor`` header."""
    g.visitor = request.headers.get("X-Visitor", "anonymous")


@app.before_request
def block_banned_visitors() -> tuple[str, int] | None:
    """Answer 403 straight away for banned visitors; the view is not called."""
    if g.visitor == "mallory":
        return "You are banned.", 403
    return None


@app.after_request
def add_visitor_header(response: Response) -> Response:
    """Echo the visitor back in a response header."""
    response.headers["X-Visitor"] = g.get("visitor", "unknown")
    return response


@app.teardown_request
def record_teardown(error: BaseException | None) -> None:
    """Record how each request ended."""
    teardowns.append(type(error).__name__ if error is not None else "ok")


@app.route("/")
def index() -> str:
    """The home page."""
    return "Hello, World!"


@app.route("/hello/")
@app.route("/hello/<name>")
def hello(name: str | None = None) -> str:
    """Greet by name, or a stranger."""
    return f"Hello, {name or 'stranger'}!"


@app.route("/post/<int:post_id>")
def show_post(post_id: int) -> dict[str, Any]:
    """A post by number, with the URL of the next one."""
    return {"post_id": post_id, "next": url_for("show_post", post_id=post_id + 1)}


@app.route("/price/<float:amount>")
def price(amount: float) -> str:
    """Format a price."""
    return f"{amount:.2f} EUR"


@app.route("/files/<path:subpath>")
def files(subpath: str) -> str:
    """Echo a path with slashes."""
    return f"File {subpath}"


@app.route("/items/<uuid:item_id>")
def item(item_id: UUID) -> str:
    """An item by UUID."""
    return f"Item {item_id.hex}"


@app.route("/lang/<any(en, fr):code>")
def language(code: str) -> str:
    """One of two languages."""
    return {"en": "Hello", "fr": "Bonjour"}[code]


@app.route("/greet", methods=["GET", "POST"])
def greet() -> Response:
    """Greet from a form (POST, setting a cookie) or a query argument (GET)."""
    if request.method == "POST":
        name = request.form["name"]
        response = make_response(f"Nice to meet you, {name}.", 201)
        response.set_cookie("name", name)
        return response
    name = request.args.get("name") or request.cookies.get("name", "nobody")
    return make_response(f"Hi again, {name}.")


@app.route("/old-home")
def old_home() -> Response:
    """Moved: redirect to the home page."""
    return redirect(url_for("index"))


@app.route("/admin")
def admin() -> str:
    """Always forbidden."""
    abort(403)


@app.route("/premium")
def premium() -> str:
    """Needs a subscription nobody has."""
    raise PaymentRequired()


@app.route("/crash")
def crash() -> str:
    """A bug."""
    return str(1 // 0)


@app.route("/stats")
def stats() -> Response:
    """How the previous requests ended."""
    return jsonify(teardowns=teardowns, count=len(teardowns))


@app.errorhandler(404)
def page_not_found(error: HTTPException) -> tuple[str, int]:
    """A custom 404 page naming the path."""
    return f"Page not found: {request.path}", 404


@app.errorhandler(403)
def forbidden(error: HTTPException) -> tuple[dict[str, str], int, dict[str, str]]:
    """A JSON 403 with an explanatory header."""
    return {"error": "forbidden"}, 403, {"X-Reason": "admins only"}


@app.errorhandler(PaymentRequired)
def payment_required(error: PaymentRequired) -> tuple[str, int]:
    """Ask for a subscription."""
    return "Subscribe first.", 402


@app.errorhandler(500)
def server_error(error: HTTPException) -> tuple[str, int]:
    """Name the original error of a 500."""
    original = getattr(error, "original_exception", None)
    return f"Something broke: {type(original).__name__}", 500
