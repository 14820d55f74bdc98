"""``python -m conformance registry review``: the evidence for each rule's level and source.

A rule's level and source were first assigned by keyword; this command lays out,
rule by rule, what a reviewer needs to check them:

- the test's source (found by its literal ``@pytest.mark.spec`` marker, without running
  anything; tests whose spec ID is computed, such as the live-server and config-default
  ones, show no source);
- **wording**: what in the test asserts Flask's wording or formatting (a repr, an
  exception message, a log line, an error page's text, CLI output, header order), which
  makes a rule ``should`` unless the wording itself is documented;
- **sections**: the description's sections naming the most of the rule's API names
  (backticked or dotted names, configuration keys), with the names matched;
- **flask api**: the rule's names that are public members of Flask's API (documented on
  https://flask.palletsprojects.com/en/stable/api/), for a rule the description is
  silent about;
- **inconsistent**: a ``must`` rule whose source is observed behaviour (documented
  behaviour names where it is documented), a ``should`` rule citing documentation, and
  an ``error_path`` rule without a negative test, or a negative test whose rule is not
  flagged as an error path.

``--flagged`` lists only rules with a finding; ``--json`` prints every rule's evidence.
Nothing is changed: the reviewer edits ``rules/<area>.toml`` by hand, value by value.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from conformance.coverage import is_negative_source
from conformance.description import sections
from conformance.registry import CHEATSHEET_PREFIX, DOCS_PREFIX, MUST, OBSERVED, SHOULD, Rule

SUITE_DIR = Path(__file__).resolve().parent
API_PAGE = f"{DOCS_PREFIX}en/stable/api/"

WORDING_PATTERNS: dict[str, re.Pattern[str]] = {
    "repr": re.compile(r"\brepr\(|__repr__|!r\}"),
    "exception message": re.compile(
        r"match\s*=|str\(\s*(exc|error|err|excinfo|raised|info)\w*(\.value)?\s*\)|\.args\[0\]"
    ),
    "log text": re.compile(r"caplog\.(text|messages)|getMessage\(\)|\.msg\b|formatter"),
    "page text": re.compile(
        r"""["'][^"'\n]*[A-Z][a-z]+ [a-z]+[^"'\n]*["']\s*(not\s+)?in\s+\w+\.(data|text|get_data)"""
        r"|<title>|<h1>|<!doctype"
    ),
    "cli output": re.compile(
        r"""["'][^"'\n]*[A-Za-z]+ [a-z]+[^"'\n]*["']\s*(not\s+)?in\s+\w*\.?(output|stderr|stdout)"""
    ),
    "header order": re.compile(
        r"list\(\s*\w+\.headers\s*\)\s*==|headers\.items\(\)\)?\s*==|to_wsgi_list\(\)\s*=="
    ),
}
"""What in a test's source asserts Flask's wording or formatting rather than behaviour."""

_NAME = re.compile(
    r"`([^`]+)`"
    r"|\b([a-z_][a-z0-9_]*(?:\.[a-z_][A-Za-z0-9_]*)+)\b"
    r"|\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b"
    r"|\b([a-z]+_[a-z_]+)\b"
    r"|\b([A-Z][a-z]+[A-Z]\w+)\b"
)
_API_OWNERS = ("Flask", "Blueprint", "Request", "Response", "Config", "sessions.SessionInterface")
_COMMON = frozenset({"app", "request", "response", "self", "the", "of"})


@dataclasses.dataclass(frozen=True)
class SpecTest:
    """A spec test as written: its file, function name and source."""

    file: str
    function: str
    source: str


@dataclasses.dataclass
class Evidence:
    """What the review of one rule shows."""

    rule: Rule
    tests: list[SpecTest]
    wording: list[str]
    sections: list[tuple[str, list[str]]]
    flask_api: list[str]
    negative: bool
    findings: list[str]

    def as_dict(self) -> dict[str, object]:
        """Return the evidence as a JSON-ready mapping."""
        return {
            **self.rule.as_dict(),
            "tests": [f"{test.file}::{test.function}" for test in self.tests],
            "wording": self.wording,
            "sections": [{"heading": h, "names": names} for h, names in self.sections],
            "flask_api": self.flask_api,
            "negative": self.negative,
            "findings": self.findings,
        }

    def lines(self) -> list[str]:
        """Return the evidence as a few lines of text."""
        rule = self.rule
        flag = " error_path" if rule.error_path else ""
        out = [f"[{rule.id}] {rule.level}{flag} | {rule.source}", f"    {rule.rule}"]
        if self.wording:
            out.append(f"    wording: {', '.join(self.wording)}")
        if self.sections:
            shown = "; ".join(f"{h} ({', '.join(n)})" for h, n in self.sections)
            out.append(f"    sections: {shown}")
        if self.flask_api:
            out.append(f"    flask api: {', '.join(self.flask_api)}")
        out += [f"    ! {finding}" for finding in self.findings]
        return out


