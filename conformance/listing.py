"""``--list-spec``: the registry of rules as this run selects it, as text or JSON.

Listed are the registered rules matching ``--spec``/``--exclude-spec`` (every rule
of the suite's registry when the run includes the suite, plus those of
``conformance_rules`` files) and any collected spec ID that is not registered.
Text lines are ``ID  rule``, with ``(should)`` before a should-level rule's sentence,
``[no test]`` after a registered rule no collected test checks and ``[unregistered]``
after a collected ID missing from the registry. ``--json`` prints one object:
``{"rules": [...], "unregistered": [...]}`` (what ``registry sync`` reads).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Collection, Iterable, Mapping

from conformance.coverage import is_negative_source
from conformance.registry import SHOULD
from conformance.run import ConformanceRun
from conformance.spec import matches_selector


def _selected(run: ConformanceRun, spec_id: str) -> bool:
    if run.selectors and not any(matches_selector(spec_id, s) for s in run.selectors):
        return False
    return not any(matches_selector(spec_id, prefix) for prefix in run.exclusions)


def negative_spec_ids(tests: Iterable[tuple[str, object]]) -> set[str]:
    """Return the spec IDs of ``(spec_id, test function)`` pairs whose test is negative."""
    negative = set()
    for spec_id, function in tests:
        try:
            source = inspect.getsource(function)  # type: ignore[arg-type]
        except (OSError, TypeError):
            continue
        if is_negative_source(source):
            negative.add(spec_id)
    return negative


def print_listing(
    run: ConformanceRun,
    tested: Mapping[str, str],
    as_json: bool,
    negative: Collection[str] = (),
) -> list[str]:
    """Return the lines ``--list-spec`` prints; ``tested`` maps collected IDs to rules,
    ``negative`` holds the IDs with a negative test (see :mod:`conformance.coverage`)."""
    registered = [rule for spec_id, rule in sorted(run.registry.items()) if _selected(run, spec_id)]
    unregistered = {
        spec_id: rule for spec_id, rule in tested.items() if spec_id not in run.registry
    }
    if as_json:
        document = {
            "rules": [
                {**rule.as_dict(), "tested": rule.id in tested, "negative": rule.id in negative}
                for rule in registered
            ],
            "unregistered": [
                {"id": spec_id, "rule": rule} for spec_id, rule in sorted(unregistered.items())
            ],
        }
        return [json.dumps(document, indent=1)]
    rows: list[tuple[str, str]] = []
    for rule in registered:
        text = f"(should) {rule.rule}" if rule.level == SHOULD else rule.rule
        rows.append((rule.id, text if rule.id in tested else f"{text}  [no test]"))
    flag = "  [unregistered]" if run.require_registration else ""
    rows += [(spec_id, f"{rule}{flag}") for spec_id, rule in unregistered.items()]
    width = max((len(spec_id) for spec_id, _ in rows), default=0)
    return [f"{spec_id:<{width}}  {text}" for spec_id, text in sorted(rows)]
