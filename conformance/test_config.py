"""Conformance: the configuration object, its loaders and the built-in keys (area ``config``)."""

from __future__ import annotations

import errno
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

#: Flask 3.1's built-in configuration keys and their defaults on a fresh app.
BUILTIN_DEFAULTS: dict[str, Any] = {
    "DEBUG": False,
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


@pytest.fixture
def fresh_app(impl: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app built with no configuration at all, with ``FLASK_DEBUG`` unset."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return impl.Flask("conformance_app")


@pytest.fixture
def rooted_app(make_app: Callable[..., Any], tmp_path: Path) -> Any:
    """An app whose root path is a fresh temporary directory."""
    return make_app(root_path=str(tmp_path))


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Remove every ``FLASK_*`` and ``APP_*`` variable; set the test's own with the result."""
    for key in list(os.environ):
        if key.startswith(("FLASK_", "APP_")):
            monkeypatch.delenv(key)
    return monkeypatch


@pytest.fixture
def make_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], str]]:
    """Yield a function writing an importable module with the given source; it returns its name."""
    monkeypatch.syspath_prepend(str(tmp_path))
    written: list[str] = []

    def write(source: str) -> str:
        name = f"conformance_settings_{uuid.uuid4().hex}"
        (tmp_path / f"{name}.py").write_text(source)
        written.append(name)
        return name

    yield write
    for name in written:
        sys.modules.pop(name, None)


# --- the object --------------------------------------------------------------


@pytest.mark.spec("config.object.dict")
def test_config_is_a_dict_of_the_config_class(app: Any, impl: Any) -> None:
    """``app.config`` is an instance of ``Config``, a ``dict`` subclass."""
    assert isinstance(app.config, impl.Config)
    assert isinstance(app.config, dict)
    app.config["CUSTOM"] = 1
    assert app.config.get("CUSTOM") == 1


@pytest.mark.spec("config.object.config-class")
def test_config_class_attribute_chooses_the_config_type(impl: Any) -> None:
    """A ``Flask`` subclass setting ``config_class`` gets its config built from that class."""

    class CustomConfig(impl.Config):
        pass

    class CustomFlask(impl.Flask):
        config_class = CustomConfig

    app = CustomFlask("conformance_app")
    assert type(app.config) is CustomConfig
    assert app.config["SESSION_COOKIE_NAME"] == "session"


@pytest.mark.spec("config.object.standalone")
def test_config_can_be_built_directly(impl: Any, tmp_path: Path) -> None:
    """``Config(root_path, defaults)`` copies ``defaults`` and keeps ``root_path``."""
    defaults = {"A": 1}
    config = impl.Config(str(tmp_path), defaults)
    defaults["B"] = 2
    assert dict(config) == {"A": 1}
    assert config.root_path == str(tmp_path)
    assert dict(impl.Config(str(tmp_path))) == {}


@pytest.mark.spec("config.object.repr")
def test_config_repr(impl: Any, tmp_path: Path) -> None:
    """The repr of a config is ``<Config {...}>`` with the dict's repr inside."""
    assert repr(impl.Config(str(tmp_path), {"A": 1})) == "<Config {'A': 1}>"


@pytest.mark.spec("config.object.root-path")
def test_config_root_path_is_app_root_path(rooted_app: Any, tmp_path: Path) -> None:
    """By default the config resolves relative file names against the app's root path."""
    assert rooted_app.root_path == str(tmp_path)
    assert rooted_app.config.root_path == rooted_app.root_path


@pytest.mark.spec("config.object.root-path.instance-relative")
def test_config_root_path_instance_relative(make_app: Callable[..., Any], tmp_path: Path) -> None:
    """With ``instance_relative_config=True`` the config root is the instance path."""
    instance = tmp_path / "instance"
    app = make_app(
        root_path=str(tmp_path), instance_path=str(instance), instance_relative_config=True
    )
    assert app.instance_path == str(instance)
    assert app.config.root_path == str(instance)


# --- built-in keys -----------------------------------------------------------


