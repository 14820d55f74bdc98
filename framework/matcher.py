"""URL matching: werkzeug's state machine, walked with its patterns compiled once.

werkzeug's ``StateMachineMatcher`` keeps the rules as a tree of states: a rule's
static path segments are dictionary transitions and its variables are regular
expression transitions. Its ``match`` walks that tree, but on every request it
looks each transition's pattern up in ``re``'s cache, sorts the pattern's groups to
find the converter values, and copies the remaining path segments at every step.

:class:`CompiledMatcher` keeps werkzeug's tree (rules are added to it as before) and,
whenever werkzeug finalises the tree, builds a mirror of it in which every pattern is
compiled and its converter groups are listed in order. The walk is werkzeug's (same
order of transitions, same trailing-slash and method rules, same exceptions), done on
that mirror with a segment index instead of copies.
"""

from __future__ import annotations

import re
import typing as t

from werkzeug.routing.converters import ValidationError
from werkzeug.routing.exceptions import NoMatch, RequestAliasRedirect, RequestPath
from werkzeug.routing.matcher import SlashRequired, State, StateMachineMatcher

from . import gate

if t.TYPE_CHECKING:
    from werkzeug.routing import Rule

__all__ = ["CompiledMatcher"]

# The prefix werkzeug gives the regex groups that hold converter values (checked by the
# gate; framework.routing installs this matcher only while the gate is open).
_CONVERTER_GROUP_PREFIX = gate.CONVERTER_GROUP_PREFIX
_REPEATED_SLASHES = re.compile("/{2,}")

_Match = t.Callable[[str], "re.Match[str] | None"]


class _Node:
    """One state of the tree: its rules, and its transitions with compiled patterns."""

    __slots__ = ("dynamic", "rules", "static")

    def __init__(self, state: State) -> None:
        self.rules: list[Rule] = state.rules
        self.static: dict[str, _Node] = {
            segment: _Node(child) for segment, child in state.static.items()
        }
        # (pattern's match, consumes the rest of the path, has a slash suffix group,
        #  converter group names in order, next node)
        self.dynamic: list[tuple[_Match, bool, bool, tuple[str, ...], _Node]] = []
        for part, child in state.dynamic:
            pattern = re.compile(part.content)
            groups = sorted(
                (name for name in pattern.groupindex if name.startswith(_CONVERTER_GROUP_PREFIX)),
                key=lambda name: int(name[len(_CONVERTER_GROUP_PREFIX) :]),
            )
            self.dynamic.append(
                (pattern.match, part.final, part.suffixed, tuple(groups), _Node(child))
            )


class _Misses:
    """What the walk learned from rules that matched the path but not the request."""

    __slots__ = ("allowed_methods", "websocket_mismatch")

    def __init__(self) -> None:
        self.allowed_methods: set[str] = set()
        self.websocket_mismatch = False


def _rule_for(
    rules: list[Rule], method: str, websocket: bool, misses: _Misses, lenient_only: bool = False
) -> Rule | None:
    """Return the first rule accepting ``method`` and ``websocket``, noting in ``misses``
    the methods and websocket settings of those that did not. With ``lenient_only``,
    rules with strict slashes are passed over."""
    for rule in rules:
        if lenient_only and rule.strict_slashes:
            continue
        if rule.methods is not None and method not in rule.methods:
            misses.allowed_methods.update(rule.methods)
        elif rule.websocket != websocket:
            misses.websocket_mismatch = True
        else:
            return rule
    return None


