"""Known-failure lists ("expectations") of implementations, stored as TOML.

``conformance/expectations/<impl>.toml`` holds one table per known failure,
keyed by the test's node ID (relative to the folder holding the ``conformance``
package, so the same whether the suite runs from a checkout or installed)::

    ["conformance/test_routing.py::test_host_matching"]
    reason = "host matching is not implemented yet"

The gate follows web-platform-tests: a listed test that fails is an expected
failure and does not fail the run; a listed test that passes is an unexpected
pass and fails the run until its entry is removed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.results import FAILING_OUTCOMES, SKIPPED

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None

HEADER_TEMPLATE = """\
# Known failures of the implementation `{name}` in the conformance suite.
#
# One table per failing test, keyed by its node ID, with the reason it fails:
#
#   ["conformance/test_routing.py::test_host_matching"]
#   reason = "host matching is not implemented yet"
#
# A listed test that fails is reported as an expected failure and does not fail
# the run; a listed test that passes is an unexpected pass and fails the run
# until its entry is removed. Rewrite this file from a run with
#   pytest conformance --impl {name} --update-expectations
# (reasons already written here are kept; new entries get the failure message).
"""


class ExpectationsError(Exception):
    """An expectations file cannot be read or is malformed (the message is one line)."""


def load_expectations(path: Path) -> dict[str, str]:
    """Return the known failures listed in ``path`` as ``{node ID: reason}``.

    A missing file lists nothing. Raises :class:`ExpectationsError` when the file
    is not valid TOML or an entry is not a table with a non-empty string ``reason``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ExpectationsError(f"{path}: cannot read expectations: {exc}")
    if tomllib is None:  # pragma: no cover - Python 3.10 without tomli
        raise ExpectationsError(
            f"{path}: reading expectations needs Python 3.11+ or the 'tomli' package"
        )
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExpectationsError(f"{path}: invalid TOML: {exc}")
    expectations: dict[str, str] = {}
    for nodeid, entry in document.items():
        if not isinstance(entry, dict):
            raise ExpectationsError(
                f"{path}: {nodeid!r} must be a table such as [{toml_string(nodeid)}]"
            )
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ExpectationsError(f"{path}: {nodeid!r} needs a non-empty string 'reason'")
        unknown = sorted(set(entry) - {"reason"})
        if unknown:
            raise ExpectationsError(f"{path}: {nodeid!r} has unknown keys: {', '.join(unknown)}")
        expectations[nodeid] = reason
    return expectations


def updated_expectations(
    existing: Mapping[str, str], outcomes: Mapping[str, tuple[str, str | None]]
) -> dict[str, str]:
    """Return the known failures after a run.

    ``outcomes`` maps each test that ran to its outcome and failure message.
    A test that failed is listed, keeping its existing reason or else taking its
    failure message; a test that passed is dropped; entries for tests that did
    not run, or were skipped, are kept unchanged.
    """
    updated = {
        nodeid: reason
        for nodeid, reason in existing.items()
        if nodeid not in outcomes or outcomes[nodeid][0] == SKIPPED
    }
    for nodeid, (outcome, message) in outcomes.items():
        if outcome in FAILING_OUTCOMES:
            updated[nodeid] = existing.get(nodeid) or message or outcome
    return dict(sorted(updated.items()))


def render_expectations(expectations: Mapping[str, str], header: str) -> str:
    """Return the TOML text listing ``expectations`` (sorted) under a comment ``header``."""
    entries = [
        f"[{toml_string(nodeid)}]\nreason = {toml_string(reason)}\n"
        for nodeid, reason in sorted(expectations.items())
    ]
    return "\n".join([header.rstrip("\n") + "\n", *entries])


def write_expectations(path: Path, expectations: Mapping[str, str], impl_name: str) -> None:
    """Rewrite ``path`` with ``expectations``, keeping the file's leading comment block."""
    try:
        header = leading_comments(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        header = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = header or HEADER_TEMPLATE.format(name=impl_name)
    path.write_text(render_expectations(expectations, header), encoding="utf-8")


def leading_comments(text: str) -> str:
    """Return the comment lines at the start of ``text`` (up to the first other line)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """Return ``value`` as a TOML basic string literal."""
    escaped = "".join(
        _ESCAPES.get(char)
        or (f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in value
    )
    return f'"{escaped}"'
