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

Modules are measured one at a time, each in a workspace of its own
(``build/mutation/<module>``), and each module's outcome is kept in
``reports/mutation-runs/<module>.json``: the commit and the module's source hash
it was measured on, every mutant's exit code, the diffs of its survivors and any
later retests. The report combines these files: a module measured on an older
source, or never measured, says so in the table, so a partial run still gives an
honest report (``--report-only`` rewrites it from the files alone).

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
import fnmatch
import json
import os
import random
import shutil
import subprocess
import sys
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import tomllib
from mutation_report import (
    KILLED,
    NO_TESTS,
    ModuleScore,
    natural_key,
    render_report,
    score,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULES_FILE = HERE / "modules.toml"
EQUIVALENTS_FILE = HERE / "equivalents.toml"
DEFAULT_WORKSPACE = ROOT / "build" / "mutation"
DEFAULT_REPORT = ROOT / "reports" / "mutation.md"
RUNS_DIR = ROOT / "reports" / "mutation-runs"
DEEP_RUN_REPORT = ROOT / "reports" / "differential-deep.md"

SURVIVED = 0


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
        reason = entry["reason"]
        if entry.get("outside_spec"):
            reason = f"Outside the spec (a documented deliberate difference from Flask): {reason}"
        elif entry.get("import_time"):
            reason = f"Runs only at import, where mutmut never activates a mutant: {reason}"
        for name in entry["mutants"]:
            reasons[name] = reason
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
            # A failing should-level rule (wording, observed quirks) is the spec
            # observing the mutant too: without this it is reported, not failed.
            "--strict-levels",
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
    if len(modules) == 1:
        (workspace / STATE_FILE).write_text(json.dumps(source_state(modules[0])))


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


# --- one module's recorded run ---------------------------------------------------------


def git(*args: str) -> str:
    """Return the output of a git command in the project."""
    completed = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def source_state(module: str) -> dict[str, str]:
    """Return what a run of ``module`` measures: the commit (marked when framework/ or
    conformance/ had uncommitted changes) and the module's source hash."""
    commit = git("rev-parse", "--short=12", "HEAD")
    if git("status", "--porcelain", "--", "framework", "conformance"):
        commit += " + uncommitted changes"
    return {"commit": commit, "source": git("hash-object", module), "measured": utc_now()}


def utc_now() -> str:
    """The current UTC time, to the minute."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


STATE_FILE = "measured-on.json"
"""Written into a workspace when it is prepared: the commit its copies come from."""


@dataclass
class ModuleRun:
    """One module's measured outcome, kept in ``reports/mutation-runs/<module>.json``."""

    module: str
    commit: str
    source: str
    measured: str
    description: str
    exit_codes: dict[str, int | None]
    diffs: dict[str, str] = field(default_factory=dict)
    retests: list[dict[str, str]] = field(default_factory=list)
    population: int | None = None
    """For a sampled run, how many mutants the module has (the sample's exit codes only
    are kept): the report estimates the module's score from the sample."""
    first_pass: dict[str, t.Any] | None = None
    """For a sampled run that was retested: the sample's outcome before the retest
    (``killed`` count and ``survivors`` names). Spec tests written for the sample's
    survivors make the retested score optimistic for the module; the first pass is the
    unbiased estimate of the spec as it was measured."""

    @staticmethod
    def path(module: str, runs: Path = RUNS_DIR) -> Path:
        """Where the run of ``module`` is kept."""
        return runs / f"{module_name(module)}.json"

    @classmethod
    def load(cls, module: str, runs: Path = RUNS_DIR) -> ModuleRun | None:
        """Read the recorded run of ``module`` (None when it was never measured)."""
        path = cls.path(module, runs)
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text()))

    def save(self, runs: Path = RUNS_DIR) -> Path:
        """Write this run, keys sorted so re-records diff cleanly."""
        path = self.path(self.module, runs)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "module": self.module,
            "commit": self.commit,
            "source": self.source,
            "measured": self.measured,
            "description": self.description,
            "retests": self.retests,
            "exit_codes": dict(sorted(self.exit_codes.items(), key=lambda i: natural_key(i[0]))),
            "diffs": dict(sorted(self.diffs.items(), key=lambda i: natural_key(i[0]))),
        }
        if self.population is not None:
            data["population"] = self.population
        if self.first_pass is not None:
            data["first_pass"] = self.first_pass
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        return path


