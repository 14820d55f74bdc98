"""Running one spec test with plain Python: what a reproduction script does.

A script written by :mod:`conformance.repro` holds the source of one failing
test and of the test module's fixtures it uses, and a :class:`Repro` saying on
which implementation it failed, with which parameters and (for a property-based
test) which shrunk Hypothesis example. :meth:`Repro.main` builds the fixtures
as plain functions on the implementation under test, calls the test once, and
prints the rule, what the implementation did and what the rule expects. No
pytest run takes part: the test module is imported for its helpers, and
pytest's assertion messages are replaced by :class:`ExplainAsserts`, which makes
every ``assert a OP b`` report its two sides.

The suite's fixtures are plain functions here (:data:`PROVIDED`): ``impl``,
``reference``, ``driver``, ``make_app``, ``app``, ``client``, ``runner`` and pytest's
``tmp_path``, ``tmp_path_factory``, ``monkeypatch`` and ``caplog``.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import importlib
import importlib.util
import inspect
import linecache
import logging
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import hypothesis
import hypothesis.errors
import pytest

from conformance.drivers import BUILTIN_DRIVERS, Driver, DriverError, WsgiDriver, driver_class
from conformance.drivers.names import product_module
from conformance.implementation import (
    Implementation,
    ImplementationError,
    import_implementation,
    testing_app,
)
from conformance.profiles import activate_profile

FAULT = 1
FIXED = 0
CANNOT_RUN = 2


class MissingFixture(LookupError):
    """The test needs a fixture that has no plain-function form here."""


class RuleViolation(AssertionError):
    """An assertion of the test failed: the statement, and the values it compared."""

    def __init__(
        self, statement: str, got: Any, operator: str | None, expected: Any, message: Any
    ) -> None:
        self.statement = statement
        self.got = got
        self.operator = operator
        self.expected = expected
        self.message = message
        super().__init__(statement)

    def lines(self) -> list[str]:
        """Return what failed, what the implementation gave and what the rule expects."""
        out = [f"failed: {self.statement}", f"  got:      {self.got!r}"]
        if self.operator is not None:
            out.append(f"  expected: {self.operator} {self.expected!r}")
        else:
            out.append("  expected: a true value")
        if self.message is not None:
            out.append(f"  message:  {self.message}")
        return out


def _violation(
    statement: str, got: Any, operator: str | None, expected: Any, message: Any
) -> RuleViolation:
    return RuleViolation(statement, got, operator, expected, message)


_OPERATORS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_GOT = "_repro_got"
_EXPECTED = "_repro_expected"
_RAISE = "_repro_violation"


class ExplainAsserts(ast.NodeTransformer):
    """Rewrite ``assert`` so that a failure raises :class:`RuleViolation` with its values.

    ``assert a OP b`` evaluates each side once, into temporaries, and compares
    them; any other ``assert x`` keeps the value of ``x``.
    """

    def visit_Assert(self, node: ast.Assert) -> list[ast.stmt]:
        """Return the statements replacing one ``assert``."""
        statement = ast.unparse(node)
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _OPERATORS:
            operator = _OPERATORS[type(test.ops[0])]
            evaluate = [_assign(_GOT, test.left), _assign(_EXPECTED, test.comparators[0])]
            check: ast.expr = ast.Compare(_load(_GOT), test.ops, [_load(_EXPECTED)])
            details = [_load(_GOT), ast.Constant(operator), _load(_EXPECTED)]
        else:
            evaluate = [_assign(_GOT, test)]
            check = _load(_GOT)
            details = [_load(_GOT), ast.Constant(None), ast.Constant(None)]
        message = node.msg if node.msg is not None else ast.Constant(None)
        fail = ast.Raise(
            exc=ast.Call(_load(_RAISE), [ast.Constant(statement), *details, message], []),
            cause=None,
        )
        replacement: list[ast.stmt] = [
            *evaluate,
            ast.If(test=ast.UnaryOp(ast.Not(), check), body=[fail], orelse=[]),
        ]
        for new in replacement:
            ast.copy_location(new, node)
            ast.fix_missing_locations(new)
        return replacement


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[ast.Name(name, ast.Store())], value=value)


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def defined_names(source: str) -> list[str]:
    """Return the names of the functions ``source`` defines at its top level."""
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def define(source: str, namespace: dict[str, Any], filename: str) -> None:
    """Execute function definitions ``source`` in ``namespace``, their asserts explained."""
    tree = ExplainAsserts().visit(ast.parse(source, filename))
    # so that a traceback through the embedded code shows its lines
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace[_RAISE] = _violation
    exec(compile(tree, filename, "exec"), namespace)


class LogCapture(logging.Handler):
    """pytest's ``caplog`` as a plain object: the records logged while the test runs."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self._restore: list[tuple[logging.Logger, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        """The messages of the records, formatted with their arguments."""
        return [record.getMessage() for record in self.records]

    @property
    def record_tuples(self) -> list[tuple[str, int, str]]:
        """``(logger name, level, message)`` of each record."""
        return [(record.name, record.levelno, record.getMessage()) for record in self.records]

    @property
    def text(self) -> str:
        """The records as lines of text."""
        return "".join(f"{record.levelname} {record.getMessage()}\n" for record in self.records)

    def clear(self) -> None:
        """Forget the records so far."""
        self.records.clear()

    def set_level(self, level: int | str, logger: str | None = None) -> None:
        """Set a logger's level until the test ends."""
        target = logging.getLogger(logger)
        self._restore.append((target, target.level))
        target.setLevel(level)

    @contextlib.contextmanager
    def at_level(self, level: int | str, logger: str | None = None) -> Iterator[None]:
        """Set a logger's level for the ``with`` block."""
        target = logging.getLogger(logger)
        before = target.level
        target.setLevel(level)
        try:
            yield
        finally:
            target.setLevel(before)

    def restore(self) -> None:
        """Put back the levels :meth:`set_level` changed."""
        for target, level in reversed(self._restore):
            target.setLevel(level)


