"""The registry of rules: the specification as data.

Every rule the suite checks is a table in ``conformance/rules/<area>.toml``::

    ["routing.trailing-slash.redirect"]
    rule = "A rule ending in a slash redirects the URL without it with 308."
    level = "must"
    source = "cheatsheet: Routing Details"

- ``rule``: one sentence; the source of truth for the rule shown in every output
  (the test's docstring states it too, for readers of the test).
- ``level``: ``must`` for documented Flask behaviour; ``should`` for behaviour
  observed in Flask 3.1 where the documentation is silent (error-page wording,
  reprs, log formats, quirks). A ``should`` failure gates a run only with
  ``--strict-levels``.
- ``source``: ``cheatsheet: <section heading>`` (a section of the feature
  description), a page of Flask's documentation (``https://flask.palletsprojects.com/...``)
  or ``observed Flask 3.1 behaviour``.
- ``error_path`` (optional, default false): the rule describes how bad input or
  misuse is refused; :mod:`conformance.coverage` wants a negative test for it.
- ``since`` / ``until`` (optional, the last keys of a rule's table): the Flask
  version the rule holds since, and the first version where it no longer holds
  (see :mod:`conformance.versions`). A top-level ``since`` before the first table
  is the file's default: ``since = "2.3"`` says "holds in every Flask version the
  suite knows". A run on a product targeting a version outside the range reports
  the rule's tests as not applicable.

A conformance test's ``@pytest.mark.spec(ID)`` must name a registered rule (an
unregistered one is a collection error). Folders of extra spec tests
(``conformance_paths``) register their rules in files named by the
``conformance_rules`` ini option. ``python -m conformance registry sync`` adds
the IDs that collection finds unregistered.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from conformance import tomltables
from conformance.description import section_headings
from conformance.spec import AREAS, SPEC_ID, spec_area
from conformance.versions import VersionError, check_range

RULES_DIR = Path(__file__).resolve().parent / "rules"
"""The suite's own rule files, one per spec area."""

MUST = "must"
SHOULD = "should"
LEVELS = (MUST, SHOULD)
OBSERVED = "observed Flask 3.1 behaviour"
CHEATSHEET_PREFIX = "cheatsheet: "
DOCS_PREFIX = "https://flask.palletsprojects.com/"
RULE_KEYS = frozenset({"rule", "level", "source", "error_path", "since", "until"})
FILE_KEYS = frozenset({"since"})
"""Top-level keys of a rules file that are defaults for its rules, not rules."""


class RegistryError(Exception):
    """A rules file is unreadable or malformed (the message is one line)."""


@dataclasses.dataclass(frozen=True)
class Rule:
    """One registered rule."""

    id: str
    rule: str
    level: str = MUST
    source: str = OBSERVED
    error_path: bool = False
    since: str | None = None
    until: str | None = None

    @property
    def area(self) -> str:
        """The spec area the rule belongs to."""
        return spec_area(self.id)

    def as_dict(self) -> dict[str, object]:
        """Return the rule as a JSON-ready mapping (with its area)."""
        return {"area": self.area, **dataclasses.asdict(self)}


