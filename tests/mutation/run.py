"""Mutation testing of the framework under the specification alone.

``python tests/mutation/run.py`` mutates the framework modules listed in
``tests/mutation/modules.toml`` with mutmut, runs ``pytest conformance --impl
framework`` (never the unit tests) against each mutant and writes
``reports/mutation.md``: the score per module and every surviving mutant with
its diff, marked either as listed in ``tests/mutation/equivalents.toml`` (with
the reason it cannot change observable behaviour) or as a gap in the spec.

mutmut works in a scratch copy of the project (``build/mutation``): it copies
the sources to ``mutants/``, records which spec tests call each mutated function,
then runs only those tests, fastest first and stopping at the first failure,
against each mutant in forked workers with a CPU-time limit. Results are kept
there, so a second run only retests functions that changed.

``--check`` is the CI slice: a seeded sample of the ``[ci]`` modules' mutants
runs in a workspace of its own (only their spec areas), and the slice fails when
a sampled mutant survives that the committed slice baseline
(``reports/mutation-slice-results.tsv``, written by ``--check --update-slice``
with the same sample, areas and isolation) records as killed: the spec lost
strength it had. Comparing with the full run instead would hold kills made
under other conditions (other tests in the same process) against the slice.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULES_FILE = HERE / "modules.toml"
EQUIVALENTS_FILE = HERE / "equivalents.toml"
DEFAULT_WORKSPACE = ROOT / "build" / "mutation"
DEFAULT_REPORT = ROOT / "reports" / "mutation.md"

KILLED = {1, 3, 36, 24, -24, 152, 255, -9, -11}
"""mutmut exit codes counted as killed: a failing test, a pytest error, a timeout
or a crash (a mutant that hangs or crashes the app is observably broken)."""
SURVIVED = 0
NO_TESTS = 33
"""No spec test calls the mutated function: a survivor, shown separately."""


@dataclass
class Settings:
    """What one run mutates: modules, their spec areas, and the CI sample."""

    modules: dict[str, list[str]]
    ci_modules: list[str]
    ci_sample: int
    ci_seed: int

    @classmethod
    def load(cls, path: Path = MODULES_FILE) -> Settings:
        """Read ``modules.toml``."""
        data = tomllib.loads(path.read_text())
        ci = data.get("ci", {})
        return cls(
            modules={name: list(areas) for name, areas in data["modules"].items()},
            ci_modules=list(ci.get("modules", [])),
            ci_sample=int(ci.get("sample", 40)),
            ci_seed=int(ci.get("seed", 0)),
        )

    def areas(self, modules: list[str]) -> list[str]:
        """Return the spec areas a run over ``modules`` needs ([] = every area)."""
        chosen: set[str] = set()
        for module in modules:
            if not self.modules[module]:
                return []
            chosen.update(self.modules[module])
        return sorted(chosen)


@dataclass
class Equivalent:
    """Mutants reviewed as unable to change observable behaviour, and why."""

    mutants: list[str]
    reason: str


def load_equivalents(path: Path = EQUIVALENTS_FILE) -> dict[str, str]:
    """Return ``{mutant name: reason}`` from the reviewed equivalents file."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text())
    reasons: dict[str, str] = {}
    for entry in data.get("equivalent", []):
        for name in entry["mutants"]:
            reasons[name] = entry["reason"]
    return reasons


def module_name(path: str) -> str:
    """``framework/app.py`` -> ``framework.app`` (mutmut's prefix of mutant names)."""
    return path.removesuffix(".py").replace("/", ".")


# --- the workspace ------------------------------------------------------------------


def mutmut_config(modules: list[str], areas: list[str]) -> str:
    """Return the ``[tool.mutmut]`` table for a run over ``modules``."""
    # Live-server tests run the app in another process, which mutants never reach.
    selection = ["conformance", "--ignore=conformance/live"]
    selection += [arg for area in areas for arg in ("--spec", area)]
    config = {
        "source_paths": ["framework/"],
        "only_mutate": modules,
        "also_copy": ["conformance/", "mutmut_call_stack.py"],
        # The spec alone, on the framework, reproducible (derandomized examples).
        "pytest_add_cli_args": [
            "-p",
            "mutmut_call_stack",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--impl",
            "framework",
            "--hypothesis-profile",
            "ci",
        ],
        "pytest_add_cli_args_test_selection": selection,
        "use_git_change_detection": False,
        # setproctitle rewrites the process's argv/environ memory; runs that load the
        # whole spec segfaulted in contextvars with it on.
        "use_setproctitle": False,
        # Fork each mutant's worker from a server that only imported and collected the
        # spec: forked from mutmut's main process (which ran the whole spec for its
        # stats), a worker inherits warm caches (the session serializers, for one), and
        # mutants in the code that fills them never run.
        "process_isolation": "forkserver",
    }
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    return "\n".join(lines) + "\n"


