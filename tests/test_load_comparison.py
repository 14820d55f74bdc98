"""Tests of the load-test comparison: the Markdown tables, the HTML page and its SVG charts."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from loadtest_samples import generator, machine, measured_report, run_report, step

from loadtests.charts import Series, bar_chart, line_chart, nice_ceiling
from loadtests.comparison import render_comparison, render_html, write_comparison
from loadtests.profiling import APPLICATION, ProfileShare
from loadtests.report import ReportError


def table_rows(text: str, title: str) -> list[dict[str, str]]:
    """Return the rows of the Markdown table under the heading ``## title``."""
    section = text.split(f"## {title}", 1)[1]
    table = [line for line in section.splitlines() if line.startswith("|")]
    end = next((i for i, line in enumerate(section.splitlines()) if line.startswith("## ")), None)
    if end is not None:
        table = [line for line in section.splitlines()[:end] if line.startswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        for line in table[2:]
    ]


CPU_TITLE = "Server CPU per request (microseconds, lower is better)"
WINDOW_TITLE = "Throughput and latency in the measured window"


def hello_runs(framework_us: float = 210.0) -> list:
    """Framework, flask and raw on gunicorn -w 2, scenario hello."""
    return [
        measured_report("flask", 300.0),
        measured_report("framework", framework_us),
        measured_report("raw", 200.0),
    ]


def test_cpu_table_has_a_column_per_impl_and_the_ratios_to_flask_and_raw() -> None:
    text = render_comparison(hello_runs())
    [row] = table_rows(text, CPU_TITLE)
    assert row["set-up"] == "gunicorn -w 2 · hello · 10 users, 10 s · 2 locust processes"
    assert (row["framework us"], row["flask us"], row["raw us"]) == ("210", "300", "200")
    assert row["framework/flask"] == "0.70"
    assert row["framework/raw"] == "1.05"
    # The compared implementation first, then the baseline, then the floor.
    header = text.split(f"## {CPU_TITLE}")[1].splitlines()[2]
    assert header.index("framework us") < header.index("flask us") < header.index("raw us")


@pytest.mark.parametrize(
    ("framework_us", "verdicts"),
    [(210.0, ["0.70 (met", "1.05 (met"]), (270.0, ["0.90 (NOT met", "1.35 (NOT met"])],
)
def test_the_targets_of_issue_11_are_judged(framework_us: float, verdicts: list[str]) -> None:
    text = render_comparison(hello_runs(framework_us))
    [note] = [line for line in text.splitlines() if line.startswith("Targets on gunicorn -w 2")]
    assert f"framework/flask {verdicts[0]}: at most 0.75)" in note
    assert f"framework/raw {verdicts[1]}: at most 1.3)" in note


def test_targets_are_not_judged_without_the_raw_floor() -> None:
    text = render_comparison(hello_runs()[:2])
    assert "Targets: not judged (a run of framework, flask or raw is missing)." in text


def test_window_table_gives_each_run_and_flags_a_saturated_generator() -> None:
    runs = [
        measured_report("flask", 300.0, generator=generator(busiest_process_share=0.95)),
        measured_report("framework", 200.0),
    ]
    text = render_comparison(runs)
    rows = table_rows(text, WINDOW_TITLE)
    assert [row["impl"] for row in rows] == ["framework", "flask"]
    assert rows[0]["req/s"] == "500"
    assert rows[0]["p99 ms"] == "20"
    assert rows[0]["peak RSS/worker MiB"] == "30.0"
    assert rows[0]["generator"].startswith("ok: busiest 35%")
    assert rows[1]["generator"].startswith("SATURATED: busiest 95%")
    assert rows[0]["machine busy (others)"] == "50% (10%)"
    assert "Generator SATURATED in: flask on gunicorn -w 2" in text


def test_comparison_names_the_machine_and_its_load() -> None:
    runs = [
        measured_report("framework", 200.0, machine=machine(busy_share=0.6, others_share=0.2)),
        measured_report("flask", 300.0, machine=machine(busy_share=0.9, others_share=0.4)),
    ]
    text = render_comparison(runs)
    assert "Machine: Test CPU, 2 core(s). Runs from" in text
    assert "60% to 90% busy, 20% to 40% of it by processes outside the test" in text


