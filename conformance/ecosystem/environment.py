"""The cache of an ecosystem run: sdists, unpacked sources, per-run virtual
environments and the support folder that makes ``flask`` the implementation.

Layout under the cache folder::

    sdists/                      the downloaded source distributions
    src/<dist>-<version>/        each unpacked (the extension's tests run from here)
    venvs/<impl>/<extension>/    one environment per implementation and extension
    support/<impl>/              first on the tests' path: the pytest plugin, and for an
                                 implementation other than flask the ``flask`` shim and
                                 a link to the implementation's package
    runs/<impl>/<extension>.*    each run's configuration, outcomes and pytest log

Environments are created with ``python -m venv --without-pip`` and filled by this
Python's pip (``pip --python``); one is reused while its requirements are unchanged.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

from packaging.requirements import Requirement

from conformance.ecosystem.catalogue import Extension

REFERENCE = "flask"
PLUGIN_MODULE = "flaskspec_ecosystem"
_HERE = Path(__file__).parent
_INSTALLED_STAMP = ".flaskspec-requirements.json"


class SetupError(Exception):
    """Downloading, unpacking or installing failed (the message is one line)."""


def reference_requirement() -> str:
    """Flask pinned to the version this project tests against (the dev dependency), with
    its ``async`` extra: the suites test async views."""
    try:
        return f"flask[async]=={importlib.metadata.version('flask')}"
    except importlib.metadata.PackageNotFoundError:
        return "flask[async]>=3.1,<3.2"


def implementation_requirements(module: ModuleType) -> list[str]:
    """The run-time requirements of the distribution providing ``module`` (none for flask,
    whose requirements come with Flask itself, or for a module outside any distribution)."""
    top_level = module.__name__.split(".", 1)[0]
    if top_level == REFERENCE:
        return []
    requirements: list[str] = []
    for distribution in _distributions_providing(module):
        for text in distribution.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                requirement.marker = None
                requirements.append(str(requirement))
    return requirements


def _distributions_providing(module: ModuleType) -> list[importlib.metadata.Distribution]:
    """The installed distributions that provide ``module``'s top-level package: by their
    file lists, or for an editable install, by the project folder holding the package."""
    top_level = module.__name__.split(".", 1)[0]
    names = importlib.metadata.packages_distributions().get(top_level, [])
    if names:
        return [importlib.metadata.distribution(name) for name in names]
    location = _package_location(module)
    found = []
    for distribution in importlib.metadata.distributions():
        url = json.loads(distribution.read_text("direct_url.json") or "{}").get("url", "")
        if url.startswith("file://") and location.is_relative_to(Path(url[len("file://") :])):
            found.append(distribution)
    return found


def _run(command: list[str], what: str, log: Path | None = None) -> None:
    """Run ``command``; raise :class:`SetupError` naming ``what`` when it fails."""
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if log is not None:
        log.write_text(completed.stdout + completed.stderr, encoding="utf-8")
    if completed.returncode != 0:
        lines = [line for line in (completed.stderr or completed.stdout).splitlines() if line]
        last = lines[-1] if lines else f"exit status {completed.returncode}"
        raise SetupError(f"{what} failed: {last.strip()}")


@dataclasses.dataclass(frozen=True)
class Cache:
    """The cache folder and the paths inside it."""

    root: Path

    def sdist(self, extension: Extension) -> Path:
        """Download the extension's pinned sdist once; return its path."""
        folder = self.root / "sdists"
        folder.mkdir(parents=True, exist_ok=True)
        found = self._find_sdist(folder, extension)
        if found is None:
            _run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "--dest",
                    str(folder),
                    extension.sdist_requirement,
                ],
                f"downloading {extension.sdist_requirement}",
            )
            found = self._find_sdist(folder, extension)
        if found is None:
            raise SetupError(f"no sdist of {extension.sdist_requirement} after downloading it")
        return found

    @staticmethod
    def _find_sdist(folder: Path, extension: Extension) -> Path | None:
        wanted = f"{extension.distribution}-{extension.version}.tar.gz".lower()
        wanted_normalised = wanted.replace("-", "_").replace(".", "_")
        for path in folder.glob("*.tar.gz"):
            name = path.name.lower()
            if name == wanted or name.replace("-", "_").replace(".", "_") == wanted_normalised:
                return path
        return None

    def source(self, extension: Extension) -> Path:
        """Unpack the sdist once; return the folder holding its tests."""
        sdist = self.sdist(extension)
        target = self.root / "src" / sdist.name.removesuffix(".tar.gz")
        if not (target / ".unpacked").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            with tarfile.open(sdist) as archive:
                members = archive.getmembers()
                top = {member.name.split("/", 1)[0] for member in members}
                if len(top) != 1:
                    raise SetupError(f"{sdist.name}: expected one top-level folder")
                archive.extractall(target.parent, filter="data")
            extracted = target.parent / top.pop()
            if extracted != target:
                extracted.rename(target)
            (target / ".unpacked").touch()
        return target

    def environment(self, extension: Extension, implementation: ModuleType, log: Path) -> Path:
        """Create (or reuse) the environment for ``extension`` under ``implementation``;
        return its Python."""
        folder = self.root / "venvs" / implementation.__name__ / extension.name
        python = folder / "bin" / "python"
        requirements = [
            reference_requirement(),
            "pytest>=8",
            str(self.sdist(extension)),
            *extension.test_requirements,
            *implementation_requirements(implementation),
        ]
        stamp = folder / _INSTALLED_STAMP
        if (
            python.exists()
            and stamp.exists()
            and json.loads(stamp.read_text(encoding="utf-8")) == requirements
        ):
            return python
        shutil.rmtree(folder, ignore_errors=True)
        _run([sys.executable, "-m", "venv", "--without-pip", str(folder)], "creating a venv")
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(python),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *requirements,
            ],
            f"installing {extension.name}'s test requirements",
            log,
        )
        stamp.write_text(json.dumps(requirements), encoding="utf-8")
        return python

    def support(self, implementation: ModuleType) -> Path:
        """Lay out the folder placed first on the tests' path; return it."""
        folder = self.root / "support" / implementation.__name__
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copyfile(_HERE / "pytest_plugin.py", folder / f"{PLUGIN_MODULE}.py")
        top_level = implementation.__name__.split(".", 1)[0]
        if top_level != REFERENCE:
            (folder / REFERENCE).mkdir()
            shutil.copyfile(_HERE / "shim_flask.py", folder / REFERENCE / "__init__.py")
            origin = _package_location(implementation)
            (folder / origin.name).symlink_to(origin, target_is_directory=origin.is_dir())
        return folder

    def run_folder(self, implementation: ModuleType) -> Path:
        """The folder for the runs' configuration, outcomes and logs."""
        folder = self.root / "runs" / implementation.__name__
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def _package_location(module: ModuleType) -> Path:
    """The package folder (or single-file module) of ``module``'s top-level package."""
    top_level = sys.modules[module.__name__.split(".", 1)[0]]
    if getattr(top_level, "__path__", None):
        return Path(next(iter(top_level.__path__))).resolve()
    if top_level.__file__ is None:
        raise SetupError(f"cannot locate the files of module {top_level.__name__!r}")
    return Path(top_level.__file__).resolve()
