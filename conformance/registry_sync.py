"""``python -m conformance registry sync``: register the spec IDs collection finds unregistered.

Other branches add spec tests; at merge time one command registers their IDs:
it collects the suite (``pytest --list-spec --json``, nothing runs), and appends
each unregistered ID to ``rules/<area>.toml`` with its test's docstring as the
rule, level ``must`` and source ``observed Flask 3.1 behaviour`` (then review the
level and source by hand). ``--check`` writes nothing and exits 1 when an ID is
unregistered.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.expectations import toml_string
from conformance.registry import MUST, OBSERVED, RULES_DIR, rules_file_of
from conformance.spec import AREAS, spec_area

SYNC_TIMEOUT = 600
NEW_FILE_HEADER = """# Rules of the spec area `{area}`: {summary}
#
# One table per rule: `rule`, `level` (must | should), `source` and optionally
# `error_path = true`, then `since`/`until` (Flask versions). See conformance/registry.py.

since = "2.3"  # the default: a rule holds since Flask 2.3 (every version the suite knows)
"""


class SyncError(Exception):
    """Collection failed or printed no listing (the message says why)."""


def collect_unregistered(paths: Sequence[str], cwd: Path | None = None) -> list[dict[str, str]]:
    """Return ``[{"id", "rule"}]`` for every collected spec ID that is not registered."""
    return list(collect_listing(paths, cwd)["unregistered"])


def collect_listing(paths: Sequence[str], cwd: Path | None = None) -> dict[str, Any]:
    """Collect ``paths`` (nothing runs) and return the ``--list-spec --json`` document."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        "--list-spec",
        "--json",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:locust",
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=SYNC_TIMEOUT, cwd=cwd, check=False
    )
    start = completed.stdout.find('{\n "rules"')
    if completed.returncode != 0 or start < 0:
        tail = (completed.stdout + completed.stderr).strip().splitlines()[-5:]
        raise SyncError("collection failed: " + " | ".join(tail))
    document, _ = json.JSONDecoder().raw_decode(completed.stdout[start:])
    return dict(document)


def rule_entry(spec_id: str, rule: str) -> str:
    """Return the TOML table registering ``spec_id`` with the defaults of a new rule."""
    return (
        f"[{toml_string(spec_id)}]\nrule = {toml_string(rule)}\n"
        f'level = "{MUST}"\nsource = {toml_string(OBSERVED)}\n'
    )


def add_rules(unregistered: Sequence[dict[str, str]], folder: Path = RULES_DIR) -> list[Path]:
    """Append each rule to its area's file in ``folder``; return the files changed."""
    changed: dict[Path, None] = {}
    for entry in sorted(unregistered, key=lambda entry: entry["id"]):
        area = spec_area(entry["id"])
        path = rules_file_of(area, folder)
        text = (
            path.read_text(encoding="utf-8")
            if path.exists()
            else NEW_FILE_HEADER.format(area=area, summary=AREAS.get(area, ""))
        )
        text = text.rstrip("\n") + "\n\n" + rule_entry(entry["id"], entry["rule"])
        path.write_text(text, encoding="utf-8")
        changed[path] = None
    return list(changed)


def sync(paths: Sequence[str], check: bool, folder: Path = RULES_DIR) -> int:
    """Run the sync (or ``check``); print what it did; return the exit code."""
    try:
        unregistered = collect_unregistered(paths)
    except (SyncError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        print(f"python -m conformance registry sync: error: {exc}", file=sys.stderr)
        return 2
    for entry in unregistered:
        print(f"unregistered: {entry['id']}  {entry['rule']}")
    if check:
        print(f"{len(unregistered)} unregistered spec IDs")
        return 1 if unregistered else 0
    for path in add_rules(unregistered, folder):
        print(f"updated {path}")
    print(f"{len(unregistered)} rules registered (level must, source observed: review them)")
    return 0
