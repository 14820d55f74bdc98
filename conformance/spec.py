"""The registry of specification areas.

Every conformance test carries ``@pytest.mark.spec("area.rule")``; ``area`` must be
one of the keys of :data:`AREAS`, which mirror the sections of the Flask feature
description. A spec ID is a dotted, lower-case, hyphenated path such as
``routing.trailing-slash.redirect``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

AREAS: dict[str, str] = {
    "app": "The application object: construction, root and instance paths, attributes.",
    "routing": "URL rules, converters, methods, trailing slashes, subdomains and hosts.",
    "urls": "URL building with url_for, URL defaults and value preprocessors.",
    "lifecycle": "The order of the request lifecycle: contexts, hooks, signals, teardown.",
    "context": "Application and request contexts and the proxies bound to them.",
    "request": "The request object and the data it exposes.",
    "response": "Converting view return values into responses, and the response object.",
    "templates": "Jinja environment, rendering, context, filters, tests and globals.",
    "config": "The configuration object, its loaders and the built-in keys.",
    "blueprints": "Blueprints: registration, prefixes, nesting, scoped hooks and handlers.",
    "errors": "Error handlers, abort, HTTP exceptions and unhandled exceptions.",
    "hooks": "Request hooks: before, after, teardown, after_this_request.",
    "signals": "Blinker signals sent by the framework.",
    "sessions": "The session interface and the signed-cookie session.",
    "flashing": "Message flashing.",
    "json": "JSON serialisation, jsonify, the JSON provider and request JSON.",
    "static": "Static files, send_file and send_from_directory.",
    "testing": "The test client and CLI runner.",
    "views": "Class-based views: View and MethodView.",
    "cli": "The command line: app discovery, built-in and application commands.",
    "async": "async def views, hooks and handlers.",
    "extensions": "The extension pattern: init_app and app.extensions.",
    "deployment": "Running behind middleware, proxies and real WSGI/ASGI servers.",
    "security": "Limits on request size and other security-relevant behaviour.",
    "streaming": "Streaming responses and stream_with_context.",
    "logging": "The app's logger, its default handler and the WSGI error stream.",
    "differential": "Random raw requests, url_for and test-client calls answer like the reference.",
}

_AREA_PATTERN = r"[a-z][a-z0-9]*"
_RULE_PART_PATTERN = r"[a-z0-9][a-z0-9-]*"
SPEC_ID = re.compile(rf"{_AREA_PATTERN}(\.{_RULE_PART_PATTERN})+")
"""A full spec ID: an area followed by at least one rule component."""
SELECTOR = re.compile(rf"{_AREA_PATTERN}(\.{_RULE_PART_PATTERN})*")
"""A ``--spec`` selector: an area, optionally followed by rule components."""


def check_spec_id(spec_id: object) -> str | None:
    """Return a message describing what is wrong with ``spec_id``, or ``None`` if it is valid."""
    if not isinstance(spec_id, str):
        return f"spec ID must be a string, got {spec_id!r}"
    if not SPEC_ID.fullmatch(spec_id):
        return (
            f"spec ID {spec_id!r} is not of the form 'area.rule' "
            "(lower-case words separated by dots, hyphens inside words)"
        )
    area = spec_area(spec_id)
    if area not in AREAS:
        return f"spec ID {spec_id!r} names unknown area {area!r}; known: {', '.join(AREAS)}"
    return None


def spec_area(spec_id: str) -> str:
    """Return the area part of a spec ID (the text before the first dot)."""
    return spec_id.split(".", 1)[0]


def check_selector(selector: str) -> str | None:
    """Return what is wrong with a ``--spec`` selector, or ``None`` if it is usable.

    A selector is an area name or a dotted prefix of spec IDs within a known area.
    """
    if not SELECTOR.fullmatch(selector):
        return (
            f"--spec {selector!r}: expected an area or a dotted spec ID prefix "
            "such as 'routing' or 'routing.trailing-slash'"
        )
    area = spec_area(selector)
    if area not in AREAS:
        return f"--spec {selector!r}: unknown area {area!r}; known: {', '.join(AREAS)}"
    return None


def matches_selector(spec_id: str, selector: str) -> bool:
    """Return whether ``spec_id`` is selected by ``selector``.

    Matching is by whole dotted components: ``routing.trailing-slash`` selects
    ``routing.trailing-slash`` and ``routing.trailing-slash.redirect`` but not
    ``routing.trailing-slashes``, and ``routing.trailing`` selects neither.
    """
    return spec_id == selector or spec_id.startswith(selector + ".")


def closest_ids(selector: str, spec_ids: Iterable[str], count: int = 3) -> list[str]:
    """Return up to ``count`` spec IDs or ID prefixes of ``spec_ids`` closest to ``selector``."""
    candidates: set[str] = set()
    for spec_id in spec_ids:
        parts = spec_id.split(".")
        candidates.update(".".join(parts[:length]) for length in range(1, len(parts) + 1))
    return difflib.get_close_matches(selector, sorted(candidates), n=count, cutoff=0.5)


def unmatched_selectors(selectors: Iterable[str], spec_ids: Iterable[str]) -> list[str]:
    """Return the selectors of ``selectors`` that select none of ``spec_ids``."""
    ids = list(spec_ids)
    return [
        selector
        for selector in selectors
        if not any(matches_selector(spec_id, selector) for spec_id in ids)
    ]
