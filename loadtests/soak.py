"""``python -m loadtests soak``: many in-process requests, with memory watched.

The load-test app (:mod:`loadtests.apps`) gets the hostile routes
(:func:`loadtests.hostile.add_hostile_routes`) and is called in-process: after a
warm-up, ``--requests`` requests mixing the load tests' mixed scenario
(:mod:`loadtests.mixed`) and the four hostile streams (one request of each after
every round of the mixed scenario's 72 requests, so about 5% of the requests, each
carrying ``--hostile-size`` bytes of unique text). Every answer is checked.

Memory is sampled every tenth of the run (:class:`~loadtests.memory.MemoryWatch`:
RSS and tracemalloc) and a progress line printed. The run fails, with one line on
stderr and exit code 1, when either measure grew past ``--max-growth`` MB above the
baseline taken after the warm-up, or when any answer was wrong. Exit code 2 is for
bad arguments. ``--json PATH`` writes the figures for ``reports/robustness.md``.
"""

from __future__ import annotations

import datetime
import itertools
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from conformance.implementation import (
    ImplementationError,
    implementation_version,
    import_implementation,
)
from loadtests.apps import create_app
from loadtests.arguments import positive_number, whole_number
from loadtests.hostile import DEFAULT_SIZE, MIN_SIZE, STREAMS, HostileStreams, add_hostile_routes
from loadtests.inprocess import Probe, send_probes
from loadtests.memory import MB, MemoryWatch
from loadtests.mixed import SCHEDULE, MixedScenario
from loadtests.runner import OneLineErrorParser

DEFAULT_REQUESTS = 50_000
DEFAULT_MAX_GROWTH_MB = 5.0
SAMPLES = 10
MAX_REQUESTS = 10_000_000
WARMUP_ROUNDS = 30
"""Rounds of the soak's request mix sent before the baseline (see :func:`soak_probes`)."""
FAILURE_EXAMPLES = 5


def soak_probes(app: Any, hostile_size: int) -> Iterator[Probe]:
    """Yield the soak's requests forever: a round of the mixed scenario, then one
    request of each hostile stream, and again."""
    mixed = MixedScenario().probes()
    hostile = HostileStreams(app, hostile_size).round_robin()
    while True:
        yield from itertools.islice(mixed, len(SCHEDULE))
        yield from itertools.islice(hostile, len(STREAMS))


ROUND = len(SCHEDULE) + len(STREAMS)


@dataclass
class SoakResult:
    """What a soak did and saw."""

    impl: str
    impl_version: str
    requests: int
    warmup: int
    hostile_size: int
    max_growth: int
    watch: MemoryWatch
    seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    started_at: str = ""

    @property
    def failed_requests(self) -> int:
        """How many answers were wrong."""
        return sum(self.failures.values())

    def problems(self) -> list[str]:
        """Return why the soak failed (memory past the bound, wrong answers), if it did."""
        problems = [
            f"{problem} (bound {self.max_growth / MB:g} MB)"
            for problem in self.watch.over(self.max_growth)
        ]
        if self.failures:
            first = ", ".join(f"{what} ({count})" for what, count in self.failures.most_common(3))
            problems.append(f"{self.failed_requests} wrong answers: {first}")
        return problems

    def to_json(self) -> dict[str, Any]:
        """Return the result as a JSON object (sizes in bytes)."""
        baseline = self.watch.baseline
        return {
            "kind": "soak",
            "impl": self.impl,
            "impl_version": self.impl_version,
            "python": platform.python_version(),
            "started_at": self.started_at,
            "requests": self.requests,
            "warmup": self.warmup,
            "hostile_size": self.hostile_size,
            "seconds": round(self.seconds, 2),
            "max_growth": self.max_growth,
            "traced": self.watch.trace,
            "baseline": baseline.to_json() if baseline else None,
            "samples": [sample.to_json() for sample in self.watch.samples],
            "rss_growth": self.watch.rss_growth,
            "traced_growth": self.watch.traced_growth,
            "kinds": dict(sorted(self.kinds.items())),
            "failures": dict(self.failures),
            "problems": self.problems(),
            "ok": not self.problems(),
        }