@pytest.mark.spec("config.default.keys")
def test_fresh_app_has_exactly_the_builtin_keys(fresh_app: Any) -> None:
    """A fresh app's config holds exactly Flask 3.1's built-in keys."""
    assert set(fresh_app.config) == set(BUILTIN_DEFAULTS)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(
            key,
            value,
            marks=pytest.mark.spec(f"config.default.{key.lower().replace('_', '-')}"),
            id=key,
        )
        for key, value in BUILTIN_DEFAULTS.items()
    ],
)
def test_builtin_key_default(fresh_app: Any, key: str, expected: Any) -> None:
    """Each built-in key has Flask 3.1's default value on a fresh app."""
    value = fresh_app.config[key]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("1", True), ("true", True), ("yes", True), ("0", False), ("false", False), ("no", False)],
)
@pytest.mark.spec("config.default.debug-from-env")
def test_debug_default_comes_from_flask_debug(
    impl: Any, monkeypatch: pytest.MonkeyPatch, flag: str, expected: bool
) -> None:
    """``DEBUG`` starts as the truth of ``FLASK_DEBUG`` (``0``, ``false``, ``no`` are false)."""
    monkeypatch.setenv("FLASK_DEBUG", flag)
    app = impl.Flask("conformance_app")
    assert app.config["DEBUG"] is expected
    assert app.debug is expected


@pytest.mark.spec("config.default.independent")
def test_each_app_has_its_own_config(impl: Any) -> None:
    """Changing one app's config leaves other apps' configs and defaults untouched."""
    first, second = impl.Flask("conformance_app"), impl.Flask("conformance_app")
    first.config["SESSION_COOKIE_NAME"] = "changed"
    assert second.config["SESSION_COOKIE_NAME"] == "session"
    assert impl.Flask("conformance_app").config["SESSION_COOKIE_NAME"] == "session"


# --- attributes mirroring keys ----------------------------------------------


@pytest.mark.spec("config.attribute.debug")
def test_debug_attribute_mirrors_config(fresh_app: Any) -> None:
    """``app.debug`` reads and writes ``config["DEBUG"]``."""
    fresh_app.debug = True
    assert fresh_app.config["DEBUG"] is True
    fresh_app.config["DEBUG"] = False
    assert fresh_app.debug is False


@pytest.mark.spec("config.attribute.testing")
def test_testing_attribute_mirrors_config(fresh_app: Any) -> None:
    """``app.testing`` reads and writes ``config["TESTING"]``."""
    fresh_app.testing = True
    assert fresh_app.config["TESTING"] is True
    fresh_app.config["TESTING"] = False
    assert fresh_app.testing is False


@pytest.mark.spec("config.attribute.secret-key")
def test_secret_key_attribute_mirrors_config(fresh_app: Any) -> None:
    """``app.secret_key`` reads and writes ``config["SECRET_KEY"]``."""
    fresh_app.secret_key = "from attribute"
    assert fresh_app.config["SECRET_KEY"] == "from attribute"
    fresh_app.config["SECRET_KEY"] = b"from config"
    assert fresh_app.secret_key == b"from config"


@pytest.mark.spec("config.attribute.permanent-session-lifetime")
def test_permanent_session_lifetime_attribute_converts_seconds(fresh_app: Any) -> None:
    """``app.permanent_session_lifetime`` mirrors its key and reads numbers as seconds."""
    assert fresh_app.permanent_session_lifetime == timedelta(days=31)
    fresh_app.permanent_session_lifetime = 60
    assert fresh_app.config["PERMANENT_SESSION_LIFETIME"] == 60
    assert fresh_app.permanent_session_lifetime == timedelta(seconds=60)
    fresh_app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    assert fresh_app.permanent_session_lifetime == timedelta(hours=1)


@pytest.mark.spec("config.attribute.permanent-session-lifetime-invalid")
@pytest.mark.parametrize(("value", "error"), [("an hour", TypeError), (10**20, OverflowError)])
def test_unusable_permanent_session_lifetime(
    fresh_app: Any, value: object, error: type[Exception]
) -> None:
    """Reading ``app.permanent_session_lifetime`` set to something ``timedelta`` cannot
    take raises ``timedelta``'s own exception type."""
    fresh_app.config["PERMANENT_SESSION_LIFETIME"] = value
    with pytest.raises(error):  # the rule is the type; the message is timedelta's
        fresh_app.permanent_session_lifetime


# --- from_mapping ------------------------------------------------------------


