"""Hypothesis settings profiles for the conformance suite's property tests.

- ``dev``: the default; 100 random examples, no deadline.
- ``conformance-ci``: reproducible and bounded (derandomized, 50 examples, no
  deadline, no too-slow health check); used instead of Hypothesis's own ``ci``
  profile, which Hypothesis activates by itself when ``CI`` is set.
- ``deep``: thousands of examples, for hunting rare bugs.

Each prints the ``@reproduce_failure`` blob of a failure, which the reproduction
scripts replay (:mod:`conformance.repro`).

Select one with ``--hypothesis-profile dev|ci|deep`` (Hypothesis's own option;
``ci`` means ``conformance-ci`` for the suite). The plugin only registers these
names; :func:`activate_profile` loads one, and only the suite's conftest calls it,
so another project's tests keep Hypothesis's defaults.
"""

from __future__ import annotations

CI_MAX_EXAMPLES = 50
DEV_MAX_EXAMPLES = 100
DEEP_MAX_EXAMPLES = 5000
CI_PROFILE = "conformance-ci"
_SUITE_NAMES = {"default": "dev", "ci": CI_PROFILE}
"""Hypothesis's own profile names and the suite's profile each stands for."""


def register_profiles() -> None:
    """Register the ``dev``, ``conformance-ci`` and ``deep`` profiles without loading any.

    Does nothing when Hypothesis is not installed.
    """
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # pragma: no cover - hypothesis is a dependency of the suite
        return
    settings.register_profile(
        CI_PROFILE,
        parent=settings.get_profile("ci"),
        derandomize=True,
        max_examples=CI_MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    builtin_default = settings.get_profile("default")
    settings.register_profile(
        "dev",
        parent=builtin_default,
        max_examples=DEV_MAX_EXAMPLES,
        deadline=None,
        print_blob=True,
    )
    settings.register_profile(
        "deep",
        parent=builtin_default,
        max_examples=DEEP_MAX_EXAMPLES,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


def activate_profile() -> str:
    """Load the suite's profile for the one Hypothesis has chosen; return its name.

    Hypothesis's ``default`` becomes ``dev`` and its ``ci`` (chosen when ``CI`` is
    set, or with ``--hypothesis-profile ci``) becomes ``conformance-ci``; a profile
    chosen by name (``deep``) stays.
    """
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover
        return ""
    register_profiles()
    current = settings.get_current_profile_name()
    chosen = _SUITE_NAMES.get(current, current)
    if chosen != current:
        settings.load_profile(chosen)
    return chosen


def suite_profile_name() -> str:
    """Return the name of the profile the suite's tests use in this process's settings."""
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover
        return ""
    current = settings.get_current_profile_name()
    return _SUITE_NAMES.get(current, current)
