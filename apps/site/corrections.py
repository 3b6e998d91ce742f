"""The corrections log: every retraction and every published correction, newest first,
with what the entry said (unless its text is withheld), what was wrong, when, and a link.

``corrections()`` is the one place the log's page and its feed read. Its rows come from
``streams()``: the retractions of each kind of entry, and its changes that an editor
approved as corrections (a later version that fixes what readers saw, ``docs/reviewing.md``).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.urls import reverse

from apps.editorial import registry


@dataclass(frozen=True)
class Correction:
    kind: str  # "retraction"; "correction" for a published correction
    entry: object  # the entry it concerns
    said: str  # what the entry said, as readers read it; "" when its text is withheld
    withheld: bool  # the text is withheld (a legal reason): never shown
    wrong: str  # what was wrong: the correction note
    when: datetime  # when it was retracted or corrected (None only in data that skipped the workflow)
    number: int = 0  # a published correction: the number of the version that corrected it

    @property
    def noun(self):
        return self.entry._meta.verbose_name

    @property
    def key(self):
        """A stable name for the row: its anchor in the log and its feed entry's id. Made
        from the entry's slug, which travels with the data (the same on an instance loaded
        from a backup), but not showing it: a withheld entry's address may carry its words."""
        name = f"{self.kind}:{self.entry._meta.label_lower}:{self.entry.slug}" + (
            f":{self.number}" if self.number else ""
        )
        digest = hashlib.sha256(name.encode())
        return f"{self.kind}-{digest.hexdigest()[:16]}"

    @property
    def url(self):
        """Where to read more: the entry's own page (410 Gone, with this correction), or, for
        a withheld text, this row of the log."""
        if self.withheld:
            return f"{reverse('corrections')}#{self.key}"
        return self.entry.get_absolute_url()


def retraction(entry):
    """The log's row for a retracted entry (read what ``entry.said`` reads with it: its type's
    ``shown_with`` and ``prefetched_with``)."""
    return Correction(
        kind="retraction",
        entry=entry,
        said="" if entry.text_withheld else entry.said,
        withheld=entry.text_withheld,
        wrong=entry.correction,
        when=entry.retracted_at,
    )


class Retractions:
    """The retracted entries of one kind, newest first."""

    def __init__(self, entry_type):
        self.queryset = (
            entry_type.model.objects.retracted()
            .select_related(*entry_type.shown_with)
            .prefetch_related(*entry_type.prefetched_with)
            .order_by(F("retracted_at").desc(nulls_last=True), "slug")
        )

    def newest(self, limit):
        return [retraction(entry) for entry in self.queryset[:limit]]


def published_correction(publication, entry_type):
    """The log's row for a change an editor approved as a correction: what the entry said
    before it (its heading as it was, when the correction changed it), and why."""
    entry = publication.entry
    heading = str(entry._meta.get_field(entry_type.headline_field).verbose_name) if entry_type.headline_field else ""
    before = next((change["before"] for change in publication.changes if change["label"] == heading), "")
    return Correction(
        kind="correction",
        entry=entry,
        said="" if entry.text_withheld else (before or entry.said),
        withheld=entry.text_withheld,
        wrong=publication.reason or "; ".join(change["label"] for change in publication.changes),
        when=publication.published_at,
        number=publication.number,
    )


class PublishedCorrections:
    """The changes of one kind of entry that an editor approved as corrections, newest first."""

    def __init__(self, entry_type):
        self.entry_type = entry_type
        publication = entry_type.publication_model
        entry = publication.entry_field
        self.queryset = (
            publication.objects.filter(kind="correction")
            .select_related(entry, *(f"{entry}__{name}" for name in entry_type.shown_with))
            .prefetch_related(*(f"{entry}__{name}" for name in entry_type.prefetched_with))
            .order_by("-published_at", f"{entry}__slug", "number")
        )

    def newest(self, limit):
        return [published_correction(p, self.entry_type) for p in self.queryset[:limit]]


def streams():
    """Where the rows come from: for each kind of entry (in the registry's order), its
    retractions and the changes published as corrections."""
    found = []
    for kind in registry.entry_types():
        found += [Retractions(kind), PublishedCorrections(kind)]
    return found


OLDEST = datetime.min


class Corrections:
    """Every row of the log, newest first, as a sequence that Django's ``Paginator`` pages
    through: a count and one query per stream for a page, however many rows there are
    (page n reads the newest n pages of each stream and merges them)."""

    def __init__(self):
        self.streams = streams()

    def count(self):
        # One query for every stream: a UNION ALL of their keys, counted.
        keys = [stream.queryset.order_by().values("pk") for stream in self.streams]
        return keys[0].union(*keys[1:], all=True).count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        stop = index.stop if index.stop is not None else self.count()
        rows = [row for stream in self.streams for row in stream.newest(stop)]
        # Newest first; at one instant, in the streams' order, then by slug (a stable sort).
        rows.sort(key=lambda row: row.when.replace(tzinfo=None) if row.when else OLDEST, reverse=True)
        return rows[index]


def corrections():
    return Corrections()
