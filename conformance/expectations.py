"""Known-failure lists ("expectations") of implementations, stored as TOML.

An implementation's file (by default ``conformance-expectations/<impl>.toml`` in
the folder pytest runs from) declares the optional features it leaves out and
lists its known failures, keyed by spec ID, never by test file or function name::

    [implementation]
    without = ["python-m"]

    ["routing.trailing-slash.redirect"]
    reason = "we answer 302; fixed in 2.0"
    issue = "https://example.org/tracker/12"

    ["config.from-file.loader[toml]"]   # one parameter of a parametrized test
    reason = "no TOML loader"

    ["streaming.context.generator"]
    reason = "passes or fails with the scheduler"
    status = "flaky"                    # either outcome accepted, and reported

    ["sessions.cookie.partitioned"]
    reason = "no Partitioned attribute before 2.0"
    versions = "<2.0"                   # only on these versions of the product
    product = "mypackage"               # and only on this distribution (optional)

``[implementation]`` may also say ``flask_api = "3.0"``: the Flask API version the
product targets (see :mod:`conformance.versions`). An entry with ``versions`` (a
PEP 440 specifier, matched against the product's own version) or ``product`` (a
distribution name) applies only to that product and those versions: on others it
is inactive, neither an expected failure nor stale, so one file serves several
versions of a product.

A bare spec ID covers every parameter of its test. The gate follows
web-platform-tests and protobuf's runner: a listed test that fails is an expected
failure; a listed test that passes is an unexpected pass and fails the run; an
entry that matches no test fails the run as stale. Rewriting the file from a run
keeps its comments and the order of its entries.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from conformance import tomltables
from conformance.contract import ContractError, check_feature_names
from conformance.results import FAILING_OUTCOMES, PASSING_OUTCOMES
from conformance.spec import SPEC_ID
from conformance.versions import VersionError, parse_specifier, parse_version

FAIL = "fail"
FLAKY = "flaky"
STATUSES = (FAIL, FLAKY)
IMPLEMENTATION_TABLE = "implementation"
ENTRY_KEYS = frozenset({"reason", "status", "issue", "versions", "product"})
IMPLEMENTATION_KEYS = frozenset({"without", "flask_api"})
KEY_PATTERN = re.compile(rf"(?P<spec_id>{SPEC_ID.pattern})(\[(?P<param>[^\]\n]+)\])?")
"""An entry key: a spec ID, optionally followed by one parameter ID in brackets."""

HEADER_TEMPLATE = """\
# Expectations of the implementation `{name}` in the flaskspec conformance suite.
#
# [implementation] `without` lists the optional features it leaves out
# (python -m conformance check-impl {name} shows them); their tests are not applicable.
# Each other table is a known failure keyed by spec ID (plus [param] for one
# parameter of a parametrized test) with the reason it fails; `status = "flaky"`
# accepts either outcome and `issue` links a tracker. A listed test that passes, or
# an entry that matches no test, fails the run. Rewrite from a run with
#   pytest --pyargs conformance --impl {name} --update-expectations --reason "..."
# (comments, order and existing reasons are kept).
"""


class ExpectationsError(Exception):
    """An expectations file cannot be read or is malformed (the message is one line)."""


@dataclasses.dataclass(frozen=True)
class Expectation:
    """One known failure: its key, why it fails, and how strictly it is held."""

    key: str
    reason: str
    status: str = FAIL
    issue: str | None = None
    versions: str | None = None
    product: str | None = None

    @property
    def spec_id(self) -> str:
        """The spec ID part of the key."""
        return self.key.split("[", 1)[0]

    @property
    def flaky(self) -> bool:
        """Whether either outcome is accepted."""
        return self.status == FLAKY

    def applies_to(self, distribution: str | None, version: str) -> bool:
        """Whether the entry applies to ``version`` of product ``distribution``."""
        if self.product is not None and self.product.lower() != (distribution or "").lower():
            return False
        if self.versions is None:
            return True
        try:
            return parse_specifier(self.versions, "versions").contains(version, prereleases=True)
        except VersionError:
            return False


def test_key(spec_id: str, param: str | None) -> str:
    """Return the expectation key of one test: its spec ID, plus ``[param]`` if given."""
    return f"{spec_id}[{param}]" if param else spec_id


@dataclasses.dataclass
class ExpectationsFile:
    """An implementation's expectations file, loaded (or empty when it does not exist)."""

    path: Path
    entries: dict[str, Expectation]
    without: list[str]
    document: tomlkit.TOMLDocument | None = None
    flask_api: str | None = None
    inactive: dict[str, Expectation] = dataclasses.field(default_factory=dict)
    """Entries for other products or versions than the one under test."""

    def lookup(self, key: str) -> Expectation | None:
        """Return the entry for test ``key``: its own, else its spec ID's, else None."""
        entry = self.entries.get(key)
        if entry is None and "[" in key:
            entry = self.entries.get(key.split("[", 1)[0])
        return entry

    def covers(self, entry: Expectation, key: str) -> bool:
        """Whether ``entry`` is the one :meth:`lookup` finds for test ``key``."""
        return self.lookup(key) is entry

    def restrict_to(self, distribution: str | None, version: str) -> None:
        """Set aside the entries that do not apply to ``version`` of ``distribution``."""
        for key, entry in list(self.entries.items()):
            if not entry.applies_to(distribution, version):
                self.inactive[key] = self.entries.pop(key)


