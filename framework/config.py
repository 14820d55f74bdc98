"""Application configuration: the :class:`Config` dict, its loaders and the built-in defaults."""

from __future__ import annotations

import errno
import os
import types
from collections.abc import Callable, Mapping, MutableMapping
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

# The errors ``silent=True`` turns into a ``False`` return: the file is simply not there.
_MISSING_FILE_ERRNOS = frozenset({errno.ENOENT, errno.EISDIR, errno.ENOTDIR})


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
        value = obj.config[self.__name__]  # type: ignore[attr-defined]
        if self.get_converter is not None:
            value = self.get_converter(value)
        return value

    def __set__(self, obj: object, value: Any) -> None:
        """Store ``value`` under the attribute's key in ``obj.config``."""
        obj.config[self.__name__] = value  # type: ignore[attr-defined]


def _raise_unless_silenced(error: OSError, silent: bool) -> None:
    """Return if ``silent`` allows ignoring ``error`` (a missing file); otherwise re-raise it.

    The re-raised error keeps its type and errno; its message says that a
    configuration file could not be loaded and names the file.
    """
    if silent and error.errno in _MISSING_FILE_ERRNOS:
        return
    error.strerror = f"Unable to load configuration file ({error.strerror})"
    raise error


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

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python config file named by the environment variable ``variable_name``.

        Returns ``True`` on success and ``False`` when ``silent`` is true and the
        variable is unset or empty or the file is missing; otherwise an unset
        variable raises :exc:`RuntimeError`.
        """
        path = os.environ.get(variable_name)
        if not path:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as such"
                " configuration could not be loaded. Set this variable and make it"
                " point to a configuration file"
            )
        return self.from_pyfile(path, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: Callable[[str], Any] = json_loads
    ) -> bool:
        """Load every environment variable named ``{prefix}_KEY`` into ``self[KEY]``.

        Values are parsed with ``loads`` (JSON by default) and kept as strings when
        it fails. ``__`` in a key sets an item of a nested dict, creating it when
        missing (``FLASK_DB__HOST`` sets ``self["DB"]["HOST"]``). Variables are
        applied in sorted order. Always returns ``True``.
        """
        prefix = f"{prefix}_"
        for env_key in sorted(os.environ):
            if not env_key.startswith(prefix):
                continue
            raw_value = os.environ[env_key]
            try:
                value = loads(raw_value)
            except Exception:
                value = raw_value
            *parents, leaf = env_key[len(prefix) :].split("__")
            target: MutableMapping[str, Any] = self
            for part in parents:
                if part not in target:
                    target[part] = {}
                target = target[part]
                if not isinstance(target, MutableMapping):
                    raise TypeError(
                        f"cannot load {env_key}: config value {part!r} is a"
                        f" {type(target).__name__}, not a dict"
                    )
            target[leaf] = value
        return True

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Execute a Python file (relative to ``root_path``) and load its upper-case names.

        Returns ``True`` on success and ``False`` when ``silent`` is true and the file
        is missing; other failures raise (an :exc:`OSError` names the file).
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, mode="rb") as config_file:
                exec(compile(config_file.read(), path, "exec"), module.__dict__)
        except OSError as error:
            _raise_unless_silenced(error, silent)
            return False
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Copy the upper-case attributes of ``obj`` (or of the object an import string names).

        Like Flask, this returns ``None``.
        """
        if isinstance(obj, str):
            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

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
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, mode="r" if text else "rb") as data_file:
                data = load(data_file)
        except OSError as error:
            _raise_unless_silenced(error, silent)
            return False
        return self.from_mapping(data)

    def from_mapping(self, mapping: Mapping[str, Any] | None = None, **kwargs: Any) -> bool:
        """Copy the upper-case keys of ``mapping`` and of the keyword arguments.

        Keyword arguments win over ``mapping``. Always returns ``True``.
        """
        values: dict[str, Any] = {}
        if mapping is not None:
            values.update(mapping)
        values.update(kwargs)
        for key, value in values.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """Return the items whose key starts with ``namespace`` as a new dict.

        With ``trim_namespace`` the prefix is removed from the keys, and with
        ``lowercase`` the keys are lower-cased.
        """
        namespaced: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            if trim_namespace:
                key = key[len(namespace) :]
            if lowercase:
                key = key.lower()
            namespaced[key] = value
        return namespaced

    def __repr__(self) -> str:
        """Return ``<ClassName {...contents...}>``."""
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
