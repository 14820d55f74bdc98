"""``python -m conformance coverage``: how much of the specification the suite checks.

Measured against the registry (:mod:`conformance.registry`) and the feature
description (:mod:`conformance.description`):

- **untested rules**: registered rules that no collected test names;
- **error paths without a negative test**: rules registered with
  ``error_path = true`` (the rule says how bad input or misuse is refused) none of
  whose tests is negative. A test counts as negative when its source asserts a
  refusal: ``pytest.raises(...)``, catching a named exception class, a 4xx or 5xx
  status compared or listed, or a non-zero CLI exit code (see
  :func:`is_negative_source`);
- **uncovered sections**: ``###`` sections of the description that no rule names
  as its source;
- **unmet promises**: names the description promises, extracted mechanically
  (backticked API names per section, configuration keys, signals, CLI options),
  that no rule mentions in its ID or sentence.

Tests are found by collecting the suite (``pytest --list-spec --json``; nothing
runs). ``--json PATH`` writes the figures for the report
(``python -m conformance report --coverage PATH``). Exit 1 when a rule has no
test or a section no rule; error paths without a negative test and unmet
promises are listed, not gated.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from conformance.description import sections
from conformance.registry import CHEATSHEET_PREFIX, Registry

NEGATIVE_PATTERNS = (
    re.compile(r"pytest\.raises\("),
    re.compile(r"except\s*\(?\s*(\w+\.)?[A-Z]\w*(Error|Exception|Request|Type|Failure)\b"),
    re.compile(r"status(_code)?\s*(==|!=|in)\s*[\[(]?\s*[45]\d\d\b"),
    re.compile(r"\b[45]\d\d\s*(==|in)\s*\w*\.?status"),
    re.compile(r"exit_code\s*(!=\s*0|==\s*[1-9]|>\s*0|in\s*[\[(])"),
    re.compile(r"returncode\s*(!=\s*0|==\s*[1-9])"),
    re.compile(r"\b[45]\d\d\b.*\bstatus\b|\bstatus\b.*\b[45]\d\d\b"),
    re.compile(
        r"status(_code)?\s*==\s*(HTTPStatus\.)?[A-Z_]*"
        r"(NOT_FOUND|BAD_REQUEST|NOT_ALLOWED|TOO_LARGE|UNSUPPORTED|FORBIDDEN|SERVER_ERROR)"
    ),
)
"""What makes a test's source negative: it asserts a refusal."""

_CODE_NAME = re.compile(r"`([^`\n]+)`")
_IDENTIFIER = re.compile(
    r"^@?(?:flask\.|app\.|bp\.|parent\.|request\.|session\.)?([A-Za-z_][\w.]*)"
)
_CONFIG_KEY = re.compile(r"\b([A-Z][A-Z0-9]*_[A-Z0-9_]+|DEBUG|TESTING)\b")
_SIGNAL_LINE = re.compile(r"^\s*\*\s+`(\w+)`: .*Sender=", re.MULTILINE)
_CLI_OPTION = re.compile(r"(--[a-z][a-z-]+)")
_IGNORED_NAMES = frozenset(
    {"True", "False", "None", "__name__", "MultiDict", "EnvironHeaders", "CombinedMultiDict"}
)
NOT_FLASK_API: dict[str, str] = {
    "ProxyPass": "Apache httpd configuration, not Flask",
    "proxy_pass": "Nginx configuration, not Flask",
    "mod_wsgi": "a WSGI server product",
    "uWSGI": "a WSGI server product",
    "uwsgi": "a WSGI server product",
    "--master": "an option of uwsgi, not of flask",
    "sqlite3": "the standard library, in a pattern",
    "sqlite3.Row": "the standard library, in a pattern",
    "scoped_session": "SQLAlchemy, in a pattern",
    "shared_task": "Celery, in a pattern",
    "validate": "WTForms, in a pattern",
    "pytest": "a tool the description recommends",
    "coverage": "a tool the description recommends",
    "javascript": "a URI scheme in advice on CSP",
    "myapp": "a placeholder module name",
    "ENV_VAR_NAME": "a placeholder variable name",
    "blueprint_url_prefix": "a placeholder for a blueprint's prefix",
    "asyncio.create_task": "the description says it is not reliably supported",
}
"""Backticked names in the description that promise nothing about Flask's API, and why."""


def is_negative_source(source: str) -> bool:
    """Whether a test's source asserts a refusal (see :data:`NEGATIVE_PATTERNS`)."""
    return any(pattern.search(source) for pattern in NEGATIVE_PATTERNS)


@dataclasses.dataclass(frozen=True)
class Promise:
    """Something the description promises: its kind, the name, and the section saying so."""

    kind: str
    name: str
    section: str


