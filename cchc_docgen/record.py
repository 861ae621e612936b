"""The small base of the package's record classes (the document model, a Result, a Finding …): what
@dataclass gave them, written out. @dataclass compiles each class's __init__, __repr__ and __eq__ anew at every
start, ~2 M instructions a class: a one-shot render made eighteen (measured: the model's ten, 626 M → 604 M;
the other eight, six on this base and two frozen ones as named tuples, with the dataclasses import: 531 M → 511 M)."""

from operator import attrgetter


class Record:
    """A class's fields are its slots (with its bases' first), in the constructor's order; repr and == go over
    them all but a cache (a slot named with "_", as Table's placed rows), as a dataclass's did. Unhashable, as a
    dataclass with == that is not frozen; pickled through its slots."""

    __slots__ = ()
    _shown: tuple = ()
    __hash__ = None

    def __init_subclass__(cls) -> None:
        own = cls.__dict__.get("__slots__", ())
        cls._shown = cls._shown + tuple(name for name in own if not name.startswith("_"))  # (the base's first)
        cls._values = attrgetter(*cls._shown)

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in self._shown)})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return self._values(self) == self._values(other)
        return NotImplemented