def spec_tests(folder: Path = SUITE_DIR) -> dict[str, list[SpecTest]]:
    """Return the spec tests of ``folder``'s ``test_*.py`` files by spec ID (read, not run)."""
    found: dict[str, list[SpecTest]] = {}
    for path in sorted(folder.glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.parse(text).body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                spec_id = _spec_marker(decorator)
                if spec_id:
                    source = ast.get_source_segment(text, node) or ""
                    found.setdefault(spec_id, []).append(SpecTest(path.name, node.name, source))
    return found


def _spec_marker(decorator: ast.expr) -> str | None:
    if (
        isinstance(decorator, ast.Call)
        and ast.unparse(decorator.func) == "pytest.mark.spec"
        and decorator.args
        and isinstance(decorator.args[0], ast.Constant)
    ):
        return str(decorator.args[0].value)
    return None


def wording_asserted(source: str) -> list[str]:
    """Return what kinds of wording or formatting ``source`` asserts."""
    asserting = "\n".join(
        line for line in source.splitlines() if "assert" in line or "match" in line
    )
    return [name for name, pattern in WORDING_PATTERNS.items() if pattern.search(asserting)]


def rule_names(sentence: str) -> list[str]:
    """Return the API names, configuration keys and identifiers a rule sentence mentions:
    backticked text of four letters or more, and words shaped like code (a dot, an
    underscore, a bracket or an inner capital)."""
    names: list[str] = []
    for match in _NAME.finditer(sentence):
        name = next(group for group in match.groups() if group)
        name = name.strip().strip("()").rstrip(".")
        code_like = bool(re.search(r"[_.(|/\[]|[a-z][A-Z]", name))
        quoted = match.group(1) is not None and len(name) > 3
        if (code_like or quoted) and name.lower() not in _COMMON and name not in names:
            names.append(name)
    return names


def _bare(name: str) -> str:
    """``app.register_error_handler(...)`` → ``register_error_handler``."""
    head = re.split(r"[(\[= ]", name, maxsplit=1)[0]
    return head.rsplit(".", 1)[-1]


def matching_sections(names: Iterable[str], limit: int = 2) -> list[tuple[str, list[str]]]:
    """Return the description sections naming the most of ``names``, with those names."""
    bare = {_bare(name) for name in names if len(_bare(name)) > 2}
    scored = []
    for section in sections():
        hits = sorted(
            name for name in bare if re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", section.text)
        )
        if hits:
            scored.append((len(hits), section.heading, hits))
    scored.sort(key=lambda item: -item[0])
    return [(heading, hits) for _, heading, hits in scored[:limit]]


@functools.cache
def _flask_members() -> dict[str, str]:
    """Public names of Flask's API: ``name`` → its qualified name on the API page."""
    try:
        import flask  # the reference, a dev dependency; the review is a maintainer's tool
        import flask.sessions
    except ImportError:  # pragma: no cover
        return {}
    members: dict[str, str] = {}
    for owner_name in _API_OWNERS:
        owner: object = flask
        for part in owner_name.split("."):
            owner = getattr(owner, part)
        for name in dir(owner):
            if not name.startswith("_"):
                members.setdefault(name, f"flask.{owner_name}.{name}")
    for name in getattr(flask, "__all__", dir(flask)):
        if not name.startswith("_"):
            members.setdefault(name, f"flask.{name}")
    return members


def flask_api_names(names: Iterable[str]) -> list[str]:
    """Return the qualified Flask API names among ``names``."""
    members = _flask_members()
    return sorted({members[_bare(name)] for name in names if _bare(name) in members})


def review(
    rules: Iterable[Rule], tests: Mapping[str, list[SpecTest]] | None = None
) -> list[Evidence]:
    """Return the evidence for each rule."""
    tests = spec_tests() if tests is None else tests
    out = []
    for rule in rules:
        own = list(tests.get(rule.id, []))
        source = "\n".join(test.source for test in own)
        names = rule_names(rule.rule)
        negative = is_negative_source(source)
        findings = []
        documented = rule.source != OBSERVED
        if rule.level == MUST and not documented:
            findings.append("must, but its source is observed behaviour")
        if rule.level == SHOULD and documented:
            findings.append("should, but its source is documentation")
        wording = wording_asserted(source)
        if wording and rule.level == MUST:
            findings.append(f"must, and its test asserts {', '.join(wording)}")
        if rule.error_path and not negative:
            findings.append("error_path without a negative test")
        if negative and not rule.error_path:
            findings.append("negative test, not flagged error_path")
        matched = matching_sections(names)
        cited = (
            rule.source[len(CHEATSHEET_PREFIX) :]
            if rule.source.startswith(CHEATSHEET_PREFIX)
            else None
        )
        if (
            cited
            and matched
            and not any(hits for heading, hits in matching_sections(names, 99) if heading == cited)
        ):
            findings.append(
                f"cites {cited!r}, which names none of its names; {matched[0][0]!r} does"
            )
        out.append(
            Evidence(rule, own, wording, matched, flask_api_names(names), negative, findings)
        )
    return out


def render(evidence: Iterable[Evidence], flagged: bool, as_json: bool) -> str:
    """Return the review as text (a few lines per rule) or JSON."""
    chosen = [item for item in evidence if item.findings or not flagged]
    if as_json:
        return json.dumps([item.as_dict() for item in chosen], indent=1)
    return "\n".join(line for item in chosen for line in item.lines())