def promises() -> list[Promise]:
    """Return what the description promises, extracted from its text."""
    found: dict[tuple[str, str], Promise] = {}
    signals = {name for section in sections() for name in _SIGNAL_LINE.findall(section.text)}
    for section in sections():
        text = section.text
        last_key = ""
        for code in _CODE_NAME.findall(text):
            if re.fullmatch(r"_[A-Z]+", code) and last_key:
                # `SESSION_COOKIE_NAME`, `_DOMAIN`, ...: a suffix of the key before it
                code = last_key.rsplit("_", 1)[0] + code
            if code.strip() in NOT_FLASK_API:
                continue
            for key in _CONFIG_KEY.findall(code):
                last_key = key
                if key in NOT_FLASK_API:
                    continue
                found.setdefault(("config key", key), Promise("config key", key, section.heading))
            for option in _CLI_OPTION.findall(code) if code.startswith(("--", "flask")) else ():
                found.setdefault(
                    ("cli option", option), Promise("cli option", option, section.heading)
                )
            match = _IDENTIFIER.match(code.strip())
            if match and not code.strip().startswith("--"):
                name = match.group(1).rstrip(".")
                if name in _IGNORED_NAMES or name in NOT_FLASK_API or len(name) < 3:
                    continue
                if _CONFIG_KEY.fullmatch(name):
                    continue
                kind = "signal" if name in signals else "api name"
                found.setdefault((kind, name), Promise(kind, name, section.heading))
    return sorted(found.values(), key=lambda promise: (promise.kind, promise.name))


def _mentions(registry: Registry) -> str:
    """Return every rule's ID and sentence, lower-cased, as one searchable text."""
    return "\n".join(f"{rule.id} {rule.rule}" for rule in registry.values()).lower()


def promise_met(promise: Promise, mentions: str) -> bool:
    """Whether some rule mentions the promised name (its last dotted part, or as an ID word)."""
    name = promise.name.lower()
    last = name.rsplit(".", 1)[-1]
    candidates = {name, last, last.replace("_", "-"), name.lstrip("-")}
    return any(re.search(rf"(?<![\w-]){re.escape(c)}(?![\w])", mentions) for c in candidates)


@dataclasses.dataclass
class Coverage:
    """The figures of one coverage measurement."""

    rules: int
    tested: int
    untested: list[str]
    error_paths: int
    error_paths_without_negative: list[str]
    sections: int
    uncovered_sections: list[str]
    promises: int
    unmet_promises: list[str]
    levels: dict[str, int]
    sources: dict[str, int]

    @property
    def complete(self) -> bool:
        """Whether every rule has a test and every section of the description a rule
        (error paths and promises are reported, and driven down, but do not fail it)."""
        return not (self.untested or self.uncovered_sections)

    def lines(self) -> list[str]:
        """Return the human-readable report."""
        levels = ", ".join(f"{count} {level}" for level, count in self.levels.items())
        out = [
            f"rules: {self.rules} registered ({levels}), "
            f"{self.tested} tested, {len(self.untested)} untested",
            f"error paths: {self.error_paths} rules, {len(self.error_paths_without_negative)} "
            "without a negative test",
            f"description: {self.sections} sections, {len(self.uncovered_sections)} with no rule; "
            f"{self.promises} promised names, {len(self.unmet_promises)} no rule mentions",
        ]
        for title, entries in (
            ("untested rule", self.untested),
            ("error path without a negative test", self.error_paths_without_negative),
            ("section with no rule", self.uncovered_sections),
            ("promise no rule mentions", self.unmet_promises),
        ):
            out += [f"  {title}: {entry}" for entry in entries]
        return out


def measure(registry: Registry, tested: Iterable[str], negative: Iterable[str]) -> Coverage:
    """Measure coverage given the tested spec IDs and those with a negative test."""
    tested_ids = set(tested)
    negative_ids = set(negative)
    rules = list(registry.values())
    sourced = {
        rule.source[len(CHEATSHEET_PREFIX) :]
        for rule in rules
        if rule.source.startswith(CHEATSHEET_PREFIX)
    }
    headings = [section.heading for section in sections()]
    mentions = _mentions(registry)
    promised = promises()
    levels: dict[str, int] = {}
    sources: dict[str, int] = {}
    for rule in rules:
        levels[rule.level] = levels.get(rule.level, 0) + 1
        kind = rule.source.split(":", 1)[0] if ":" in rule.source else rule.source
        kind = "flask docs" if rule.source.startswith("https://") else kind
        sources[kind] = sources.get(kind, 0) + 1
    error_paths = [rule for rule in rules if rule.error_path]
    return Coverage(
        rules=len(rules),
        tested=sum(1 for rule in rules if rule.id in tested_ids),
        untested=sorted(rule.id for rule in rules if rule.id not in tested_ids),
        error_paths=len(error_paths),
        error_paths_without_negative=sorted(
            rule.id for rule in error_paths if rule.id in tested_ids and rule.id not in negative_ids
        ),
        sections=len(headings),
        uncovered_sections=[heading for heading in headings if heading not in sourced],
        promises=len(promised),
        unmet_promises=[
            f"{promise.kind} {promise.name} ({promise.section})"
            for promise in promised
            if not promise_met(promise, mentions)
        ],
        levels=dict(sorted(levels.items())),
        sources=dict(sorted(sources.items())),
    )


def coverage_of_listing(registry: Registry, listing: Mapping[str, object]) -> Coverage:
    """Measure coverage from a ``--list-spec --json`` document."""
    rules = listing.get("rules", [])
    assert isinstance(rules, list)
    tested = [rule["id"] for rule in rules if rule.get("tested")]
    negative = [rule["id"] for rule in rules if rule.get("negative")]
    return measure(registry, tested, negative)


def write_json(coverage: Coverage, path: Path) -> None:
    """Write the figures as JSON (what the report reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dataclasses.asdict(coverage), indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> Coverage:
    """Read figures written by :func:`write_json`."""
    return Coverage(**json.loads(path.read_text(encoding="utf-8")))
