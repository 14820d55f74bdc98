"""The mutation report: scores per module and the Markdown page combining module runs.

Used by ``tests/mutation/run.py``; kept apart so the driver stays about running mutmut.
"""

from __future__ import annotations

import math
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from run import ModuleRun

KILLED = {1, 3, 36, 24, -24, 152, 255, -9, -11}
"""mutmut exit codes counted as killed: a failing test, a pytest error, a timeout
or a crash (a mutant that hangs or crashes the app is observably broken)."""
NO_TESTS = 33
"""No spec test calls the mutated function: a survivor, shown separately."""


@dataclass
class ModuleScore:
    """Counts for one module."""

    module: str
    killed: int = 0
    timeouts: int = 0
    survived: list[str] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    wrongly_equivalent: list[str] = field(default_factory=list)
    not_run: int = 0

    @property
    def total(self) -> int:
        """Mutants that ran (or had no test), equivalents included."""
        return self.killed + len(self.survived) + len(self.untested) + len(self.equivalent)

    @property
    def relevant(self) -> int:
        """Mutants that ran, less the reviewed equivalents."""
        return self.total - len(self.equivalent)

    @property
    def score(self) -> float:
        """Killed (a failing spec test, a timeout or a crash) / non-equivalent mutants."""
        return self.killed / self.relevant if self.relevant else 1.0


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
            elif name in equivalents and code not in (1, 3):
                # A reviewed equivalent that only timed out (its slower path ran past
                # the CPU limit) stays equivalent; one a spec test fails is killed,
                # and the report lists it as a wrong entry.
                entry.equivalent.append(name)
            elif code in KILLED:
                entry.killed += 1
                entry.timeouts += code not in (1, 3)
                if name in equivalents:
                    entry.wrongly_equivalent.append(name)
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


def measured_on(run: ModuleRun | None, current_source: str) -> str:
    """The table's account of when a module was measured."""
    if run is None:
        return "not measured"
    text = f"`{run.commit}` ({run.measured})"
    if run.description.startswith("a sample"):
        of = f" of {run.population}" if run.population else ""
        text += f", {run.description.split(';')[0]}{of} only"
    if run.retests:
        text += f", {len(run.retests)} retest(s), last on `{run.retests[-1]['commit']}`"
    if run.source != current_source:
        text += "; **module changed since**"
    return text


HEADER = """\
# Mutation testing: the framework under the specification alone

Written by `make mutation` (`tests/mutation/run.py`, mutmut). Each mutant of a
listed framework module runs against `pytest conformance --impl framework`
(only the spec tests that call the mutated function, derandomized Hypothesis
`ci` profile). Score = killed / (all - reviewed equivalents); a mutant with no
spec test reaching it counts as a survivor; a mutant that hangs (CPU-time limit)
or crashes the worker counts as killed and is also shown in its own column.
Rules of every level count (`--strict-levels`, from commit `1ca16fa1efb9`): a failing
should-level rule (wording, observed quirks) kills the mutant too. Runs recorded
before that commit counted must-level failures only (fewer kills); their retests
count both. The equivalent column also holds the few mutants of framework-only
behaviour where the framework deliberately differs from Flask (README, "Deliberate
differences"): the spec, which must pass on Flask, cannot pin it; each is listed as
"Outside the spec" with its reason.

Modules are measured one at a time; each module's run is kept in
`reports/mutation-runs/<module>.json` with the commit it was measured on and
later retests (the survivors' mutants rerun after new spec tests). A module whose
source changed after its run, or that was never measured, is marked so below:
its row (or its absence) is not a statement about the current code. The one
earlier run (commit `88a20de`, before the structure refactor moved code into
`framework/sansio/app.py` and others) tested 1,945 of 3,123 mutants; its results
name functions that have since changed and are not carried over.

Limits of the method: mutmut 3 mutates function bodies only, and a mutant is
active only while its function is called from a test. Code that runs at import
(decorators applied in class bodies, `__set_name__`) therefore shows as
survivors no test can kill, and tests that run the app in another process
(live servers, `flask` CLI subprocesses) cannot see mutants at all.
"""


