"""Checks shared by the suite's TOML data files (rules and expectations).

Each file keys a table per spec ID and validates it the same way: it is a table,
it has only known keys, a required key holds a non-empty string, and an optional
key takes a value from a closed list. Every check raises the caller's exception
class with a one-line message that starts with ``where`` (the file and the key).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping


def table(
    value: object,
    keys: Collection[str],
    where: str,
    error: type[Exception],
    not_a_table: str = "must be a table",
) -> Mapping[str, object]:
    """Return ``value`` as a table holding none but ``keys``; raise ``error`` otherwise."""
    if not isinstance(value, dict):
        raise error(f"{where} {not_a_table}")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise error(f"{where} has unknown keys: {', '.join(unknown)}")
    return value


def required_string(
    values: Mapping[str, object], key: str, where: str, error: type[Exception]
) -> str:
    """Return the non-empty string ``values[key]``; raise ``error`` when it is not one."""
    value = values.get(key)
    if not isinstance(value, str) or not value.strip():
        raise error(f"{where} needs a non-empty string {key!r}")
    return value


def choice(
    values: Mapping[str, object],
    key: str,
    allowed: Collection[str],
    default: str,
    where: str,
    error: type[Exception],
    label: str,
) -> str:
    """Return ``values[key]`` (``default`` when absent), one of ``allowed``; raise ``error``
    naming it as ``label`` (``"level is"``, ``"has status"``) when it is not."""
    value = values.get(key, default)
    if not isinstance(value, str) or value not in allowed:
        raise error(f"{where} {label} {value!r}; expected one of {', '.join(allowed)}")
    return value
