"""In-process dispatch benchmark: framework vs flask vs a raw WSGI floor.

Run ``python -m loadtests.bench``. Each scenario builds the same app on every
implementation, calls it as a WSGI application with a prepared environ, and prints
microseconds per request and the ratios measured within this one run (rounds are
interleaved so machine noise hits all implementations alike). It asserts nothing
about speed: shared machines are noisy; read the ratios.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import cycle
from types import ModuleType
from typing import Any

from werkzeug.test import EnvironBuilder

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    return None


def _raw_floor(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The least a WSGI app can do: answer every request with a fixed body."""
    body = b"Hello, World!"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
    return [body]


def _hello(impl: ModuleType) -> WSGIApp:
    app = impl.Flask("bench")

    @app.route("/hello")
    def hello() -> str:
        return "Hello, World!"

    return app


def _json(impl: ModuleType) -> WSGIApp:
    app = impl.Flask("bench")

    @app.route("/json")
    def data() -> dict[str, Any]:
        return {"message": "Hello, World!", "items": [1, 2, 3]}

    return app


def _not_found(impl: ModuleType) -> WSGIApp:
    app = impl.Flask("bench")

    @app.route("/hello")
    def hello() -> str:
        return "Hello, World!"

    return app


def _many_routes(impl: ModuleType) -> WSGIApp:
    app = impl.Flask("bench")
    for i in range(1000):

        def view(item: int, i: int = i) -> str:
            return f"{i}:{item}"

        app.add_url_rule(f"/section{i}/<int:item>", f"view{i}", view)
    return app


def _session(impl: ModuleType) -> WSGIApp:
    app = impl.Flask("bench")
    app.config["SECRET_KEY"] = "bench secret"

    @app.route("/session")
    def visit() -> str:
        impl.session["visits"] = impl.session.get("visits", 0) + 1
        return str(impl.session["visits"])

    return app


def _session_cookie(impl: ModuleType) -> str:
    """A cookie the session scenario sends, produced by the implementation itself."""
    app = _session(impl)
    client = app.test_client()  # type: ignore[attr-defined]
    response = client.get("/session")
    return str(response.headers["Set-Cookie"].split(";", 1)[0])


# 10,000 different URLs over the 1,000 rules, requested in turn: more than any match
# memo keeps, so every request is matched afresh.
_VARIED_PATHS = tuple(f"/section{i % 1000}/{i}" for i in range(10_000))

#: Scenario name → (app builder, the path or paths requested in turn).
SCENARIOS: dict[str, tuple[Callable[[ModuleType], WSGIApp], str | tuple[str, ...]]] = {
    "hello": (_hello, "/hello"),
    "json": (_json, "/json"),
    "404": (_not_found, "/missing"),
    "1000-routes": (_many_routes, "/section999/42"),
    "1000-routes-varied": (_many_routes, _VARIED_PATHS),
    "session": (_session, "/session"),
}


def _environ(path: str, cookie: str | None) -> dict[str, Any]:
    headers = [("Cookie", cookie)] if cookie else []
    builder = EnvironBuilder(path=path, headers=headers)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _time_calls(app: WSGIApp, environs: Iterator[dict[str, Any]], calls: int) -> float:
    """Return seconds per request over ``calls`` requests, each sent with the next
    environ of ``environs``."""
    start = time.perf_counter()
    for _ in range(calls):
        body = app(next(environs).copy(), _start_response)
        for _chunk in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return (time.perf_counter() - start) / calls


def run(
    impl_names: list[str], calls: int, rounds: int, out: Any = sys.stdout
) -> dict[str, dict[str, float]]:
    """Run every scenario on every implementation and print a table; return the
    median microseconds per request by scenario and implementation."""
    impls = {name: importlib.import_module(name) for name in impl_names}
    results: dict[str, dict[str, float]] = {}
    for scenario, (build, path) in SCENARIOS.items():
        # Each app cycles through its environs across warm-up and rounds alike.
        apps: dict[str, tuple[WSGIApp, Iterator[dict[str, Any]]]] = {}
        paths = [path] if isinstance(path, str) else list(path)
        for name, module in impls.items():
            cookie = _session_cookie(module) if scenario == "session" else None
            apps[name] = (build(module), cycle([_environ(p, cookie) for p in paths]))
        apps["raw-wsgi"] = (_raw_floor, cycle([_environ(p, None) for p in paths]))
        samples: dict[str, list[float]] = {name: [] for name in apps}
        for app, environs in apps.values():  # warm-up
            _time_calls(app, environs, max(calls // 10, 10))
        for round_number in range(rounds):
            for name, (app, environs) in apps.items():
                samples[name].append(_time_calls(app, environs, calls))
            print(
                f"  {scenario}: round {round_number + 1}/{rounds}",
                end="\r",
                file=sys.stderr,
                flush=True,
            )
        results[scenario] = {name: statistics.median(s) * 1e6 for name, s in samples.items()}
    _print_table(results, impl_names, out)
    return results


def _print_table(results: dict[str, dict[str, float]], impl_names: list[str], out: Any) -> None:
    columns = [*impl_names, "raw-wsgi"]
    header = f"{'scenario':<20}" + "".join(f"{c + ' us':>16}" for c in columns)
    if len(impl_names) >= 2:
        header += f"{impl_names[1] + '/' + impl_names[0]:>20}"
    print(header, file=out)
    for scenario, by_impl in results.items():
        row = f"{scenario:<20}" + "".join(f"{by_impl[c]:>16.2f}" for c in columns)
        if len(impl_names) >= 2:
            ratio = by_impl[impl_names[1]] / by_impl[impl_names[0]]
            row += f"{ratio:>19.2f}x"
        print(row, file=out)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print the table; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--impl", action="append", help="implementation modules (default: framework, flask)"
    )
    parser.add_argument("--calls", type=int, default=2000, help="requests per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1:
        parser.error("--calls and --rounds must be at least 1")
    names = args.impl or ["framework", "flask"]
    try:
        run(names, args.calls, args.rounds)
    except ImportError as e:
        print(f"error: cannot import an implementation: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
