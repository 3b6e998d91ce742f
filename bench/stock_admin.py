"""The reference for the admin benchmark: what a Django developer gets without tuning.

A second admin site with a stock ``ModelAdmin`` for each benchmarked model, showing the
same columns and filters as SummitCMS's admin, and the same inlines, but nothing else: no
``list_select_related``, no prefetching, the stock paginator (a full ``COUNT(*)``), and
select boxes instead of autocomplete widgets. The computed columns call the same model
methods as ours, so both pages show the same thing.
"""

from django.contrib import admin

from apps.agreements.models import Agreement, AgreementCitation
from apps.claims.models import Claim, ClaimCitation, ClaimRelation
from apps.quotes.models import Quote, QuoteCitation
from apps.sources.models import Source

site = admin.AdminSite(name="stock")


def same_columns(model):
    """``list_display`` and ``list_filter`` of SummitCMS's admin of ``model``, as plain names."""
    ours = admin.site._registry[model]
    # A (field, filter class) pair is the same filter, untuned: Django's default for the field.
    filters = [item[0] if isinstance(item, tuple) else item for item in ours.list_filter]
    return list(ours.list_display), filters


class StockEntryAdmin(admin.ModelAdmin):
    @admin.display(description="entry")
    def heading_display(self, obj):
        return obj.heading

    @admin.display(description="speaker")
    def speakers(self, obj):
        return obj.speaker_name

    @admin.display(description="supporting")
    def supporting(self, obj):
        return len(obj.supporting_citations())

    @admin.display(description="corroboration")
    def corroboration(self, obj):
        return obj.corroboration().label

    @admin.display(description="quantity")
    def quantity_display(self, obj):
        return obj.quantity_display


def inline(citation_model, **options):
    return type(f"Stock{citation_model.__name__}Inline", (admin.TabularInline,), {"model": citation_model, **options})


for model, inlines in [
    (Claim, [inline(ClaimCitation), inline(ClaimRelation, fk_name="from_claim")]),
    (Quote, [inline(QuoteCitation)]),
    (Agreement, [inline(AgreementCitation)]),
    (Source, []),
]:
    list_display, list_filter = same_columns(model)
    base = StockEntryAdmin if model is not Source else admin.ModelAdmin
    site.register(
        model,
        type(
            f"Stock{model.__name__}Admin",
            (base,),
            {"list_display": list_display, "list_filter": list_filter, "inlines": inlines},
        ),
    )
