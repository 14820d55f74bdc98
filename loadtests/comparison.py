"""Runs side by side: ``comparison.md`` (tables) and ``comparison.html`` (tables and charts).

The headline is the server's CPU time per request: what the whole server process tree
(master and workers) spent over the measured window after warm-up, divided by the
requests completed in it. It stays honest when the generator or a busy shared machine
limits the throughput, which req/s does not. Each implementation gets a column, and
the others are divided by the ``baseline`` (flask) and by the raw WSGI floor.

Tables are built once (:class:`Table`) and rendered both as Markdown and as HTML; the
HTML page adds, per set-up, charts of throughput and p50/p99 latency over time (one
line per implementation) and of server CPU per request (bars), as inline SVG
(:mod:`loadtests.charts`): the page is self-contained, with no script and no CDN.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from loadtests.apps import RAW_IMPL
from loadtests.charts import PALETTE, Series, bar_chart, line_chart
from loadtests.report import ReportError, RunReport, load_report, server_label

# Issue 11's targets for framework on gunicorn (2 sync workers), scenario hello.
TARGET_SETUP = ("gunicorn", 2, "hello")
TARGET_VS_BASELINE = 0.75
TARGET_VS_RAW = 1.3
TARGET_IMPL = "framework"
IMPL_COLORS = {"framework": PALETTE[0], "flask": PALETTE[1], RAW_IMPL: PALETTE[2]}
SetupKey = tuple[str, int | None, str, str, int, int, int, float | None, bool]


@dataclasses.dataclass(frozen=True)
class Table:
    """A titled table with notes, rendered as Markdown or as HTML."""

    title: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = dataclasses.field(default_factory=list)

    def markdown(self) -> str:
        """Return the table as a Markdown section."""
        lines = [f"## {self.title}", ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "|".join(" --- " for _ in self.header) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", *self.notes]
        return "\n".join(lines)

    def html(self) -> str:
        """Return the table as an HTML section."""
        head = "".join(f"<th>{escape(cell)}</th>" for cell in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows
        )
        notes = "".join(f"<p>{escape(note)}</p>" for note in self.notes)
        return (
            f"<h2>{escape(self.title)}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{notes}"
        )


def setup_key(report: RunReport) -> SetupKey:
    """Return what runs must share to be compared: server, scenario, shape and load."""
    return (
        report.server,
        report.workers,
        report.scenario,
        report.shape,
        report.users,
        report.duration_s,
        report.processes,
        report.rate,
        report.profiled,
    )


def setup_title(key: SetupKey) -> str:
    """Return a set-up as a short heading."""
    server, workers, scenario, shape, users, duration, processes, rate, profiled = key
    if shape == "steps":
        load = f"steps up to {users} users, {duration} s"
    elif rate is not None:
        load = f"{users} users at {rate:g} req/s, {duration} s"
    else:
        load = f"{users} users, {duration} s"
    generator = f"{processes} locust process" + ("es" if processes > 1 else "")
    profile = " · profiled with py-spy" if profiled else ""
    return f"{server_label(server, workers)} · {scenario} · {load} · {generator}{profile}"


def group_rounds(reports: Iterable[RunReport]) -> dict[SetupKey, dict[str, list[RunReport]]]:
    """Group runs by set-up and implementation, rounds in order.

    Raises :class:`ReportError` on two runs of one implementation, set-up and round.
    """
    groups: dict[SetupKey, dict[str, list[RunReport]]] = {}
    for report in reports:
        rounds = groups.setdefault(setup_key(report), {}).setdefault(report.impl, [])
        if any(run.round == report.round for run in rounds):
            again = f" round {report.round}" if report.round else ""
            raise ReportError(
                f"two reports for {report.impl}{again} on {setup_title(setup_key(report))}"
            )
        rounds.append(report)
        rounds.sort(key=lambda run: run.round)
    return dict(sorted(groups.items(), key=lambda item: tuple(map(str, item[0]))))


def median_run(rounds: Sequence[RunReport]) -> RunReport:
    """Return the round whose server CPU per request is the median (the lower of two)."""
    measured = sorted(
        (run for run in rounds if _cpu(run) is not None), key=lambda run: _cpu(run) or 0.0
    )
    if not measured:
        return rounds[0]
    return measured[(len(measured) - 1) // 2]


def group_runs(reports: Iterable[RunReport]) -> dict[SetupKey, dict[str, RunReport]]:
    """Group runs by set-up, one run per implementation: the median round of its repeats."""
    return {
        key: {impl: median_run(rounds) for impl, rounds in by_impl.items()}
        for key, by_impl in group_rounds(reports).items()
    }


def _spread(rounds: Sequence[RunReport]) -> str:
    span = cpu_range(rounds)
    measured = sum(1 for run in rounds if _cpu(run) is not None)
    if span is None or measured < 2:
        return ""
    return f" ({measured} rounds: {span[0]:,.0f}-{span[1]:,.0f})"


def impl_order(groups: dict[SetupKey, dict[str, RunReport]], baseline: str) -> list[str]:
    """Return the implementations: the compared ones, then the baseline, then the floor."""
    impls = sorted({impl for runs in groups.values() for impl in runs})
    tail = [impl for impl in (baseline, RAW_IMPL) if impl in impls]
    return [impl for impl in impls if impl not in tail] + tail


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or not denominator:
        return "-"
    return f"{numerator / denominator:.2f}"


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _cpu(report: RunReport | None) -> float | None:
    if report is None or report.measurement is None:
        return None
    return report.measurement.cpu_us_per_request


def cpu_table(
    rounds: dict[SetupKey, dict[str, list[RunReport]]], impls: list[str], baseline: str
) -> Table:
    """Return the headline: server CPU per request per set-up, with the ratios.

    With repeated rounds, each cell is the median round's figure with the range of
    all rounds, and the ratios divide medians.
    """
    compared = [impl for impl in impls if impl not in (baseline, RAW_IMPL)]
    header = ["set-up", *(f"{impl} us" for impl in impls)]
    for impl in compared:
        header += [f"{impl}/{baseline}", f"{impl}/{RAW_IMPL}"]
    rows = []
    notes = []
    for key, by_impl in rounds.items():
        if key[3] != "constant":
            continue
        runs = {impl: median_run(repeats) for impl, repeats in by_impl.items()}
        row = [setup_title(key)]
        row += [_fmt(_cpu(runs.get(impl))) + _spread(by_impl.get(impl, [])) for impl in impls]
        for impl in compared:
            row += [
                _ratio(_cpu(runs.get(impl)), _cpu(runs.get(baseline))),
                _ratio(_cpu(runs.get(impl)), _cpu(runs.get(RAW_IMPL))),
            ]
        rows.append(row)
        if (key[0], key[1], key[2]) == TARGET_SETUP and not key[8]:
            notes.append(target_note(runs, baseline, by_impl))
    return Table(
        "Server CPU per request (microseconds, lower is better)",
        header,
        rows,
        [
            "CPU time (user + system) of the whole server process tree over the measured "
            "window after warm-up, divided by the requests completed in that window. "
            "Repeated set-ups show the median round and the range of all rounds.",
            *notes,
        ],
    )


def cpu_range(rounds: Sequence[RunReport]) -> tuple[float, float] | None:
    """Return the lowest and highest server CPU per request over ``rounds``, or None."""
    values = [cpu for run in rounds if (cpu := _cpu(run)) is not None]
    return (min(values), max(values)) if values else None


def resolved(mine: Sequence[RunReport], other: Sequence[RunReport], bound: float) -> bool:
    """Return whether every pairing of rounds gives the same verdict against ``bound``.

    That is: the ratio of ``mine``'s CPU per request to ``other``'s is under the
    bound for the best and the worst pairing alike, or over it for both.
    """
    mine_range, other_range = cpu_range(mine), cpu_range(other)
    if mine_range is None or other_range is None:
        return False
    best = mine_range[0] / other_range[1]
    worst = mine_range[1] / other_range[0]
    return (best <= bound) == (worst <= bound)


def target_note(
    runs: dict[str, RunReport],
    baseline: str,
    rounds: dict[str, list[RunReport]] | None = None,
) -> str:
    """Return whether the framework met issue 11's CPU-per-request targets in ``runs``.

    With repeated ``rounds``, a verdict that another pairing of rounds would turn
    over is marked as not resolved on this machine.
    """
    mine, base, raw = (
        _cpu(runs.get(TARGET_IMPL)),
        _cpu(runs.get(baseline)),
        _cpu(runs.get(RAW_IMPL)),
    )
    if mine is None or base is None or raw is None:
        return "Targets: not judged (a run of framework, flask or raw is missing)."

    def verdict(ratio: float, bound: float, other: str) -> str:
        text = f"{ratio:.2f} ({'met' if ratio <= bound else 'NOT met'}: at most {bound}"
        repeats = rounds or {}
        mine_rounds, other_rounds = repeats.get(TARGET_IMPL, []), repeats.get(other, [])
        repeated = len(mine_rounds) > 1 and len(other_rounds) > 1
        if repeated and not resolved(mine_rounds, other_rounds, bound):
            text += "; not resolved: other pairings of the rounds give the other verdict"
        return text + ")"

    return (
        f"Targets on {server_label(TARGET_SETUP[0], TARGET_SETUP[1])}, {TARGET_SETUP[2]}: "
        f"{TARGET_IMPL}/{baseline} {verdict(mine / base, TARGET_VS_BASELINE, baseline)}; "
        f"{TARGET_IMPL}/{RAW_IMPL} {verdict(mine / raw, TARGET_VS_RAW, RAW_IMPL)}."
    )


def window_table(rounds: dict[SetupKey, dict[str, list[RunReport]]], impls: list[str]) -> Table:
    """Return throughput, latency, memory and the load on generator and machine, per run."""
    header = [
        "set-up", "impl", "req/s", "p50 ms", "p99 ms", "failures", "server us/req",
        "peak RSS/worker MiB", "generator", "machine busy (others)",
    ]  # fmt: skip
    rows = []
    saturated = []
    runs = [
        (key, run)
        for key, by_impl in rounds.items()
        if key[3] == "constant"
        for impl in impls
        for run in by_impl.get(impl, [])
    ]
    for key, run in runs:
        impl = run.impl + (f" r{run.round}" if run.round else "")
        m, g, machine = run.measurement, run.generator, run.machine
        generator = "-"
        if g is not None:
            generator = (
                f"{'SATURATED' if g.saturated else 'ok'}: busiest "
                f"{g.busiest_process_share:.0%}, all {g.share_of_cores:.0%} of "
                f"{g.cores_had} core(s)"
            )
            if g.saturated:
                saturated.append(f"{impl} on {setup_title(key)}")
        rows.append(
            [
                setup_title(key),
                impl,
                _fmt(m.rps if m else None),
                _ms(m.p50_ms if m else None),
                _ms(m.p99_ms if m else None),
                str(m.failures) if m else "-",
                _fmt(m.cpu_us_per_request if m else None)
                + (
                    f" ({m.server_system_share:.0%} kernel)"
                    if m and m.server_system_share is not None
                    else ""
                ),
                _fmt(m.peak_rss_mib_per_worker if m else None, 1),
                generator,
                f"{machine.busy_share:.0%} ({machine.others_share:.0%})" if machine else "-",
            ]
        )
    notes = [
        "req/s, p50 and p99 are counted by the locust processes over the measured window "
        "(seconds of wall-clock time after warm-up). The generator is saturated when one "
        "of its processes used 90% of a core or all of them 90% of the cores they had: "
        "such a run's req/s are the generator's, not the server's."
    ]
    if saturated:
        notes.append("Generator SATURATED in: " + "; ".join(saturated) + ".")
    else:
        notes.append("The generator was not saturated in any run.")
    return Table("Throughput and latency in the measured window", header, rows, notes)


def capacity_table(
    groups: dict[SetupKey, dict[str, RunReport]], impls: list[str], baseline: str
) -> Table | None:
    """Return the capacity of each stack found by a saturation search, or None."""
    rows = []
    bound = None
    for key, runs in groups.items():
        if key[3] != "steps":
            continue
        row = [setup_title(key)]
        for impl in impls:
            run = runs.get(impl)
            best = run.capacity if run is not None else None
            bound = run.p99_bound_ms if run is not None else bound
            row.append(
                "-"
                if run is None
                else "none within the bound"
                if best is None
                else f"{best.measurement.rps:,.0f} req/s at {best.users} users "
                f"({_fmt(best.measurement.cpu_us_per_request)} us/req)"
            )
        rows.append(row)
    if not rows:
        return None
    return Table(
        "Capacity: the highest req/s of a step with p99 under the bound and no failures",
        ["set-up", *impls],
        rows,
        [
            f"Saturation search (--shape steps), p99 bound {bound:g} ms. On a machine shared "
            "with the generator (and with other work) this is the capacity of the whole "
            "machine for that stack, not of the server alone."
            if bound is not None
            else ""
        ],
    )


def profile_table(groups: dict[SetupKey, dict[str, RunReport]], impls: list[str]) -> Table | None:
    """Return where a profiled worker's Python time went, per implementation, or None."""
    profiled = [
        (key, run) for key, runs in groups.items() for impl in impls
        if (run := runs.get(impl)) is not None and run.profile
    ]  # fmt: skip
    if not profiled:
        return None
    places = sorted(
        {share.where for _, run in profiled for share in run.profile},
        key=lambda where: (
            -max((s.share for _, run in profiled for s in run.profile if s.where == where))
        ),
    )
    header = ["where", *(f"{run.impl} ({run.server}, {run.scenario})" for _, run in profiled)]
    rows = []
    for where in places:
        row = [where]
        for _, run in profiled:
            share = next((s.share for s in run.profile if s.where == where), 0.0)
            row.append(f"{share:.0%}")
        rows.append(row)
    rows.append(["py-spy samples", *(str(run.profile_samples) for _, run in profiled)])
    return Table(
        "Where a server worker's Python time goes (py-spy, samples holding the GIL)",
        header,
        rows,
        [
            "Each sample is counted by its deepest frame in the application (the "
            "implementation, werkzeug and the other libraries, the view) or in the server "
            "(by module). Kernel time in socket calls is not Python time: see the share of "
            "server CPU spent in the kernel in the run's report."
        ],
    )


