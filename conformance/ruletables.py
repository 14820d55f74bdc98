"""Random URL rule tables for the routing property tests, and their minimal-app printer.

A :class:`RuleTable` describes an application: every rule has a unique first static
segment (so no two rules can match the same path), typed variables using every built-in
converter with random arguments, a method set, extra ``defaults``, an optional
"alias" rule supplying a default for its last variable (the ``/page/`` +
``/page/<int:n>`` pattern), and optional ``strict_slashes`` and
``provide_automatic_options`` settings.

:meth:`RuleTable.source` prints the table as a small runnable Flask application and
:func:`build_app` executes exactly that source against the implementation under test, so
the program shown for a failing example is the program that failed. :class:`Probe`
describes one request (a ``url_for`` call or a literal path, and a method) and prints
itself the same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

#: Characters werkzeug leaves unquoted in a converted path value.
PATH_SAFE_CHARACTERS = "!$&'()*+,/:;=@"
#: The methods a generated rule may declare.
ROUTE_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
#: The methods requests are sent with.
PROBE_METHODS = (*ROUTE_METHODS, "HEAD", "OPTIONS", "TRACE")
#: Items for ``any(...)`` converters, some needing quotes or regex escaping.
ANY_WORDS = ("alpha", "beta", "gamma", "x-ray", "a.b", "caf")
#: Static segments placed after a rule's unique first segment.
STATIC_WORDS = ("items", "v2", "edit", "x-y", "p.q", "_", "e~")
#: Largest magnitude generated for unbounded numbers.
NUMBER_LIMIT = 10**6
#: The import name generated applications are built with.
GENERATED_IMPORT_NAME = "conformance_app"

# Characters for string values: anything but "/" (which a string converter never matches)
# and surrogates (which cannot be encoded into a URL).
VALUE_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="/")
# A path converter's pattern (``[^/].*?``) does not match a newline, so path values omit it.
PATH_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="/\n")


@dataclass(frozen=True)
class Converter:
    """A converter of a rule variable: its name, keyword arguments and ``any`` items."""

    name: str
    args: tuple[tuple[str, object], ...] = ()
    items: tuple[str, ...] = ()

    def option(self, key: str, default: Any = None) -> Any:
        """Return the keyword argument ``key``, or ``default`` when the rule does not set it."""
        return dict(self.args).get(key, default)

    def placeholder(self, variable: str) -> str:
        """Return the rule syntax for ``variable`` converted by this converter."""
        if self.name == "any":
            arguments = ", ".join(repr(item) for item in self.items)
            return f"<any({arguments}):{variable}>"
        if self.name == "string" and not self.args:
            return f"<{variable}>"
        if self.args:
            arguments = ", ".join(f"{key}={value!r}" for key, value in self.args)
            return f"<{self.name}({arguments}):{variable}>"
        return f"<{self.name}:{variable}>"

    def _integer_range(self) -> tuple[int, int]:
        """Return the inclusive range of valid ``int`` values, fixed digits included."""
        signed = self.option("signed", False)
        low = self.option("min", -NUMBER_LIMIT if signed else 0)
        high = self.option("max", NUMBER_LIMIT)
        digits = self.option("fixed_digits", 0)
        if digits:
            # The zero-padded text must be exactly `digits` long, sign included.
            high = min(high, 10**digits - 1)
            low = max(low, -(10 ** (digits - 1) - 1))
        return low, high

    def _float_range(self) -> tuple[int, int]:
        """Return the inclusive range of valid ``float`` values in hundredths."""
        signed = self.option("signed", False)
        low = self.option("min", -NUMBER_LIMIT / 100 if signed else 0.0)
        high = self.option("max", NUMBER_LIMIT / 100)
        return round(low * 100), round(high * 100)

    def values(self) -> st.SearchStrategy[Any]:
        """Return a strategy for Python values this converter accepts and builds."""
        if self.name == "string":
            length = self.option("length")
            low = length if length is not None else self.option("minlength", 1)
            high = length if length is not None else self.option("maxlength", low + 6)
            return st.text(VALUE_CHARACTERS, min_size=low, max_size=high)
        if self.name == "path":
            segment = st.text(PATH_CHARACTERS, min_size=1, max_size=4)
            return st.lists(segment, min_size=1, max_size=3).map("/".join)
        if self.name == "int":
            return st.integers(*self._integer_range())
        if self.name == "float":
            return st.integers(*self._float_range()).map(lambda hundredths: hundredths / 100)
        if self.name == "uuid":
            return st.uuids()
        return st.sampled_from(self.items)

    def to_url(self, value: Any) -> str:
        """Return the URL text for ``value``: what ``url_for`` must put into the path."""
        if self.name == "int":
            return str(int(value)).zfill(self.option("fixed_digits", 0))
        if self.name == "float":
            return str(float(value))
        return quote(str(value), safe=PATH_SAFE_CHARACTERS)

    def to_python(self, value: Any) -> Any:
        """Return the value the view receives for a built ``value``."""
        if self.name == "int":
            return int(value)
        if self.name == "float":
            return float(value)
        if self.name == "uuid":
            return uuid.UUID(str(value))
        return str(value)

    def invalid_texts(self) -> tuple[str, ...]:
        """Return non-empty, slash-free URL texts this converter must reject (404)."""
        texts: list[str] = []
        if self.name == "string":
            length = self.option("length")
            low = length if length is not None else self.option("minlength", 1)
            high = length if length is not None else self.option("maxlength")
            if high is not None:
                texts.append("x" * (high + 1))
            if low > 1:
                texts.append("x" * (low - 1))
        elif self.name == "int":
            low, high = self._integer_range()
            texts += ["abc", "1.5", "1e3"]
            if not self.option("signed", False):
                texts.append("-1")
            digits = self.option("fixed_digits", 0)
            if digits:
                texts.append("0" * (digits + 1))
            if self.option("max") is not None or digits:
                texts.append(str(high + 1).zfill(digits))
            if self.option("min") is not None:
                texts.append(str(low - 1).zfill(digits))
        elif self.name == "float":
            low, high = self._float_range()
            texts += ["1", "abc", ".5", "1e3"]
            if self.option("max") is not None:
                texts.append(str((high + 100) / 100))
            if not self.option("signed", False):
                texts.append("-1.5")
            if self.option("min") is not None:
                texts.append(str((low - 100) / 100))
        elif self.name == "uuid":
            texts += ["not-a-uuid", "0" * 32, "0" * 8 + "-0000-0000-0000-" + "0" * 11]
        elif self.name == "any":
            texts += ["omega", self.items[0] + "x"]
        return tuple(texts)


@st.composite
def converters(draw: st.DrawFn) -> Converter:
    """Draw a built-in converter with random, mutually consistent arguments."""
    name = draw(st.sampled_from(["string", "int", "float", "path", "uuid", "any"]))
    args: list[tuple[str, object]] = []
    if name == "string":
        shape = draw(st.sampled_from(["none", "min", "max", "both", "length"]))
        if shape == "length":
            args.append(("length", draw(st.integers(1, 4))))
        if shape in ("min", "both"):
            args.append(("minlength", draw(st.integers(1, 3))))
        if shape in ("max", "both"):
            low = dict(args).get("minlength", 1)
            assert isinstance(low, int)
            args.append(("maxlength", draw(st.integers(low, low + 4))))
    elif name == "int":
        signed = draw(st.booleans())
        digits = draw(st.none() | st.integers(1, 4))
        cap = 10**digits - 1 if digits else NUMBER_LIMIT
        # Rule syntax cannot spell a negative argument, so bounds are never negative.
        low = draw(st.none() | st.integers(0, cap))
        high = draw(st.none() | st.integers(low or 0, cap))
        if digits:
            args.append(("fixed_digits", digits))
        if low is not None:
            args.append(("min", low))
        if high is not None:
            args.append(("max", high))
        if signed:
            args.append(("signed", True))
    elif name == "float":
        signed = draw(st.booleans())
        low = draw(st.none() | st.integers(0, 10_000))
        high = draw(st.none() | st.integers(low or 0, 100_000))
        if low is not None:
            args.append(("min", low / 100))
        if high is not None:
            args.append(("max", high / 100))
        if signed:
            args.append(("signed", True))
    items: tuple[str, ...] = ()
    if name == "any":
        items = tuple(
            draw(st.lists(st.sampled_from(ANY_WORDS), min_size=1, max_size=3, unique=True))
        )
    return Converter(name, tuple(args), items)


@dataclass(frozen=True)
class Variable:
    """A rule variable: its name and converter."""

    name: str
    converter: Converter


@dataclass(frozen=True)
class Alias:
    """A second rule for the same endpoint omitting the last variable, defaulting it."""

    default: Any
    trailing_slash: bool


Part = str | Variable


@dataclass(frozen=True)
class RuleSpec:
    """One generated rule (plus its optional alias) and the endpoint it serves."""

    endpoint: str
    parts: tuple[Part, ...]
    trailing_slash: bool
    methods: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...] = ()
    alias: Alias | None = None
    strict_slashes: bool | None = None
    automatic_options: bool = True

    @property
    def variables(self) -> list[Variable]:
        """Return the rule's variables in order."""
        return [part for part in self.parts if isinstance(part, Variable)]

    @property
    def alias_parts(self) -> tuple[Part, ...]:
        """Return the parts before the last variable: the alias rule's path."""
        last = max(index for index, part in enumerate(self.parts) if isinstance(part, Variable))
        return self.parts[:last]

    @staticmethod
    def _join(parts: tuple[Part, ...], trailing_slash: bool, render: Any) -> str:
        text = "/" + "/".join(render(part) for part in parts)
        return text + "/" if trailing_slash and text != "/" else text

    @property
    def rule(self) -> str:
        """Return the main rule string."""
        return self._join(self.parts, self.trailing_slash, self._placeholder)

    @property
    def alias_rule(self) -> str:
        """Return the alias rule string (only meaningful when :attr:`alias` is set)."""
        assert self.alias is not None
        return self._join(self.alias_parts, self.alias.trailing_slash, self._placeholder)

    @staticmethod
    def _placeholder(part: Part) -> str:
        return part.converter.placeholder(part.name) if isinstance(part, Variable) else part

    def path(self, texts: dict[str, str], trailing_slash: bool | None = None) -> str:
        """Return the main rule's path with each variable replaced by its URL text."""
        slash = self.trailing_slash if trailing_slash is None else trailing_slash
        return self._join(self.parts, slash, lambda part: self._text(part, texts))

    def alias_path(self, texts: dict[str, str]) -> str:
        """Return the alias rule's path with each variable replaced by its URL text."""
        assert self.alias is not None
        return self._join(
            self.alias_parts, self.alias.trailing_slash, lambda p: self._text(p, texts)
        )

    @staticmethod
    def _text(part: Part, texts: dict[str, str]) -> str:
        return texts[part.name] if isinstance(part, Variable) else part

    def url_texts(self, values: dict[str, Any]) -> dict[str, str]:
        """Return each variable's URL text for the Python ``values``."""
        return {var.name: var.converter.to_url(values[var.name]) for var in self.variables}

    def view_args(self, values: dict[str, Any]) -> dict[str, Any]:
        """Return the keyword arguments the view receives for built ``values``."""
        args: dict[str, Any] = dict(self.defaults)
        for var in self.variables:
            args[var.name] = var.converter.to_python(values[var.name])
        return args

    def uses_alias(self, values: dict[str, Any]) -> bool:
        """Return whether ``url_for`` builds the alias URL: the last value equals its default."""
        return self.alias is not None and values[self.variables[-1].name] == self.alias.default

    @property
    def allowed_methods(self) -> set[str]:
        """Return the methods the rule answers, as a 405 ``Allow`` header must list them."""
        allowed = set(self.methods)
        if "GET" in allowed:
            allowed.add("HEAD")
        if self.automatic_options:
            allowed.add("OPTIONS")
        return allowed

    def route_source(self, rule: str, defaults: dict[str, Any]) -> str:
        """Return the ``@app.route(...)`` decorator line registering ``rule``."""
        options = [repr(rule), f"endpoint={self.endpoint!r}", f"methods={list(self.methods)!r}"]
        if defaults:
            items = ", ".join(f"{key!r}: {value!r}" for key, value in defaults.items())
            options.append(f"defaults={{{items}}}")
        if self.strict_slashes is not None:
            options.append(f"strict_slashes={self.strict_slashes!r}")
        if not self.automatic_options:
            options.append("provide_automatic_options=False")
        return f"@app.route({', '.join(options)})"

    def source(self) -> list[str]:
        """Return the source lines of the view function and its decorators."""
        lines = []
        if self.alias is not None:
            alias_defaults = {**dict(self.defaults), self.variables[-1].name: self.alias.default}
            lines.append(self.route_source(self.alias_rule, alias_defaults))
        lines.append(self.route_source(self.rule, dict(self.defaults)))
        lines += [f"def {self.endpoint}(**view_args):", "    return describe(view_args)"]
        return lines


