"""Hypothesis settings profiles for the conformance suite's property tests.

- ``ci``: reproducible and bounded (derandomized, 50 examples, no deadline, no
  too-slow health check). It replaces Hypothesis's built-in ``ci`` profile, so
  it is the one Hypothesis activates by itself when ``CI`` is set.
- ``dev``: the default; 100 random examples, no deadline.
- ``deep``: thousands of examples, for hunting rare bugs.

Select one with ``--hypothesis-profile NAME`` (Hypothesis's pytest plugin).
"""

from __future__ import annotations

CI_MAX_EXAMPLES = 50
DEV_MAX_EXAMPLES = 100
DEEP_MAX_EXAMPLES = 5000


def register_profiles() -> None:
    """Register the ``ci``, ``dev`` and ``deep`` profiles and make ``dev`` the default.

    Does nothing when Hypothesis is not installed. A profile already chosen (the
    built-in ``ci`` one activated by the environment) stays active, now with our
    settings, because re-registering the active profile reloads it.
    """
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # pragma: no cover - hypothesis is a test dependency
        return
    builtin_ci = settings.get_profile("ci")
    settings.register_profile(
        "ci",
        parent=builtin_ci,
        derandomize=True,
        max_examples=CI_MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    builtin_default = settings.get_profile("default")
    settings.register_profile(
        "dev", parent=builtin_default, max_examples=DEV_MAX_EXAMPLES, deadline=None
    )
    settings.register_profile(
        "deep",
        parent=builtin_default,
        max_examples=DEEP_MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    if settings.get_current_profile_name() == "default":
        settings.load_profile("dev")