@pytest.mark.spec("config.from-mapping")
def test_from_mapping_loads_upper_case_keys(app: Any) -> None:
    """``from_mapping`` loads upper-case keys of a mapping and keywords, and returns True."""
    assert app.config.from_mapping({"FROM_MAP": 1, "lower_map": 2}, FROM_KW=3, lower_kw=4) is True
    assert app.config["FROM_MAP"] == 1
    assert app.config["FROM_KW"] == 3
    assert "lower_map" not in app.config
    assert "lower_kw" not in app.config


@pytest.mark.spec("config.from-mapping.keywords-win")
def test_from_mapping_keywords_override_mapping(app: Any) -> None:
    """Keyword arguments to ``from_mapping`` override the mapping's value for the same key."""
    app.config.from_mapping({"KEY": "mapping"}, KEY="keyword")
    assert app.config["KEY"] == "keyword"


# --- from_object -------------------------------------------------------------


@pytest.mark.spec("config.from-object.class")
def test_from_object_class_loads_upper_case_attributes(app: Any) -> None:
    """``from_object`` copies upper-case attributes of a class, inherited ones included."""

    class Base:
        INHERITED = "base"

    class Settings(Base):
        OWN = "own"
        lower = "ignored"
        Mixed = "ignored"

    app.config.from_object(Settings)
    assert app.config["INHERITED"] == "base"
    assert app.config["OWN"] == "own"
    assert "lower" not in app.config
    assert "Mixed" not in app.config


@pytest.mark.spec("config.from-object.instance")
def test_from_object_instance_evaluates_properties(app: Any) -> None:
    """``from_object`` on an instance reads its attributes, so properties are evaluated."""

    class Settings:
        @property
        def DATABASE_URI(self) -> str:
            return "sqlite://computed"

    app.config.from_object(Settings())
    assert app.config["DATABASE_URI"] == "sqlite://computed"


@pytest.mark.spec("config.from-object.import-string")
def test_from_object_import_string(app: Any, make_module: Callable[[str], str]) -> None:
    """``from_object`` accepts an import string naming a module or an attribute of one."""
    name = make_module("MODULE_LEVEL = 1\nlower = 2\nclass Prod:\n    IN_CLASS = 3\n")
    app.config.from_object(name)
    app.config.from_object(f"{name}.Prod")
    assert app.config["MODULE_LEVEL"] == 1
    assert app.config["IN_CLASS"] == 3
    assert "lower" not in app.config


@pytest.mark.spec("config.from-object.import-error")
def test_from_object_bad_import_string_raises_import_error(app: Any) -> None:
    """``from_object`` with an import string that cannot be imported raises ``ImportError``."""
    with pytest.raises(ImportError, match="no_such_settings_module"):
        app.config.from_object("no_such_settings_module.Settings")


# --- from_pyfile -------------------------------------------------------------


@pytest.mark.spec("config.from-pyfile")
def test_from_pyfile_relative_to_root_path(rooted_app: Any, tmp_path: Path) -> None:
    """``from_pyfile`` executes a file relative to the root path and loads upper-case names."""
    (tmp_path / "settings.cfg").write_text("BASE = 2\nDOUBLE = BASE * 2\nlower = 1\n")
    assert rooted_app.config.from_pyfile("settings.cfg") is True
    assert rooted_app.config["BASE"] == 2
    assert rooted_app.config["DOUBLE"] == 4
    assert "lower" not in rooted_app.config


@pytest.mark.spec("config.from-pyfile.dunder-file")
def test_from_pyfile_sets_file_path(rooted_app: Any, tmp_path: Path) -> None:
    """The executed config file sees ``__file__`` as its full path."""
    (tmp_path / "settings.cfg").write_text("MY_PATH = __file__\n")
    rooted_app.config.from_pyfile("settings.cfg")
    assert rooted_app.config["MY_PATH"] == os.path.join(str(tmp_path), "settings.cfg")


