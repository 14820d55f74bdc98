"""``framework.matcher``: the compiled matcher answers every request exactly as
werkzeug's ``StateMachineMatcher`` does, on rule tables built to overlap (static and
variable segments competing, trailing slashes, methods, websockets, aliases)."""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from werkzeug.routing import Map as WerkzeugMap
from werkzeug.routing import Rule

from framework.matcher import CompiledMatcher
from framework.routing import Map

SEGMENTS = (
    "a",
    "b",
    "<name>",
    "<int:n>",
    "<float:f>",
    "<path:rest>",
    "<any(a, x):choice>",
    "<string(length=1):letter>",
    "<int(signed=True):signed>",
    "p<int:num>.q",
)
PATH_SEGMENTS = ("a", "b", "x", "1", "-3", "1.5", "p7.q", "", "ab", "a b", "é")


@st.composite
def rule_specs(draw: st.DrawFn) -> dict[str, t.Any]:
    segments = draw(st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=3))
    # A variable name may appear only once per rule.
    names = [s for s in segments if "<" in s]
    assume(len(names) == len(set(names)))
    return {
        "string": "/" + "/".join(segments) + draw(st.sampled_from(["", "/"])),
        "methods": draw(st.sampled_from([None, None, ["GET"], ["POST"], ["GET", "PUT"]])),
        "strict_slashes": draw(st.sampled_from([None, False])),
        "merge_slashes": draw(st.sampled_from([None, False])),
        "websocket": draw(st.sampled_from([False, False, False, True])),
        "alias": draw(st.sampled_from([False, False, False, True])),
        "defaults": draw(st.sampled_from([None, {"extra": 1}])),
    }


def _rules(specs: list[dict[str, t.Any]]) -> list[Rule]:
    rules = []
    for number, spec in enumerate(specs):
        options = {k: v for k, v in spec.items() if k != "string" and v is not None}
        if options.get("websocket"):
            options["methods"] = ["GET"]
        rules.append(Rule(spec["string"], endpoint=f"e{number % 3}", **options))
    return rules


def _outcome(url_map: WerkzeugMap, domain: str, path: str, method: str, ws: bool) -> t.Any:
    url_map.update()
    try:
        rule, values = url_map._matcher.match(domain, path, method, ws)
    except Exception as e:
        return type(e).__name__, repr(getattr(e, "args", ())), getattr(e, "path_info", None)
    return rule.rule, rule.endpoint, rule.websocket, sorted(rule.methods or ()), values


# A value each segment of SEGMENTS accepts, to build paths that reach the rules.
FITTING_VALUES = {
    "<name>": "x",
    "<int:n>": "1",
    "<float:f>": "1.5",
    "<path:rest>": "a/b",
    "<any(a, x):choice>": "a",
    "<string(length=1):letter>": "b",
    "<int(signed=True):signed>": "-3",
    "p<int:num>.q": "p7.q",
}


@st.composite
def paths_for(draw: st.DrawFn, specs: list[dict[str, t.Any]]) -> str:
    """A path aimed at one of the rules (then bent a little), or a random one."""
    if draw(st.booleans()):
        parts = draw(st.lists(st.sampled_from(PATH_SEGMENTS), max_size=4))
        return "/" + "/".join(parts)
    spec = draw(st.sampled_from(specs))
    path = "/" + "/".join(FITTING_VALUES.get(part, part) for part in spec["string"].split("/")[1:])
    bend = draw(st.sampled_from(["", "slash", "unslash", "double", "break"]))
    if bend == "slash":
        path += "/"
    elif bend == "unslash":
        path = path.rstrip("/") or "/"
    elif bend == "double":
        path = path.replace("/", "//", 1)
    elif bend == "break":
        path = path.replace("1", "z", 1)
    return path