@dataclass(frozen=True)
class RuleTable:
    """A generated application: its rules and ``app.url_map`` settings."""

    rules: tuple[RuleSpec, ...]
    url_map_settings: tuple[tuple[str, bool], ...] = ()

    def source(self, module: str = "flask") -> str:
        """Return a runnable application with these rules, importing from ``module``."""
        lines = [
            f"from {module} import Flask, request, url_for",
            "from uuid import UUID",
            "",
            f"app = Flask({GENERATED_IMPORT_NAME!r})",
            'app.config["TESTING"] = True',
        ]
        lines += [f"app.url_map.{name} = {value!r}" for name, value in self.url_map_settings]
        lines += [
            "",
            "",
            "def describe(view_args):",
            '    """Answer with the endpoint, method, typed view arguments and query."""',
            "    typed = repr(sorted(view_args.items()))",
            "    query = repr(sorted(request.args.lists()))",
            '    return "\\n".join([request.endpoint, request.method, typed, query])',
        ]
        for rule in self.rules:
            lines += ["", "", *rule.source()]
        return "\n".join(lines) + "\n"


def describe_response(
    endpoint: str, method: str, view_args: dict[str, Any], query: dict[str, list[str]]
) -> str:
    """Return the body the generated ``describe`` view helper answers with."""
    typed = repr(sorted(view_args.items()))
    return "\n".join([endpoint, method, typed, repr(sorted(query.items()))])


