"""Unit tests for framework.config: Config, its loaders, ConfigAttribute and DEFAULT_CONFIG."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.utils import ImportStringError

from framework import config as config_module
from framework.config import DEFAULT_CONFIG, Config, ConfigAttribute

# --- fixtures ---------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """An empty Config rooted at a temporary directory."""
    return Config(str(tmp_path))


# --- construction and DEFAULT_CONFIG -----------------------------------------


def test_init_copies_defaults_and_keeps_root_path(tmp_path: Path) -> None:
    defaults = {"A": 1}
    config = Config(tmp_path, defaults)
    defaults["B"] = 2
    assert dict(config) == {"A": 1}
    assert config.root_path == tmp_path


def test_init_without_defaults_is_empty() -> None:
    assert dict(Config("/somewhere")) == {}
    assert dict(Config("/somewhere", None)) == {}


def test_config_is_a_dict() -> None:
    config = Config("/", {"A": 1})
    assert isinstance(config, dict)
    config["B"] = 2
    assert config == {"A": 1, "B": 2}


def test_default_config_matches_flask_3_1() -> None:
    """The defaults are the spec's, except DEBUG, which the app fills in from FLASK_DEBUG."""
    from conformance.test_config import BUILTIN_DEFAULTS

    assert dict(DEFAULT_CONFIG) == {**BUILTIN_DEFAULTS, "DEBUG": None}


def test_default_config_cannot_be_mutated() -> None:
    with pytest.raises(TypeError):
        DEFAULT_CONFIG["SECRET_KEY"] = "x"


def test_config_built_from_defaults_is_independent() -> None:
    config = Config("/", DEFAULT_CONFIG)
    config["SECRET_KEY"] = "changed"
    assert DEFAULT_CONFIG["SECRET_KEY"] is None


def test_repr_names_class_and_contents() -> None:
    class CustomConfig(Config):
        pass

    assert repr(Config("/", {"A": 1})) == "<Config {'A': 1}>"
    assert repr(CustomConfig("/", {"B": [2]})) == "<CustomConfig {'B': [2]}>"


# --- from_mapping ------------------------------------------------------------


def test_from_mapping_loads_upper_case_keys_only(config: Config) -> None:
    assert config.from_mapping({"A": 1, "lower": 2, "Mixed": 3, "_UNDER": 4}, B=5, c=6) is True
    assert dict(config) == {"A": 1, "_UNDER": 4, "B": 5}


def test_from_mapping_keywords_override_mapping(config: Config) -> None:
    config.from_mapping({"A": 1}, A=2)
    assert config["A"] == 2


def test_from_mapping_accepts_none_and_pairs(config: Config) -> None:
    assert config.from_mapping(None, A=1) is True
    assert config.from_mapping([("B", 2)]) is True  # type: ignore[arg-type]
    assert dict(config) == {"A": 1, "B": 2}


def test_from_mapping_rejects_two_positional_mappings(config: Config) -> None:
    with pytest.raises(TypeError):
        config.from_mapping({"A": 1}, {"B": 2})  # type: ignore[call-arg]


# --- from_object -------------------------------------------------------------


class _BaseSettings:
    INHERITED = "base"
    lower = "ignored"


class _Settings(_BaseSettings):
    NAME = "settings"
    _PRIVATE_UPPER = "kept"
    Mixed = "ignored"

    @property
    def COMPUTED(self) -> str:
        return "computed"


def test_from_object_class_loads_upper_case_attributes_including_inherited(
    config: Config,
) -> None:
    assert config.from_object(_Settings) is None  # type: ignore[func-returns-value]
    assert config["NAME"] == "settings"
    assert config["INHERITED"] == "base"
    assert config["_PRIVATE_UPPER"] == "kept"
    assert "lower" not in config
    assert "Mixed" not in config
    assert isinstance(config["COMPUTED"], property)


def test_from_object_instance_evaluates_properties(config: Config) -> None:
    config.from_object(_Settings())
    assert config["COMPUTED"] == "computed"


