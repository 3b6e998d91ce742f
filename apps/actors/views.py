from django.views.generic import DetailView

from apps.agreements.models import SIGNED_LATEST_FIRST, Agreement
from apps.claims.models import Claim
from apps.editorial.public import PublicListView, absolute, count_of, first
from apps.quotes.models import SAID_LATEST_FIRST, Quote
from apps.sources.models import PUBLISHED_LATEST_FIRST, Source
from apps.sources.views import verified_entries

from .filters import OrganizationFilter, PersonFilter
from .models import Organization, Person


def people():
    quotes = Quote.objects.verified()
    return Person.objects.public().annotate(
        # Said alone or with others (a co-speaker is never the speaker: no quote counts twice).
        verified_quotes=count_of(quotes, "speaker") + count_of(quotes, "co_speakers"),
        verified_agreements=count_of(Agreement.objects.verified(), "signatories"),
        verified_claims=count_of(Claim.objects.verified(), "attributed_to"),
    )


def organizations():
    return Organization.objects.public().annotate(
        source_count=count_of(Source.objects.all(), "outlet"),
        verified_agreements=count_of(Agreement.objects.verified(), "parties"),
        verified_quotes=count_of(Quote.objects.verified(), "speaker_organization"),
    )


class PersonListView(PublicListView):
    filterset_class = PersonFilter
    csv_name = "people"
    csv_columns = [
        ("url", absolute),
        ("name", lambda p, r: p.name),
        ("role", lambda p, r: p.role),
        ("country", lambda p, r: p.country),
        ("verified_quotes", lambda p, r: p.verified_quotes),
        ("verified_agreements_signed", lambda p, r: p.verified_agreements),
        ("verified_claims_attributed", lambda p, r: p.verified_claims),
    ]

    def get_queryset(self):
        return people().order_by("name", "slug")


class PersonDetailView(DetailView):
    def get_queryset(self):
        return Person.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["quotes"], context["more_quotes"] = first(
            Quote.objects.verified().said_by([person]).with_speakers().order_by(*SAID_LATEST_FIRST)
        )
        context["agreements"], context["more_agreements"] = first(
            Agreement.objects.verified().filter(signatories=person).order_by(*SIGNED_LATEST_FIRST)
        )
        context["claims"], context["more_claims"] = first(
            Claim.objects.verified()
            .filter(attributed_to=person)
            .select_related("event", "attributed_to")
            .order_by("statement", "slug")
        )
        return context


class OrganizationListView(PublicListView):
    filterset_class = OrganizationFilter
    csv_name = "organizations"
    csv_columns = [
        ("url", absolute),
        ("name", lambda o, r: o.name),
        ("kind", lambda o, r: o.get_kind_display()),
        ("country", lambda o, r: o.country),
        ("sources_published", lambda o, r: o.source_count),
        ("verified_agreements", lambda o, r: o.verified_agreements),
        ("verified_quotes", lambda o, r: o.verified_quotes),
    ]

    def get_queryset(self):
        return organizations().order_by("name", "slug")


class OrganizationDetailView(DetailView):
    def get_queryset(self):
        return Organization.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        context["agreements"], context["more_agreements"] = first(
            Agreement.objects.verified().filter(parties=organization).order_by(*SIGNED_LATEST_FIRST)
        )
        context["quotes"], context["more_quotes"] = first(
            Quote.objects.verified()
            .filter(speaker_organization=organization)
            .with_speakers()
            .order_by(*SAID_LATEST_FIRST)
        )
        context["sources"], context["more_sources"] = first(
            Source.objects.filter(outlet=organization)
            .annotate(verified_entries=verified_entries())
            .order_by(*PUBLISHED_LATEST_FIRST)
        )
        context["relayed_by"], context["more_relayed_by"] = first(
            Source.objects.filter(relays=organization).select_related("outlet").order_by("title", "slug")
        )
        return context
