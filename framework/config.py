"""Application configuration: the :class:`Config` dict, its loaders and the built-in defaults."""

from __future__ import annotations

import errno
import os
import types
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from datetime import timedelta
from json import loads as json_loads
from typing import IO, Any, Generic, TypeVar, overload

from werkzeug.datastructures import ImmutableDict
from werkzeug.utils import import_string

T = TypeVar("T")

#: Every built-in configuration key with its default value. ``DEBUG`` is ``None``
#: here: the application replaces it with the value of ``FLASK_DEBUG`` when it is built.
DEFAULT_CONFIG: ImmutableDict[str, Any] = ImmutableDict(
    {
        "DEBUG": None,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": None,
        "SECRET_KEY": None,
        "SECRET_KEY_FALLBACKS": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
        "USE_X_SENDFILE": False,
        "TRUSTED_HOSTS": None,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PARTITIONED": False,
        "SESSION_COOKIE_SAMESITE": None,
        "SESSION_REFRESH_EACH_REQUEST": True,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "SEND_FILE_MAX_AGE_DEFAULT": None,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "EXPLAIN_TEMPLATE_LOADING": False,
        "PREFERRED_URL_SCHEME": "http",
        "TEMPLATES_AUTO_RELOAD": None,
        "MAX_COOKIE_SIZE": 4093,
        "PROVIDE_AUTOMATIC_OPTIONS": True,
    }
)

# What ``silent=True`` forgives: the file is simply not there (or not a file).
_ABSENT_FILE_ERRNOS = frozenset({errno.ENOENT, errno.EISDIR, errno.ENOTDIR})

# Returned by ``Config._read_relative_file`` when a silenced file is absent.
_ABSENT = object()


class ConfigAttribute(Generic[T]):
    """A descriptor that reads and writes ``instance.config[name]``.

    ``get_converter``, when given, is applied to the stored value on every read
    (for example to turn a number of seconds into a :class:`~datetime.timedelta`).
    """

    def __init__(self, name: str, get_converter: Callable[[Any], T] | None = None) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> ConfigAttribute[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> T | ConfigAttribute[T]:
        """Return the config value (converted) on an instance, or the descriptor on the class."""
        if obj is None:
            return self
        stored = obj.config[self.__name__]  # type: ignore[attr-defined]
        convert = self.get_converter
        return stored if convert is None else convert(stored)

    def __set__(self, obj: object, value: Any) -> None:
        """Store ``value`` under the attribute's key in ``obj.config``."""
        obj.config[self.__name__] = value  # type: ignore[attr-defined]


def _nested_target(config: Config, env_key: str, parents: list[str]) -> MutableMapping[str, Any]:
    """Return the dict that ``parents`` (a path of keys) leads to inside ``config``.

    Missing levels are created as empty dicts; a level holding something other than
    a mapping raises ``TypeError`` naming ``env_key``.
    """
    target: MutableMapping[str, Any] = config
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, MutableMapping):
            raise TypeError(
                f"cannot load {env_key}: config value {part!r} is a"
                f" {type(target).__name__}, not a dict"
            )
    return target


def _run_python_config(source_file: IO[bytes]) -> types.ModuleType:
    """Execute a Python config file and return the module namespace it filled.

    The namespace is a throwaway module named ``config`` whose ``__file__`` is the
    file's path, so the file can locate things relative to itself.
    """
    path = source_file.name
    namespace = types.ModuleType("config")
    namespace.__file__ = path
    exec(compile(source_file.read(), path, "exec"), namespace.__dict__)
    return namespace


