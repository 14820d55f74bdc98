"""The feature description the suite specifies, as shipped with the suite.

``conformance/description.md`` is a verbatim copy of the project's feature
description (``../shared/flask-cheatsheet.md`` beside a checkout; a test checks
that the copy is current where the original is present). Rules name its
``###`` sections as their source, and :mod:`conformance.coverage` reads the
promises it makes (API names, configuration keys, signals, CLI options).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

DESCRIPTION_PATH = Path(__file__).resolve().parent / "description.md"
_HEADING = re.compile(r"^### (?P<title>.+?)\s*$")


@dataclasses.dataclass(frozen=True)
class Section:
    """One ``###`` section of the description: its heading and its text."""

    heading: str
    text: str


@functools.cache
def sections() -> tuple[Section, ...]:
    """Return the description's ``###`` sections in order."""
    found: list[Section] = []
    heading: str | None = None
    lines: list[str] = []
    in_code = False
    for line in DESCRIPTION_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match or (not in_code and line.startswith(("# ", "## "))):
            if heading is not None:
                found.append(Section(heading, "\n".join(lines)))
            heading = match.group("title") if match else None
            lines = []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        found.append(Section(heading, "\n".join(lines)))
    return tuple(found)


def section_headings() -> tuple[str, ...]:
    """Return the headings of the description's ``###`` sections."""
    return tuple(section.heading for section in sections())
