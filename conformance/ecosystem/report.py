"""The ecosystem results as a section of the HTML conformance report.

:func:`with_ecosystem_section` adds the section to a report page written into a folder
(``reports/conformance``) whose sibling ``ecosystem/`` holds the results of ``python -m
conformance ecosystem`` (``reports/ecosystem/results.json``); without them the page is
unchanged, so the report can call it unconditionally.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from conformance.ecosystem.results import (
    FORMAT,
    JSON_NAME,
    counts_text,
    deselected_text,
    differences_text,
    run_names,
)

RESULTS_FOLDER = "ecosystem"
"""The folder beside the report's folder that holds the ecosystem results."""


def load_document(path: Path) -> dict[str, Any] | None:
    """The ecosystem results at ``path``, or None when missing or not such a document."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    return document


def with_ecosystem_section(page: str, report_dir: Path) -> str:
    """Return the report ``page`` with the ecosystem section before ``</body>`` when
    ``report_dir``'s sibling ``ecosystem/`` holds results; else ``page`` unchanged."""
    section = html_section(report_dir.parent / RESULTS_FOLDER / JSON_NAME)
    return page.replace("</body>", f"{section}\n</body>", 1) if section else page


def html_section(path: Path) -> str:
    """Return the HTML section for the ecosystem results at ``path`` ("" if none)."""
    document = load_document(path)
    if document is None:
        return ""
    esc = html.escape
    names = run_names(document)
    header = ["Extension", "Kind", *(label for _, label in names), "Deselected", "Differences"]
    parts = [
        '<h2 id="ecosystem">Ecosystem: extensions\' own test suites</h2>',
        '<p class="lead">Each extension\'s pinned sdist, its own tests run with '
        "<code>flask</code> resolving to the implementation "
        f"(run of {esc(document['started_at'])}, Python {esc(document['python'])}).</p>",
        "<table><thead><tr>" + "".join(f"<th>{esc(name)}</th>" for name in header),
        "</tr></thead><tbody>",
    ]
    for extension in document["extensions"]:
        runs = extension["runs"]
        cells = [
            f'<th scope="row" title="{esc(extension["why"])}">'
            f"{esc(extension['distribution'])} {esc(extension['version'])}</th>",
            f"<td>{esc(extension['kind'])}</td>",
            *(
                f"<td>{esc(counts_text(runs[name]) if name in runs else '—')}</td>"
                for name, _ in names
            ),
            f'<td class="num">{esc(deselected_text(extension))}</td>',
            f'<td class="num">{esc(differences_text(extension)) if len(names) > 1 else "—"}</td>',
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    for extension in document["extensions"]:
        for difference in extension["differences"]:
            outcomes = ", ".join(
                f"{name}: {outcome}" for name, outcome in difference["outcomes"].items()
            )
            known = difference["known"]
            note = f"documented: {known}" if known else "undocumented difference"
            parts.append(
                f"<details><summary>{esc(extension['name'])}: <code>"
                f'{esc(difference["test"])}</code> <span class="nodeid">{esc(outcomes)}'
                f"</span></summary><p>{esc(note)}</p>"
                f"<pre>{esc(difference['message'] or '(no message recorded)')}</pre></details>"
            )
        left_out = {
            **extension["deselected"],
            **{f"{path} (not collected)": why for path, why in extension["not_collected"].items()},
        }
        if left_out:
            items = "".join(
                f"<li><code>{esc(test)}</code>: {esc(reason)}</li>"
                for test, reason in left_out.items()
            )
            parts.append(
                f"<details><summary>{esc(extension['name'])}: "
                f"{len(extension['deselected'])} deselected tests"
                f"{', some files not collected' if extension['not_collected'] else ''}"
                f"</summary><ul>{items}</ul></details>"
            )
    return "\n".join(parts)