class Config(dict[str, Any]):
    """A ``dict`` of configuration values with loaders for files, objects and the environment.

    ``root_path`` is the directory relative file names are resolved against (the
    application's root path, or its instance path with ``instance_relative_config``);
    ``defaults`` gives the initial contents.
    """

    def __init__(
        self, root_path: str | os.PathLike[str], defaults: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def _store_upper_keys(self, pairs: Iterable[tuple[str, Any]]) -> None:
        """Set each ``(key, value)`` pair whose key is all upper case; skip the others."""
        for key, value in pairs:
            if key.isupper():
                self[key] = value

    def _read_relative_file(
        self,
        filename: str | os.PathLike[str],
        binary: bool,
        silent: bool,
        read: Callable[[Any], Any],
    ) -> Any:
        """Open ``filename`` (relative to ``root_path``) and return ``read(file)``.

        Returns :data:`_ABSENT` when ``silent`` is true and the file is missing. Any
        other :exc:`OSError` is re-raised with its type and errno kept and a message
        that names the configuration file.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "rb" if binary else "r") as opened:
                return read(opened)
        except OSError as error:
            if silent and error.errno in _ABSENT_FILE_ERRNOS:
                return _ABSENT
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python config file named by the environment variable ``variable_name``.

        Returns ``True`` on success and ``False`` when ``silent`` is true and the
        variable is unset or empty or the file is missing; otherwise an unset
        variable raises :exc:`RuntimeError`.
        """
        config_path = os.environ.get(variable_name, "")
        if config_path:
            return self.from_pyfile(config_path, silent=silent)
        if silent:
            return False
        raise RuntimeError(
            f"The environment variable {variable_name!r} is not set and as such"
            " configuration could not be loaded. Set this variable and make it"
            " point to a configuration file"
        )

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: Callable[[str], Any] = json_loads
    ) -> bool:
        """Load every environment variable named ``{prefix}_KEY`` into ``self[KEY]``.

        Values are parsed with ``loads`` (JSON by default) and kept as strings when
        it fails. ``__`` in a key sets an item of a nested dict, creating it when
        missing (``FLASK_DB__HOST`` sets ``self["DB"]["HOST"]``). Variables are
        applied in sorted order. Always returns ``True``.
        """
        marker = f"{prefix}_"
        matching = sorted(name for name in os.environ if name.startswith(marker))
        for env_key in matching:
            text = os.environ[env_key]
            try:
                parsed = loads(text)
            except Exception:
                parsed = text
            *parents, leaf = env_key[len(marker) :].split("__")
            _nested_target(self, env_key, parents)[leaf] = parsed
        return True

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Execute a Python file (relative to ``root_path``) and load its upper-case names.

        Returns ``True`` on success and ``False`` when ``silent`` is true and the file
        is missing; other failures raise (an :exc:`OSError` names the file).
        """
        namespace = self._read_relative_file(filename, True, silent, _run_python_config)
        if namespace is _ABSENT:
            return False
        self.from_object(namespace)
        return True

    def from_object(self, obj: object | str) -> None:
        """Copy the upper-case attributes of ``obj`` (or of the object an import string names).

        Like Flask, this returns ``None``.
        """
        source = import_string(obj) if isinstance(obj, str) else obj
        self._store_upper_keys((name, getattr(source, name)) for name in dir(source))

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[IO[Any]], Mapping[str, Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load upper-case keys from the mapping ``load`` reads out of a data file.

        The file is resolved against ``root_path`` and opened in text mode, or in
        binary mode when ``text`` is false (``tomllib.load`` needs that). Returns
        ``True`` on success and ``False`` when ``silent`` is true and the file is missing.
        """
        loaded = self._read_relative_file(filename, not text, silent, load)
        if loaded is _ABSENT:
            return False
        return self.from_mapping(loaded)

    def from_mapping(self, mapping: Mapping[str, Any] | None = None, **kwargs: Any) -> bool:
        """Copy the upper-case keys of ``mapping`` and of the keyword arguments.

        Keyword arguments win over ``mapping``. Always returns ``True``.
        """
        combined = dict(mapping if mapping is not None else (), **kwargs)
        self._store_upper_keys(combined.items())
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """Return the items whose key starts with ``namespace`` as a new dict.

        With ``trim_namespace`` the prefix is removed from the keys, and with
        ``lowercase`` the keys are lower-cased.
        """
        cut = len(namespace) if trim_namespace else 0

        def renamed(key: str) -> str:
            key = key[cut:]
            return key.lower() if lowercase else key

        return {renamed(key): value for key, value in self.items() if key.startswith(namespace)}

    def __repr__(self) -> str:
        """Return ``<ClassName {...contents...}>``."""
        return f"<{type(self).__name__} {super().__repr__()}>"
