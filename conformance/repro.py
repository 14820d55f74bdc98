"""A runnable reproduction for every failure.

A run that writes its results (``--conformance-json PATH``) also writes, for each
test that failed (unexpectedly, expectedly, or at the should level),
``repro/<key>.py`` beside PATH: a standalone script, run with plain ``python``
(no pytest run, no conformance plugin). It holds the test's own source and that
of the test module's fixtures it uses, builds them as plain functions on the
implementation that failed (its folder put on the path), calls the test once
with the parameters of the failing case and, for a property-based test, the
shrunk example Hypothesis found (``@reproduce_failure``, else the run's seed),
prints the rule and what the implementation gave against what it expects, and
exits 1 while the fault is there, 0 once it is fixed (2 when it cannot build the
test). ``python repro/<key>.py --impl OTHER`` runs it on another implementation.
See :mod:`conformance.standalone` for how it runs.

What the run must record for that, at the failure (:func:`replay_of`): the test
module and function, the position of each ``parametrize`` argument, and
Hypothesis's reproduction blob.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance import results
from conformance.standalone import argument_names, parameter_values

REPRO_FOLDER = "repro"
SUITE_FOLDER = Path(__file__).resolve().parent
_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\[\]=,]+")
_BLOB = re.compile(r"@reproduce_failure\('([^']+)', b'([^']*)'\)")

SCRIPT = '''#!/usr/bin/env python3
"""Reproduce a conformance failure of {impl!r}.

[{key}] {doc_rule}
(level {level}; the run recorded: {outcome})

Plain Python, no pytest run: the test and the fixtures of its module that it
uses are below, as the suite has them; impl, driver, make_app, app, client,
runner, reference, tmp_path, monkeypatch and caplog are conformance.standalone's plain
versions of the suite's fixtures (an app is impl.Flask in testing mode with a
secret key). Prints what the implementation gave and what the rule expects;
exits 1 while the fault is there, 0 once it is fixed.
Run on another implementation with: python {filename} --impl MODULE
"""

import sys

from conformance.standalone import Repro

REPRO = Repro(
    key={key!r},
    rule={rule!r},
    level={level!r},
    recorded={message!r},
    impl={impl!r},
    impl_folder={impl_folder!r},
    reference={reference!r},
    module={module!r},
    module_file={module_file!r},
    function={function!r},
    params={params!r},
    autouse={autouse!r},
    hypothesis_blob={blob!r},
    hypothesis_version={version!r},
    seed={seed!r},
    driver={driver!r},
)

# The functions of {module_name} the test and its fixtures call.
HELPERS = {helpers}

# The fixtures of {module_name} the test uses, as plain functions.
FIXTURES = {fixtures}

# The test (its pytest markers left out).
TEST = {test}

if __name__ == "__main__":
    sys.exit(REPRO.main(TEST, FIXTURES, HELPERS, sys.argv[1:]))
'''


def replay_of(item: pytest.Item, call: pytest.CallInfo[None]) -> dict[str, Any] | None:
    """Return what a reproduction of ``item``'s failure needs to know (JSON-ready), or None
    when it is not a test function."""
    function = getattr(item, "function", None)
    module = getattr(item, "module", None)
    if function is None or module is None:
        return None
    version, blob = hypothesis_blob(call.excinfo.value if call.excinfo else None)
    return {
        "module": module.__name__,
        "module_file": str(item.path),
        "function": getattr(item, "originalname", item.name),
        "params": chosen_parameters(function, getattr(item, "callspec", None)),
        "hypothesis_version": version,
        "hypothesis_blob": blob,
    }


def hypothesis_blob(error: BaseException | None) -> tuple[str | None, str | None]:
    """Return the Hypothesis version and ``@reproduce_failure`` blob in ``error``'s notes."""
    for note in getattr(error, "__notes__", ()):
        match = _BLOB.search(str(note))
        if match:
            return match.group(1), match.group(2)
    return None, None


def chosen_parameters(function: Any, callspec: Any) -> dict[str, int]:
    """Return, for each ``parametrize`` mark of ``function``, the position of the values
    ``callspec`` holds, keyed by the mark's comma-joined argument names."""
    if callspec is None:
        return {}
    chosen: dict[str, int] = {}
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names = argument_names(mark.args[0] if mark.args else mark.kwargs["argnames"])
        argvalues = mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"]
        for index, value in enumerate(argvalues):
            items = parameter_values(value, len(names))
            if all(
                callspec.params.get(name, _MISSING) is item
                for name, item in zip(names, items, strict=True)
            ):
                chosen[",".join(names)] = index
                break
    return chosen


_MISSING = object()


@dataclasses.dataclass(frozen=True)
class EmbeddedSources:
    """The source a reproduction script embeds: the test, the module's fixtures it uses
    and the module's own helper functions they call, and its autouse fixtures' names."""

    test: str
    fixtures: str
    helpers: str
    autouse: list[str]


