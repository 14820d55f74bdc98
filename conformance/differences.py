"""The documented deliberate differences from the reference, read from ``differences.toml``.

Each entry names a predicate defined here; a differential test asks
:func:`excused` whether a mismatch it saw is one of them. A predicate sees the
raw WSGI environ (or None when the request was not built from one) and the two
outcomes, and must only excuse the reference failing (a 500 or an exception)
where the other side answers sensibly.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DIFFERENCES_FILE = Path(__file__).resolve().parent / "differences.toml"


@dataclass(frozen=True)
class Outcome:
    """What one side answered: a status line (or ``raised Type``), headers and body."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether this side answered 500 or raised."""
        return self.status.startswith(("500", "raised"))


@dataclass(frozen=True)
class Difference:
    """One documented difference: its ID, predicate name and reason."""

    id: str
    when: str
    reason: str


Predicate = Callable[[Mapping[str, Any] | None, Outcome, Outcome], bool]


def _query_bytes(environ: Mapping[str, Any]) -> bytes:
    return str(environ.get("QUERY_STRING", "")).encode("latin-1", "replace")


def raw_non_utf8_query(environ: Mapping[str, Any] | None, ours: Outcome, theirs: Outcome) -> bool:
    """The query string holds raw bytes that are not UTF-8 and the reference failed."""
    if environ is None or not theirs.failed or ours.failed:
        return False
    try:
        _query_bytes(environ).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def json_too_deep(environ: Mapping[str, Any] | None, ours: Outcome, theirs: Outcome) -> bool:
    """The body is JSON nested beyond the parser's limit; the reference failed, we did not."""
    if environ is None or not theirs.failed or ours.failed:
        return False
    body = environ["wsgi.input"].getvalue() if hasattr(environ["wsgi.input"], "getvalue") else b""
    try:
        json.loads(body)
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


PREDICATES: dict[str, Predicate] = {
    "raw_non_utf8_query": raw_non_utf8_query,
    "json_too_deep": json_too_deep,
}


def load_differences(path: Path = DIFFERENCES_FILE) -> list[Difference]:
    """Read the documented differences; an unknown predicate name is an error."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("difference", [])
    differences = [Difference(e["id"], e["when"], " ".join(e["reason"].split())) for e in entries]
    unknown = [d.id for d in differences if d.when not in PREDICATES]
    if unknown:
        raise ValueError(f"{path.name}: unknown predicate in {', '.join(unknown)}")
    return differences


def excused(environ: Mapping[str, Any] | None, ours: Outcome, theirs: Outcome) -> Difference | None:
    """Return the documented difference explaining this mismatch, or None.

    Either side may be Flask (the suite also runs with ``--impl flask --reference
    framework``), so each predicate is tried both ways round.
    """
    for difference in load_differences():
        applies = PREDICATES[difference.when]
        if applies(environ, ours, theirs) or applies(environ, theirs, ours):
            return difference
    return None