def test_capacity_table_gives_the_best_step_within_the_bound() -> None:
    def search(impl: str, rps: float) -> object:
        return run_report(
            impl,
            shape="steps",
            users=30,
            steps=[step(10, rps / 2, 10.0), step(20, rps, 40.0), step(30, rps * 1.1, 70.0)],
            p99_bound_ms=50.0,
        )

    text = render_comparison([search("framework", 900.0), search("flask", 600.0)])
    title = "Capacity: the highest req/s of a step with p99 under the bound and no failures"
    [row] = table_rows(text, title)
    assert row["framework"] == "900 req/s at 20 users (300 us/req)"
    assert row["flask"] == "600 req/s at 20 users (300 us/req)"
    assert "p99 bound 50 ms" in text
    # A step run is not a constant run: it is not in the CPU table.
    assert table_rows(text, CPU_TITLE) == []


def test_comparison_keeps_set_ups_apart() -> None:
    runs = [
        measured_report("flask", 300.0),
        measured_report("flask", 300.0, scenario="json"),
        measured_report("flask", 300.0, server="waitress", workers=4),
    ]
    rows = table_rows(render_comparison(runs), CPU_TITLE)
    assert len(rows) == 3


def test_comparison_refuses_two_reports_of_one_run() -> None:
    with pytest.raises(ReportError, match="two reports for framework on gunicorn -w 2"):
        render_comparison([run_report(), run_report()])
    with pytest.raises(ReportError, match="no reports"):
        render_comparison([])


def test_html_page_is_self_contained_with_a_chart_per_measure() -> None:
    page = render_html(hello_runs())
    assert page.startswith("<!doctype html>")
    # Nothing is fetched: no script, no stylesheet link, no remote URL but the SVG namespace.
    assert "<script" not in page
    assert "<link" not in page
    assert re.findall(r"https?://[^'\"]+", page) == ["http://www.w3.org/2000/svg"] * 3
    svgs = re.findall(r"<svg .*?</svg>", page)
    assert len(svgs) == 3
    for svg in svgs:
        ElementTree.fromstring(svg)  # well-formed XML
    throughput, latency, cpu = svgs
    assert throughput.count("<polyline") == 3  # one line per implementation
    assert latency.count("<polyline") == 6  # p50 and p99 for each
    assert latency.count("stroke-dasharray") >= 3
    assert cpu.count("<rect") == 3  # one bar per implementation
    assert "210 us" in cpu
    assert CPU_TITLE in page
    assert "raw/framework-gunicorn-hello.html" in page


def test_write_comparison_writes_both_files(tmp_path: Path) -> None:
    paths = []
    for report in hello_runs():
        path = tmp_path / f"{report.impl}.json"
        report.write(path)
        paths.append(path)
    text = write_comparison(paths, tmp_path / "out", "flask")
    assert (tmp_path / "out" / "comparison.md").read_text() == text
    assert "<svg" in (tmp_path / "out" / "comparison.html").read_text()


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1.0), (0.7, 1.0), (3, 5), (1100, 2000), (2400, 2500), (10, 10)]
)
def test_nice_ceiling(value: float, ceiling: float) -> None:
    assert nice_ceiling(value) == ceiling


def test_line_chart_scales_points_into_the_plot() -> None:
    svg = line_chart("t", [Series("a", "#000", [(0, 0), (10, 100)])], "x", "y")
    root = ElementTree.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    [line] = root.iter(f"{namespace}polyline")
    (x0, y0), (x1, y1) = (tuple(map(float, p.split(","))) for p in line.get("points", "").split())
    assert x0 < x1 and y0 > y1  # up and to the right
    assert "100" in svg and ">10<" in svg  # the axes end at the data's nice ceiling


def test_bar_chart_bars_are_proportional() -> None:
    svg = bar_chart("t", [("a", 50.0, "#000"), ("b", 100.0, "#111")], "us")
    widths = [float(w) for w in re.findall(r"<rect [^>]*width='([\d.]+)'", svg)]
    assert widths[1] == pytest.approx(2 * widths[0])