class TempPathFactory:
    """pytest's ``tmp_path_factory`` as a plain object, under one temporary folder."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def getbasetemp(self) -> Path:
        """The folder every path it makes is under."""
        return self.base

    def mktemp(self, basename: str, numbered: bool = True) -> Path:
        """Make and return a new folder."""
        if numbered:
            return Path(tempfile.mkdtemp(prefix=f"{basename}-", dir=self.base))
        path = self.base / basename
        path.mkdir()
        return path


@dataclasses.dataclass(frozen=True)
class Repro:
    """What a reproduction script knows of the failure it reproduces."""

    key: str
    rule: str
    level: str
    recorded: str
    impl: str
    impl_folder: str | None
    reference: str | None
    module: str
    module_file: str
    function: str
    params: dict[str, int] = dataclasses.field(default_factory=dict)
    autouse: list[str] = dataclasses.field(default_factory=list)
    hypothesis_blob: str | None = None
    hypothesis_version: str | None = None
    seed: str | None = None
    driver: str | None = None

    def main(self, test_source: str, fixtures_source: str, helpers: str, argv: list[str]) -> int:
        """Run the test once on ``--impl`` (default: the one that failed); return the exit code."""
        impl = argv[argv.index("--impl") + 1] if "--impl" in argv else self.impl
        print(f"rule [{self.key}] ({self.level}): {self.rule}")
        print(f"implementation: {impl} (the run recorded: {self.recorded})", flush=True)
        if impl == self.impl and self.impl_folder:
            sys.path.insert(0, self.impl_folder)
        try:
            session = Session(self, impl)
            test = session.define(test_source, fixtures_source, helpers)
        except (ImportError, KeyError, SyntaxError) as exc:
            print(f"cannot build the test outside the suite: {exc}")
            return CANNOT_RUN
        for name, value in session.values.items():
            print(f"parameter {name} = {value!r}")
        try:
            with session:
                session.call(test)
        except (ImplementationError, DriverError, MissingFixture) as exc:
            print(f"cannot build the test outside the suite: {exc}")
            return CANNOT_RUN
        except hypothesis.errors.DidNotReproduce:
            print(f"the shrunk example no longer fails: {impl} now follows [{self.key}]")
            return FIXED
        except pytest.skip.Exception as exc:
            print(f"skipped: {exc.msg}")
            return FIXED
        except RuleViolation as exc:
            print("\n".join(exc.lines()))
            _print_notes(exc)
            return self._fault(impl)
        except (Exception, pytest.fail.Exception) as exc:
            print("the test raised:")
            traceback.print_exception(exc, limit=-8, file=sys.stdout)
            return self._fault(impl)
        print(f"{impl} now follows [{self.key}]")
        return FIXED

    def _fault(self, impl: str) -> int:
        print(f"FAULT: {impl} breaks [{self.key}] {self.rule}")
        return FAULT


def _uses_hypothesis(test_source: str) -> bool:
    return "@given" in test_source


def _load_replay_profile() -> None:
    """Load the suite's Hypothesis profile, keeping no example database (before the test's
    own ``@settings`` are made, which inherit it)."""
    profile = activate_profile() or "default"
    hypothesis.settings.register_profile(
        "repro", parent=hypothesis.settings.get_profile(profile), database=None
    )
    hypothesis.settings.load_profile("repro")


def _print_notes(exc: BaseException) -> None:
    for note in getattr(exc, "__notes__", ()):
        print(note)


class Session(contextlib.ExitStack):
    """The fixtures of one call of the test, built on demand and torn down at the end."""

    def __init__(self, repro: Repro, impl: str) -> None:
        super().__init__()
        self.repro = repro
        self.impl_name = impl
        self.module = _import_module(repro.module, repro.module_file)
        self.namespace: dict[str, Any] = dict(vars(self.module))
        self.fixtures: dict[str, Callable[..., Any]] = {}
        self.values: dict[str, Any] = {}
        # the recorded driver (a built-in's name) drives the implementation that failed
        recorded = repro.driver if impl == repro.impl and repro.driver in BUILTIN_DRIVERS else None
        self.driver_option = recorded
        self.driver_class: type[Driver] = WsgiDriver

    def define(self, test_source: str, fixtures_source: str, helpers: str) -> Callable[..., Any]:
        """Define the embedded helpers, fixtures and test in the test module's namespace;
        return the test."""
        define(helpers, self.namespace, f"<helpers of {self.repro.function}>")
        define(fixtures_source, self.namespace, f"<fixtures of {self.repro.function}>")
        self.fixtures = {name: self.namespace[name] for name in defined_names(fixtures_source)}
        if _uses_hypothesis(test_source):
            _load_replay_profile()
        define(test_source, self.namespace, f"<{self.repro.function}>")
        test = self.namespace[self.repro.function]
        self.values.update(parameters(getattr(self.module, self.repro.function), self.repro.params))
        return self._replaying(test)

    def _replaying(self, test: Callable[..., Any]) -> Callable[..., Any]:
        if not hasattr(test, "hypothesis"):
            return test
        version, blob = self.repro.hypothesis_version, self.repro.hypothesis_blob
        if version and blob and version == hypothesis.__version__:
            return hypothesis.reproduce_failure(version, blob.encode("ascii"))(test)
        if self.repro.seed:
            return hypothesis.seed(int(self.repro.seed))(test)
        return test

    def call(self, test: Callable[..., Any]) -> None:
        """Build the autouse fixtures and the test's arguments, then call the test once."""
        for name in self.repro.autouse:
            self.value(name)
        names = [
            name
            for name, parameter in inspect.signature(test).parameters.items()
            if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
        ]
        test(**{name: self.value(name) for name in names})

    def value(self, name: str) -> Any:
        """Return fixture ``name``'s value, building it (and what it needs) on first use."""
        if name in self.values:
            return self.values[name]
        function = self.fixtures.get(name)
        if function is not None:
            arguments = {
                needed: self.value(needed) for needed in inspect.signature(function).parameters
            }
            value = function(**arguments)
            if inspect.isgenerator(value):
                generator = value
                value = next(generator)
                self.callback(_finish, generator)
        elif name in PROVIDED:
            value = PROVIDED[name](self)
        else:
            raise MissingFixture(f"no fixture {name!r} outside pytest")
        self.values[name] = value
        return value