def machine_lines(reports: Sequence[RunReport]) -> list[str]:
    """Return lines naming the machine, the time span and how busy it was."""
    machines = {r.machine.cpu_model + f", {r.machine.cores} core(s)" for r in reports if r.machine}
    busy = [r.machine.busy_share for r in reports if r.machine]
    others = [r.machine.others_share for r in reports if r.machine]
    loads = [r.machine.load_average_1m for r in reports if r.machine and r.machine.load_average_1m]
    started = sorted(r.started_at for r in reports)
    lines = [
        f"Machine: {'; '.join(sorted(machines)) or 'unknown'}. Runs from {started[0]} to "
        f"{started[-1]}; Python {reports[0].python}, locust {reports[0].locust_version}."
    ]
    if busy:
        lines.append(
            f"During the measured windows the machine was {min(busy):.0%} to {max(busy):.0%} "
            f"busy, {min(others):.0%} to {max(others):.0%} of it by processes outside the "
            "test"
            + (f" (load average {min(loads):.1f} to {max(loads):.1f})" if loads else "")
            + ". Throughput on a shared machine is noisy; CPU per request much less so."
        )
    return lines


def build_tables(reports: Sequence[RunReport], baseline: str) -> list[Table]:
    """Return the comparison's tables (CPU, window, capacity) for ``reports``."""
    rounds = group_rounds(reports)
    groups = group_runs(reports)
    impls = impl_order(groups, baseline)
    tables = [cpu_table(rounds, impls, baseline), window_table(rounds, impls)]
    for table in (capacity_table(groups, impls, baseline), profile_table(groups, impls)):
        if table is not None:
            tables.append(table)
    return tables