@given(
    data=st.data(),
    specs=st.lists(rule_specs(), min_size=1, max_size=6),
    method=st.sampled_from(["GET", "GET", "GET", "POST", "PUT", "DELETE"]),
    websocket=st.sampled_from([False, False, False, True]),
    merge_slashes=st.booleans(),
)
def test_matches_like_werkzeug(
    data: st.DataObject,
    specs: list[dict[str, t.Any]],
    method: str,
    websocket: bool,
    merge_slashes: bool,
) -> None:
    try:
        reference = WerkzeugMap(_rules(specs), merge_slashes=merge_slashes)
    except Exception:
        assume(False)
        raise
    ours = Map(_rules(specs), merge_slashes=merge_slashes)
    assert isinstance(ours._matcher, CompiledMatcher)
    path = data.draw(paths_for(specs))
    assert _outcome(ours, "", path, method, websocket) == _outcome(
        reference, "", path, method, websocket
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/7", ("/a/<int:n>", {"n": 7})),
        ("/a/b", ("/a/b", {})),
        ("/a/x/y", ("/a/<path:rest>", {"rest": "x/y"})),
    ],
)
def test_static_segments_win_over_variables(path: str, expected: t.Any) -> None:
    url_map = Map(
        [
            Rule("/a/<path:rest>", endpoint="p"),
            Rule("/a/<int:n>", endpoint="n"),
            Rule("/a/b", endpoint="b"),
        ]
    )
    url_map.update()
    rule, values = url_map._matcher.match("", path, "GET", False)
    assert (rule.rule, values) == expected


def test_rules_added_after_a_match_are_seen() -> None:
    url_map = Map([Rule("/a", endpoint="a")])
    url_map.update()
    url_map._matcher.match("", "/a", "GET", False)
    url_map.add(Rule("/b/<int:n>", endpoint="b"))
    url_map.update()
    assert url_map._matcher.match("", "/b/3", "GET", False)[1] == {"n": 3}


# Hand-picked cases for the walk's rarer branches, each compared with werkzeug.
EDGE_CASES: list[tuple[list[tuple[str, dict[str, t.Any]]], str, str]] = [
    ([("/a", {"strict_slashes": False})], "/a/", "GET"),  # lenient trailing slash
    ([("/a", {"strict_slashes": False, "methods": ["POST"]})], "/a/", "GET"),
    ([("/a/", {})], "/a", "GET"),  # strict: redirect to the slash form
    ([("/a/", {"strict_slashes": False})], "/a", "GET"),
    ([("/<path:rest>/", {})], "/x/y/", "GET"),  # path variable before a final slash
    ([("/<path:rest>/", {})], "/x/y", "GET"),
    ([("/<path:rest>/edit", {})], "/x/y/edit", "GET"),
    ([("/f/<path:rest>", {}), ("/f/<int:n>/", {})], "/f/3", "GET"),
    ([("/a//b", {"merge_slashes": False})], "/a//b", "GET"),
    ([("/a/b", {})], "/a//b", "GET"),  # merged: redirect to the single-slash path
    ([("/ws", {"websocket": True, "methods": ["GET"]})], "/ws", "GET"),
    ([("/a/b", {"merge_slashes": False})], "/a//b", "GET"),  # no merging for this rule
    ([("/n/<int:n>", {})], "/n/007", "GET"),
    ([("/n/<int(min=5):n>", {})], "/n/3", "GET"),  # converter rejects: no match
]


@pytest.mark.parametrize(("rules", "path", "method"), EDGE_CASES)
def test_edge_cases_match_like_werkzeug(
    rules: list[tuple[str, dict[str, t.Any]]], path: str, method: str
) -> None:
    def build(map_class: type[WerkzeugMap]) -> WerkzeugMap:
        return map_class(
            [Rule(rule, endpoint=f"e{i}", **options) for i, (rule, options) in enumerate(rules)]
        )

    assert _outcome(build(Map), "", path, method, False) == _outcome(
        build(WerkzeugMap), "", path, method, False
    )