def _finish(generator: Iterator[Any]) -> None:
    next(generator, None)


def _import_module(name: str, file: str) -> ModuleType:
    """Import the test's module: from the installed suite when it is there, else from ``file``."""
    with contextlib.suppress(ImportError):
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the test module {name} from {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def parameters(function: Any, chosen: dict[str, int]) -> dict[str, Any]:
    """Return the arguments of the ``parametrize`` marks of ``function`` at the chosen
    positions (``chosen`` maps each mark's comma-joined argument names to an index)."""
    values: dict[str, Any] = {}
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names = argument_names(mark.args[0] if mark.args else mark.kwargs["argnames"])
        if ",".join(names) not in chosen:
            continue
        argvalues = list(mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"])
        items = parameter_values(argvalues[chosen[",".join(names)]], len(names))
        values.update(zip(names, items, strict=True))
    return values


def parameter_values(value: Any, count: int) -> tuple[Any, ...]:
    """Return the values one entry of a ``parametrize`` mark's argvalues gives its
    ``count`` argument names (the entry may be a ``pytest.param``)."""
    if isinstance(value, tuple) and hasattr(value, "marks") and hasattr(value, "id"):
        return tuple(getattr(value, "values"))  # noqa: B009 - a pytest.param(...)
    return (value,) if count == 1 else tuple(value)


def argument_names(argnames: str | list[str] | tuple[str, ...]) -> list[str]:
    """Return a ``parametrize`` mark's argument names as a list."""
    if isinstance(argnames, str):
        return [name.strip() for name in argnames.split(",") if name.strip()]
    return list(argnames)


def _impl(session: Session) -> Any:
    module = import_implementation(session.impl_name)
    session.driver_class = driver_class(session.driver_option, module)
    return Implementation(product_module(module, session.driver_class.renamed))


def _driver(session: Session) -> Driver:
    impl = session.value("impl")
    driver = session.driver_class(impl)
    session.callback(driver.close)
    return driver


def _reference(session: Session) -> Any:
    name = session.repro.reference
    return Implementation(import_implementation(name, "--reference")) if name else None


def _make_app(session: Session) -> Callable[..., Any]:
    impl = session.value("impl")
    return lambda import_name="conformance_app", **kwargs: testing_app(impl, import_name, **kwargs)


def _tmp_path(session: Session) -> Path:
    return session.value("tmp_path_factory").mktemp("tmp")


def _tmp_path_factory(session: Session) -> TempPathFactory:
    base = Path(tempfile.mkdtemp(prefix="conformance-repro-"))
    session.callback(shutil.rmtree, base, ignore_errors=True)
    return TempPathFactory(base)


def _monkeypatch(session: Session) -> pytest.MonkeyPatch:
    patch = pytest.MonkeyPatch()
    session.callback(patch.undo)
    return patch


def _caplog(session: Session) -> LogCapture:
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    session.callback(root.removeHandler, capture)
    session.callback(capture.restore)
    return capture


PROVIDED: dict[str, Callable[[Session], Any]] = {
    "impl": _impl,
    "reference": _reference,
    "make_app": _make_app,
    "app": lambda session: session.value("make_app")(),
    "driver": _driver,
    "client": lambda session: session.value("driver").client(session.value("app")),
    "runner": lambda session: session.value("driver").cli_runner(session.value("app")),
    "tmp_path": _tmp_path,
    "tmp_path_factory": _tmp_path_factory,
    "monkeypatch": _monkeypatch,
    "caplog": _caplog,
}
"""The suite's and pytest's fixtures, as plain functions of the session."""