INTRO = (
    "Each run served the load-test app on a real server on 127.0.0.1 and loaded it with "
    "locust (FastHttpUser). The runner sampled the CPU time of the server's whole process "
    "tree and of locust's processes, and the locust processes counted their requests per "
    "second; both are read over the same window after warm-up."
)


def render_comparison(reports: Sequence[RunReport], baseline: str = "flask") -> str:
    """Return ``comparison.md``: the machine, then the tables."""
    if not reports:
        raise ReportError("no reports to compare")
    parts = ["# Load-test comparison", "", INTRO, "", *machine_lines(reports), ""]
    for table in build_tables(reports, baseline):
        parts += [table.markdown(), ""]
    parts.append("Charts: comparison.html; locust's own report of each run: raw/<run>.html.")
    return "\n".join(parts) + "\n"


def _color(impl: str, index: int) -> str:
    return IMPL_COLORS.get(impl, PALETTE[(3 + index) % len(PALETTE)])


def setup_charts(key: SetupKey, runs: dict[str, RunReport], impls: list[str]) -> str:
    """Return the charts of one set-up: throughput, latency, and CPU per request."""
    present = [impl for impl in impls if impl in runs]
    throughput = [
        Series(impl, _color(impl, i), [(p.second, p.rps) for p in runs[impl].timeline])
        for i, impl in enumerate(present)
    ]
    latency = []
    for i, impl in enumerate(present):
        points = runs[impl].timeline
        latency.append(
            Series(
                f"{impl} p50",
                _color(impl, i),
                [(p.second, p.p50_ms) for p in points if p.p50_ms is not None],
            )
        )
        latency.append(
            Series(
                f"{impl} p99",
                _color(impl, i),
                [(p.second, p.p99_ms) for p in points if p.p99_ms is not None],
                dashed=True,
            )
        )
    window = None
    measured = [m for impl in present if (m := runs[impl].measurement) is not None]
    if measured:
        window = (
            min(m.start for m in measured),
            max(m.start + m.seconds for m in measured),
        )
    x_label = "seconds since the first request (shaded: measured window)"
    if window is None:
        x_label = "seconds since the first request"
    charts = [
        line_chart("Throughput over time", throughput, x_label, "req/s", band=window),
        line_chart(
            "Latency over time (p50 solid, p99 dashed)", latency, x_label, "ms", band=window
        ),
    ]
    if key[3] == "steps":
        bars = []
        for i, impl in enumerate(present):
            best = runs[impl].capacity
            bars.append((impl, best.measurement.rps if best else 0.0, _color(impl, i)))
        charts.append(bar_chart("Capacity (req/s within the p99 bound)", bars, "req/s"))
    else:
        bars = [
            (impl, cpu, _color(impl, i))
            for i, impl in enumerate(present)
            if (cpu := _cpu(runs[impl])) is not None
        ]
        charts.append(bar_chart("Server CPU per request", bars, "us"))
    links = " ".join(
        f"<a href='raw/{escape(runs[impl].name)}.html'>{escape(runs[impl].name)}</a>"
        for impl in present
    )
    return (
        f"<section><h3>{escape(setup_title(key))}</h3>"
        f"<div class='charts'>{''.join(charts)}</div>"
        f"<p class='small'>locust's reports (local only, raw/ is not committed): {links}</p>"
        "</section>"
    )


