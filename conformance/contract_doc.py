"""The contract as a document, and the scan that keeps it honest.

:func:`names_used` reads the suite's test files (without running them) and
returns, per spec area, the contract names its tests reach through the ``impl``
fixture (``impl.sessions.NullSession``, ``impl.submodule("json.tag")``);
:func:`render_contract` writes the features of :mod:`conformance.contract` and
that per-area table as Markdown. ``docs/contract.md`` is this output, and a test
checks both that it is current and that every name the suite uses is in the contract.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from conformance.contract import CORE_NAMES, FEATURES, Feature
from conformance.drivers.capabilities import CAPABILITIES
from conformance.spec import AREAS

SUITE_DIR = Path(__file__).resolve().parent
_AREA_MARKER = re.compile(r"""mark\.spec\(\s*f?["']([a-z][a-z0-9]*)\.""")
CONTRACT_NAMES = frozenset(name for feature in FEATURES for name in feature.names)


def contract_name(parts: list[str]) -> str:
    """Return the contract name an attribute chain on ``impl`` reaches.

    The longest prefix of the chain that the contract lists wins
    (``request.args.get`` reaches ``request``; ``json.tag.JSONTag`` is listed
    whole); a chain the contract does not know is named by its first part.
    """
    for length in range(len(parts), 0, -1):
        candidate = ".".join(parts[:length])
        if candidate in CONTRACT_NAMES:
            return candidate
    return parts[0]


DRIVER_RENDERING = {"render_string": "render_template_string", "render": "render_template"}
"""Driver methods that call a contract name of the product (see ``Driver.render``)."""


def _chains(tree: ast.AST) -> Iterable[list[str]]:
    """Yield the attribute chains rooted at the name ``impl`` (outermost only)."""
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if id(node) in inner:
                continue
            parts = []
            current: ast.expr = node
            while isinstance(current, ast.Attribute):
                inner.add(id(current))
                parts.append(current.attr)
                current = current.value
            if isinstance(current, ast.Name) and current.id == "impl":
                parts.reverse()
                if parts[0] == "submodule":
                    continue
                if not parts[0].startswith("__"):
                    yield parts
            elif (
                isinstance(current, ast.Name)
                and current.id == "driver"
                and len(parts) == 1
                and parts[0] in DRIVER_RENDERING
            ):
                yield [DRIVER_RENDERING[parts[0]]]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "submodule"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield [*node.args[0].value.split("."), "*"]


def names_used(suite_dir: Path = SUITE_DIR) -> dict[str, set[str]]:
    """Return, per spec area, the contract names that the area's test files use."""
    used: dict[str, set[str]] = {}
    for path in sorted(suite_dir.rglob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        areas = set(_AREA_MARKER.findall(text))
        names = set()
        for parts in _chains(ast.parse(text)):
            if parts[-1] == "*":  # a whole submodule: what the file reaches in it
                names.add(".".join(parts[:-1]) + ".*")
            else:
                names.add(contract_name(parts))
        for area in areas:
            used.setdefault(area, set()).update(names)
    return used


def unlisted_names(used: dict[str, set[str]]) -> dict[str, set[str]]:
    """Return, per area, the names used that no feature of the contract lists."""
    prefixes = {name.rsplit(".", 1)[0] for name in CONTRACT_NAMES if "." in name}
    missing: dict[str, set[str]] = {}
    for area, names in used.items():
        for name in names:
            module = name[:-2] if name.endswith(".*") else None
            known = module in prefixes if module else name in CONTRACT_NAMES | prefixes
            if not known:
                missing.setdefault(area, set()).add(name)
    return missing


def _feature_row(feature: Feature) -> str:
    names = ", ".join(f"`{name}`" for name in (*feature.names, *feature.entry_points)) or "—"
    where = []
    if feature.areas:
        where.append("areas " + ", ".join(f"`{area}`" for area in feature.areas))
    if feature.fixtures:
        where.append("fixtures " + ", ".join(f"`{fixture}`" for fixture in feature.fixtures))
    where.append(
        f'`@pytest.mark.needs("{feature.name}")`' if feature.optional else "those using its names"
    )
    kind = "optional" if feature.optional else "required"
    return f"| `{feature.name}` | {kind} | {feature.summary} | {names} | {'; '.join(where)} |"


INTRO = """\
# The conformance contract

What the flaskspec suite uses of an implementation, so that you can run it against
yours without reading its source. Generated by `python -m conformance contract`;
`tests/test_contract.py` fails when this file is out of date or when a test uses a
name that is not listed here.

## How the suite reaches your implementation

- You name a Python module: `pytest --pyargs conformance --impl MODULE -p no:locust`.
  The module must be importable from the folder you run in.
- Spec tests use only the names below, through the `impl` fixture (`impl.Flask`,
  `impl.request`). A dotted name such as `sessions.NullSession` is looked up as an
  attribute of your module (`MODULE.sessions`) first and otherwise imported as the
  submodule `MODULE.sessions`, so a package that re-exports another one can hand
  its submodules over as attributes.
- Apps are built as `impl.Flask(import_name)` with `TESTING = True` and a
  `SECRET_KEY`.
- Requests, contexts, rendering and commands go through a **driver**
  (`conformance/drivers/`): the `driver` fixture gives `driver.client(app)`,
  `driver.app_context(app)`, `driver.request_context(app, ...)`,
  `driver.render_string(...)`, `driver.cli_runner(app)` and `driver.resolve(value)`
  (for view code reading something a product may make awaitable). The suite ships
  `wsgi` (Flask-shaped WSGI products: the product's own test client and contexts)
  and `quart` (Quart, run on an event loop from synchronous tests). The driver is
  chosen with `--driver NAME` or `--driver MODULE:CLASS` (your own subclass of
  `conformance.drivers.Driver`), else by a `__conformance_driver__` attribute of
  your module, else from the module's name, else `wsgi`. A driver may also map
  contract names to the product's own (`Flask` is `Quart` for Quart).
- Differential tests also import a reference (`--reference flask`).

## Checking before you run

`python -m conformance check-impl MODULE [--without FEATURE]` prints, per feature,
what is present and what is missing, and exits 1 when a required name is missing
(2 when the module cannot be imported). The pytest run does the same check first:
a module without `{core}` stops the run with one line and exit code 4, and the
run's header lists any other missing names.

## Leaving out an optional feature

Declare what your implementation leaves out, in its expectations file
(`conformance-expectations/MODULE.toml` in the folder you run in):

```toml
[implementation]
without = ["python-m"]
```

or with `--without FEATURE` (repeatable). Tests that need an absent feature are
reported as **not applicable**, not failed: the feature's areas, the tests that use
its fixtures, the tests marked `@pytest.mark.needs("FEATURE")`, and any test that
trips over one of the feature's missing names.

## Capabilities of a product

A driver declares what its product's execution model gives. A test that depends
on one is marked `@pytest.mark.needs("CAPABILITY")` and is **not applicable** on a
product whose driver lacks it.

{capabilities}

## Features
""".format(
    core="`, `".join(CORE_NAMES),
    capabilities="\n".join(
        f"- `{capability.name}`: {capability.summary}" for capability in CAPABILITIES
    ),
)


def render_contract(suite_dir: Path = SUITE_DIR) -> str:
    """Return the contract as Markdown: features, then the names used per spec area."""
    lines = [
        INTRO,
        "| feature | kind | what it is | names and entry points | tests that need it |",
        "| --- | --- | --- | --- | --- |",
        *(_feature_row(feature) for feature in FEATURES),
        "",
        "## Names used, per spec area",
        "",
        "`NAME.*` means the area reaches into submodule `NAME` by name; its listed names",
        "are in the features above.",
        "",
        "| area | what it covers | names its tests use |",
        "| --- | --- | --- |",
    ]
    used = names_used(suite_dir)
    for area, summary in AREAS.items():
        names = ", ".join(f"`{name}`" for name in sorted(used.get(area, ()))) or "—"
        lines.append(f"| `{area}` | {summary} | {names} |")
    return "\n".join(lines) + "\n"
