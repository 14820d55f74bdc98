"""Bounded caches: what the speed shortcuts remember, kept small whatever clients send.

A cache keyed by something a request carries (a path, a Host header, a mimetype a
view took from the query string) grows with what clients send. Every such cache is
a :class:`BoundedCache`: it refuses keys longer than a small limit, holds at most a
number of entries and a number of bytes, and starts over when full. Its byte count
is an estimate each caller makes for its entries (a fixed cost for the objects an
entry is made of, plus the request-derived text it holds), checked against real
allocations by ``tests/test_cache_bounds.py``.
"""

from __future__ import annotations

import typing as t

__all__ = ["BoundedCache"]

K = t.TypeVar("K")
V = t.TypeVar("V")


class BoundedCache(dict[K, V]):
    """A dict for cached answers with three bounds: ``max_entries`` entries,
    ``max_bytes`` (estimated) bytes, and keys of at most ``max_key_length``
    characters of request-derived text. Add entries only through :meth:`remember`."""

    def __init__(self, *, max_entries: int, max_bytes: int, max_key_length: int) -> None:
        super().__init__()
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_key_length = max_key_length
        #: The estimated size of the entries held, in bytes.
        self.size = 0

    def remember(self, key: K, value: V, *, key_length: int, cost: int) -> V:
        """Keep ``value`` under ``key`` and return it. ``key_length`` is the length of
        the request-derived text in the key, ``cost`` the entry's estimated bytes. A
        key over the length limit is not kept; an entry that would pass the entry or
        byte bound empties the cache first."""
        if key_length > self.max_key_length or cost > self.max_bytes:
            return value
        if key not in self:
            if len(self) >= self.max_entries or self.size + cost > self.max_bytes:
                self.clear()
            self.size += cost
        self[key] = value
        return value

    def clear(self) -> None:
        """Forget every entry."""
        super().clear()
        self.size = 0