def test_from_object_import_string_module(
    config: Config, make_module: Callable[[str], str]
) -> None:
    name = make_module("DEBUG = True\nsecret = 'no'\nPORT = 8000\n")
    config.from_object(name)
    assert dict(config) == {"DEBUG": True, "PORT": 8000}


def test_from_object_import_string_dotted_and_colon(
    config: Config, make_module: Callable[[str], str]
) -> None:
    name = make_module("class Prod:\n    HOST = 'prod'\nclass Dev:\n    HOST = 'dev'\n")
    config.from_object(f"{name}.Prod")
    assert config["HOST"] == "prod"
    config.from_object(f"{name}:Dev")
    assert config["HOST"] == "dev"


def test_from_object_bad_import_string_raises_import_error(config: Config) -> None:
    with pytest.raises(ImportStringError) as info:
        config.from_object("no_such_module_for_config_tests.Settings")
    assert isinstance(info.value, ImportError)
    assert "no_such_module_for_config_tests" in str(info.value)


# --- from_pyfile -------------------------------------------------------------


def test_from_pyfile_executes_file_and_loads_upper_case_names(
    config: Config, tmp_path: Path
) -> None:
    (tmp_path / "settings.py").write_text(
        "import os\nBASE = 2\nDOUBLE = BASE * 2\nlower = 1\nFILE = __file__\n"
    )
    assert config.from_pyfile("settings.py") is True
    assert dict(config) == {
        "BASE": 2,
        "DOUBLE": 4,
        "FILE": os.path.join(str(tmp_path), "settings.py"),
    }


def test_from_pyfile_accepts_absolute_and_pathlike(tmp_path: Path) -> None:
    path = tmp_path / "abs.cfg"
    path.write_text("VALUE = 'abs'\n")
    config = Config("/nonexistent-root")
    assert config.from_pyfile(path) is True
    assert config["VALUE"] == "abs"


