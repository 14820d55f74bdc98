"""The deep differential run: the ``differential`` spec area under Hypothesis's ``deep``
profile (thousands of examples per property), framework against Flask.

``python tests/mutation/deep_differential.py`` (``make differential-deep``) runs it and
writes ``reports/differential-deep.md``: the commit, the products, the command, pytest's
outcome and Hypothesis's statistics for each property (examples tried, how the search
stopped). The ``ci`` profile runs the same properties with few examples in every
``make test``; this run is the long one, recorded.
"""

from __future__ import annotations

import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "differential-deep.md"
LOG = ROOT / "build" / "differential-deep.log"
COMMAND = [
    "-m",
    "pytest",
    "conformance",
    "--spec",
    "differential",
    "--impl",
    "framework",
    "--reference",
    "flask",
    "--hypothesis-profile",
    "deep",
    # Thousands of examples outlast the suite's per-test timeout.
    "--timeout",
    "0",
    "-p",
    "no:cacheprovider",
    "-q",
]


def failures(output: str) -> str:
    """Return pytest's account of each failure (the falsifying example and the
    standalone reproduction the differential tests print), or "" when none failed."""
    lines = output.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("=") and "FAILURES" in line), None
    )
    if start is None:
        return ""
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith("-") and "conformance" in lines[i]
        ),
        len(lines),
    )
    return "\n".join(lines[start + 1 : end]).strip()


def main() -> int:
    """Run the deep differential properties and write the report; exit as pytest did."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print("differential, deep profile: this takes several minutes", flush=True)
    started = time.monotonic()
    completed = subprocess.run([sys.executable, *COMMAND], cwd=ROOT, capture_output=True, text=True)
    minutes = (time.monotonic() - started) / 60
    output = completed.stdout + completed.stderr
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text(output)
    outcome = [line for line in output.splitlines() if line.startswith("conformance ")]
    summary = [line for line in output.splitlines() if " in " in line and "passed" in line]
    text = [
        "# Differential fuzzing: the deep run",
        "",
        "Written by `make differential-deep` (`tests/mutation/deep_differential.py`).",
        "The `differential` spec area builds applications from random rule tables and",
        "raw WSGI environs, `url_for` calls with any keyword and test-client calls, and",
        "requires the framework to answer exactly as Flask does, except for the",
        "deliberate differences in `conformance/differences.toml`. `make test` runs it",
        "with the `ci` profile (few examples, derandomized); this run uses the `deep`",
        "profile (up to 5,000 examples per property, random seed).",
        "",
        f"- commit: `{commit}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- products: the framework against Flask {version('flask')}, werkzeug "
        f"{version('werkzeug')}, Hypothesis {version('hypothesis')}",
        f"- command: `python {' '.join(COMMAND)}`",
        f"- time: {minutes:.0f} min (2 shared cores)",
        f"- pytest: {summary[-1].strip('= ') if summary else 'no summary line'}",
        f"- outcome: {outcome[-1] if outcome else 'no conformance line'}",
        f"- exit code: {completed.returncode}",
    ]
    found = failures(output)
    text += ["", "## Differences found", ""]
    text += ["```", found, "```"] if found else ["None: every property held on every example."]
    REPORT.write_text("\n".join(text) + "\n")
    print(f"wrote {REPORT.relative_to(ROOT)} (exit code {completed.returncode})")
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main())