@pytest.mark.spec("config.from-pyfile.instance-relative")
def test_from_pyfile_instance_relative(make_app: Callable[..., Any], tmp_path: Path) -> None:
    """With ``instance_relative_config=True`` ``from_pyfile`` reads from the instance folder."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("WHERE = 'instance'\n")
    (tmp_path / "config.py").write_text("WHERE = 'root'\n")
    app = make_app(
        root_path=str(tmp_path), instance_path=str(instance), instance_relative_config=True
    )
    assert app.config.from_pyfile("config.py") is True
    assert app.config["WHERE"] == "instance"


@pytest.mark.spec("config.from-pyfile.missing")
def test_from_pyfile_missing_file_raises_naming_file(rooted_app: Any, tmp_path: Path) -> None:
    """A missing file raises ``OSError`` saying the configuration file could not be loaded."""
    with pytest.raises(OSError) as info:
        rooted_app.config.from_pyfile("missing.cfg")
    assert info.value.errno == errno.ENOENT
    assert "Unable to load configuration file" in str(info.value)
    assert info.value.filename == os.path.join(str(tmp_path), "missing.cfg")


@pytest.mark.spec("config.from-pyfile.silent")
def test_from_pyfile_silent_missing_returns_false(rooted_app: Any, tmp_path: Path) -> None:
    """With ``silent=True`` a missing file or a directory makes ``from_pyfile`` return False."""
    assert rooted_app.config.from_pyfile("missing.cfg", silent=True) is False
    (tmp_path / "folder.cfg").mkdir()
    assert rooted_app.config.from_pyfile("folder.cfg", silent=True) is False


@pytest.mark.spec("config.from-pyfile.syntax-error")
def test_from_pyfile_syntax_error_is_not_silenced(rooted_app: Any, tmp_path: Path) -> None:
    """A syntax error in the config file propagates even with ``silent=True``."""
    (tmp_path / "broken.cfg").write_text("KEY = = 1\n")
    with pytest.raises(SyntaxError) as info:
        rooted_app.config.from_pyfile("broken.cfg", silent=True)
    assert info.value.filename == str(tmp_path / "broken.cfg")
    assert info.value.lineno == 1


# --- from_envvar -------------------------------------------------------------


@pytest.mark.spec("config.from-envvar")
def test_from_envvar_loads_file_named_by_variable(
    rooted_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``from_envvar`` loads the Python file named by an environment variable."""
    (tmp_path / "env.cfg").write_text("FROM_ENV = 'yes'\n")
    monkeypatch.setenv("CONFORMANCE_SETTINGS", str(tmp_path / "env.cfg"))
    assert rooted_app.config.from_envvar("CONFORMANCE_SETTINGS") is True
    assert rooted_app.config["FROM_ENV"] == "yes"


