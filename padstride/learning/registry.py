"""One registry for the quiz's questions and the exercises: items by id, in the order added.

>>> from types import SimpleNamespace as Item
>>> items = Registry("exercise")
>>> items.add(Item(id="1.1")).id, items.ids()
('1.1', ('1.1',))
>>> items.get("9.9")
Traceback (most recent call last):
ValueError: exercise_id='9.9' is not allowed: use one of 1.1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class HasId(Protocol):
    """Anything a registry holds: it has an ``id``."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=HasId)


class Registry(Generic[T]):
    """Items by id, in the order they were added; ``kind`` names them in errors ("question"
    gives ``question_id=…``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def add(self, item: T) -> T:
        """Hold ``item`` under its id, which must be new; returns it.

        >>> from types import SimpleNamespace as Item
        >>> Registry("question").add(Item(id="example"))
        namespace(id='example')
        """
        if item.id in self._items:
            raise ValueError(f"{self.kind}_id={item.id!r} is registered twice")
        self._items[item.id] = item
        return item

    def get(self, item_id: object) -> T:
        """The item with this id; a ValueError naming the value and the ids allowed otherwise.

        >>> Registry("question").get(3)
        Traceback (most recent call last):
        ValueError: question_id=3 is not allowed: use one of
        """
        if not isinstance(item_id, str) or item_id not in self._items:
            raise ValueError(
                f"{self.kind}_id={item_id!r} is not allowed: use one of {', '.join(self._items)}"
            )
        return self._items[item_id]

    def find(self, item_id: object) -> T | None:
        """The item with this id, or None (for a caller that words its own refusal).

        >>> Registry("question").find("example") is None
        True
        """
        return self._items.get(item_id) if isinstance(item_id, str) else None

    def ids(self) -> tuple[str, ...]:
        """Every id, in the order added.

        >>> Registry("exercise").ids()
        ()
        """
        return tuple(self._items)

    def by_id(self) -> dict[str, T]:
        """A copy of every item by id, in the order added.

        >>> from types import SimpleNamespace as Item
        >>> items = Registry("exercise")
        >>> items.add(Item(id="2.1")) and items.by_id()
        {'2.1': namespace(id='2.1')}
        """
        return dict(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)
