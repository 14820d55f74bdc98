"""Facts about a run's environment that decide its outcomes, for the results document."""

from __future__ import annotations

import importlib.metadata
import subprocess
from pathlib import Path
from types import ModuleType

from conformance.results import ImplementationInfo
from conformance.versions import Product

PACKAGES = (
    "flaskspec",
    "pytest",
    "pytest-xdist",
    "hypothesis",
    "werkzeug",
    "jinja2",
    "markupsafe",
    "itsdangerous",
    "click",
    "blinker",
)
"""Distributions whose versions are recorded with every run."""
GIT_TIMEOUT = 10


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Return the installed version of each distribution in ``names`` that is installed."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def suite_version() -> str:
    """Return the version of the installed flaskspec suite, or ``unknown``."""
    return package_versions(("flaskspec",)).get("flaskspec", "unknown")


def module_location(module: ModuleType) -> Path | None:
    """Return the file or package folder a module was loaded from, if it has one."""
    # vars(), not getattr(): a module re-exporting another through a module-level
    # __getattr__ would otherwise report the other module's location.
    locations = vars(module).get("__path__")
    if locations:
        return Path(next(iter(locations))).resolve()
    file = vars(module).get("__file__")
    return Path(file).resolve() if file else None


def git_state(path: Path) -> tuple[str | None, bool | None]:
    """Return the commit checked out where ``path`` lives and whether the tree differs from it.

    ``(None, None)`` when ``path`` is not inside a git work tree or git cannot say.
    """
    folder = path if path.is_dir() else path.parent
    if not any((parent / ".git").exists() for parent in (folder, *folder.parents)):
        return None, None
    try:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return (commit or None), bool(status.strip())


def implementation_info(
    name: str, module: ModuleType | None, version: str, product: Product | None = None
) -> ImplementationInfo:
    """Return what a results document records of one implementation module (and its
    product, when known: distribution and the Flask API version it targets)."""
    location = module_location(module) if module is not None else None
    commit, dirty = git_state(location) if location is not None else (None, None)
    return ImplementationInfo(
        name=name,
        version=version,
        path=str(location) if location is not None else None,
        git_commit=commit,
        git_dirty=dirty,
        distribution=product.distribution if product else None,
        product_version=product.version if product else None,
        flask_api=product.flask_api if product else None,
        flask_api_source=product.flask_api_source if product else None,
    )