@dataclass
class GeneratedApp:
    """An application built from generated source, with the ``url_for`` it imported."""

    source: str
    app: Any
    url_for: Any


def build_app(table: RuleTable, impl: ModuleType) -> GeneratedApp:
    """Execute the table's source against ``impl`` and return the resulting app."""
    return build_source(table.source(impl.__name__))


def build_source(source: str) -> GeneratedApp:
    """Execute application ``source`` (which defines ``app`` and imports ``url_for``)."""
    namespace: dict[str, Any] = {"__name__": GENERATED_IMPORT_NAME}
    exec(compile(source, "<generated app>", "exec"), namespace)
    return GeneratedApp(source, namespace["app"], namespace["url_for"])


@dataclass(frozen=True)
class Probe:
    """One request: either a ``url_for`` call (endpoint and values) or a literal path."""

    method: str
    path: str | None = None
    endpoint: str | None = None
    values: tuple[tuple[str, Any], ...] = ()

    def source(self) -> str:
        """Return the request as source code continuing the printed application."""
        lines = ["client = app.test_client()"]
        if self.path is None:
            arguments = ", ".join(
                [repr(self.endpoint), *(f"{key}={value!r}" for key, value in self.values)]
            )
            lines += ["with app.test_request_context():", f"    url = url_for({arguments})"]
            target = "url"
        else:
            target = repr(self.path)
        lines.append(f"response = client.open({target}, method={self.method!r})")
        lines.append("print(response.status, response.headers, response.data)")
        return "\n".join(lines)

    def url(self, generated: GeneratedApp) -> str:
        """Return the path requested: built with the app's ``url_for`` or the literal path."""
        if self.path is not None:
            return self.path
        with generated.app.test_request_context():
            return str(generated.url_for(self.endpoint, **dict(self.values)))

    def send(self, generated: GeneratedApp) -> Any:
        """Send the request to the generated app's test client and return the response."""
        return generated.app.test_client().open(self.url(generated), method=self.method)