def test_from_pyfile_missing_file_raises_with_file_name(config: Config, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        config.from_pyfile("missing.py")
    message = str(info.value)
    assert "Unable to load configuration file" in message
    assert "No such file or directory" in message
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == os.path.join(str(tmp_path), "missing.py")


@pytest.mark.parametrize(
    ("relative", "error"),
    [
        ("missing.py", FileNotFoundError),
        (".", IsADirectoryError),
        ("afile/x.py", NotADirectoryError),
    ],
)
def test_from_pyfile_silent_ignores_missing_files(
    config: Config, tmp_path: Path, relative: str, error: type[OSError]
) -> None:
    (tmp_path / "afile").write_text("X = 1\n")
    with pytest.raises(error, match="Unable to load configuration file"):
        config.from_pyfile(relative)
    assert config.from_pyfile(relative, silent=True) is False
    assert dict(config) == {}


def test_from_pyfile_silent_does_not_hide_permission_errors(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", args[0])

    monkeypatch.setattr(config_module, "open", denied, raising=False)
    with pytest.raises(PermissionError, match=r"Unable to load configuration file \(Permission"):
        config.from_pyfile("settings.py", silent=True)


def test_from_pyfile_syntax_error_propagates_even_when_silent(
    config: Config, tmp_path: Path
) -> None:
    (tmp_path / "broken.py").write_text("X = = 1\n")
    with pytest.raises(SyntaxError) as info:
        config.from_pyfile("broken.py", silent=True)
    assert info.value.filename == os.path.join(str(tmp_path), "broken.py")


def test_from_pyfile_error_raised_by_file_propagates(config: Config, tmp_path: Path) -> None:
    (tmp_path / "raises.py").write_text("raise ValueError('from config')\n")
    with pytest.raises(ValueError, match="from config"):
        config.from_pyfile("raises.py", silent=True)


def test_from_pyfile_relative_root_path() -> None:
    config = Config("relative-root")
    with pytest.raises(FileNotFoundError) as info:
        config.from_pyfile("x.py")
    assert info.value.filename == os.path.join("relative-root", "x.py")


# --- from_envvar -------------------------------------------------------------


@pytest.mark.parametrize("value", [None, ""])
def test_from_envvar_unset_raises_runtime_error_naming_variable(
    config: Config, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CONFIG_TEST_SETTINGS", raising=False)
    else:
        monkeypatch.setenv("CONFIG_TEST_SETTINGS", value)
    with pytest.raises(RuntimeError, match="'CONFIG_TEST_SETTINGS' is not set"):
        config.from_envvar("CONFIG_TEST_SETTINGS")
    assert config.from_envvar("CONFIG_TEST_SETTINGS", silent=True) is False


def test_from_envvar_loads_named_file(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "env.cfg").write_text("FROM_ENV = 'yes'\n")
    monkeypatch.setenv("CONFIG_TEST_SETTINGS", "env.cfg")
    assert config.from_envvar("CONFIG_TEST_SETTINGS") is True
    assert config["FROM_ENV"] == "yes"


def test_from_envvar_missing_file(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFIG_TEST_SETTINGS", str(tmp_path / "gone.cfg"))
    with pytest.raises(FileNotFoundError, match="Unable to load configuration file"):
        config.from_envvar("CONFIG_TEST_SETTINGS")
    assert config.from_envvar("CONFIG_TEST_SETTINGS", silent=True) is False


# --- from_file ---------------------------------------------------------------


def test_from_file_json_loads_upper_case_keys(config: Config, tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"A": [1, 2], "lower": True}))
    assert config.from_file("settings.json", load=json.load) is True
    assert dict(config) == {"A": [1, 2]}


def test_from_file_opens_text_by_default_and_binary_on_request(
    config: Config, tmp_path: Path
) -> None:
    (tmp_path / "settings.json").write_text('{"NAME": "json"}')
    contents: list[str | bytes] = []

    def recording_load(file: Any) -> dict[str, Any]:
        data = file.read()
        contents.append(data)
        return dict(json.loads(data))

    assert config.from_file("settings.json", load=recording_load) is True
    assert config.from_file("settings.json", load=recording_load, text=False) is True
    assert contents == ['{"NAME": "json"}', b'{"NAME": "json"}']
    assert dict(config) == {"NAME": "json"}


def test_from_file_missing(config: Config) -> None:
    with pytest.raises(FileNotFoundError, match=r"Unable to load configuration file.*nope\.json"):
        config.from_file("nope.json", load=json.load)
    assert config.from_file("nope.json", load=json.load, silent=True) is False


def test_from_file_load_returning_none_loads_nothing(config: Config, tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("{}")
    assert config.from_file("empty.json", load=lambda f: None) is True  # type: ignore[arg-type,return-value]
    assert dict(config) == {}


# --- from_prefixed_env -------------------------------------------------------


def test_from_prefixed_env_parses_json_and_falls_back_to_strings(
    config: Config, clean_env: pytest.MonkeyPatch
) -> None:
    for key, value in {
        "FLASK_INT": "1",
        "FLASK_FLOAT": "1.5",
        "FLASK_BOOL": "true",
        "FLASK_NULL": "null",
        "FLASK_LIST": '[1, "a"]',
        "FLASK_QUOTED": '"q"',
        "FLASK_WORD": "hello",
        "FLASK_BROKEN": "{not json",
        "FLASK_lower": "1",
    }.items():
        clean_env.setenv(key, value)
    assert config.from_prefixed_env() is True
    assert dict(config) == {
        "INT": 1,
        "FLOAT": 1.5,
        "BOOL": True,
        "NULL": None,
        "LIST": [1, "a"],
        "QUOTED": "q",
        "WORD": "hello",
        "BROKEN": "{not json",
        "lower": 1,
    }


def test_from_prefixed_env_ignores_other_variables(
    config: Config, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("FLASKLESS", "1")
    clean_env.setenv("APP_X", "1")
    config.from_prefixed_env()
    assert dict(config) == {}


def test_from_prefixed_env_custom_prefix_and_loads(
    config: Config, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("APP_X", "5")
    clean_env.setenv("FLASK_Y", "6")
    assert config.from_prefixed_env("APP", loads=lambda raw: f"loaded:{raw}") is True
    assert dict(config) == {"X": "loaded:5"}


@pytest.mark.parametrize("error", [ValueError, TypeError, KeyError])
def test_from_prefixed_env_loads_errors_keep_raw_string(
    config: Config, clean_env: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    def failing_loads(raw: str) -> Any:
        raise error(raw)

    clean_env.setenv("APP_X", "5")
    config.from_prefixed_env("APP", loads=failing_loads)
    assert config["X"] == "5"


def test_from_prefixed_env_nests_into_existing_and_new_dicts(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    config = Config(tmp_path, {"DB": {"USER": "u"}})
    clean_env.setenv("FLASK_DB__PORT", "5432")
    clean_env.setenv("FLASK_CACHE__REDIS__HOST", '"r"')
    config.from_prefixed_env()
    assert config["DB"] == {"USER": "u", "PORT": 5432}
    assert config["CACHE"] == {"REDIS": {"HOST": "r"}}


def test_from_prefixed_env_applies_keys_in_sorted_order(
    config: Config, clean_env: pytest.MonkeyPatch
) -> None:
    # FLASK_DB sorts before FLASK_DB__HOST, so the nested key lands in the dict it set.
    clean_env.setenv("FLASK_DB__HOST", '"h"')
    clean_env.setenv("FLASK_DB", '{"PORT": 1}')
    config.from_prefixed_env()
    assert config["DB"] == {"PORT": 1, "HOST": "h"}


def test_from_prefixed_env_nesting_into_non_dict_names_variable(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    config = Config(tmp_path, {"PORT": 5})
    clean_env.setenv("FLASK_PORT__X", "1")
    with pytest.raises(TypeError, match="FLASK_PORT__X"):
        config.from_prefixed_env()


# --- get_namespace -----------------------------------------------------------


@pytest.fixture
def namespaced() -> Config:
    """A Config with IMAGE_STORE_* keys and look-alikes."""
    return Config(
        "/",
        {
            "IMAGE_STORE_TYPE": "fs",
            "IMAGE_STORE_PATH": "/p",
            "IMAGE_STORE": "bare",
            "OTHER": 1,
        },
    )


def test_get_namespace_trims_and_lowercases(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE_") == {"type": "fs", "path": "/p"}


def test_get_namespace_keep_case(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE_", lowercase=False) == {
        "TYPE": "fs",
        "PATH": "/p",
    }


def test_get_namespace_keep_prefix(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs",
        "image_store_path": "/p",
    }


def test_get_namespace_prefix_without_separator(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE") == {"_type": "fs", "_path": "/p", "": "bare"}


def test_get_namespace_is_a_copy(namespaced: Config) -> None:
    namespaced.get_namespace("IMAGE_STORE_")["type"] = "changed"
    assert namespaced["IMAGE_STORE_TYPE"] == "fs"


# --- ConfigAttribute ---------------------------------------------------------


class _Holder:
    """An object with a config dict and ConfigAttributes forwarding to it."""

    plain: ConfigAttribute[int] = ConfigAttribute("VALUE")
    scaled: ConfigAttribute[int] = ConfigAttribute("VALUE", get_converter=lambda v: v * 10)

    def __init__(self) -> None:
        self.config: dict[str, Any] = {"VALUE": 1}


def test_config_attribute_on_class_returns_descriptor() -> None:
    assert isinstance(_Holder.plain, ConfigAttribute)
    assert _Holder.plain.__name__ == "VALUE"


def test_config_attribute_reads_and_writes_config() -> None:
    holder = _Holder()
    assert holder.plain == 1
    holder.plain = 7
    assert holder.config["VALUE"] == 7
    holder.config["VALUE"] = 3
    assert holder.plain == 3


def test_config_attribute_applies_converter_on_read_only() -> None:
    holder = _Holder()
    assert holder.scaled == 10
    holder.scaled = 2
    assert holder.config["VALUE"] == 2
    assert holder.scaled == 20


def test_config_attribute_missing_key_raises_key_error() -> None:
    holder = _Holder()
    holder.config = {}
    with pytest.raises(KeyError):
        holder.plain
