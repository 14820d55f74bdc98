"""Capabilities: what a product's execution model gives, declared by its driver.

A feature of the contract (``conformance.contract``) is a set of *names* a module
has. A capability is a property of how the product *runs*: whether its test
client is werkzeug's, whether views may be plain functions, whether view code
reads the request body without awaiting it. (Being a WSGI application is the
contract's optional ``wsgi`` feature: a driver declares it absent with
``Driver.absent_features``.) A driver declares the capabilities of its product; a spec test that
depends on one says so with ``@pytest.mark.needs("CAPABILITY")``, and on a product
whose driver lacks it the test is reported as not applicable, never failed.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Capability:
    """A named property of a product's execution model."""

    name: str
    summary: str


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "werkzeug-test-client",
        "The test client is werkzeug's: environ_base, EnvironBuilder arguments, buffered "
        "responses, the client as a context manager.",
    ),
    Capability(
        "flask-command",
        "The product's CLI is Flask's click-based group (FlaskGroup, ScriptInfo, app.cli "
        "commands run through the test CLI runner).",
    ),
    Capability("sync-views", "Plain (non-async) functions work as views, hooks and handlers."),
    Capability(
        "sync-request-body",
        "View code reads the request body (form, files, data, get_json) without awaiting it.",
    ),
    Capability("sync-streaming", "A response body may be a plain (synchronous) generator."),
    Capability(
        "sync-contexts",
        "Contexts are pushed and popped by plain method calls (ctx.push(), ctx.pop()).",
    ),
    Capability(
        "threads-copy-context",
        "Contexts can be copied into plain threads (copy_current_request_context).",
    ),
)
"""Every capability a driver may declare."""

CAPABILITIES_BY_NAME = {capability.name: capability for capability in CAPABILITIES}
