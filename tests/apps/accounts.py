"""An accounts app written for Flask: logging in with sessions, flashed messages and
a shopping cart kept in the session."""

from __future__ import annotations

from flask import (
    Flask,
    flash,
    g,
    jsonify,
    redirect,
    render_template_string,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

app = Flask(__name__)
app.secret_key = "a sample secret key"

USERS = {"ann": "correct horse", "bob": "battery staple"}

LAYOUT = """
{%- with messages = get_flashed_messages(with_categories=true) %}
{%- for category, message in messages %}
<p class="{{ category }}">{{ message }}</p>
{%- endfor %}
{%- endwith %}
{% if g.user %}Logged in as {{ g.user }}{% else %}Anonymous{% endif %}
"""

LOGIN_FORM = """<form method="post" action="{{ url_for('login', next=next) }}">
<input name="username"><input name="password" type="password"></form>"""


@app.before_request
def load_user() -> None:
    """Load the logged-in user from the session."""
    g.user = session.get("user")


@app.route("/")
def index() -> str:
    """Show the flashed messages and who is logged in."""
    return render_template_string(LAYOUT)


@app.route("/login", methods=["GET", "POST"])
def login() -> str | tuple[str, int] | Response:
    """Show the form, or check the credentials posted to it."""
    next_url = request.args.get("next", "")
    if request.method == "POST":
        username = request.form.get("username", "")
        if USERS.get(username) == request.form.get("password"):
            session["user"] = username
            flash(f"Welcome back, {username}!", "success")
            return redirect(next_url or url_for("index"))
        flash("Invalid credentials.", "error")
        return render_template_string(LOGIN_FORM, next=next_url), 401
    return render_template_string(LOGIN_FORM, next=next_url)


@app.route("/private")
def private() -> str | Response:
    """Only for logged-in users; others are sent to the login form."""
    if g.user is None:
        flash("Please log in first.")
        return redirect(url_for("login", next=request.path))
    return f"The secret page of {g.user}."


@app.post("/cart/<item>")
def add_to_cart(item: str) -> tuple[str, int]:
    """Add an item to the cart kept in the session (a mutable value)."""
    session.setdefault("cart", []).append(item)
    session.modified = True
    return f"{item} added", 201


@app.route("/cart")
def cart() -> Response:
    """The cart's items."""
    return jsonify(items=session.get("cart", []), user=g.user)


@app.route("/logout")
def logout() -> Response:
    """Forget the user and the cart."""
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("index"))
