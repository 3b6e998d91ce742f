"""The corrections log: every retraction, newest first, with what the entry said (unless
its text is withheld), what was wrong, when, and a link.

``corrections()`` is the one place the log's page and its feed read. Its rows come from
``streams()``: today the retractions of each kind of entry; a published correction of a
verified entry (a later version that fixes what readers saw) is one more stream, giving
rows of kind "correction".
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

    @property
    def noun(self):
        return self.entry._meta.verbose_name

    @property
    def key(self):
        """A stable name for the row: its anchor in the log and its feed entry's id. Made
        from the entry's slug, which travels with the data (the same on an instance loaded
        from a backup), but not showing it: a withheld entry's address may carry its words."""
        digest = hashlib.sha256(f"{self.kind}:{self.entry._meta.label_lower}:{self.entry.slug}".encode())
        return f"{self.kind}-{digest.hexdigest()[:16]}"

    @property
    def url(self):
        """Where to read more: the entry's own page (410 Gone, with this correction), or, for
        a withheld text, this row of the log."""
        if self.withheld:
            return f"{reverse('corrections')}#{self.key}"
        return self.entry.get_absolute_url()


def retraction(entry):
    """The log's row for a retracted entry (select what ``entry.said`` reads: its type's ``shown_with``)."""
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
            .order_by(F("retracted_at").desc(nulls_last=True), "slug")
        )

    def count(self):
        return self.queryset.count()

    def newest(self, limit):
        return [retraction(entry) for entry in self.queryset[:limit]]


def streams():
    """Where the rows come from, one stream per kind of entry (in the registry's order)."""
    return [Retractions(kind) for kind in registry.entry_types()]


OLDEST = datetime.min


class Corrections:
    """Every row of the log, newest first, as a sequence that Django's ``Paginator`` pages
    through: a count and one query per stream for a page, however many rows there are
    (page n reads the newest n pages of each stream and merges them)."""

    def __init__(self):
        self.streams = streams()

    def count(self):
        return sum(stream.count() for stream in self.streams)

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