def allow_set(response: Any) -> set[str]:
    """Return the methods listed by a response's ``Allow`` header."""
    return {item.strip() for item in response.headers.get("Allow", "").split(",") if item.strip()}


def example(generated: GeneratedApp, probe: Probe) -> str:
    """Return the failing case as one runnable program: the app, then the request."""
    return f"{generated.source}\n\n{probe.source()}\n"


@st.composite
def rules(draw: st.DrawFn) -> RuleSpec:
    """Draw one rule; :func:`rule_tables` numbers it (endpoint ``rN``, first segment ``*N``)."""
    parts: list[Part] = [draw(st.sampled_from(["r", "page", "api"]))]
    for position in range(draw(st.integers(0, 3))):
        if draw(st.integers(0, 3)) == 0:
            parts.append(draw(st.sampled_from(STATIC_WORDS)))
        else:
            parts.append(Variable(f"v{position}", draw(converters())))
    # A path variable swallows slashes; only the last variable may be one, so that the
    # rule stays unambiguous.
    variable_indexes = [i for i, part in enumerate(parts) if isinstance(part, Variable)]
    for i in variable_indexes[:-1]:
        part = parts[i]
        if isinstance(part, Variable) and part.converter.name == "path":
            parts[i] = Variable(part.name, Converter("int"))
    variables = [part for part in parts if isinstance(part, Variable)]
    methods = draw(st.lists(st.sampled_from(ROUTE_METHODS), min_size=1, max_size=3, unique=True))
    extra_default = st.integers(0, 99) | st.text("abc", min_size=1, max_size=3)
    defaults = tuple((f"d{n}", draw(extra_default)) for n in range(draw(st.integers(0, 1))))
    alias = None
    if variables and draw(st.integers(0, 2)) == 0:
        last = variables[-1].converter
        alias = Alias(last.to_python(draw(last.values())), draw(st.booleans()))
    return RuleSpec(
        endpoint="r",
        parts=tuple(parts),
        trailing_slash=draw(st.booleans()),
        methods=tuple(methods),
        defaults=defaults,
        alias=alias,
        strict_slashes=draw(st.sampled_from([None, None, True, False])),
        automatic_options=draw(st.integers(0, 4)) < 4,
    )


