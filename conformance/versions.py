"""Flask versions: the range of versions a rule holds in, and the version a product targets.

A rule of the registry holds ``since`` a Flask version and, when Flask changed it,
``until`` the first version where it no longer holds (the range is half-open:
``since <= version < until``). A rules file may set a top-level ``since`` for every
rule in it; a rule without either holds in every Flask version the suite knows.

The implementation under test is a *product* (a distribution, such as Flask 3.0.3,
Quart 0.22 or this project's ``framework``) that targets one version of the Flask
API. For Flask that is its own version; another product declares it with
``--flask-api VERSION``, with ``flask_api`` in its expectations file's
``[implementation]`` table, or with a module attribute ``__flask_api__``; without a
declaration it is :data:`NEWEST_FLASK`. A test whose rule does not hold in the
targeted version is *not applicable* to the run, never failed.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import warnings
from pathlib import Path
from types import ModuleType

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

OLDEST_FLASK = "2.3"
"""The oldest Flask version the suite is proven on (the default ``since`` of the rule files)."""
NEWEST_FLASK = "3.1.3"
"""The newest Flask version the suite is proven on: what a product targets by default."""
FLASK_DISTRIBUTION = "flask"
API_ATTRIBUTE = "__flask_api__"
"""A module attribute naming the Flask API version a non-Flask product targets."""

FROM_OPTION = "--flask-api"
FROM_EXPECTATIONS = "the expectations file"
FROM_FLASK = "the installed Flask"
FROM_MODULE = f"the module's {API_ATTRIBUTE}"
FROM_DEFAULT = "the default (the newest Flask the suite knows)"


class VersionError(ValueError):
    """A version or version specifier is malformed (the message is one line)."""


def parse_version(text: object, where: str) -> Version:
    """Return ``text`` as a PEP 440 version; raise :class:`VersionError` naming ``where``."""
    if not isinstance(text, str):
        raise VersionError(f"{where} must be a version string such as '3.1'")
    try:
        return Version(text)
    except InvalidVersion:
        raise VersionError(f"{where} is {text!r}, not a version such as '3.1' or '3.0.3'")


def parse_specifier(text: object, where: str) -> SpecifierSet:
    """Return ``text`` as a PEP 440 specifier set (``">=3.0,<3.1"``) or raise VersionError."""
    if not isinstance(text, str) or not text.strip():
        raise VersionError(f"{where} must be a version specifier such as '>=3.0,<3.1'")
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise VersionError(f"{where} is {text!r}, not a version specifier such as '>=3.0,<3.1'")


def check_range(since: object, until: object, where: str) -> None:
    """Raise :class:`VersionError` unless ``since`` and ``until`` are versions, since < until."""
    low = parse_version(since, f"{where} since") if since is not None else None
    high = parse_version(until, f"{where} until") if until is not None else None
    if low is not None and high is not None and not low < high:
        raise VersionError(f"{where}: since {since} is not before until {until}")


def holds_in(since: str | None, until: str | None, version: str) -> bool:
    """Whether a rule holding from ``since`` up to (not including) ``until`` holds in it."""
    target = Version(version)
    if since is not None and target < Version(since):
        return False
    return until is None or target < Version(until)


def describe_range(since: str | None, until: str | None) -> str:
    """Return the range in words: ``holds since Flask 3.1``, ``holds before Flask 3.1``..."""
    if since is not None and until is not None:
        return f"holds since Flask {since}, before Flask {until}"
    if until is not None:
        return f"holds before Flask {until} (changed in {until})"
    if since is not None:
        return f"holds since Flask {since}"
    return "holds in every Flask version"


@dataclasses.dataclass(frozen=True)
class Product:
    """The product under test: its distribution and version, and the Flask API it targets."""

    distribution: str | None
    version: str
    flask_api: str
    flask_api_source: str

    @property
    def is_flask(self) -> bool:
        """Whether the product is Flask itself."""
        return (self.distribution or "").lower() == FLASK_DISTRIBUTION

    def describe(self) -> str:
        """Return one line such as ``Flask 3.0.3`` or ``flaskspec 0.1.0, targets Flask 3.1.3``."""
        name = f"{self.distribution or 'unknown product'} {self.version}"
        if self.is_flask and self.flask_api == self.version:
            return name
        return f"{name}, targets Flask {self.flask_api} (from {self.flask_api_source})"

    def not_applicable_reason(self, since: str | None, until: str | None) -> str | None:
        """Return why a rule with this range does not apply to the product, or None if it does."""
        if holds_in(since, until, self.flask_api):
            return None
        return (
            f"not applicable: {describe_range(since, until)}; the product targets "
            f"Flask {self.flask_api}"
        )


def distribution_of(module: ModuleType) -> tuple[str, str] | None:
    """Return the ``(name, version)`` of the installed distribution providing ``module``
    (an editable install is found by the folder its ``direct_url.json`` names)."""
    top_level = module.__name__.split(".", 1)[0]
    names = importlib.metadata.packages_distributions().get(top_level, [])
    for name in [*names, top_level]:
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        return distribution.metadata["Name"] or name, distribution.version
    file = getattr(module, "__file__", None)
    if not file:
        return None
    location = Path(file).resolve()
    for distribution in importlib.metadata.distributions():
        url = _editable_folder(distribution)
        if url is not None and url in location.parents:
            return distribution.metadata["Name"], distribution.version
    return None


def _editable_folder(distribution: importlib.metadata.Distribution) -> Path | None:
    """Return the project folder of an editable install, or None for any other install."""
    try:
        document = json.loads(distribution.read_text("direct_url.json") or "null")
    except ValueError:
        return None
    if not isinstance(document, dict) or not document.get("dir_info", {}).get("editable"):
        return None
    url = str(document.get("url", ""))
    return Path(url.removeprefix("file://")).resolve() if url.startswith("file://") else None


def detect_product(
    module: ModuleType,
    fallback_version: str,
    option: str | None = None,
    declared: str | None = None,
) -> Product:
    """Return the product of ``module`` and the Flask API version it targets.

    The target is, first found: ``option`` (``--flask-api``), ``declared`` (the
    expectations file), Flask's own version, the module's ``__flask_api__``, else
    :data:`NEWEST_FLASK`. ``fallback_version`` is the module's version when no
    distribution is installed for it. Raises :class:`VersionError` for a malformed one.
    """
    found = distribution_of(module)
    distribution, version = found if found else (None, fallback_version)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        attribute = getattr(module, API_ATTRIBUTE, None)
    is_flask = (distribution or "").lower() == FLASK_DISTRIBUTION
    choices = [
        (option, FROM_OPTION),
        (declared, FROM_EXPECTATIONS),
        (version if is_flask else None, FROM_FLASK),
        (attribute, FROM_MODULE),
        (NEWEST_FLASK, FROM_DEFAULT),
    ]
    value, source = next((value, source) for value, source in choices if value is not None)
    parse_version(value, f"the Flask API version from {source}")
    return Product(distribution, version, str(value), source)