def prepare_workspace(workspace: Path, modules: list[str], areas: list[str]) -> None:
    """Copy the framework, the spec and a pyproject with mutmut's settings."""
    workspace.mkdir(parents=True, exist_ok=True)
    for folder in ("framework", "conformance"):
        target = workspace / folder
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / folder, target, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(HERE / "mutmut_call_stack.py", workspace / "mutmut_call_stack.py")
    pyproject = (ROOT / "pyproject.toml").read_text()
    pyproject = pyproject.split("\n[tool.mutmut]")[0]
    (workspace / "pyproject.toml").write_text(pyproject + mutmut_config(modules, areas))


def generate_mutants(workspace: Path) -> None:
    """Let mutmut write the mutants without testing them (to sample their names)."""
    code = (
        "from mutmut.__main__ import copy_src_dir, copy_also_copy_files, create_mutants\n"
        "from pathlib import Path\n"
        "Path('mutants').mkdir(exist_ok=True)\n"
        "copy_src_dir(); copy_also_copy_files(); create_mutants(2)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], cwd=workspace, check=True, stdout=subprocess.DEVNULL
    )


def results(workspace: Path, modules: list[str]) -> dict[str, dict[str, int | None]]:
    """Return ``{module: {mutant name: exit code or None}}`` from mutmut's meta files."""
    found: dict[str, dict[str, int | None]] = {}
    for module in modules:
        meta = workspace / "mutants" / f"{module}.meta"
        if meta.exists():
            found[module] = json.loads(meta.read_text())["exit_code_by_key"]
        else:
            found[module] = {}
    return found


def run_mutmut(workspace: Path, names: list[str], children: int, log: Path | None) -> None:
    """Run ``mutmut run`` over ``names`` (all mutants when empty)."""
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if log is None:
        completed = subprocess.run(command, cwd=workspace, env=env)
    else:
        with log.open("w") as out:
            completed = subprocess.run(command, cwd=workspace, env=env, stdout=out, stderr=out)
    if completed.returncode != 0:
        where = f" (see {log})" if log else ""
        raise SystemExit(f"mutmut run failed with exit code {completed.returncode}{where}")


def mutant_diffs(workspace: Path, names: list[str]) -> dict[str, str]:
    """Return mutmut's diff of each mutant against the original function."""
    code = (
        "import json, sys\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "diffs = {}\n"
        "for name in json.load(sys.stdin):\n"
        "    try:\n"
        "        diffs[name] = get_diff_for_mutant(name)\n"
        "    except Exception as error:\n"
        "        diffs[name] = f'(diff unavailable: {error})'\n"
        "print(json.dumps(diffs))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=workspace,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
    )
    diffs: dict[str, str] = json.loads(completed.stdout)
    return diffs


# --- the report ------------------------------------------------------------------------


@dataclass
class ModuleScore:
    """Counts for one module."""

    module: str
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    not_run: int = 0

    @property
    def total(self) -> int:
        """Mutants that ran (or had no test), equivalents included."""
        return self.killed + len(self.survived) + len(self.untested) + len(self.equivalent)

    @property
    def score(self) -> float:
        """Killed / non-equivalent mutants."""
        relevant = self.total - len(self.equivalent)
        return self.killed / relevant if relevant else 1.0


def score(
    found: dict[str, dict[str, int | None]], equivalents: dict[str, str]
) -> list[ModuleScore]:
    """Classify every mutant of every module."""
    scores = []
    for module, codes in found.items():
        entry = ModuleScore(module)
        for name, code in sorted(codes.items(), key=lambda item: natural_key(item[0])):
            if code is None:
                entry.not_run += 1
            elif code in KILLED:
                entry.killed += 1
            elif name in equivalents:
                entry.equivalent.append(name)
            elif code == NO_TESTS:
                entry.untested.append(name)
            else:
                entry.survived.append(name)
        scores.append(entry)
    return scores


def natural_key(name: str) -> tuple[str, int]:
    """Sort ``f__mutmut_10`` after ``f__mutmut_9``."""
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