def first_pass_of(codes: dict[str, int | None]) -> dict[str, t.Any]:
    """A sampled run's outcome before any retest: how many were killed, and which survived."""
    return {
        "killed": sum(1 for code in codes.values() if code in KILLED),
        "survivors": sorted(
            (n for n, c in codes.items() if c is not None and c not in KILLED), key=natural_key
        ),
    }


def record_run(
    workspace: Path, module: str, description: str, retested: list[str] | None = None
) -> ModuleRun:
    """Record what mutmut found in ``workspace`` for ``module`` as its run.

    With ``retested``, only those mutants' results replace the recorded ones (a retest
    after new spec tests); the module's source must be the one recorded.
    """
    state = json.loads((workspace / STATE_FILE).read_text())
    codes = results(workspace, [module])[module]
    previous = ModuleRun.load(module)
    if retested is not None and previous is not None:
        if previous.source != state["source"]:
            raise SystemExit(
                f"{module} changed since it was measured on {previous.commit}: "
                "measure the whole module again instead of retesting"
            )
        if previous.population and previous.first_pass is None:
            previous.first_pass = first_pass_of(previous.exit_codes)
        # Mutants an interrupted retest did not reach (None) keep their recorded result.
        previous.exit_codes.update(
            {name: codes[name] for name in retested if codes.get(name) is not None}
        )
        previous.retests.append(
            {"commit": state["commit"], "measured": state["measured"], "mutants": description}
        )
        run = previous
    else:
        run = ModuleRun(
            module,
            state["commit"],
            state["source"],
            state["measured"],
            description,
            codes,
        )
    survivors = [n for n, c in run.exit_codes.items() if c is not None and c not in KILLED]
    fresh = mutant_diffs(workspace, [n for n in survivors if n not in run.diffs or retested])
    run.diffs = {name: fresh.get(name) or run.diffs[name] for name in survivors}
    run.save()
    return run


def write_report(settings: Settings, report: Path) -> list[ModuleScore]:
    """Combine every module's recorded run into the report and its results table."""
    equivalents = load_equivalents()
    modules = sorted(settings.modules)
    runs = {module: ModuleRun.load(module) for module in modules}
    found = {module: (run.exit_codes if run else {}) for module, run in runs.items()}
    sources = {module: git("hash-object", module) for module in modules}
    scores = score(found, equivalents)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_report(scores, equivalents, runs, sources, deep_run_summary()))
    write_results(results_file(report), found)
    return scores


def deep_run_summary(path: Path = DEEP_RUN_REPORT) -> list[str] | None:
    """The facts listed in the recorded deep differential run (its ``- `` lines)."""
    if not path.exists():
        return None
    return [line for line in path.read_text().splitlines() if line.startswith("- ")]


# --- commands --------------------------------------------------------------------------


