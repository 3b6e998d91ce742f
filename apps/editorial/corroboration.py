"""The independence rule, in one place.

Corroboration counts independent sources: two sources from the same outlet, or one that
relays the other's outlet, count once. An entry is disputed when a citation contradicts
it (or, for claims, a ``contradicts`` relation links it to another claim).
"""

from dataclasses import dataclass


def independent_groups(sources):
    """Partition ``sources`` into groups that count as one source each.

    Each source's ``outlet_id`` and ``relays`` are read: prefetch
    ``source__relays`` to keep this free of queries.
    """
    sources = list({source.pk: source for source in sources}.values())
    parent = {source.pk: source.pk for source in sources}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for index, first in enumerate(sources):
        for second in sources[index + 1 :]:
            if not first.is_independent_of(second):
                parent[root(first.pk)] = root(second.pk)
    groups = {}
    for source in sources:
        groups.setdefault(root(source.pk), []).append(source)
    return list(groups.values())


@dataclass(frozen=True)
class Corroboration:
    supporting_sources: int  # independent sources among the supporting citations
    disputed: bool

    @property
    def label(self):
        if self.disputed:
            return "disputed"
        if self.supporting_sources == 1:
            return "1 source"
        if self.supporting_sources == 0:
            return "no source"
        return f"{self.supporting_sources} independent sources"

    @property
    def level(self):
        """A short code for filters and CSS: disputed, single, corroborated or none."""
        if self.disputed:
            return "disputed"
        return {0: "none", 1: "single"}.get(self.supporting_sources, "corroborated")


def corroboration(citations, contradicted=False):
    """Corroboration of an entry from its citations (each with ``source`` loaded)."""
    citations = list(citations)
    supporting = [c.source for c in citations if c.stance == "supports"]
    disputed = contradicted or any(c.stance == "contradicts" for c in citations)
    return Corroboration(supporting_sources=len(independent_groups(supporting)), disputed=disputed)
