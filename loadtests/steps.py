"""The plan of a saturation search (``--shape steps``) and how its steps are judged.

:class:`StepPlan` is shared by the runner (which passes it to locust through the
environment) and by :class:`loadtests.shapes.StepShape` (which follows it inside
locust). :func:`step_windows` cuts a run's timeline into the steps, dropping the first
second or so of each while the new users connect. Nothing here imports locust.
"""

from __future__ import annotations

import dataclasses
import os

STEP_USERS_ENV_VAR = "LOADTEST_STEP_USERS"
STEP_SECONDS_ENV_VAR = "LOADTEST_STEP_SECONDS"
STEPS_ENV_VAR = "LOADTEST_STEPS"
# Seconds dropped at the start of each step while its new users connect.
STEP_SETTLE_S = 1


@dataclasses.dataclass(frozen=True)
class StepPlan:
    """Step ``k`` (1..``steps``) runs ``k * step_users`` users for ``step_seconds`` s."""

    step_users: int
    step_seconds: int
    steps: int

    @property
    def duration_s(self) -> int:
        """Return the length of the whole search in seconds."""
        return self.step_seconds * self.steps

    @property
    def spawn_rate(self) -> float:
        """Return a spawn rate that starts each step's new users within half a second."""
        return float(self.step_users * 2)

    def users_at(self, run_time_s: float) -> int | None:
        """Return the users at ``run_time_s`` seconds into the search, None once it is over."""
        step = int(run_time_s // self.step_seconds)
        return None if step >= self.steps else (step + 1) * self.step_users

    def environment(self) -> dict[str, str]:
        """Return the environment variables that carry this plan to locust."""
        return {
            STEP_USERS_ENV_VAR: str(self.step_users),
            STEP_SECONDS_ENV_VAR: str(self.step_seconds),
            STEPS_ENV_VAR: str(self.steps),
        }

    @classmethod
    def from_environment(cls) -> StepPlan:
        """Read the plan :meth:`environment` wrote; raise ``ValueError`` when it is not there."""
        try:
            return cls(
                step_users=int(os.environ[STEP_USERS_ENV_VAR]),
                step_seconds=int(os.environ[STEP_SECONDS_ENV_VAR]),
                steps=int(os.environ[STEPS_ENV_VAR]),
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"no step plan in the environment ({exc})")


def step_windows(plan: StepPlan, first_second: int) -> list[tuple[int, int, int]]:
    """Return ``(users, start, end)`` for each step, in whole wall-clock seconds.

    The search starts at ``first_second`` (the first second a request completed in);
    each step's window drops its first :data:`STEP_SETTLE_S` second(s) and its last,
    partly spent in the next step, so that it holds only seconds at that user count.
    """
    windows = []
    for index in range(plan.steps):
        start = first_second + index * plan.step_seconds + STEP_SETTLE_S
        end = first_second + (index + 1) * plan.step_seconds - 1
        if end > start:
            windows.append(((index + 1) * plan.step_users, start, end))
    return windows