def render_report(
    scores: list[ModuleScore],
    equivalents: dict[str, str],
    runs: dict[str, ModuleRun | None],
    current_sources: dict[str, str],
    deep_run: list[str] | None = None,
) -> str:
    """Return reports/mutation.md; ``deep_run`` is the summary of the recorded deep
    differential run (reports/differential-deep.md), if there is one."""
    measured = [e for e in scores if runs.get(e.module) is not None]
    current = [e for e in measured if runs[e.module].source == current_sources[e.module]]  # type: ignore[union-attr]
    lines = [HEADER]
    lines += [
        "| module | measured on | mutants | killed | of which timeout/crash | survived "
        "| no spec test | equivalent | not run | score |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in scores:
        run = runs.get(entry.module)
        when = measured_on(run, current_sources[entry.module])
        if run is None:
            lines.append(f"| `{entry.module}` | {when} | | | | | | | | |")
            continue
        value = f"{entry.score:.1%}"
        if run.population and entry.relevant:
            low, high = wilson_interval(entry.killed, entry.relevant)
            value += f" (95% CI {low:.1%} to {high:.1%})"
        lines.append(
            f"| `{entry.module}` | {when} | {entry.total} | {entry.killed} | {entry.timeouts} "
            f"| {len(entry.survived)} | {len(entry.untested)} | {len(entry.equivalent)} "
            f"| {entry.not_run} | {value} |"
        )
    lines += [
        total_row("measured modules", measured),
        total_row("measured on current source", current),
    ]
    sampled = [e for e in current if runs[e.module].population]  # type: ignore[union-attr]
    if sampled:
        sizes = {e.module: runs[e.module].population or e.total for e in current}  # type: ignore[union-attr]
        first = [first_pass_score(e, runs[e.module], equivalents) for e in current]  # type: ignore[arg-type]
        for label, entries in (
            ("every mutant of the modules measured on current source, estimated", current),
            ("the same, sampled modules at their first pass (conservative)", first),
        ):
            estimate, margin = estimated_score(entries, sizes)
            lines.append(
                f"| **{label}** ({len(entries)}) | | {sum(sizes.values())} | | | | | | | "
                f"**{estimate:.1%}** (95% CI {estimate - margin:.1%} to "
                f"{min(estimate + margin, 1):.1%}) |"
            )
        passes = [
            f"`{e.module}` {f.score:.1%} ({f.killed} of {f.relevant})"
            for e, f in zip(current, first, strict=True)
            if f is not e
        ]
        if passes:
            lines += [
                "",
                "First passes of retested samples (the sample's score before spec tests were "
                "written for its survivors; the retest then measures those tests, so the "
                "retested score is optimistic for the rest of the module): "
                + "; ".join(passes)
                + ".",
            ]
        lines += [
            "",
            f"Sampled modules ({', '.join(f'`{e.module}`' for e in sampled)}): their rows "
            "count the sample only, with a 95% Wilson interval for the module's score. The "
            "estimated row weighs each module's score by its number of mutants (each "
            "sampled mutant stands for population/sample mutants of its module; a "
            "stratified ratio estimate, normal approximation with the finite-population "
            "correction).",
        ]
    unmeasured = [e.module for e in scores if runs.get(e.module) is None]
    stale = [e.module for e in measured if e not in current]
    lines.append("")
    if unmeasured or stale:
        lines += [
            "Not covered by the totals as a statement about the current framework: "
            + "; ".join(
                part
                for part in (
                    f"never measured: {', '.join(f'`{m}`' for m in unmeasured)}"
                    if unmeasured
                    else "",
                    f"changed since measured: {', '.join(f'`{m}`' for m in stale)}"
                    if stale
                    else "",
                )
                if part
            )
            + ".",
            "",
        ]
    lines += [
        "## Differential fuzzing",
        "",
        "The spec's other measure of strength: the `differential` area requires the",
        "framework to answer raw WSGI environs, `url_for` calls and test-client calls",
        "exactly as Flask does (see `reports/differential-deep.md`).",
        "",
    ]
    lines += [*deep_run, ""] if deep_run else ["No deep run recorded.", ""]
    lines += ["## Runs", ""]
    for entry in measured:
        run = runs[entry.module]
        assert run is not None
        lines.append(f"- `{entry.module}`: {run.description}")
        for retest in run.retests:
            lines.append(
                f"  - retest on `{retest['commit']}` ({retest['measured']}): {retest['mutants']}"
            )
    known = {name for run in runs.values() if run for name in run.exit_codes}
    orphans = sorted(name for name in equivalents if name not in known)
    lines += [
        "",
        "## Survivors",
        "",
        "Each is a gap in the spec (no conformance test observes the change) until a",
        "spec test kills it or it is reviewed as equivalent in",
        "`tests/mutation/equivalents.toml`.",
        "",
    ]
    for entry in scores:
        run = runs.get(entry.module)
        survivors = [(name, "survived") for name in entry.survived]
        survivors += [(name, "no spec test calls it") for name in entry.untested]
        if run is None or (not survivors and not entry.equivalent):
            continue
        lines += [f"### `{entry.module}`", ""]
        for name, status in survivors:
            lines += [f"#### `{name}`", "", f"Status: {status}.", ""]
            lines += ["```diff", run.diffs.get(name, "(diff unavailable)"), "```", ""]
        if entry.equivalent:
            # With the diff: mutant names are positions in a function, and a reason
            # written for one mutant must be checked against the change it names now.
            lines += ["Reviewed equivalents:", ""]
            for name in entry.equivalent:
                lines.append(f"- `{name}`: {' '.join(equivalents[name].split())}")
                lines += ["", "  ```diff", *changed_lines(run.diffs.get(name, "")), "  ```"]
            lines.append("")
    wrong = [name for entry in scores for name in entry.wrongly_equivalent]
    if wrong:
        lines += [
            "## Listed as equivalent, but a spec test fails on them",
            "",
            "Counted as killed; their entries in `tests/mutation/equivalents.toml` are wrong:",
            "",
        ]
        lines += [f"- `{name}`" for name in wrong]
        lines.append("")
    if orphans:
        lines += [
            "## Equivalents naming no recorded mutant",
            "",
            "Entries in `tests/mutation/equivalents.toml` whose mutant no recorded run",
            "has (the function changed, or its module was not measured):",
            "",
        ]
        lines += [f"- `{name}`" for name in orphans]
    return "\n".join(lines).rstrip() + "\n"


def changed_lines(diff: str) -> list[str]:
    """The removed and added lines of a mutant's diff, indented for a list item."""
    lines = [line for line in diff.splitlines() if line.startswith(("-", "+"))]
    return [f"  {line}" for line in lines if not line.startswith(("---", "+++"))]


def first_pass_score(
    entry: ModuleScore, run: ModuleRun, equivalents: dict[str, str]
) -> ModuleScore:
    """``entry`` as its sample stood before the retests (``entry`` itself when the run
    was not sampled or not retested); survivors since reviewed as equivalent stay out."""
    if not run.population or not run.first_pass:
        return entry
    survivors = run.first_pass["survivors"]
    first = ModuleScore(entry.module, killed=run.first_pass["killed"])
    first.equivalent = [name for name in survivors if name in equivalents]
    first.survived = [name for name in survivors if name not in equivalents]
    return first


def wilson_interval(killed: int, relevant: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a module's score from a sample of ``relevant``."""
    share = killed / relevant
    denominator = 1 + z * z / relevant
    centre = (share + z * z / (2 * relevant)) / denominator
    half = z * math.sqrt(share * (1 - share) / relevant + z * z / (4 * relevant**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def estimated_score(
    entries: list[ModuleScore], population: dict[str, int], z: float = 1.96
) -> tuple[float, float]:
    """Estimate the score over every mutant of ``entries``' modules, some measured on a
    sample: each module's sampled non-equivalent mutants stand for ``population / total``
    as many. Return the estimate and the half-width of its 95% interval."""
    weighted_relevant = {
        e.module: e.relevant * population[e.module] / e.total for e in entries if e.total
    }
    everything = sum(weighted_relevant.values())
    if not everything:
        return 1.0, 0.0
    value = 0.0
    variance = 0.0
    for entry in entries:
        if not entry.total or not entry.relevant:
            continue
        share = weighted_relevant[entry.module] / everything
        value += share * entry.score
        unsampled = 1 - entry.total / population[entry.module]
        variance += share**2 * entry.score * (1 - entry.score) / entry.relevant * unsampled
    return value, z * math.sqrt(variance)


def total_row(label: str, entries: list[ModuleScore]) -> str:
    """A totals row over ``entries``."""
    killed = sum(e.killed for e in entries)
    relevant = sum(e.relevant for e in entries)
    value = f"{killed / relevant:.1%}" if relevant else "-"
    return (
        f"| **{label}** ({len(entries)}) | | {sum(e.total for e in entries)} | {killed} "
        f"| {sum(e.timeouts for e in entries)} | {sum(len(e.survived) for e in entries)} "
        f"| {sum(len(e.untested) for e in entries)} | {sum(len(e.equivalent) for e in entries)} "
        f"| {sum(e.not_run for e in entries)} | **{value}** |"
    )