def numbered(rule: RuleSpec, index: int) -> RuleSpec:
    """Return ``rule`` as the ``index``-th of its table: a unique endpoint and first segment."""
    first = rule.parts[0]
    assert isinstance(first, str)
    parts = (f"{first}{index}", *rule.parts[1:])
    return replace(rule, endpoint=f"r{index}", parts=parts)


@st.composite
def rule_tables(draw: st.DrawFn, max_rules: int = 3, url_map_settings: bool = False) -> RuleTable:
    """Draw a non-ambiguous rule table of 1 to ``max_rules`` rules.

    With ``url_map_settings`` the table may also switch off the map's ``strict_slashes``
    or ``merge_slashes`` (used by the differential tests, whose expectations come from the
    reference rather than from the table).
    """
    drafts = draw(st.lists(rules(), min_size=1, max_size=max_rules))
    settings: tuple[tuple[str, bool], ...] = ()
    if url_map_settings:
        settings = tuple(
            (name, False)
            for name in ("strict_slashes", "merge_slashes")
            if draw(st.integers(0, 3)) == 0
        )
    return RuleTable(tuple(numbered(rule, index) for index, rule in enumerate(drafts)), settings)


@st.composite
def query_values(draw: st.DrawFn) -> dict[str, Any]:
    """Draw extra ``url_for`` values that become the query string (``q*`` keys, no clash)."""
    value = st.text(VALUE_CHARACTERS, max_size=4) | st.integers(-5, 5).map(str)
    names = draw(st.lists(st.sampled_from(["q0", "q1", "q2"]), max_size=2, unique=True))
    result: dict[str, Any] = {}
    for name in names:
        result[name] = draw(value | st.lists(value, min_size=1, max_size=2))
    return result


def expected_query(query: dict[str, Any]) -> dict[str, list[str]]:
    """Return ``request.args.lists()`` as a dict for the query ``url_for`` was given."""
    return {
        key: list(value) if isinstance(value, list) else [value] for key, value in query.items()
    }


@st.composite
def rule_values(draw: st.DrawFn, rule: RuleSpec) -> dict[str, Any]:
    """Draw a valid Python value for every variable of ``rule``."""
    return {var.name: draw(var.converter.values()) for var in rule.variables}
