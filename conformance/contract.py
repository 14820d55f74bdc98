"""The contract between the suite and an implementation under test.

An implementation is a Python module (``--impl MODULE``). The suite reaches it only
through the names listed here: top-level names (``Flask``, ``request``) and names in
submodules (``sessions.SecureCookieSessionInterface``). A submodule is found as an
attribute of the implementation module first and is otherwise imported as
``MODULE.SUBMODULE``, so a package that re-exports another one can hand its
submodules over as attributes.

Names are grouped into *features*. Required features are the Flask API every
implementation must have; a missing name there is a failure. Optional features
(``cli``, ``python-m``, ``async``, ``wsgi``) are parts of Flask an implementation
may leave out on purpose: it declares them (``--without FEATURE`` or ``without``
in its expectations file) and their tests are reported as not applicable.

:func:`preflight` checks a module against the contract; ``python -m conformance
check-impl MODULE`` prints that check, and the pytest run performs it before any
test runs.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType

SIGNAL_NAMES = {
    "template_rendered": "template-rendered",
    "before_render_template": "before-render-template",
    "request_started": "request-started",
    "request_finished": "request-finished",
    "request_tearing_down": "request-tearing-down",
    "got_request_exception": "got-request-exception",
    "appcontext_tearing_down": "appcontext-tearing-down",
    "appcontext_pushed": "appcontext-pushed",
    "appcontext_popped": "appcontext-popped",
    "message_flashed": "message-flashed",
}
"""The signals the suite connects to: top-level name -> the signal's blinker name."""


@dataclasses.dataclass(frozen=True)
class Feature:
    """A named part of the API that the suite checks as a whole.

    ``names`` are dotted names resolved on the implementation module; ``areas`` are
    spec areas all of whose tests need the feature; ``fixtures`` are fixtures whose
    use marks a test as needing it; tests elsewhere say so with
    ``@pytest.mark.needs("FEATURE")``. ``probe`` checks what is not a name (an
    entry point) and returns what is missing, or ``None``. A test of one of
    ``areas`` that declares a need in ``waived_by`` does not need the feature (a live
    test run on an ASGI server, in the WSGI feature's ``deployment`` area).
    """

    name: str
    summary: str
    optional: bool
    names: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    fixtures: tuple[str, ...] = ()
    entry_points: tuple[str, ...] = ()
    probe: Callable[[ModuleType], str | None] | None = None
    waived_by: tuple[str, ...] = ()


def _probe_python_m(module: ModuleType) -> str | None:
    main_name = f"{module.__name__}.__main__"
    try:
        found = importlib.util.find_spec(main_name) if module.__spec__ else None
    except (ImportError, ValueError):
        found = None
    return None if found else f"python -m {module.__name__} (no module {main_name})"


CORE_NAMES = ("Flask",)
"""Names without which no test can run: a module lacking them is not an implementation."""

