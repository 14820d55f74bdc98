"""A runnable reproduction for every failure.

A run that writes its results (``--conformance-json PATH``) also writes, for each
test that failed (unexpectedly, expectedly, or at the should level),
``repro/<key>.py`` beside PATH: a standalone script that prints the rule, re-runs
exactly that test (by its node ID in the installed suite) on the same
implementation (its folder put on the path), reference, Hypothesis seed and
declared-absent features, with no expectations file and should-level rules
gated, prints what it got, and exits 1 while the fault is there (0 once fixed).
``python repro/<key>.py --impl OTHER`` runs it on another implementation.

What it does not do yet: rebuild the app and requests of the test outside pytest;
the test's own code (and, for property-based tests, Hypothesis's shrunk example
printed by the re-run) is what shows the smallest failing case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from conformance import results

REPRO_FOLDER = "repro"
_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\[\]=,]+")

SCRIPT = '''#!/usr/bin/env python3
"""Reproduce a conformance failure of {impl!r}.

[{key}] {doc_rule}
(level {level}; the run recorded: {outcome})

Re-runs exactly this test with the implementation, reference, Hypothesis seed and
features of that run; exits 1 while the fault is there, 0 once it is fixed.
Run on another implementation with: python {filename} --impl MODULE
"""

import os
import subprocess
import sys
from pathlib import Path

KEY = {key!r}
RULE = {rule!r}
RECORDED = {message!r}
NODE = {nodeid!r}
IMPL = {impl!r}
IMPL_FOLDER = {impl_folder!r}
REFERENCE = {reference!r}
SEED = {seed!r}
WITHOUT = {without!r}
INVOCATION_DIR = {invocation_dir!r}


def target() -> str:
    """The test's node ID, resolved in the installed suite (or the folder it ran from)."""
    if NODE.startswith("conformance/"):
        import conformance

        suite = Path(conformance.__file__).resolve().parent
        path, _, name = NODE[len("conformance/") :].partition("::")
        return f"{{suite / path}}::{{name}}"
    path, _, name = NODE.partition("::")
    return f"{{Path(INVOCATION_DIR) / path}}::{{name}}"


def main(argv: list[str]) -> int:
    impl = argv[argv.index("--impl") + 1] if "--impl" in argv else IMPL
    env = dict(os.environ)
    if impl == IMPL and IMPL_FOLDER:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [IMPL_FOLDER, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "pytest", target(), "-p", "no:locust",
               "-p", "no:cacheprovider", "-q", "--tb=short", "--impl", impl,
               "--expectations", os.devnull, "--strict-levels"]
    if REFERENCE:
        command += ["--reference", REFERENCE]
    if SEED:
        command += ["--seed", SEED]
    for feature in WITHOUT:
        command += ["--without", feature]
    print(f"rule [{{KEY}}]: {{RULE}}")
    print(f"implementation: {{impl}} (the run recorded: {{RECORDED}})")
    print("$ " + " ".join(command), flush=True)
    completed = subprocess.run(command, env=env, check=False)
    if completed.returncode == 0:
        print(f"{{impl}} now follows [{{KEY}}]")
        return 0
    print(f"FAULT: {{impl}} breaks [{{KEY}}] {{RULE}}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''


def repro_name(key: str) -> str:
    """Return the file name of a test key's reproduction script."""
    return _UNSAFE.sub("_", key) + ".py"


def failures(tests: Iterable[results.TestResult]) -> list[results.TestResult]:
    """Return the tests whose implementation did not behave as the rule says."""
    return [test for test in tests if test.outcome in results.FAILING_OUTCOMES]


def implementation_folder(info: results.ImplementationInfo) -> str | None:
    """Return the folder to put on the path for the implementation to import, if known."""
    if not info.path:
        return None
    path = Path(info.path)
    depth = info.name.count(".")
    folder = path.parent
    for _ in range(depth):
        folder = folder.parent
    return str(folder)


def _docstring_safe(text: str) -> str:
    """Return ``text`` safe inside a triple-quoted docstring."""
    return text.replace(chr(92), "/").replace(chr(34) * 3, chr(39) * 3)


def write_repro_scripts(
    run: results.RunResults, results_path: Path, invocation_dir: Path
) -> list[Path]:
    """Write ``repro/<key>.py`` beside ``results_path`` for each failing test; return them."""
    failing = failures(run.tests)
    if not failing:
        return []
    folder = results_path.parent / REPRO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for test in failing:
        path = folder / repro_name(test.key)
        path.write_text(
            SCRIPT.format(
                impl=run.implementation.name,
                key=test.key,
                rule=test.rule,
                doc_rule=_docstring_safe(test.rule),
                level=test.level,
                outcome=test.outcome,
                message=test.message or "no message",
                filename=f"{REPRO_FOLDER}/{path.name}",
                nodeid=test.nodeid,
                impl_folder=implementation_folder(run.implementation),
                reference=run.reference.name if run.reference else None,
                seed=run.hypothesis.seed,
                without=list(run.selection.without),
                invocation_dir=str(invocation_dir),
            ),
            encoding="utf-8",
        )
        path.chmod(0o755)
        written.append(path)
    return written