STYLE = (
    "body{font-family:sans-serif;margin:24px;max-width:1340px;color:#222}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}th{background:#f2f2f2}"
    ".charts{display:flex;flex-wrap:wrap;gap:12px}.charts svg{border:1px solid #eee}"
    ".small{font-size:12px;color:#555}section{margin-bottom:18px}"
)


def render_html(reports: Sequence[RunReport], baseline: str = "flask") -> str:
    """Return ``comparison.html``: the tables, then the charts of every set-up."""
    if not reports:
        raise ReportError("no reports to compare")
    groups = group_runs(reports)
    impls = impl_order(groups, baseline)
    body = [
        "<h1>Load-test comparison</h1>",
        f"<p>{escape(INTRO)}</p>",
        *(f"<p>{escape(line)}</p>" for line in machine_lines(reports)),
        *(table.html() for table in build_tables(reports, baseline)),
        "<h2>Charts per set-up</h2>",
        *(setup_charts(key, runs, impls) for key, runs in groups.items()),
    ]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Load-test comparison</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def write_comparison(paths: Sequence[Path], folder: Path, baseline: str) -> str:
    """Write ``comparison.md`` and ``comparison.html`` into ``folder``; return the Markdown."""
    reports = [load_report(path) for path in paths]
    text = render_comparison(reports, baseline)
    page = render_html(reports, baseline)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comparison.md").write_text(text, encoding="utf-8")
    (folder / "comparison.html").write_text(page, encoding="utf-8")
    return text