FEATURES: tuple[Feature, ...] = (
    Feature(
        "core",
        "The application class, the context proxies and the response helpers.",
        optional=False,
        names=(
            "Flask",
            "Config",
            "Request",
            "Response",
            "request",
            "session",
            "g",
            "current_app",
            "url_for",
            "abort",
            "redirect",
            "make_response",
            "jsonify",
            "has_app_context",
            "has_request_context",
            "after_this_request",
            "copy_current_request_context",
            "stream_with_context",
            "ctx.AppContext",
            "ctx._AppCtxGlobals",
            "ctx.RequestContext",
            "app.App",
        ),
    ),
    Feature(
        "blueprints",
        "Blueprints and their setup state.",
        optional=False,
        names=("Blueprint", "blueprints.BlueprintSetupState"),
    ),
    Feature(
        "templates",
        "Rendering Jinja templates from files and strings, whole and streamed.",
        optional=False,
        names=(
            "render_template",
            "render_template_string",
            "stream_template",
            "stream_template_string",
            "get_template_attribute",
        ),
    ),
    Feature(
        "flashing",
        "Message flashing.",
        optional=False,
        names=("flash", "get_flashed_messages"),
    ),
    Feature(
        "files",
        "Sending files.",
        optional=False,
        names=("send_file", "send_from_directory"),
    ),
    Feature(
        "signals",
        "The blinker signals, at top level and in the signals submodule.",
        optional=False,
        names=(*SIGNAL_NAMES, "signals.Namespace"),
    ),
    Feature(
        "json",
        "The json submodule, its provider and the tagged serializer of sessions.",
        optional=False,
        names=(
            "json.dumps",
            "json.loads",
            "json.dump",
            "json.load",
            "json.jsonify",
            "json.provider.JSONProvider",
            "json.provider.DefaultJSONProvider",
            "json.tag.TaggedJSONSerializer",
            "json.tag.JSONTag",
        ),
    ),
    Feature(
        "sessions",
        "The session interface and the signed-cookie session.",
        optional=False,
        names=(
            "sessions.SessionInterface",
            "sessions.SecureCookieSessionInterface",
            "sessions.SecureCookieSession",
            "sessions.NullSession",
        ),
    ),
    Feature(
        "views",
        "Class-based views.",
        optional=False,
        names=("views.View", "views.MethodView"),
    ),
    Feature(
        "logging",
        "The default log handler and the WSGI error stream.",
        optional=False,
        names=("logging.default_handler", "logging.wsgi_errors_stream"),
    ),
    Feature(
        "cli",
        "The command line: app.cli, the test CLI runner and the cli submodule.",
        optional=True,
        names=(
            "cli.FlaskGroup",
            "cli.AppGroup",
            "cli.ScriptInfo",
            "cli.NoAppException",
            "cli.with_appcontext",
            "cli.load_dotenv",
            "cli.find_app_by_string",
            "Flask.test_cli_runner",
        ),
        areas=("cli",),
        fixtures=("runner", "cli_module", "command"),
    ),
    Feature(
        "python-m",
        "Running the command line as `python -m MODULE`.",
        optional=True,
        fixtures=("command",),
        entry_points=("python -m MODULE",),
        probe=_probe_python_m,
    ),
    Feature(
        "async",
        "async def views, hooks, handlers and class-based view methods.",
        optional=True,
        areas=("async",),
    ),
    Feature(
        "wsgi",
        "The WSGI level: request.environ, app.wsgi_app middleware and real WSGI servers.",
        optional=True,
        names=("Flask.wsgi_app",),
        areas=("deployment",),
        waived_by=("asgi",),
    ),
)
"""Every feature of the contract, required ones first."""

FEATURES_BY_NAME = {feature.name: feature for feature in FEATURES}
OPTIONAL_FEATURES = tuple(feature.name for feature in FEATURES if feature.optional)


class ContractError(Exception):
    """A feature name is unknown (the message is one line)."""


def check_feature_names(names: Iterable[str], where: str) -> list[str]:
    """Return ``names`` if every one is an optional feature, else raise :class:`ContractError`."""
    checked = []
    for name in names:
        if name not in FEATURES_BY_NAME:
            raise ContractError(
                f"{where}: unknown feature {name!r}; optional features: "
                f"{', '.join(OPTIONAL_FEATURES)}"
            )
        if not FEATURES_BY_NAME[name].optional:
            raise ContractError(
                f"{where}: feature {name!r} is required and cannot be left out; "
                f"optional features: {', '.join(OPTIONAL_FEATURES)}"
            )
        checked.append(name)
    return checked


def resolve(module: ModuleType, dotted_name: str) -> object:
    """Return ``dotted_name`` looked up on ``module``; raise AttributeError if it is missing.

    Each component is an attribute of the object before it; on a module, a missing
    attribute is then imported as a submodule (``MODULE.json.tag``).
    """
    target: object = module
    for part in dotted_name.split("."):
        try:
            target = getattr(target, part)
            continue
        except AttributeError:
            if not isinstance(target, ModuleType) or not hasattr(target, "__path__"):
                raise AttributeError(f"{dotted_name}: no {part!r}") from None
        submodule_name = f"{target.__name__}.{part}"
        try:
            target = importlib.import_module(submodule_name)
        except ModuleNotFoundError as exc:
            if exc.name != submodule_name:
                raise
            raise AttributeError(f"{dotted_name}: no {part!r} in {target.__name__}") from None
    return target