def load_expectations(path: Path) -> ExpectationsFile:
    """Read ``path``; a missing file lists nothing. Raise :class:`ExpectationsError` if bad."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ExpectationsFile(path, {}, [])
    except (OSError, UnicodeDecodeError) as exc:
        raise ExpectationsError(f"{path}: cannot read expectations: {exc}")
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise ExpectationsError(f"{path}: invalid TOML: {exc}")
    entries: dict[str, Expectation] = {}
    without: list[str] = []
    flask_api: str | None = None
    for key, value in document.unwrap().items():
        if key == IMPLEMENTATION_TABLE:
            without, flask_api = _read_implementation_table(path, value)
            continue
        entries[key] = _read_entry(path, key, value)
    return ExpectationsFile(path, entries, without, document, flask_api)


def _read_implementation_table(path: Path, value: object) -> tuple[list[str], str | None]:
    if not isinstance(value, dict):
        raise ExpectationsError(f"{path}: [{IMPLEMENTATION_TABLE}] must be a table")
    unknown = sorted(set(value) - IMPLEMENTATION_KEYS)
    if unknown:
        raise ExpectationsError(
            f"{path}: [{IMPLEMENTATION_TABLE}] has unknown keys: {', '.join(unknown)}"
        )
    without = value.get("without", [])
    if not isinstance(without, list) or not all(isinstance(item, str) for item in without):
        raise ExpectationsError(f"{path}: [{IMPLEMENTATION_TABLE}] without must be a list of names")
    flask_api = value.get("flask_api")
    try:
        if flask_api is not None:
            parse_version(flask_api, f"{path}: [{IMPLEMENTATION_TABLE}] flask_api")
        return (
            check_feature_names(without, f"{path}: [{IMPLEMENTATION_TABLE}] without"),
            flask_api,
        )
    except (ContractError, VersionError) as exc:
        raise ExpectationsError(str(exc))


def _read_entry(path: Path, key: str, value: object) -> Expectation:
    if not KEY_PATTERN.fullmatch(key):
        hint = (
            " (entries are keyed by spec ID, not by test path or node ID; "
            "see the spec ID on the test's failure line)"
            if "::" in key or "/" in key
            else ""
        )
        raise ExpectationsError(
            f"{path}: {key!r} is not a spec ID such as 'routing.trailing-slash.redirect' "
            f"or 'config.default.value[DEBUG]'{hint}"
        )
    where = f"{path}: {key!r}"
    entry = tomltables.table(
        value, ENTRY_KEYS, where, ExpectationsError, f"must be a table such as [{toml_string(key)}]"
    )
    reason = tomltables.required_string(entry, "reason", where, ExpectationsError)
    status = tomltables.choice(
        entry, "status", STATUSES, FAIL, where, ExpectationsError, "has status"
    )
    issue = entry.get("issue")
    if issue is not None and not isinstance(issue, str):
        raise ExpectationsError(f"{where} issue must be a string")
    versions = entry.get("versions")
    if versions is not None:
        try:
            versions = str(parse_specifier(versions, f"{where} versions"))
        except VersionError as exc:
            raise ExpectationsError(str(exc))
    product = entry.get("product")
    if product is not None and (not isinstance(product, str) or not product.strip()):
        raise ExpectationsError(f"{where} product must be a distribution name")
    return Expectation(key, reason, status, issue, versions, product)


@dataclasses.dataclass(frozen=True)
class Update:
    """What rewriting the file after a run changes."""

    added: dict[str, str]
    removed: list[str]
    kept_outside_selection: int


def plan_update(
    expectations: ExpectationsFile,
    outcomes: Mapping[str, str],
    messages: Mapping[str, str | None],
    collected: Iterable[str] | None,
    stale: Iterable[str],
    reason: str | None,
) -> Update:
    """Decide which entries to add and remove after a run.

    ``outcomes`` maps each test key that ran to its outcome; ``collected`` is every
    key the run collected before selection (``None`` when unknown). A failing test
    with no entry gets one (``reason``, else its failure message). An entry is removed
    when it is stale, or when every test it covers ran in this run and passed;
    entries covering tests outside the selection are kept. Flaky entries are kept.
    """
    collected_keys = set(collected) if collected is not None else set(outcomes)
    added: dict[str, str] = {}
    for key, outcome in outcomes.items():
        if outcome in FAILING_OUTCOMES and expectations.lookup(key) is None:
            added[key] = reason or messages.get(key) or outcome
    removed = list(dict.fromkeys(stale))
    kept_outside = 0
    for entry in expectations.entries.values():
        if entry.key in removed or entry.flaky:
            continue
        covered = [key for key in collected_keys if expectations.covers(entry, key)]
        if not covered:
            continue
        if any(key not in outcomes for key in covered):
            kept_outside += 1
            continue
        if all(outcomes[key] in PASSING_OUTCOMES for key in covered):
            removed.append(entry.key)
    return Update(added, removed, kept_outside)


def write_update(expectations: ExpectationsFile, update: Update, impl_name: str) -> None:
    """Apply ``update`` to the file, keeping its comments and the order of its entries.

    A file the update does not change is not rewritten.
    """
    if not update.added and not update.removed and expectations.document is not None:
        return
    document = expectations.document
    if document is None:
        document = tomlkit.parse(HEADER_TEMPLATE.format(name=impl_name))
    for key in update.removed:
        if key in document:
            del document[key]
    for key, reason in update.added.items():
        if key in document:  # an entry for other versions of the product: widen it by hand
            continue
        table = tomlkit.table()
        table.add("reason", reason)
        document.add(key, table)
    expectations.path.parent.mkdir(parents=True, exist_ok=True)
    text = tomlkit.dumps(document)
    expectations.path.write_text(_tidy(text), encoding="utf-8")


def _tidy(text: str) -> str:
    """At most one blank line in a row, one before each table not preceded by a comment,
    and a final newline."""
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"(^|\n)([^#\n][^\n]*)\n(\[)", r"\1\2\n\n\3", text)
    return text.rstrip("\n") + "\n"


def render_entries(entries: Mapping[str, Any]) -> str:
    """Return ``{key: reason}`` as TOML entry tables (for messages and tests)."""
    return "\n".join(
        f"[{toml_string(key)}]\nreason = {toml_string(str(reason))}\n"
        for key, reason in entries.items()
    )


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """Return ``value`` as a TOML basic string literal."""
    escaped = "".join(
        _ESCAPES.get(char)
        or (f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in value
    )
    return f'"{escaped}"'
