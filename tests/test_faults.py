"""Tests of ``python -m loadtests faults``: reading the writers' outcomes, comparing them
with the database, and a short CI run that kills and reloads real gunicorn workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loadtests import faults
from loadtests.faults import Fault, Outcome, analyse, problems_of, read_outcomes
from loadtests.writes_app import create_app, init_database, stored_ids

ROOT = Path(__file__).resolve().parent.parent


def outcome(at: float, write_id: str, status: int = 201) -> Outcome:
    """Return an outcome with no error text."""
    return Outcome(at, write_id, status, "" if status else "no answer: ConnectionError")


def test_read_outcomes_counts_writes_cut_short_as_unanswered(tmp_path: Path) -> None:
    """A write recorded as sent but never answered counts as unanswered when it was sent."""
    path = tmp_path / "outcomes.tsv"
    path.write_text(
        "1.0\ta\t-\t\n1.5\ta\t201\t\n2.0\tb\t-\t\n3.0\tc\t-\t\n3.5\tc\t0\tno answer: X\n",
        encoding="utf-8",
    )
    found = {o.write_id: o for o in read_outcomes(path)}
    assert found["a"] == Outcome(1.5, "a", 201, "")
    assert found["b"] == Outcome(2.0, "b", 0, faults.CUT_SHORT)
    assert found["c"].status == 0 and not found["c"].acknowledged
    assert read_outcomes(tmp_path / "missing.tsv") == []


def test_analyse_finds_lost_duplicated_unknown_and_in_doubt_writes() -> None:
    """Acknowledged writes missing from the rows are lost, repeated ids are duplicates,
    ids never sent are unknown, and failed writes that were stored are counted apart."""
    outcomes = [
        outcome(1, "ok"),
        outcome(2, "lost"),
        outcome(3, "twice"),
        outcome(5, "in-doubt", 0),
        outcome(8, "failed", 0),
    ]
    rows = ["ok", "twice", "twice", "in-doubt", "stranger"]
    faults_sent = [Fault("SIGKILL one worker", 4, [1, 2], [2, 3])]
    figures = analyse(outcomes, rows, faults_sent, 0, 10)
    assert figures["acknowledged"] == 3
    assert figures["lost"] == 1
    assert figures["duplicates"] == 1
    assert figures["unknown_rows"] == 1
    assert figures["stored_answer_lost"] == 1
    before, after_kill = figures["windows"]
    assert (before["requests"], before["failures"]) == (3, 0)
    assert (after_kill["requests"], after_kill["failures"]) == (2, 2)
    assert after_kill["last_failure_after_s"] == 4
    problems = problems_of(figures, True, "fine")
    assert len(problems) == 3
    assert problems_of({**figures, "lost": 0, "duplicates": 0, "unknown_rows": 0}, True, "") == []


def test_writes_app_commits_before_answering(tmp_path: Path) -> None:
    """A POST answered 201 is already a row; a POST without an id is a 400 and no row."""
    database = tmp_path / "writes.sqlite3"
    init_database(database)
    client = create_app("framework", database).test_client()
    assert client.post("/writes", data={"id": "w1", "payload": "p"}).status_code == 201
    assert client.post("/writes", data={"payload": "p"}).status_code == 400
    assert stored_ids(database) == ["w1"]
    assert client.get("/writes/count").get_json() == {"rows": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "3s"], "--duration must be at least 6 s"),
        (["--users", "0"], "argument --users: '0' must be at least 1"),
        (["--impl", "no_such_module_here"], "no_such_module_here"),
    ],
)
def test_bad_arguments_are_one_line_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad argument is reported on one line naming it, with exit code 2."""
    with pytest.raises(SystemExit) as exit_info:
        faults.main(args)
    assert exit_info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


def test_ci_fault_run_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """A short fault run on framework (SIGKILL a worker, SIGHUP the master under load)
    loses and duplicates no acknowledged write, and gunicorn answers normally after."""
    out = tmp_path / "faults.json"
    result = subprocess.run(
        [
            sys.executable, "-m", "loadtests", "faults", "--impl", "framework",
            "--duration", "9s", "--users", "4", "--out", str(tmp_path), "--json", str(out),
        ],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["acknowledged"] > 0
    assert (report["lost"], report["duplicates"], report["unknown_rows"]) == (0, 0, 0)
    names = [window["name"] for window in report["windows"]]
    assert names == ["before the faults", "after SIGKILL one worker", "after SIGHUP the master"]
    killed = report["windows"][1]
    assert set(killed["workers_before"]) != set(killed["workers_after"])
    reloaded = report["windows"][2]
    assert not set(reloaded["workers_before"]) & set(reloaded["workers_after"])
    assert report["rows"] == report["acknowledged"] + report["stored_answer_lost"]