@dataclasses.dataclass(frozen=True)
class FeatureCheck:
    """What a preflight found for one feature."""

    feature: Feature
    missing: tuple[str, ...]
    declared_absent: bool

    @property
    def present(self) -> bool:
        """Whether nothing of the feature is missing."""
        return not self.missing


@dataclasses.dataclass(frozen=True)
class Preflight:
    """The result of checking a module against the contract."""

    module_name: str
    checks: tuple[FeatureCheck, ...]

    @property
    def core_missing(self) -> tuple[str, ...]:
        """Core names the module lacks: with any, no test can run."""
        core = self.checks[0]
        return tuple(name for name in core.missing if name in CORE_NAMES)

    @property
    def required_missing(self) -> tuple[str, ...]:
        """Names of required features that are missing."""
        return tuple(
            name for check in self.checks if not check.feature.optional for name in check.missing
        )

    @property
    def undeclared_missing_features(self) -> tuple[str, ...]:
        """Optional features with something missing that the implementation did not declare."""
        return tuple(
            check.feature.name
            for check in self.checks
            if check.feature.optional and check.missing and not check.declared_absent
        )

    @property
    def ok(self) -> bool:
        """Whether every required name is present."""
        return not self.required_missing

    def lines(self) -> list[str]:
        """Return the check as printable lines, one per feature, then a verdict."""
        width = max(len(check.feature.name) for check in self.checks)
        out = []
        for check in self.checks:
            kind = "optional" if check.feature.optional else "required"
            if check.declared_absent:
                state = "declared absent: its tests are not applicable"
            elif check.present:
                count = len(check.feature.names) + len(check.feature.entry_points)
                state = f"ok ({count} names)" if count else "ok (nothing to check by name)"
            else:
                state = "MISSING " + ", ".join(check.missing)
                if check.feature.optional:
                    state += f" (declare --without {check.feature.name} if it is left out)"
            out.append(f"  {check.feature.name:<{width}}  {kind}  {state}")
        if self.core_missing:
            verdict = f"not an implementation: lacks {', '.join(self.core_missing)}"
        elif not self.ok:
            verdict = f"{len(self.required_missing)} required names missing"
        else:
            verdict = "every required name is present"
        undeclared = self.undeclared_missing_features
        if undeclared and not self.core_missing:
            verdict += f"; optional features missing but not declared: {', '.join(undeclared)}"
        return [*out, f"preflight: {verdict}"]

    def problem_lines(self) -> list[str]:
        """Return the lines naming what is missing, and the verdict, or none if nothing is."""
        if self.ok and not self.undeclared_missing_features:
            return []
        return [line for line in self.lines() if "MISSING" in line or line.startswith("preflight")]


def preflight(module: ModuleType, without: Sequence[str] = ()) -> Preflight:
    """Check ``module`` against every feature; ``without`` lists features declared absent."""
    checks = []
    for feature in FEATURES:
        missing = []
        for name in feature.names:
            try:
                resolve(module, name)
            except AttributeError:
                missing.append(name)
            except Exception as exc:  # importing a submodule failed: say so, don't crash
                missing.append(f"{name} (importing it raised {type(exc).__name__})")
        if feature.probe is not None:
            problem = feature.probe(module)
            if problem:
                missing.append(problem)
        checks.append(FeatureCheck(feature, tuple(missing), feature.name in without))
    return Preflight(module.__name__, tuple(checks))


def features_needed(area: str, fixtures: Iterable[str], declared: Iterable[str]) -> set[str]:
    """Return the optional features a test needs, from its area, fixtures and markers."""
    fixture_names = set(fixtures)
    needed = set(declared)
    for feature in FEATURES:
        by_area = area in feature.areas and needed.isdisjoint(feature.waived_by)
        if feature.optional and (by_area or fixture_names.intersection(feature.fixtures)):
            needed.add(feature.name)
    return needed


def feature_of_name(dotted_name: str) -> str | None:
    """Return the feature a dotted name (or a submodule holding its names) belongs to, if any."""
    for feature in FEATURES:
        if any(name == dotted_name or name.startswith(dotted_name + ".") for name in feature.names):
            return feature.name
    return None
