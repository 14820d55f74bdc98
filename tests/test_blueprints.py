"""Unit tests for ``framework.blueprints``: prefix joining, the setup state, merging a
blueprint's registries into an app, deferred functions and registration errors."""

from __future__ import annotations

import typing as t
from collections import defaultdict

import pytest
from werkzeug.exceptions import NotFound

from framework import Flask
from framework.blueprints import (
    Blueprint,
    BlueprintSetupState,
    _join_prefix,
    _join_subdomain,
    _nested_options,
)


class _RecordingApp:
    """The part of an app ``BlueprintSetupState.add_url_rule`` uses: it records the calls."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, str | None, t.Any, dict[str, t.Any]]] = []

    def add_url_rule(
        self, rule: str, endpoint: str | None = None, view_func: t.Any = None, **options: t.Any
    ) -> None:
        self.rules.append((rule, endpoint, view_func, options))


def _state(
    blueprint: Blueprint | None = None, **options: t.Any
) -> tuple[BlueprintSetupState, _RecordingApp]:
    """Return a setup state for ``blueprint`` (default: plain ``bp``) on a recording app."""
    app = _RecordingApp()
    blueprint = blueprint or Blueprint("bp", __name__)
    return BlueprintSetupState(blueprint, t.cast(Flask, app), options, True), app


def _view() -> str:
    return "view"


# -- _join_prefix ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("/a", "/b", "/a/b"),
        ("/a/", "/b", "/a/b"),
        ("/a", "b", "/a/b"),
        ("/a/", "/b/", "/a/b/"),
        ("/", "/b", "/b"),
        ("/a", "", "/a/"),
        ("/a", None, "/a"),
        (None, "/b", "/b"),
        (None, None, None),
    ],
)
def test_join_prefix(outer: str | None, inner: str | None, expected: str | None) -> None:
    assert _join_prefix(outer, inner) == expected


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("p", "c", "c.p"),
        ("p", "", ".p"),
        ("p", None, "p"),
        (None, "c", "c"),
        (None, None, None),
    ],
)
def test_join_subdomain(outer: str | None, inner: str | None, expected: str | None) -> None:
    assert _join_subdomain(outer, inner) == expected


def test_nested_options_compose_with_the_parent_registration() -> None:
    child = Blueprint("child", __name__, url_prefix="/own", subdomain="own")
    parent, _ = _state(Blueprint("parent", __name__, url_prefix="/p", subdomain="p"))
    options = {"url_prefix": "/c", "name": "renamed", "name_prefix": "ignored"}
    nested = _nested_options(parent, "outer.parent", child, options)
    assert nested == {
        "url_prefix": "/p/c",
        "subdomain": "own.p",
        "name": "renamed",
        "name_prefix": "outer.parent",
    }
    assert options == {"url_prefix": "/c", "name": "renamed", "name_prefix": "ignored"}


def test_nested_options_leave_unset_values_unset() -> None:
    parent, _ = _state()
    nested = _nested_options(parent, "bp", Blueprint("child", __name__), {})
    assert nested == {"name_prefix": "bp"}


# -- BlueprintSetupState ---------------------------------------------------------------------


def test_state_takes_values_from_blueprint() -> None:
    bp = Blueprint("bp", __name__, url_prefix="/p", subdomain="s", url_defaults={"a": 1})
    state, _ = _state(bp)
    assert (state.name, state.name_prefix) == ("bp", "")
    assert (state.url_prefix, state.subdomain, state.url_defaults) == ("/p", "s", {"a": 1})


def test_state_options_override_blueprint_values() -> None:
    bp = Blueprint("bp", __name__, url_prefix="/p", subdomain="s", url_defaults={"a": 1, "b": 2})
    state, _ = _state(
        bp, url_prefix="/q", subdomain="t", url_defaults={"b": 3}, name="n", name_prefix="outer"
    )
    assert (state.name, state.name_prefix) == ("n", "outer")
    assert (state.url_prefix, state.subdomain) == ("/q", "t")
    assert state.url_defaults == {"a": 1, "b": 3}


def test_state_url_defaults_do_not_alias_blueprint_dict() -> None:
    defaults = {"a": 1}
    state, _ = _state(Blueprint("bp", __name__, url_defaults=defaults), url_defaults={"b": 2})
    assert defaults == {"a": 1}
    assert state.url_defaults is not defaults


def test_state_empty_prefix_option_overrides_blueprint_prefix() -> None:
    state, app = _state(Blueprint("bp", __name__, url_prefix="/p"), url_prefix="")
    state.add_url_rule("/x", "x", _view)
    assert app.rules[0][0] == "/x"


@pytest.mark.parametrize(
    ("prefix", "rule", "expected"),
    [
        ("/p", "/x", "/p/x"),
        ("/p/", "/x", "/p/x"),
        ("/p", "x", "/p/x"),
        ("/p", "", "/p"),
        ("/p/", "", "/p/"),
        ("/p", "/", "/p/"),
        ("/", "", "/"),
        (None, "/x", "/x"),
    ],
)
def test_state_add_url_rule_joins_prefix(prefix: str | None, rule: str, expected: str) -> None:
    state, app = _state(url_prefix=prefix)
    state.add_url_rule(rule, "view", _view)
    assert app.rules[0][0] == expected


def test_state_add_url_rule_names_endpoint() -> None:
    state, app = _state()
    state.add_url_rule("/x", view_func=_view)
    state.add_url_rule("/y", "explicit", _view)
    assert [endpoint for _, endpoint, _, _ in app.rules] == ["bp._view", "bp.explicit"]


def test_state_add_url_rule_dotted_name_with_prefix() -> None:
    state, app = _state(name="child", name_prefix="grand.parent")
    state.add_url_rule("/x", "view", _view)
    assert app.rules[0][1] == "grand.parent.child.view"


def test_state_add_url_rule_without_endpoint_or_view_fails() -> None:
    state, _ = _state()
    with pytest.raises(AssertionError):
        state.add_url_rule("/x")


def test_state_add_url_rule_passes_subdomain_and_defaults() -> None:
    state, app = _state(Blueprint("bp", __name__, subdomain="s", url_defaults={"a": 1}))
    state.add_url_rule("/x", "x", _view, methods=["POST"])
    _, _, view_func, options = app.rules[0]
    assert view_func is _view
    assert options == {"subdomain": "s", "defaults": {"a": 1}, "methods": ["POST"]}


def test_state_add_url_rule_rule_options_win() -> None:
    state, app = _state(Blueprint("bp", __name__, subdomain="s", url_defaults={"a": 1, "b": 2}))
    state.add_url_rule("/x", "x", _view, subdomain="rule", defaults={"b": 3})
    options = app.rules[0][3]
    assert options["subdomain"] == "rule"
    assert options["defaults"] == {"a": 1, "b": 3}
    assert state.url_defaults == {"a": 1, "b": 2}


# -- _copy_registries_to ---------------------------------------------------------------------


def _hook() -> None:
    return None


def _handler(error: Exception) -> str:
    return "handled"


def _other_handler(error: Exception) -> str:
    return "other"


def test_merge_scopes_keys_by_registered_name() -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)
    bp.before_request(_hook)
    bp.before_request_funcs["child"] = [_view]
    bp._copy_registries_to(app, "outer.bp")
    assert app.before_request_funcs["outer.bp"] == [_hook]
    assert app.before_request_funcs["outer.bp.child"] == [_view]
    assert _hook not in app.before_request_funcs.get(None, [])


@pytest.mark.parametrize(
    "registry",
    [
        "before_request_funcs",
        "after_request_funcs",
        "teardown_request_funcs",
        "url_default_functions",
        "url_value_preprocessors",
        "template_context_processors",
    ],
)
def test_merge_copies_every_hook_registry(registry: str) -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)
    getattr(bp, registry)[None].append(_hook)
    expected = list(getattr(bp, registry)[None])  # context processors start with the default
    bp._copy_registries_to(app, "bp")
    assert getattr(app, registry)["bp"] == expected
    assert expected[-1] is _hook


def test_merge_extends_existing_app_lists() -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)
    bp.before_request(_hook)
    bp._copy_registries_to(app, "bp")
    bp._copy_registries_to(app, "bp")
    assert app.before_request_funcs["bp"] == [_hook, _hook]


def test_merge_copies_error_handlers_independently() -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)
    bp.register_error_handler(404, _handler)
    bp.register_error_handler(KeyError, _other_handler)
    bp._copy_registries_to(app, "bp")
    spec = app.error_handler_spec["bp"]
    assert spec[404] == {NotFound: _handler}
    assert spec[None] == {KeyError: _other_handler}
    spec[None][ValueError] = _handler
    assert ValueError not in bp.error_handler_spec[None][None]
    assert isinstance(spec, defaultdict)


def test_merge_copies_view_functions() -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)
    bp.view_functions["bp.direct"] = _view
    bp._copy_registries_to(app, "bp")
    assert app.view_functions["bp.direct"] is _view


# -- deferred functions ----------------------------------------------------------------------


def test_record_once_wrapper_keeps_function_name() -> None:
    bp = Blueprint("bp", __name__)

    def setup(state: BlueprintSetupState) -> None:
        return None

    bp.record_once(setup)
    assert bp.deferred_functions[0].__name__ == "setup"
    assert bp.deferred_functions[0] is not setup


def test_record_once_skips_later_registrations() -> None:
    calls: list[bool] = []
    bp = Blueprint("bp", __name__)
    bp.record_once(lambda state: calls.append(state.first_registration))
    app = Flask(__name__)
    (wrapper,) = bp.deferred_functions
    wrapper(bp.make_setup_state(app, {}, first_registration=True))
    wrapper(bp.make_setup_state(app, {}, first_registration=False))
    assert calls == [True]


def test_make_setup_state_returns_state() -> None:
    bp = Blueprint("bp", __name__)
    app = Flask(__name__)
    state = bp.make_setup_state(app, {"url_prefix": "/x"}, first_registration=True)
    assert isinstance(state, BlueprintSetupState)
    assert (state.app, state.blueprint, state.url_prefix) == (app, bp, "/x")
    assert state.first_registration is True


def test_app_template_functions_deferred_until_registration() -> None:
    bp = Blueprint("bp", __name__)
    bp.add_app_template_filter(str.upper)
    bp.add_app_template_test(str.isdigit, "digits")
    bp.add_app_template_global(len)
    assert len(bp.deferred_functions) == 3
    app = Flask(__name__)
    app.register_blueprint(bp)
    assert app.jinja_env.filters["upper"] is str.upper
    assert app.jinja_env.tests["digits"] is str.isdigit
    assert app.jinja_env.globals["len"] is len


# -- registration ----------------------------------------------------------------------------


def test_register_records_registration_and_blocks_setup() -> None:
    bp = Blueprint("bp", __name__)
    assert bp._has_been_registered is False
    Flask(__name__).register_blueprint(bp)
    assert bp._has_been_registered is True
    with pytest.raises(AssertionError, match="blueprint 'bp'"):
        bp.before_request(_hook)


def test_duplicate_name_messages() -> None:
    app = Flask(__name__)
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="for this blueprint"):
        app.register_blueprint(bp)
    with pytest.raises(ValueError, match="for a different blueprint"):
        app.register_blueprint(Blueprint("bp", __name__))


def test_nested_duplicate_name_message_names_dotted_name() -> None:
    app = Flask(__name__)
    parent = Blueprint("parent", __name__)
    parent.register_blueprint(Blueprint("child", __name__))
    parent.register_blueprint(Blueprint("child", __name__))
    with pytest.raises(ValueError, match=r"'child' is already registered .* 'parent\.child'"):
        app.register_blueprint(parent)


def test_register_blueprint_stores_options_copy_per_registration() -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__)
    options = {"url_prefix": "/c"}
    parent.register_blueprint(child, **options)
    Flask(__name__).register_blueprint(parent)
    assert options == {"url_prefix": "/c"}
    assert parent._nested_blueprints == [(child, {"url_prefix": "/c"})]


def test_cli_group_default_is_sentinel_not_none() -> None:
    assert Blueprint("bp", __name__).cli_group is not None
    assert Blueprint("bp", __name__, cli_group=None).cli_group is None