def render_report(
    scores: list[ModuleScore],
    equivalents: dict[str, str],
    diffs: dict[str, str],
    description: str,
) -> str:
    """Return reports/mutation.md."""
    total_killed = sum(entry.killed for entry in scores)
    total_relevant = sum(entry.total - len(entry.equivalent) for entry in scores)
    overall = total_killed / total_relevant if total_relevant else 1.0
    lines = [
        "# Mutation testing: the framework under the specification alone",
        "",
        "Written by `make mutation` (`tests/mutation/run.py`, mutmut). Each mutant of a",
        "listed framework module runs against `pytest conformance --impl framework`",
        "(only the spec tests that call the mutated function, derandomized Hypothesis",
        "`ci` profile). Score = killed / (all - reviewed equivalents); a mutant with no",
        "spec test reaching it counts as a survivor.",
        "",
        "Limits of the method: mutmut 3 mutates function bodies only, and a mutant is",
        "active only while its function is called from a test. Code that runs at import",
        "(decorators applied in class bodies, `__set_name__`) therefore shows as",
        "survivors no test can kill, and tests that run the app in another process",
        "(live servers, `flask` CLI subprocesses) cannot see mutants at all.",
        "",
        f"Run: {description}",
        "",
        "| module | mutants | killed | survived | no spec test | equivalent | not run | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in scores:
        lines.append(
            f"| `{entry.module}` | {entry.total} | {entry.killed} | {len(entry.survived)} "
            f"| {len(entry.untested)} | {len(entry.equivalent)} | {entry.not_run} "
            f"| {f'{entry.score:.1%}' if entry.total > len(entry.equivalent) else 'not run'} |"
        )
    lines += [
        f"| **all** | {sum(e.total for e in scores)} | {total_killed} "
        f"| {sum(len(e.survived) for e in scores)} | {sum(len(e.untested) for e in scores)} "
        f"| {sum(len(e.equivalent) for e in scores)} | {sum(e.not_run for e in scores)} "
        f"| {overall:.1%} |",
        "",
        "## Survivors",
        "",
        "Each is a gap in the spec (no conformance test observes the change) until a",
        "spec test kills it or it is reviewed as equivalent in",
        "`tests/mutation/equivalents.toml`.",
        "",
    ]
    for entry in scores:
        survivors = [(name, "survived") for name in entry.survived]
        survivors += [(name, "no spec test calls it") for name in entry.untested]
        if not survivors and not entry.equivalent:
            continue
        lines += [f"### `{entry.module}`", ""]
        for name, status in survivors:
            lines += [f"#### `{name}`", "", f"Status: {status}.", ""]
            lines += ["```diff", diffs.get(name, "(diff unavailable)"), "```", ""]
        if entry.equivalent:
            lines += ["Reviewed equivalents:", ""]
            for name in entry.equivalent:
                lines.append(f"- `{name}`: {equivalents[name]}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- commands --------------------------------------------------------------------------


def sample_names(found: dict[str, dict[str, int | None]], size: int, seed: int) -> list[str]:
    """Return a seeded sample of ``size`` mutant names, spread over the modules."""
    names = sorted(name for codes in found.values() for name in codes)
    if size >= len(names):
        return names
    return sorted(random.Random(seed).sample(names, size))


def main(argv: list[str] | None = None) -> int:
    """Run mutation testing and write the report, or check the CI slice."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modules",
        default=os.environ.get("MUTATION_MODULES", ""),
        help="comma-separated module paths from modules.toml (default: all, or the "
        "[ci] ones with --check)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=int(os.environ.get("MUTATION_SAMPLE", "0")),
        help="test only a seeded sample of this many mutants (0: all)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the sample")
    parser.add_argument(
        "--mutants",
        action="append",
        default=[],
        metavar="GLOB",
        help="(re)test the mutants whose names match, e.g. 'framework.signing.*' after "
        "adding spec tests; repeatable",
    )
    parser.add_argument("--children", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--fresh", action="store_true", help="discard earlier results")
    parser.add_argument(
        "--update-slice",
        action="store_true",
        help="with --check: record this slice's outcome as the committed baseline",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the report from the results mutmut has recorded so far (no run)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="CI slice: run the [ci] sample and fail on survivors the report does not list",
    )
    args = parser.parse_args(argv)
    settings = Settings.load()
    if args.modules:
        modules = [name.strip() for name in args.modules.split(",") if name.strip()]
    elif args.check:
        modules = settings.ci_modules
    else:
        modules = sorted(settings.modules)
    unknown = [name for name in modules if name not in settings.modules]
    if unknown:
        parser.error(f"not in {MODULES_FILE.name}: {', '.join(unknown)}")
    sample = args.sample or (settings.ci_sample if args.check else 0)
    seed = args.seed if args.seed is not None else settings.ci_seed
    default = DEFAULT_WORKSPACE.with_name("mutation-ci") if args.check else DEFAULT_WORKSPACE
    workspace: Path = args.workspace or default
    if args.fresh and workspace.exists():
        shutil.rmtree(workspace)
    areas = settings.areas(modules)
    started = time.monotonic()
    names: list[str] = []
    if args.report_only:
        sample = 0
    else:
        prepare_workspace(workspace, modules, areas)
    if args.report_only:
        print(f"mutation: report from the recorded results of {', '.join(modules)}")
    elif args.mutants:
        names = list(args.mutants)
        print(f"mutation: retesting {', '.join(names)}")
    elif sample:
        generate_mutants(workspace)
        names = sample_names(results(workspace, modules), sample, seed)
        print(f"mutation: {len(names)} sampled mutants (seed {seed}) of {', '.join(modules)}")
    else:
        print(f"mutation: every mutant of {', '.join(modules)}")
    log = workspace / "mutmut.log" if args.check else None
    if not args.report_only:
        run_mutmut(workspace, names, args.children, log)
    elapsed = time.monotonic() - started
    equivalents = load_equivalents()
    found = results(workspace, modules)
    if names and not args.mutants:
        chosen = set(names)
        found = {m: {n: c for n, c in codes.items() if n in chosen} for m, codes in found.items()}
    scores = score(found, equivalents)
    if args.check:
        baseline = slice_baseline(args.report)
        if args.update_slice:
            write_results(baseline, found)
            print(f"wrote {baseline}")
            return 0
        return check_slice(found, equivalents, baseline, elapsed)
    diffs = mutant_diffs(workspace, [n for e in scores for n in e.survived + e.untested])
    areas_text = ", ".join(areas) if areas else "all"
    description = (
        f"{f'a sample of {len(names)} mutants (seed {seed})' if names else 'every mutant'}"
        f" of {len(modules)} modules; spec areas: {areas_text}; {args.children} workers"
        + ("." if args.report_only else f"; {elapsed / 60:.0f} min (2 shared cores, noisy).")
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(render_report(scores, equivalents, diffs, description))
    write_results(results_file(args.report), found)
    for entry in scores:
        print(f"{entry.module}: {entry.score:.1%} of {entry.total - len(entry.equivalent)}")
    print(f"wrote {args.report}")
    return 0


def results_file(report: Path) -> Path:
    """The machine-readable companion of the report: one ``name<TAB>status`` a line."""
    return report.with_name(report.stem + "-results.tsv")


def slice_baseline(report: Path) -> Path:
    """The committed outcome of the CI slice, next to the report."""
    return report.with_name(report.stem + "-slice-results.tsv")


def status_of(code: int | None) -> str:
    """Name a mutmut exit code the way the report counts it."""
    if code is None:
        return "not-run"
    if code in (1, 3):
        return "killed"
    if code in KILLED:
        return "timeout-or-crash"  # counted as killed, but not held against the slice
    return "no-tests" if code == NO_TESTS else "survived"


def write_results(path: Path, found: dict[str, dict[str, int | None]]) -> None:
    """Write every mutant's status, sorted, for the CI slice to compare against."""
    rows = sorted(
        (name, status_of(code)) for codes in found.values() for name, code in codes.items()
    )
    path.write_text("".join(f"{name}\t{status}\n" for name, status in rows))


def read_results(path: Path) -> dict[str, str]:
    """Read the committed ``name -> status`` table (empty when missing)."""
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text().splitlines() if line)
    return {name: status for name, status in pairs}


def check_slice(
    found: dict[str, dict[str, int | None]],
    equivalents: dict[str, str],
    committed: Path,
    elapsed: float,
) -> int:
    """Fail when a sampled mutant that the committed results record as killed survives.

    Survivors the committed run did not reach (or already listed) are printed, not
    failed: the slice guards the strength the report claims.
    """
    recorded = read_results(committed)
    now = {name: status_of(code) for codes in found.values() for name, code in codes.items()}
    killed = sum(1 for status in now.values() if status in ("killed", "timeout-or-crash"))
    print(f"mutation slice: {killed}/{len(now)} sampled mutants killed in {elapsed:.0f}s")
    surviving = {n for n, s in now.items() if s in ("survived", "no-tests")}
    lost = {n for n in surviving if recorded.get(n) == "killed"}
    for name, status in sorted(now.items()):
        if status not in ("killed", "timeout-or-crash") and name not in lost | equivalents.keys():
            print(f"  survivor ({recorded.get(name, 'not in the committed results')}): {name}")
    if lost:
        print("killed in the committed run, surviving now (the spec lost strength):")
        for name in sorted(lost):
            print(f"  {name}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
