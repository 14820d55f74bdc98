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

_signals = Namespace()

#: Sent after a template was rendered; keyword arguments ``template`` and ``context``.
template_rendered = _signals.signal("template-rendered")
#: Sent before a template is rendered; keyword arguments ``template`` and ``context``.
before_render_template = _signals.signal("before-render-template")
#: Sent when request handling starts, before the ``before_request`` functions.
request_started = _signals.signal("request-started")
#: Sent after the response was finalised; keyword argument ``response``.
request_finished = _signals.signal("request-finished")
#: Sent after the ``teardown_request`` functions; keyword argument ``exc``.
request_tearing_down = _signals.signal("request-tearing-down")
#: Sent when an exception reaches unhandled-exception handling; keyword argument ``exception``.
got_request_exception = _signals.signal("got-request-exception")
#: Sent after the ``teardown_appcontext`` functions; keyword argument ``exc``.
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
#: Sent when an application context is pushed.
appcontext_pushed = _signals.signal("appcontext-pushed")
#: Sent when an application context is popped.
appcontext_popped = _signals.signal("appcontext-popped")
#: Sent when a message is flashed; keyword arguments ``message`` and ``category``.
message_flashed = _signals.signal("message-flashed")
