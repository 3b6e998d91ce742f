import re

from django.contrib.syndication.views import Feed
from django.template.loader import select_template
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from apps.editorial import registry
from apps.editorial.models import NEWEST_VERIFIED

from .corrections import corrections

# Characters XML 1.0 cannot carry. A text field may hold them (pasted from a word
# processor, imported): the feed leaves them out rather than failing with a 500.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(value):
    return NOT_IN_XML.sub("", value) if isinstance(value, str) else value


class ContentAtomFeed(Atom1Feed):
    """Atom with each entry's content: the item's description (HTML, from the feed's
    ``description_template``) becomes ``<content type="html">``, and a line of plain text
    (``summary`` in ``item_extra_kwargs``) its ``<summary>``. Django's Atom feed writes the
    description as the summary and has no content."""

    def add_item_elements(self, handler, item):
        summary = item.get("summary")
        shown = {
            **item,
            "title": xml_text(item["title"]),
            "description": escape(xml_text(summary)) if summary else None,
        }
        super().add_item_elements(handler, shown)
        handler.addQuickElement("content", xml_text(item["description"]), {"type": "html"})


class VerifiedEntriesFeed(Feed):
    """Newly verified entries of every kind (Atom), each with its content and evidence."""

    feed_type = ContentAtomFeed
    title = "SummitCMS: newly verified entries"
    subtitle = "Claims, quotes and agreements from summit coverage, each verified by an editor against its sources."
    author_name = "SummitCMS"
    description_template = "feeds/entry_content.html"
    size = 50

    def link(self):
        return reverse("home")

    def feed_url(self):
        return reverse("feeds:verified")

    def items(self):
        entries = []
        for kind in registry.entry_types():
            newest = (
                kind.model.objects.public()
                .with_evidence("source__outlet")
                .with_disputes()
                .select_related(*kind.shown_with)
                .prefetch_related(*kind.prefetched_with)
                .order_by(*NEWEST_VERIFIED)
            )
            entries += newest[: self.size]
        # A stable sort: entries verified at one instant stay in the registry's order, each by slug.
        entries.sort(key=lambda e: (e.verified_at is not None, e.verified_at or e.updated_at), reverse=True)
        return entries[: self.size]

    def get_context_data(self, item, request, **kwargs):
        # What the entry says beside its title, by kind (``feeds/<model_name>.html``), then
        # its corroboration, why it is disputed, and its evidence. Links are absolute: a
        # feed reader shows them away from the site.
        return {
            "entry": item,
            "kind_template": select_template([f"feeds/{item._meta.model_name}.html", "feeds/entry.html"]),
            "site": request.build_absolute_uri("/").rstrip("/"),
        }

    def item_title(self, item):
        return item.feed_title()

    def item_extra_kwargs(self, item):
        return {"summary": item.feed_summary()}

    def item_pubdate(self, item):
        return item.verified_at or item.updated_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"{item._meta.label_lower}:{item.slug}"

    item_guid_is_permalink = False


class CorrectionsFeed(Feed):
    """Every retraction, newest first (Atom): what the entry said (unless its text is
    withheld), what was wrong, when."""

    feed_type = ContentAtomFeed
    title = "SummitCMS: corrections"
    subtitle = "Entries published and then retracted: what they said, what was wrong, and when."
    author_name = "SummitCMS"
    description_template = "feeds/correction.html"
    size = 50

    def link(self):
        return reverse("corrections")

    def feed_url(self):
        return reverse("feeds:corrections")

    def items(self):
        return corrections()[: self.size]

    def get_context_data(self, item, request, **kwargs):
        return {"row": item, "site": request.build_absolute_uri("/").rstrip("/")}

    def item_title(self, item):
        noun = item.noun.capitalize()
        return f"{noun} retracted (its text is withheld)" if item.withheld else f"{noun} retracted: {item.said}"

    def item_extra_kwargs(self, item):
        return {"summary": item.wrong}

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.when

    def item_guid(self, item):
        return f"correction:{item.key}"

    item_guid_is_permalink = False