@pytest.mark.spec("config.from-envvar.unset")
def test_from_envvar_unset_raises_runtime_error(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unset variable makes ``from_envvar`` raise ``RuntimeError`` naming the variable."""
    monkeypatch.delenv("CONFORMANCE_SETTINGS", raising=False)
    with pytest.raises(RuntimeError, match="CONFORMANCE_SETTINGS"):
        app.config.from_envvar("CONFORMANCE_SETTINGS")


@pytest.mark.spec("config.from-envvar.silent")
def test_from_envvar_silent(
    rooted_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``silent=True`` an unset variable or a missing file makes it return False."""
    monkeypatch.delenv("CONFORMANCE_SETTINGS", raising=False)
    assert rooted_app.config.from_envvar("CONFORMANCE_SETTINGS", silent=True) is False
    monkeypatch.setenv("CONFORMANCE_SETTINGS", str(tmp_path / "gone.cfg"))
    assert rooted_app.config.from_envvar("CONFORMANCE_SETTINGS", silent=True) is False
    with pytest.raises(OSError, match="Unable to load configuration file"):
        rooted_app.config.from_envvar("CONFORMANCE_SETTINGS")


# --- from_file ---------------------------------------------------------------


@pytest.mark.spec("config.from-file")
def test_from_file_with_json_load(rooted_app: Any, tmp_path: Path) -> None:
    """``from_file`` loads the upper-case keys of what ``load`` returns for the opened file."""
    (tmp_path / "settings.json").write_text(json.dumps({"JSON_KEY": [1, 2], "lower": True}))
    assert rooted_app.config.from_file("settings.json", load=json.load) is True
    assert rooted_app.config["JSON_KEY"] == [1, 2]
    assert "lower" not in rooted_app.config


@pytest.mark.spec("config.from-file.binary")
def test_from_file_text_false_opens_binary(rooted_app: Any, tmp_path: Path) -> None:
    """The file is opened in text mode, or in binary mode with ``text=False`` (for tomllib)."""
    (tmp_path / "settings.json").write_text('{"KEY": "value"}')
    seen: list[type] = []

    def load(file: Any) -> Any:
        data = file.read()
        seen.append(type(data))
        return json.loads(data)

    rooted_app.config.from_file("settings.json", load=load)
    rooted_app.config.from_file("settings.json", load=load, text=False)
    assert seen == [str, bytes]
    assert rooted_app.config["KEY"] == "value"


@pytest.mark.spec("config.from-file.missing")
def test_from_file_missing(rooted_app: Any) -> None:
    """A missing data file raises ``OSError``, or returns False with ``silent=True``."""
    with pytest.raises(OSError, match=r"Unable to load configuration file.*missing\.json"):
        rooted_app.config.from_file("missing.json", load=json.load)
    assert rooted_app.config.from_file("missing.json", load=json.load, silent=True) is False


# --- from_prefixed_env -------------------------------------------------------


@pytest.mark.spec("config.from-prefixed-env")
def test_from_prefixed_env_parses_json_values(app: Any, clean_env: pytest.MonkeyPatch) -> None:
    """``FLASK_KEY`` variables load as ``KEY``, parsed as JSON; unparsable values stay strings."""
    clean_env.setenv("FLASK_PORT", "8000")
    clean_env.setenv("FLASK_ENABLED", "true")
    clean_env.setenv("FLASK_HOSTS", '["a", "b"]')
    clean_env.setenv("FLASK_NAME", "plain text")
    assert app.config.from_prefixed_env() is True
    assert app.config["PORT"] == 8000
    assert app.config["ENABLED"] is True
    assert app.config["HOSTS"] == ["a", "b"]
    assert app.config["NAME"] == "plain text"


@pytest.mark.spec("config.from-prefixed-env.overrides-builtin")
def test_from_prefixed_env_overrides_builtin_keys(app: Any, clean_env: pytest.MonkeyPatch) -> None:
    """A prefixed variable replaces a built-in key's value."""
    clean_env.setenv("FLASK_SECRET_KEY", "from-env")
    clean_env.setenv("FLASK_MAX_CONTENT_LENGTH", "1024")
    app.config.from_prefixed_env()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAX_CONTENT_LENGTH"] == 1024


@pytest.mark.spec("config.from-prefixed-env.nested")
def test_from_prefixed_env_nests_with_double_underscore(
    app: Any, clean_env: pytest.MonkeyPatch
) -> None:
    """``__`` in a variable name sets an item of an existing or a new nested dict."""
    app.config["DB"] = {"USER": "u"}
    clean_env.setenv("FLASK_DB__PORT", "5432")
    clean_env.setenv("FLASK_CACHE__REDIS__HOST", "redis")
    app.config.from_prefixed_env()
    assert app.config["DB"] == {"USER": "u", "PORT": 5432}
    assert app.config["CACHE"] == {"REDIS": {"HOST": "redis"}}


@pytest.mark.spec("config.from-prefixed-env.prefix-and-loads")
def test_from_prefixed_env_custom_prefix_and_loads(app: Any, clean_env: pytest.MonkeyPatch) -> None:
    """A custom prefix selects other variables and a custom ``loads`` parses their values."""
    clean_env.setenv("APP_VALUE", "5")
    clean_env.setenv("FLASK_OTHER", "6")
    app.config.from_prefixed_env("APP", loads=lambda raw: f"parsed {raw}")
    assert app.config["VALUE"] == "parsed 5"
    assert "OTHER" not in app.config


# --- get_namespace -----------------------------------------------------------


@pytest.mark.spec("config.get-namespace")
def test_get_namespace_trims_and_lowercases(app: Any) -> None:
    """``get_namespace`` returns the keys with a prefix, trimmed and lower-cased by default."""
    app.config.update(IMAGE_STORE_TYPE="fs", IMAGE_STORE_PATH="/images", IMAGE_OTHER=1)
    assert app.config.get_namespace("IMAGE_STORE_") == {"type": "fs", "path": "/images"}


@pytest.mark.spec("config.get-namespace.options")
def test_get_namespace_options(app: Any) -> None:
    """``lowercase=False`` keeps the case and ``trim_namespace=False`` keeps the prefix."""
    app.config.update(IMAGE_STORE_TYPE="fs")
    assert app.config.get_namespace("IMAGE_STORE_", lowercase=False) == {"TYPE": "fs"}
    assert app.config.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs"
    }
