"""Levels of rules and the gate: ``must`` rules always gate a run, ``should`` rules
only with ``--strict-levels``.

A ``must`` rule is documented Flask behaviour; a ``should`` rule is behaviour
observed in Flask 3.1 where the documentation is silent (error-page wording,
reprs, log formats). An implementation that differs on a ``should`` rule is still
told so, on its failure line (shown as an expected failure, ``x``), in the
summary, the results and the report, but the run passes unless ``--strict-levels``
is given. (pytest itself owns ``--strict``.)
"""

from __future__ import annotations

import pytest

from conformance.registry import MUST, SHOULD
from conformance.results import gates

__all__ = ["MUST", "SHOULD", "gates", "should_failure_waived", "waived_reason"]


def should_failure_waived(
    report: pytest.TestReport, status: str | None, level: str, strict: bool
) -> bool:
    """Whether a failed report of a ``should`` rule is kept from failing the run.

    Only unexpected failures are waived: expected failures, unexpected passes and
    not-applicable tests (``status`` set) keep their own handling.
    """
    return report.failed and status is None and level == SHOULD and not strict


def waived_reason(message: str | None) -> str:
    """Return the xfail reason pytest shows for a waived should-level failure."""
    return f"should-level rule failed (gates only with --strict-levels): {message or 'no message'}"
