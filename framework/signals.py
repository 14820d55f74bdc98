"""The blinker signals the framework sends, and :class:`Namespace` for defining your own.

Every signal is sent with the application as sender; the keyword arguments are
documented next to each one. Connect with ``signal.connect(receiver, sender=app)``.
"""

from __future__ import annotations

from blinker import Namespace

__all__ = [
    "Namespace",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "template_rendered",
]

# All built-in signals live in this private namespace, so they never collide with
# signals of the same name in blinker's global namespace or another library's.
# (``tests/test_signals.py`` reaches it by this name.)
_signals = Namespace()

# Application context lifecycle.
#: Sent when an application context is pushed.
appcontext_pushed = _signals.signal("appcontext-pushed")
#: Sent after the ``teardown_appcontext`` functions ran; keyword argument ``exc``.
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
#: Sent when an application context is popped.
appcontext_popped = _signals.signal("appcontext-popped")

# Request lifecycle.
#: Sent as request handling begins, ahead of the ``before_request`` functions.
request_started = _signals.signal("request-started")
#: Sent once the response is finalised; keyword argument ``response``.
request_finished = _signals.signal("request-finished")
#: Sent when an exception reaches unhandled-exception handling; keyword argument ``exception``.
got_request_exception = _signals.signal("got-request-exception")
#: Sent after the ``teardown_request`` functions ran; keyword argument ``exc``.
request_tearing_down = _signals.signal("request-tearing-down")

# Templates: both carry the keyword arguments ``template`` and ``context``.
#: Sent just before a template is rendered.
before_render_template = _signals.signal("before-render-template")
#: Sent once a template has been rendered.
template_rendered = _signals.signal("template-rendered")

#: Sent by ``flash()``; keyword arguments ``message`` and ``category``.
message_flashed = _signals.signal("message-flashed")
