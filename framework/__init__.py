"""framework: a clean-room, Flask-3.1-compatible web framework built on werkzeug and Jinja.

An application written for Flask runs on it by changing ``from flask import ...``
to ``from framework import ...``.
"""

from __future__ import annotations

from . import json
from .app import Flask
from .blueprints import Blueprint
from .config import Config
from .ctx import (
    after_this_request,
    copy_current_request_context,
    has_app_context,
    has_request_context,
)
from .globals import current_app, g, request, session
from .helpers import (
    abort,
    flash,
    get_flashed_messages,
    get_template_attribute,
    make_response,
    redirect,
    send_file,
    send_from_directory,
    stream_with_context,
    url_for,
)
from .json import jsonify
from .signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    got_request_exception,
    message_flashed,
    request_finished,
    request_started,
    request_tearing_down,
    template_rendered,
)
from .templating import (
    render_template,
    render_template_string,
    stream_template,
    stream_template_string,
)
from .wrappers import Request, Response

__version__ = "0.1.0"
__flask_api__ = "3.1.3"
"""The Flask API version the framework follows (read by the conformance suite)."""

__all__ = [
    "Blueprint",
    "Config",
    "Flask",
    "Request",
    "Response",
    "__version__",
    "abort",
    "after_this_request",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "copy_current_request_context",
    "current_app",
    "flash",
    "g",
    "get_flashed_messages",
    "get_template_attribute",
    "got_request_exception",
    "has_app_context",
    "has_request_context",
    "json",
    "jsonify",
    "make_response",
    "message_flashed",
    "redirect",
    "render_template",
    "render_template_string",
    "request",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "send_file",
    "send_from_directory",
    "session",
    "stream_template",
    "stream_template_string",
    "stream_with_context",
    "template_rendered",
    "url_for",
]
