"""The results of an ecosystem run: the comparison of an implementation with the
reference per extension, the JSON document and the Markdown table."""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.ecosystem.catalogue import Extension
from conformance.ecosystem.runner import SuiteRun

FORMAT = "flaskspec-ecosystem/1"
JSON_NAME = "results.json"
MARKDOWN_NAME = "summary.md"
_MESSAGE_LIMIT = 400


@dataclasses.dataclass(frozen=True)
class RunLabel:
    """An implementation of a run: module name and version."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclasses.dataclass
class ExtensionResult:
    """One extension's suite run under the implementation and, if any, the reference."""

    extension: Extension
    runs: dict[str, SuiteRun]
    """Keyed by implementation module name, implementation first."""

    def differences(self, implementation: str, reference: str) -> list[dict[str, Any]]:
        """The tests whose outcome differs between the two runs, each with the message of
        the implementation's run and the documented reason if the difference is known."""
        mine, theirs = self.runs[implementation].tests, self.runs[reference].tests
        found = []
        for test in sorted(mine.keys() | theirs.keys()):
            outcome = mine.get(test, {}).get("outcome", "absent")
            reference_outcome = theirs.get(test, {}).get("outcome", "absent")
            if outcome != reference_outcome:
                found.append(
                    {
                        "test": test,
                        "outcomes": {implementation: outcome, reference: reference_outcome},
                        "message": mine.get(test, theirs.get(test, {})).get("message", "")[
                            :_MESSAGE_LIMIT
                        ],
                        "known": self.extension.known_differences.get(test),
                    }
                )
        return found


def _run_document(run: SuiteRun) -> dict[str, Any]:
    return {
        "counts": run.counts(),
        "duration": round(run.duration, 2),
        "problem": run.problem,
        "not_passed": {
            test: {"outcome": data["outcome"], "message": data["message"][:_MESSAGE_LIMIT]}
            for test, data in sorted(run.tests.items())
            if data["outcome"] != "passed"
        },
    }


def build_document(
    results: Sequence[ExtensionResult],
    implementation: RunLabel,
    reference: RunLabel | None,
    started_at: datetime.datetime,
) -> dict[str, Any]:
    """Return the JSON document of a run."""
    extensions = []
    for result in results:
        extension = result.extension
        deselected: dict[str, str] = {}
        for run in result.runs.values():
            deselected.update(run.deselected)
        extensions.append(
            {
                "name": extension.name,
                "distribution": extension.distribution,
                "version": extension.version,
                "kind": extension.kind,
                "why": extension.why,
                "deselected": dict(sorted(deselected.items())),
                "not_collected": dict(extension.ignore_paths),
                "runs": {name: _run_document(run) for name, run in result.runs.items()},
                "differences": (
                    result.differences(implementation.name, reference.name)
                    if reference is not None
                    else []
                ),
            }
        )
    return {
        "format": FORMAT,
        "implementation": dataclasses.asdict(implementation),
        "reference": dataclasses.asdict(reference) if reference is not None else None,
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "extensions": extensions,
    }


def unexplained_differences(document: dict[str, Any]) -> int:
    """The number of differences that are not documented ones, plus suites that failed
    to complete."""
    count = 0
    for extension in document["extensions"]:
        count += sum(1 for difference in extension["differences"] if not difference["known"])
        count += sum(1 for run in extension["runs"].values() if run["problem"])
    return count


def counts_text(run: dict[str, Any]) -> str:
    """``N passed, N failed, N skipped`` (errors count as failed; other outcomes when
    present), or why the suite did not complete."""
    counts = run["counts"]
    parts = [
        f"{counts['passed']} passed",
        f"{counts['failed'] + counts['error']} failed",
        f"{counts['skipped']} skipped",
    ]
    parts += [f"{counts[name]} {name}" for name in ("xfailed", "xpassed") if counts[name]]
    text = ", ".join(parts)
    return f"{text} (did not complete: {run['problem']})" if run["problem"] else text


def deselected_text(extension: dict[str, Any]) -> str:
    """The number of deselected tests, and of test files or folders not collected."""
    text = str(len(extension["deselected"]))
    not_collected = len(extension["not_collected"])
    return f"{text} + {not_collected} paths not collected" if not_collected else text


def differences_text(extension: dict[str, Any]) -> str:
    """The number of differences, saying how many are documented ones."""
    differences = extension["differences"]
    known = sum(1 for difference in differences if difference["known"])
    return str(len(differences)) + (f" ({known} documented)" if known else "")


def run_names(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The (module name, column label) of the document's runs, implementation first."""
    labels: list[tuple[str, str]] = []
    for key in ("implementation", "reference"):
        label = document[key]
        if label is not None and label["name"] not in [name for name, _ in labels]:
            labels.append((label["name"], f"{label['name']} {label['version']}"))
    return labels


def render_markdown(document: dict[str, Any]) -> str:
    """Return the Markdown summary: the table, then the differences and deselected tests."""
    names = run_names(document)
    header = ["Extension", "Kind", *(label for _, label in names), "Deselected", "Differences"]
    lines = [
        "# Ecosystem: Flask extensions' own test suites",
        "",
        f"Run of {document['started_at']} on Python {document['python']}. Each extension's"
        " pinned sdist, its tests run with `flask` resolving to the implementation.",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    for extension in document["extensions"]:
        cells = [
            f"{extension['distribution']} {extension['version']}",
            extension["kind"],
            *(
                counts_text(extension["runs"][name]) if name in extension["runs"] else "—"
                for name, _ in names
            ),
            deselected_text(extension),
            differences_text(extension) if len(names) > 1 else "—",
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    for extension in document["extensions"]:
        if extension["differences"]:
            lines += ["", f"## Differences: {extension['name']}", ""]
            for difference in extension["differences"]:
                outcomes = ", ".join(f"{n}: {o}" for n, o in difference["outcomes"].items())
                reason = f" — documented: {difference['known']}" if difference["known"] else ""
                lines.append(f"- `{difference['test']}` ({outcomes}){reason}")
    left_out = [
        extension
        for extension in document["extensions"]
        if extension["deselected"] or extension["not_collected"]
    ]
    if left_out:
        lines += ["", "## Deselected tests", ""]
        for extension in left_out:
            reasons: dict[str, int] = {}
            for reason in extension["deselected"].values():
                reasons[reason] = reasons.get(reason, 0) + 1
            for reason, count in reasons.items():
                tests = "test" if count == 1 else "tests"
                lines.append(f"- {extension['name']}: {count} {tests} — {reason}")
            for path, reason in extension["not_collected"].items():
                lines.append(f"- {extension['name']}: `{path}` not collected — {reason}")
    return "\n".join(lines) + "\n"


def write_results(document: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write ``results.json`` and ``summary.md`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = out_dir / JSON_NAME, out_dir / MARKDOWN_NAME
    json_path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    markdown_path.write_text(render_markdown(document), encoding="utf-8")
    return [json_path, markdown_path]
