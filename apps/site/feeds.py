from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from apps.editorial import registry
from apps.editorial.models import NEWEST_VERIFIED


class VerifiedEntriesFeed(Feed):
    """Newly verified entries of every kind (Atom)."""

    feed_type = Atom1Feed
    title = "SummitCMS: newly verified entries"
    subtitle = "Claims, quotes and agreements from summit coverage, each verified by an editor against its sources."
    author_name = "SummitCMS"
    size = 50

    def link(self):
        return reverse("home")

    def feed_url(self):
        return reverse("feeds:verified")

    def items(self):
        entries = []
        for kind in registry.entry_types():
            newest = kind.model.objects.verified().select_related(*kind.shown_with).order_by(*NEWEST_VERIFIED)
            entries += newest[: self.size]
        # A stable sort: entries verified at one instant stay in the registry's order, each by slug.
        entries.sort(key=lambda e: (e.verified_at is not None, e.verified_at or e.updated_at), reverse=True)
        return entries[: self.size]

    def item_title(self, item):
        return item.feed_title()

    def item_description(self, item):
        return item.feed_summary()

    def item_pubdate(self, item):
        return item.verified_at or item.updated_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"{item._meta.label_lower}:{item.slug}"

    item_guid_is_permalink = False