def embedded_sources(module_file: Path, function: str) -> EmbeddedSources:
    """Return the source of test ``function`` (without its ``pytest.*`` decorators), of
    the module's fixtures it uses (undecorated) and of the module's functions they call."""
    text = module_file.read_text(encoding="utf-8")
    tree = ast.parse(text)
    definitions = {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    fixtures = {name: node for name, node in definitions.items() if _fixture_decorator(node)}
    autouse = [name for name, node in fixtures.items() if _is_autouse(node)]
    test = definitions[function]
    used = _closure([*autouse, *_argument_names(test)], fixtures, _argument_names)
    helpers = {
        name: node
        for name, node in definitions.items()
        if name not in fixtures and name != function and not name.startswith("test_")
    }
    called = _closure(
        [name for node in [test, *(fixtures[name] for name in used)] for name in _names(node)],
        helpers,
        _names,
    )
    kept = [
        f"@{ast.get_source_segment(text, decorator)}"
        for decorator in test.decorator_list
        if not ast.unparse(decorator).startswith("pytest.")
    ]
    return EmbeddedSources(
        test="\n".join([*kept, _segment(text, test)]) + "\n",
        fixtures=_joined(text, [node for name, node in fixtures.items() if name in used]),
        helpers=_joined(text, [node for name, node in helpers.items() if name in called]),
        autouse=autouse,
    )


_Function = ast.FunctionDef | ast.AsyncFunctionDef


def _closure(
    start: list[str], nodes: Mapping[str, _Function], needs: Callable[[_Function], list[str]]
) -> set[str]:
    """Return the names in ``nodes`` reached from ``start`` through what each ``needs``."""
    wanted, found = list(start), set()
    while wanted:
        name = wanted.pop()
        if name in nodes and name not in found:
            found.add(name)
            wanted += needs(nodes[name])
    return found


def _names(node: _Function) -> list[str]:
    return [name.id for name in ast.walk(node) if isinstance(name, ast.Name)]


def _joined(text: str, nodes: list[_Function]) -> str:
    """The undecorated source of ``nodes``, in the module's order."""
    return "".join(_segment(text, node) + "\n\n" for node in nodes).rstrip("\n") + (
        "\n" if nodes else ""
    )


def _segment(text: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The source of a top-level function from ``def`` on (its decorators left out)."""
    lines = text.splitlines()
    return "\n".join(lines[node.lineno - 1 : node.end_lineno])


def _fixture_decorator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)


def _is_autouse(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and any(
            keyword.arg == "autouse"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in decorator.keywords
        )
        for decorator in node.decorator_list
    )


def _argument_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    return [argument.arg for argument in [*node.args.args, *node.args.kwonlyargs]]


def source_literal(source: str) -> str:
    """Return ``source`` as a readable Python string literal (raw triple-quoted when it can)."""
    if not source:
        return '""'
    if "'''" not in source and not source.endswith("\\"):
        return "r'''\n" + source + "'''"
    return repr(source)


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
    run: results.RunResults,
    results_path: Path,
    invocation_dir: Path,
    replays: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> list[Path]:
    """Write ``repro/<key>.py`` beside ``results_path`` for each failing test; return them.

    ``replays`` holds what :func:`replay_of` recorded at each failure, by test key; a
    failure without one is replayed from its node ID, without parameters.
    """
    failing = failures(run.tests)
    if not failing:
        return []
    folder = results_path.parent / REPRO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for test in failing:
        replay = (replays or {}).get(test.key) or replay_of_nodeid(test.nodeid, invocation_dir)
        path = folder / repro_name(test.key)
        path.write_text(_script(run, test, replay, path.name), encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return written


def _script(
    run: results.RunResults, test: results.TestResult, replay: Mapping[str, Any], name: str
) -> str:
    module_file = Path(replay["module_file"])
    sources = embedded_sources(module_file, replay["function"])
    return SCRIPT.format(
        impl=run.implementation.name,
        key=test.key,
        rule=test.rule,
        doc_rule=_docstring_safe(test.rule),
        level=test.level,
        outcome=test.outcome,
        message=test.message or "no message",
        filename=f"{REPRO_FOLDER}/{name}",
        impl_folder=implementation_folder(run.implementation),
        reference=run.reference.name if run.reference else None,
        module=replay["module"],
        module_name=module_file.name,
        module_file=str(module_file),
        function=replay["function"],
        params=dict(replay.get("params") or {}),
        autouse=sources.autouse,
        blob=replay.get("hypothesis_blob"),
        version=replay.get("hypothesis_version"),
        seed=run.hypothesis.seed,
        driver=run.selection.driver,
        helpers=source_literal(sources.helpers),
        fixtures=source_literal(sources.fixtures),
        test=source_literal(sources.test),
    )


def replay_of_nodeid(nodeid: str, invocation_dir: Path) -> dict[str, Any]:
    """Return a replay of test ``nodeid`` without parameters or Hypothesis blob (for a
    failure whose run recorded none)."""
    path, _, name = nodeid.partition("::")
    file = invocation_dir / path
    if path.startswith(f"{SUITE_FOLDER.name}/"):
        file = SUITE_FOLDER / path[len(SUITE_FOLDER.name) + 1 :]
        module = f"{SUITE_FOLDER.name}.{Path(path).stem}"
    else:
        module = Path(path).stem
    return {"module": module, "module_file": str(file), "function": name.split("[", 1)[0]}
