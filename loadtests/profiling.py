"""Where a server worker's Python time goes: py-spy samples of one worker, by module.

``python -m loadtests run --profile`` records one server worker with py-spy during the
run (``--gil``: only samples holding the GIL, so a worker blocked in a socket call is not
counted; ``--nonblocking``: the worker is never paused) into
``raw/<run>.pyspy.txt`` (py-spy's "raw" format: one ``frame;frame;... count`` line per
distinct stack). :func:`summarise_profile` attributes each sample by its deepest frame
in either the application (the implementation, its libraries, the load-test app) or
the server's package (by module); stacks with neither count as the standard library's.
The shares go into the run's report. Kernel time (the socket system calls) is not Python
time: the report's server CPU gives it separately (system CPU).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

PYSPY = "py-spy"
# Packages whose frames mean the worker is running the WSGI application.
APP_PACKAGES = (
    "framework", "flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "blinker",
    "loadtests",
)  # fmt: skip
APPLICATION = "application (implementation, its libraries, the views)"
OTHER = "standard library and interpreter, outside the server's package"
_FRAME = re.compile(r"\((?P<file>[^:()]+):\d+\)$")


@dataclasses.dataclass(frozen=True)
class ProfileShare:
    """One place a worker's sampled Python time went, and its share of the samples."""

    where: str
    share: float


def pyspy_path() -> str | None:
    """Return the py-spy executable (beside this Python's, or on PATH), or None."""
    beside = Path(sys.executable).parent / PYSPY
    return str(beside) if beside.exists() else shutil.which(PYSPY)


def pyspy_command(executable: str, pid: int, seconds: int, out: Path) -> list[str]:
    """Return the py-spy command recording ``pid`` for ``seconds`` into ``out``."""
    return [
        executable, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
        "--gil", "--nonblocking", "--format", "raw", "--output", str(out),
    ]  # fmt: skip


def frame_file(frame: str) -> str:
    """Return the file of a py-spy frame ``function (path/file.py:line)``, or ''."""
    match = _FRAME.search(frame.strip())
    return match.group("file") if match else ""


def _package(path: str) -> str:
    return path.split("/", 1)[0]


def classify(stack: list[str], server: str) -> str:
    """Return where a sampled stack's time goes (see the module docstring).

    The deepest frame in the application or in the server decides, so that the
    server's ``start_response`` called by the app counts as the server's and the
    standard library counts for whoever called it.
    """
    for path in reversed([frame_file(frame) for frame in stack]):
        package = _package(path)
        if package in APP_PACKAGES:
            return APPLICATION
        if package == server:
            return f"{server}: {path}"
    return OTHER


def summarise_profile(lines: Iterable[str], server: str) -> tuple[int, list[ProfileShare]]:
    """Return the samples in py-spy raw ``lines`` and their shares by place, largest first."""
    counts: Counter[str] = Counter()
    for line in lines:
        stack_text, _, count = line.rstrip().rpartition(" ")
        if not stack_text or not count.isdigit() or count == "0":
            continue
        counts[classify(stack_text.split(";"), server)] += int(count)
    total = sum(counts.values())
    shares = [
        ProfileShare(where=where, share=round(count / total, 3))
        for where, count in counts.most_common()
    ]
    return total, shares