def _walk(
    node: _Node,
    segments: list[str],
    index: int,
    values: list[str],
    method: str,
    websocket: bool,
    misses: _Misses,
) -> tuple[Rule, list[str]] | None:
    """Match ``segments[index:]`` from ``node``; return the rule and the raw values of
    its variables, or None. Raises ``SlashRequired`` where werkzeug would redirect to
    the path with a trailing slash."""
    remaining = len(segments) - index
    # Where a node has only static transitions and more than one segment is left, the
    # answer is its child's (the trailing-slash fallback below needs exactly one
    # segment left): descend without recursing.
    while remaining > 1 and not node.dynamic:
        child = node.static.get(segments[index])
        if child is None:
            return None
        node = child
        index += 1
        remaining -= 1
    if remaining == 0:
        rule = _rule_for(node.rules, method, websocket, misses)
        if rule is not None:
            return rule, values
        slashed = node.static.get("")
        if slashed is not None:
            for rule in slashed.rules:
                if rule.websocket == websocket and (rule.methods is None or method in rule.methods):
                    if rule.strict_slashes:
                        raise SlashRequired()
                    return rule, values
        return None

    segment = segments[index]
    child = node.static.get(segment)
    if child is not None:
        found = _walk(child, segments, index + 1, values, method, websocket, misses)
        if found is not None:
            return found

    for match, consumes_rest, suffixed, group_names, child in node.dynamic:
        if consumes_rest:
            matched = match("/".join(segments[index:]))
            next_segments, next_index = segments, len(segments)
        else:
            matched = match(segment)
            next_segments, next_index = segments, index + 1
        if matched is None:
            continue
        if suffixed and matched.groups()[-1] == "/":
            # The variable matched with the slash after it: what remains is that slash.
            next_segments, next_index = [""], 0
        found = _walk(
            child,
            next_segments,
            next_index,
            values + [matched.group(name) for name in group_names],
            method,
            websocket,
            misses,
        )
        if found is not None:
            return found

    if remaining == 1 and segment == "":
        # Only a trailing slash is left: rules without strict slashes accept it.
        rule = _rule_for(node.rules, method, websocket, misses, lenient_only=True)
        if rule is not None:
            return rule, values
    return None


class CompiledMatcher(StateMachineMatcher):
    """werkzeug's ``StateMachineMatcher`` with a faster :meth:`match`; see the module
    docstring. Every answer and exception is the one werkzeug's matcher gives."""

    def __init__(self, merge_slashes: bool) -> None:
        super().__init__(merge_slashes)
        self._compiled: _Node | None = None

    def add(self, rule: Rule) -> None:
        """Add ``rule`` to the tree; the compiled mirror is rebuilt on next use."""
        super().add(rule)
        self._compiled = None

    def update(self) -> None:
        """Finalise the tree (werkzeug orders each state's transitions), then compile it."""
        super().update()
        self._compiled = _Node(self._root)

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, t.MutableMapping[str, t.Any]]:
        """Return the rule matching ``path`` under ``domain`` and its converted values.

        Raises werkzeug's ``RequestPath`` (redirect to a canonical path),
        ``RequestAliasRedirect`` or ``NoMatch`` (with the methods that would have
        matched) exactly as ``StateMachineMatcher.match`` does.
        """
        root = self._compiled
        if root is None:
            root = self._compiled = _Node(self._root)
        misses = _Misses()
        try:
            found = _walk(root, [domain, *path.split("/")], 0, [], method, websocket, misses)
        except SlashRequired:
            raise RequestPath(f"{path}/") from None

        if found is None and self.merge_slashes:
            merged = _REPEATED_SLASHES.sub("/", path)
            try:
                found = _walk(root, [domain, *merged.split("/")], 0, [], method, websocket, misses)
            except SlashRequired:
                raise RequestPath(f"{merged}/") from None
            if found is None or found[0].merge_slashes is False:
                raise NoMatch(misses.allowed_methods, misses.websocket_mismatch)
            raise RequestPath(merged)

        if found is None:
            raise NoMatch(misses.allowed_methods, misses.websocket_mismatch)
        rule, raw_values = found
        result: dict[str, t.Any] = {}
        for (name, converter), raw in zip(rule._converters.items(), raw_values, strict=False):
            try:
                result[str(name)] = converter.to_python(raw)
            except ValidationError as e:
                raise NoMatch(misses.allowed_methods, misses.websocket_mismatch) from e
        if rule.defaults:
            result.update(rule.defaults)
        if rule.alias and rule.map.redirect_defaults:
            raise RequestAliasRedirect(result, rule.endpoint)
        return rule, result
