"""One plug-in registry mechanism: named lists of entries that apps contribute to.

An app that composes something from several apps (the dossier page, the portal home and
navigation, the public sections, the worker verification, the protected media folders)
defines a `Registry`; each contributing app registers its entries from its
AppConfig.ready(), so the composing app never imports the contributors. Entries are read
in (order, key) order. A key registered twice is a programming error (two apps claiming the
same name, or a ready() run twice) and is refused.
"""

from collections.abc import Hashable, Iterator
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

DEFAULT_ORDER = 100


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[Hashable, tuple[int, T]] = {}

    def register(self, entry: T, *, key: Hashable = None, order: int | None = None) -> T:
        """Add `entry`; `key` and `order` default to the entry's own `key` and `order`
        attributes. Returns the entry."""
        key = key if key is not None else getattr(entry, "key", None)
        if key is None:
            raise ImproperlyConfigured(f"{self.name}: an entry needs a key.")
        if key in self._entries:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is already registered.")
        if order is None:
            order = getattr(entry, "order", DEFAULT_ORDER)
        self._entries[key] = (order, entry)
        return entry

    def unregister(self, key: Hashable) -> None:
        del self._entries[key]

    def items(self) -> list[tuple[Any, T]]:
        """(key, entry) pairs in (order, key) order."""
        ranked = sorted(self._entries.items(), key=lambda item: (item[1][0], item[0]))
        return [(key, entry) for key, (_order, entry) in ranked]

    def entries(self) -> list[T]:
        return [entry for _key, entry in self.items()]

    def ordered_keys(self) -> list[Any]:
        return [key for key, _entry in self.items()]

    def get(self, key: Hashable, default: T | None = None) -> T | None:
        found = self._entries.get(key)
        return found[1] if found is not None else default

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self)} entries>"