class Registry(Mapping[str, Rule]):
    """Rules by spec ID, read from one or more rule files."""

    def __init__(self, rules: Iterable[Rule], files: Iterable[Path] = ()) -> None:
        self._rules = {rule.id: rule for rule in rules}
        self.files = list(files)

    def __getitem__(self, spec_id: str) -> Rule:
        return self._rules[spec_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def merged(self, other: Registry) -> Registry:
        """Return a registry holding this one's rules and ``other``'s."""
        return Registry([*self.values(), *other.values()], [*self.files, *other.files])


def check_source(source: str) -> str | None:
    """Return what is wrong with a rule's ``source``, or None."""
    if source == OBSERVED or source.startswith(DOCS_PREFIX):
        return None
    if source.startswith(CHEATSHEET_PREFIX):
        heading = source[len(CHEATSHEET_PREFIX) :]
        if heading in section_headings():
            return None
        return f"source names no section of the description: {heading!r}"
    return (
        f"source {source!r} is none of 'cheatsheet: <section>', a {DOCS_PREFIX} page "
        f"or {OBSERVED!r}"
    )


def _read_rule(path: Path, spec_id: str, value: object, default_since: str | None = None) -> Rule:
    where = f"{path}: [{spec_id!r}]"
    if not SPEC_ID.fullmatch(spec_id) or spec_area(spec_id) not in AREAS:
        raise RegistryError(f"{path}: {spec_id!r} is not a spec ID of a known area")
    table = tomltables.table(value, RULE_KEYS, where, RegistryError)
    rule = tomltables.required_string(table, "rule", where, RegistryError)
    level = tomltables.choice(table, "level", LEVELS, MUST, where, RegistryError, "level is")
    source = table.get("source", OBSERVED)
    if not isinstance(source, str):
        raise RegistryError(f"{where}: source must be a string")
    problem = check_source(source)
    if problem:
        raise RegistryError(f"{where}: {problem}")
    error_path = table.get("error_path", False)
    if not isinstance(error_path, bool):
        raise RegistryError(f"{where} error_path must be true or false")
    since, until = table.get("since", default_since), table.get("until")
    try:
        check_range(since, until, where)
    except VersionError as exc:
        raise RegistryError(str(exc))
    return Rule(
        spec_id, " ".join(rule.split()), level, source, error_path, _text(since), _text(until)
    )


def _text(value: object) -> str | None:
    """Return a checked optional string value as ``str | None``."""
    return None if value is None else str(value)


def read_rules_file(path: Path) -> list[Rule]:
    """Read one rules file; raise :class:`RegistryError` when it is unusable."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such rules file")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read rules: {exc}")
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: invalid TOML: {exc}")
    defaults = {key: document.pop(key) for key in FILE_KEYS if key in document}
    since = defaults.get("since")
    if since is not None:
        try:
            check_range(since, None, f"{path}: top-level")
        except VersionError as exc:
            raise RegistryError(str(exc))
    return [_read_rule(path, key, value, since) for key, value in document.items()]


def load_registry(files: Iterable[Path]) -> Registry:
    """Read rule files into one registry; an ID registered twice is an error."""
    rules: dict[str, Rule] = {}
    paths = list(files)
    for path in paths:
        for rule in read_rules_file(path):
            if rule.id in rules:
                raise RegistryError(f"{path}: {rule.id!r} is registered twice")
            rules[rule.id] = rule
    return Registry(rules.values(), paths)


def suite_rule_files() -> list[Path]:
    """Return the suite's own rule files, in area order."""
    return sorted(RULES_DIR.glob("*.toml"), key=lambda path: _area_rank(path.stem))


@functools.cache
def suite_registry() -> Registry:
    """Return the suite's own registry (read once per process)."""
    return load_registry(suite_rule_files())


def _area_rank(area: str) -> tuple[int, str]:
    names = list(AREAS)
    return (names.index(area) if area in names else len(names), area)


def rules_file_of(area: str, folder: Path = RULES_DIR) -> Path:
    """Return the rules file holding ``area``'s rules in ``folder``."""
    return folder / f"{area}.toml"


def rule_sentence(docstring: str) -> str:
    """Return a test docstring's first paragraph as one line (its one-sentence rule)."""
    text = docstring.strip()
    if not text:
        return "(no rule stated)"
    return " ".join(text.split("\n\n", 1)[0].split())


def registration_problem(spec_id: str, registry: Mapping[str, Rule], required: bool) -> str | None:
    """Return why a test's spec ID is not acceptable, or None when it is registered
    (or registration is not ``required`` for the test's folder)."""
    if spec_id in registry or not required:
        return None
    return (
        f"spec ID {spec_id!r} is not registered: add it to "
        f"conformance/rules/{spec_area(spec_id)}.toml (python -m conformance registry sync "
        "adds every unregistered ID found by collection)"
    )