def test_repeated_rounds_give_the_median_and_the_range() -> None:
    runs = [
        measured_report("framework", cpu, round=index + 1)
        for index, cpu in enumerate((260.0, 200.0, 230.0))
    ] + [measured_report("flask", cpu, round=index + 1) for index, cpu in enumerate((300.0, 340.0))]
    text = render_comparison(runs)
    [row] = table_rows(text, CPU_TITLE)
    assert row["framework us"] == "230 (3 rounds: 200-260)"
    # Of two rounds, the lower one is the median.
    assert row["flask us"] == "300 (2 rounds: 300-340)"
    assert row["framework/flask"] == "0.77"
    impls = [r["impl"] for r in table_rows(text, WINDOW_TITLE)]
    assert impls == ["framework r1", "framework r2", "framework r3", "flask r1", "flask r2"]
    # The charts draw the median round; its locust report is linked by its name.
    assert "raw/framework-gunicorn-hello-r3.html" in render_html(runs)


def test_one_round_twice_is_refused() -> None:
    with pytest.raises(ReportError, match="two reports for flask round 2 on gunicorn -w 2"):
        render_comparison([measured_report("flask", 1.0, round=2)] * 2)


def test_profiled_runs_are_a_set_up_of_their_own_with_a_profile_table() -> None:
    profile = [ProfileShare(APPLICATION, 0.3), ProfileShare("gunicorn: gunicorn/util.py", 0.7)]
    runs = [
        *hello_runs(),
        measured_report("framework", 400.0, profiled=True, profile_samples=900, profile=profile),
    ]
    text = render_comparison(runs)
    rows = table_rows(text, CPU_TITLE)
    assert [row["set-up"].endswith("profiled with py-spy") for row in rows] == [False, True]
    # The targets are judged on the runs without the profiler only.
    assert "framework/flask 0.70 (met" in text
    title = "Where a server worker's Python time goes (py-spy, samples holding the GIL)"
    profile_rows = table_rows(text, title)
    assert [row["where"] for row in profile_rows] == [
        "gunicorn: gunicorn/util.py",
        APPLICATION,
        "py-spy samples",
    ]
    assert profile_rows[0]["framework (gunicorn, hello)"] == "70%"
    assert profile_rows[-1]["framework (gunicorn, hello)"] == "900"


def test_time_charts_shade_the_measured_window() -> None:
    svg = line_chart("t", [Series("a", "#000", [(0, 1), (20, 2)])], "x", "y", band=(5, 15))
    [shade] = re.findall(r"<rect [^>]*fill-opacity[^>]*>", svg)
    x, width = (float(v) for v in re.search(r"x='([\d.]+)'.*width='([\d.]+)'", shade).groups())
    plot_left, plot_width = 64, 640 - 64 - 16
    assert x == pytest.approx(plot_left + plot_width * 5 / 20, abs=0.1)
    assert width == pytest.approx(plot_width * 10 / 20, abs=0.2)
    assert "measured window" in render_html(hello_runs())


@pytest.mark.parametrize(
    ("framework", "flask", "note"),
    [
        # Every pairing of rounds is under 0.75: resolved.
        ((200.0, 210.0, 220.0), (300.0, 320.0, 340.0), "0.66 (met: at most 0.75)"),
        # The medians say met, the worst pairing (250/280) says not: not resolved.
        ((200.0, 210.0, 250.0), (280.0, 320.0, 340.0), "0.66 (met: at most 0.75; not resolved"),
    ],
)
def test_a_verdict_that_other_rounds_would_overturn_is_marked_unresolved(
    framework: tuple[float, ...], flask: tuple[float, ...], note: str
) -> None:
    runs = [
        *(measured_report("framework", cpu, round=i + 1) for i, cpu in enumerate(framework)),
        *(measured_report("flask", cpu, round=i + 1) for i, cpu in enumerate(flask)),
        *(measured_report("raw", 190.0, round=i + 1) for i in range(3)),
    ]
    text = render_comparison(runs)
    assert f"framework/flask {note}" in text
