"""What every kind of entry shows in the JSON API (``apps.api``), as REST framework
serializers: its address, corroboration, why it is disputed, and its evidence.

Each entry app declares its own fields on ``EntrySerializer`` and registers the result
(``EntryType.serializer``). Serializers list their fields one by one: nothing reaches the
API because a model has it, so internal notes, who verified, and unpublished entries it
is linked to never do.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import registry
from .public import web_url

STANCES = [
    ("supports", "the passage supports the entry"),
    ("contradicts", "the passage contradicts it"),
    ("mentions", "the passage mentions it"),
]


@extend_schema_field(OpenApiTypes.URI)
class PageUrl(serializers.Field):
    """The object's page on the site, as an absolute address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Its page on the site.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class WebUrl(serializers.CharField):
    """A stored address as the pages link to it: http or https only, else null."""

    def to_representation(self, value):
        return web_url(value) or None


class Named(serializers.Serializer):
    """A person, organization, event or topic an entry names: its name and page."""

    name = serializers.CharField(source="__str__")
    slug = serializers.SlugField()
    url = PageUrl()


class EntryRef(serializers.Serializer):
    """Another verified entry: what kind, its heading (statement, words or title), its page."""

    kind = serializers.CharField(source="_meta.verbose_name", help_text="claim, quote or agreement")
    slug = serializers.SlugField()
    heading = serializers.CharField()
    url = PageUrl()


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    slug = serializers.SlugField()
    outlet = serializers.CharField(source="outlet.name", allow_null=True, help_text="Who published it, where known.")
    published_on = serializers.DateField(allow_null=True)
    url = WebUrl(help_text="The original article, where known.")
    page = PageUrl(help_text="Its full text on the site, with every cited passage marked.")


class CitationSerializer(serializers.Serializer):
    """A passage of a source that the entry rests on (or that contradicts or mentions it)."""

    stance = serializers.ChoiceField(choices=STANCES)
    passage = serializers.CharField(help_text="The cited characters, exactly as the source prints them.")
    note = serializers.CharField(help_text="The analyst's note on the passage (why it contradicts, say).")
    passage_url = PageUrl(help_text="The passage, highlighted in the source's text on the site.")
    source = SourceSerializer()


class CorroborationSerializer(serializers.Serializer):
    """How many independent sources support the entry; not a verdict."""

    label = serializers.CharField(help_text='As the pages say it: "1 source", "2 independent sources", "disputed".')
    level = serializers.ChoiceField(choices=["disputed", "none", "single", "corroborated"])
    independent_sources = serializers.IntegerField(
        source="supporting_sources",
        help_text="Independent sources among the supporting passages (one outlet, or one relaying it, counts once).",
    )
    disputed = serializers.BooleanField(help_text="A passage or another verified entry contradicts it.")


class DisputeSerializer(serializers.Serializer):
    """Why the entry is disputed: a contradicting passage, or another verified entry that
    says otherwise, with the reason recorded."""

    reason = serializers.CharField(help_text='The note recorded on the passage or relation; "" when none was.')
    passage = CitationSerializer(source="citation", allow_null=True)
    entry = EntryRef(source="other", allow_null=True)


class EntrySerializer(serializers.Serializer):
    """What every kind of entry shows. Subclasses add their own fields, set ``Meta.model``
    and ``Meta.order`` (the public list's order), and extend ``queryset()`` with what
    their fields read."""

    kind = serializers.CharField(source="_meta.verbose_name", help_text="claim, quote or agreement")
    slug = serializers.SlugField()
    url = PageUrl()
    verified_at = serializers.DateTimeField()
    corroboration = CorroborationSerializer()
    disputes = DisputeSerializer(many=True)
    evidence = CitationSerializer(many=True, source="citations.all")

    class Meta:
        model = None
        order = ()

    @classmethod
    def queryset(cls):
        """The verified entries shown, in the public list's order, with what these fields
        read prefetched: a fixed number of queries however many entries and citations."""
        kind = registry.entry_type(cls.Meta.model)
        return (
            kind.model.objects.public()
            .with_evidence("source__outlet")
            .with_disputes()
            .select_related(*kind.shown_with)
            .prefetch_related(*kind.prefetched_with)
            .order_by(*cls.Meta.order)
        )