def sample_names(found: dict[str, dict[str, int | None]], size: int, seed: int) -> list[str]:
    """Return a seeded sample of ``size`` mutant names, spread over the modules."""
    names = sorted(name for codes in found.values() for name in codes)
    if size >= len(names):
        return names
    return sorted(random.Random(seed).sample(names, size))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--modules",
        default=os.environ.get("MUTATION_MODULES", ""),
        help="comma-separated module paths from modules.toml, measured one after "
        "another (default: all, or the [ci] ones with --check)",
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
        help="retest the recorded survivors (and mutants not run) whose names match, e.g. "
        "'framework.signing.*' after adding spec tests, and record the retest; repeatable",
    )
    parser.add_argument("--children", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument(
        "--workspace", type=Path, default=None, help="(one module only) mutmut's workspace"
    )
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
        help="write the report from the recorded module runs (no run)",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="record what mutmut has in the module's workspace as its run (after an "
        "interrupted run), then write the report",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="CI slice: run the [ci] sample and fail on survivors the report does not list",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure modules, retest mutants, write the report, or check the CI slice."""
    args = parse_args(argv)
    settings = Settings.load()
    if args.modules:
        modules = [name.strip() for name in args.modules.split(",") if name.strip()]
    elif args.check:
        modules = settings.ci_modules
    else:
        modules = sorted(settings.modules)
    unknown = [name for name in modules if name not in settings.modules]
    if unknown:
        raise SystemExit(f"not in {MODULES_FILE.name}: {', '.join(unknown)}")
    if args.workspace and len(modules) > 1 and not args.check:
        raise SystemExit("--workspace needs exactly one module in --modules")
    if args.check:
        return run_slice(args, settings, modules)
    if not args.report_only:
        for module in modules:
            measure(args, settings, module)
    for entry in write_report(settings, args.report):
        if entry.total:
            print(f"{entry.module}: {entry.score:.1%} of {entry.relevant}")
    print(f"wrote {args.report}")
    return 0


def record_only(args: argparse.Namespace, module: str, workspace: Path) -> None:
    """Record what mutmut has in ``workspace``: a whole run, or with ``--mutants`` what an
    interrupted retest of those mutants found so far."""
    recorded = ModuleRun.load(module) if args.mutants else None
    retested = None
    if recorded is not None:
        retested = [
            n for n in recorded.exit_codes if any(fnmatch.fnmatchcase(n, g) for g in args.mutants)
        ]
    what = f"retest of {', '.join(args.mutants)} (interrupted)" if retested else ""
    run = record_run(
        workspace, module, what or "recorded with --record from its workspace", retested
    )
    print(f"recorded {module} from {workspace} ({run.commit})")


def measure(args: argparse.Namespace, settings: Settings, module: str) -> None:
    """Run (or retest, or record) one module in its own workspace and record it."""
    workspace: Path = args.workspace or DEFAULT_WORKSPACE / module_name(module)
    if args.record:
        record_only(args, module, workspace)
        return
    if args.fresh and workspace.exists():
        shutil.rmtree(workspace)
    areas = settings.areas([module])
    retested: list[str] | None = None
    names: list[str] = []
    if args.mutants:
        recorded = ModuleRun.load(module)
        # Killed mutants stay killed when spec tests are added: retest the others.
        known = recorded.exit_codes if recorded else {}
        open_ = [n for n, code in known.items() if code not in KILLED]
        names = sorted(n for n in open_ if any(fnmatch.fnmatchcase(n, g) for g in args.mutants))
        if not names:
            return
        retested = names
    prepare_workspace(workspace, [module], areas)
    population = None
    if args.sample and not names:
        generate_mutants(workspace)
        every = results(workspace, [module])
        population = len(every[module])
        names = sample_names(every, args.sample, args.seed or 0)
    what = f"{len(names)} mutants" if names else "every mutant"
    print(f"mutation: {what} of {module} in {workspace}", flush=True)
    started = time.monotonic()
    run_mutmut(workspace, names, args.children, None)
    minutes = (time.monotonic() - started) / 60
    areas_text = ", ".join(areas) if areas else "all"
    if retested is not None:
        description = f"{len(names)} mutants ({', '.join(args.mutants)}); {minutes:.0f} min"
    else:
        sampled = f"a sample of {len(names)} mutants (seed {args.seed or 0})" if names else ""
        description = (
            f"{sampled or 'every mutant'}; spec areas: {areas_text}; {args.children} "
            f"workers; {minutes:.0f} min (2 shared cores, noisy)"
        )
    run = record_run(workspace, module, description, retested)
    if names and retested is None:
        chosen = set(names)
        run.exit_codes = {n: c for n, c in run.exit_codes.items() if n in chosen}
        run.population = population
        run.save()


def run_slice(args: argparse.Namespace, settings: Settings, modules: list[str]) -> int:
    """The CI slice: a seeded sample of the [ci] modules, checked against its baseline."""
    sample = args.sample or settings.ci_sample
    seed = args.seed if args.seed is not None else settings.ci_seed
    workspace: Path = args.workspace or DEFAULT_WORKSPACE.with_name("mutation-ci")
    if args.fresh and workspace.exists():
        shutil.rmtree(workspace)
    prepare_workspace(workspace, modules, settings.areas(modules))
    started = time.monotonic()
    generate_mutants(workspace)
    names = sample_names(results(workspace, modules), sample, seed)
    print(f"mutation: {len(names)} sampled mutants (seed {seed}) of {', '.join(modules)}")
    run_mutmut(workspace, names, args.children, workspace / "mutmut.log")
    elapsed = time.monotonic() - started
    chosen = set(names)
    found = {
        m: {n: c for n, c in codes.items() if n in chosen}
        for m, codes in results(workspace, modules).items()
    }
    baseline = slice_baseline(args.report)
    if args.update_slice:
        write_results(baseline, found)
        print(f"wrote {baseline}")
        return 0
    return check_slice(found, load_equivalents(), baseline, elapsed)


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