def run_soak(
    impl_name: str,
    requests: int,
    *,
    hostile_size: int = DEFAULT_SIZE,
    max_growth: int = int(DEFAULT_MAX_GROWTH_MB * MB),
    trace: bool = True,
    progress: IO[str] = sys.stderr,
) -> SoakResult:
    """Soak ``impl_name`` with ``requests`` requests after a warm-up; return the result.

    Raises ``ImportError`` (or ``ImplementationError``) for an unusable implementation.
    """
    module = import_implementation(impl_name)
    app = create_app(impl_name)
    add_hostile_routes(app, module)
    watch = MemoryWatch(trace=trace)
    warmup = WARMUP_ROUNDS * ROUND
    result = SoakResult(
        impl=impl_name,
        impl_version=implementation_version(module),
        requests=requests,
        warmup=warmup,
        hostile_size=hostile_size,
        max_growth=max_growth,
        watch=watch,
        started_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
    probes = soak_probes(app, hostile_size)
    watch.start_tracing()
    try:
        send_probes(app, probes, warmup, Counter(), result.failures)
        baseline = watch.take_baseline()
        print(
            f"soak {impl_name}: {requests} requests after a warm-up of {warmup}; "
            f"baseline RSS {baseline.rss / MB:.1f} MB, traced {baseline.traced / MB:.1f} MB",
            file=progress,
            flush=True,
        )
        started = time.perf_counter()
        done = 0
        for tenth in range(1, SAMPLES + 1):
            target = requests * tenth // SAMPLES
            send_probes(app, probes, target - done, result.kinds, result.failures)
            done = target
            sample = watch.sample(done)
            print(
                f"  [{tenth * 100 // SAMPLES:>3}%] {done} requests in "
                f"{time.perf_counter() - started:.1f} s; RSS {sample.rss / MB:.1f} MB "
                f"({(sample.rss - baseline.rss) / MB:+.1f}), traced {sample.traced / MB:.1f} MB "
                f"({(sample.traced - baseline.traced) / MB:+.1f}); "
                f"{result.failed_requests} wrong answers",
                file=progress,
                flush=True,
            )
        result.seconds = time.perf_counter() - started
    finally:
        watch.stop_tracing()
    return result


def build_parser() -> OneLineErrorParser:
    """Return the parser of ``python -m loadtests soak``."""
    parser = OneLineErrorParser(
        prog="python -m loadtests soak",
        description="Send many in-process requests (mixed and hostile) and watch memory.",
    )
    parser.add_argument("--impl", default="framework", help="implementation module (framework)")
    parser.add_argument(
        "--requests",
        type=whole_number(1, MAX_REQUESTS),
        default=DEFAULT_REQUESTS,
        help=f"requests after the warm-up ({DEFAULT_REQUESTS})",
    )
    parser.add_argument(
        "--max-growth",
        type=positive_number,
        default=DEFAULT_MAX_GROWTH_MB,
        metavar="MB",
        help=f"fail when RSS or traced memory grows more than this ({DEFAULT_MAX_GROWTH_MB:g})",
    )
    parser.add_argument(
        "--hostile-size",
        type=whole_number(MIN_SIZE),
        default=DEFAULT_SIZE,
        metavar="BYTES",
        help=f"hostile text per hostile request ({DEFAULT_SIZE})",
    )
    parser.add_argument(
        "--no-trace", action="store_true", help="watch RSS only, without tracemalloc (faster)"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m loadtests soak``; return 0 (ok), 1 (failed) or 2 (bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = run_soak(
            args.impl,
            args.requests,
            hostile_size=args.hostile_size,
            max_growth=int(args.max_growth * MB),
            trace=not args.no_trace,
        )
    except ImplementationError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    watch = result.watch
    summary = (
        f"{result.requests} requests in {result.seconds:.1f} s "
        f"({result.requests / max(result.seconds, 1e-9):.0f}/s); growth: RSS "
        f"{watch.rss_growth / MB:.2f} MB, traced {watch.traced_growth / MB:.2f} MB"
    )
    problems = result.problems()
    if problems:
        print(f"{parser.prog}: FAILED on {args.impl}: {'; '.join(problems)}", file=sys.stderr)
        print(f"  {summary}", file=sys.stderr)
        return 1
    print(f"soak {args.impl}: ok: {summary}")
    return 0
