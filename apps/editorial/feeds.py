from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.editorial.models import NEWEST_VERIFIED
from apps.quotes.models import Quote
from apps.quotes.views import public_speaker_name


class VerifiedEntriesFeed(Feed):
    """Newly verified claims, quotes and agreements (Atom)."""

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
        entries = [
            *Claim.objects.verified().order_by(*NEWEST_VERIFIED)[: self.size],
            *Quote.objects.verified()
            .select_related("speaker", "speaker_organization", "speaker_statement")
            .order_by(*NEWEST_VERIFIED)[: self.size],
            *Agreement.objects.verified().order_by(*NEWEST_VERIFIED)[: self.size],
        ]
        # A stable sort: entries verified at one instant stay claims, quotes, agreements, each by slug.
        entries.sort(key=lambda e: (e.verified_at is not None, e.verified_at or e.updated_at), reverse=True)
        return entries[: self.size]

    def item_title(self, item):
        if isinstance(item, Claim):
            return f"Claim: {item.statement}"
        if isinstance(item, Quote):
            return f"Quote: {public_speaker_name(item)}: “{item.text}”"
        return f"Agreement: {item.title}"

    def item_description(self, item):
        if isinstance(item, Claim):
            return item.quantity_display or item.statement
        if isinstance(item, Quote):
            return item.context or item.text
        return item.summary or item.get_kind_display()

    def item_pubdate(self, item):
        return item.verified_at or item.updated_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"{item._meta.label_lower}:{item.slug}"

    item_guid_is_permalink = False
