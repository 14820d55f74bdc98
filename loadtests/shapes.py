"""The step load shape of a saturation search: ``locust -f scenarios.py,shapes.py``.

Run by ``python -m loadtests run --shape steps``; never import this module from another
process (importing locust monkey-patches the standard library with gevent). The
runner passes the plan in the environment (``LOADTEST_STEP_USERS``, ``_STEP_SECONDS``,
``_STEPS``): step ``k`` (from 1) runs ``k * step_users`` users for ``step_seconds``
seconds, spawned within about half a second, and the test stops after the last step.
The runner then judges each step from the requests counted in it (see
:func:`step_windows` in :mod:`loadtests.steps`).
"""

from __future__ import annotations

from locust import LoadTestShape

from loadtests.steps import StepPlan


class StepShape(LoadTestShape):
    """Raise the user count by a fixed number every few seconds, then stop."""

    def __init__(self) -> None:
        """Read the plan from the environment."""
        super().__init__()
        self.plan = StepPlan.from_environment()

    def tick(self) -> tuple[int, float] | None:
        """Return the users and spawn rate of the current step, or None after the last."""
        users = self.plan.users_at(self.get_run_time())
        if users is None:
            return None
        return users, self.plan.spawn_rate
