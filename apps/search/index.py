"""What each model is searched by, declared once by the app that owns it.

An entry app gives its ``Searched`` to the entry registry (``EntryType.search``); a model
that is not an entry (sources) registers here. On PostgreSQL the declarations become the
stored, weighted ``search_vector`` column and the triggers that keep it current
(``vectors.py``, installed after every ``migrate``); on SQLite, the fields that every
word must be found in (``query.py``).
"""

from dataclasses import dataclass

from apps.editorial import registry


@dataclass(frozen=True)
class Searched:
    """Lookups in four weights, A (counts most) to D. A lookup is a field path
    (``"citations__excerpt"``, ``"event__name"``) or ``(path, {conditions})`` for text
    that counts only under conditions on the same related row (a joint statement's title,
    once it is verified itself)."""

    A: tuple = ()
    B: tuple = ()
    C: tuple = ()
    D: tuple = ()

    def weighted(self):
        """``[(weight, lookup)]`` in weight order."""
        return [(weight, lookup) for weight in "ABCD" for lookup in getattr(self, weight)]

    def lookups(self):
        return [lookup for _, lookup in self.weighted()]


def parts(lookup):
    """``(path, {conditions})`` of a lookup."""
    return lookup if isinstance(lookup, tuple) else (lookup, {})


_others = {}


def register(model, searched):
    """Make a model that is not an entry searchable (entries say it when they register)."""
    _others[model] = searched


def unregister(model):
    """Forget a model registered here (for tests that register a throwaway one)."""
    _others.pop(model, None)


def searchables():
    """``{model: Searched}``: every registered entry type with a ``search``, then the others."""
    found = {t.model: t.search for t in registry.entry_types() if t.search is not None}
    return {**found, **_others}
