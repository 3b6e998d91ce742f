"""The read-only JSON API of verified entries.

For each kind of entry the registry gives a serializer (``EntryType.serializer``): a list
with the filters, order and page size of its public list (the same django-filter
FilterSet, ``EntryType.filterset``), and a detail by slug. What a reader may see is what
the pages show: verified entries only, their evidence, the verified entries they are
linked to. Anonymous, read-only (GET and HEAD), JSON only; responses go through the page
cache like the pages.
"""

from django.http import Http404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from apps.editorial import registry
from apps.editorial.public import PublicListView, ShownPagesPaginator
from summitcms.lib.counting import AtLeast

SLUG = "[-a-zA-Z0-9_]+"


def kinds():
    """The kinds of entry the API shows, in the registry's order."""
    return [kind for kind in registry.entry_types() if kind.serializer is not None]


class Pages(PageNumberPagination):
    """Pages of the public lists' size; ``page_size`` up to 100. A page past the last is a 404,
    and so is one past the first ``MAX_PAGES`` (the pages' rule: a deep OFFSET reads and
    throws away every row before it)."""

    django_paginator_class = ShownPagesPaginator
    page_size = PublicListView.paginate_by
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        # Words to find rank a bounded number of matches: the count is then a lower bound,
        # as the pages say ("more than 250 claims").
        self.count = view.filterset.count_as_shown(self.page.paginator.count)
        return page

    def get_paginated_response(self, data):
        return Response(
            {
                "count": int(self.count),
                "count_exact": not isinstance(self.count, AtLeast),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when a search ranked only the best matches: there are more than count.",
        }
        paginated["required"] = [*paginated.get("required", []), "count_exact"]
        return paginated


class PublicFilters(DjangoFilterBackend):
    """The public list's filters; a value they refuse is a 400 with the reason, as on the pages."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    entry_type = None  # set for each kind by ``viewset()``
    lookup_field = "slug"
    lookup_value_regex = SLUG
    pagination_class = Pages
    filter_backends = [PublicFilters]
    http_method_names = ["get", "head"]

    def get_queryset(self):
        return self.entry_type.serializer.queryset()

    def filter_queryset(self, queryset):
        # A detail is found by its slug alone: the list's filters do not apply.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            model = self.entry_type.model
            if not model.objects.retracted().filter(slug=kwargs["slug"]).exists():
                raise
            # As its page answers: gone, and where the correction is (the log says what it said).
            noun = model._meta.verbose_name
            return Response(
                {
                    "detail": f"This {noun} was retracted.",
                    "corrections": request.build_absolute_uri(reverse("corrections")),
                },
                status=status.HTTP_410_GONE,
            )


def viewset(kind):
    """The list and detail of one kind, its serializer with its own address in the API."""
    serializer = type(
        kind.serializer.__name__,
        (kind.serializer,),
        {
            "__module__": kind.serializer.__module__,
            "__doc__": kind.serializer.__doc__,
            "api_url": serializers.HyperlinkedIdentityField(
                view_name=f"api:{kind.name}-detail", lookup_field="slug", help_text="This entry in the API."
            ),
        },
    )
    noun, plural = kind.model._meta.verbose_name, kind.name
    cls = type(
        f"{kind.model.__name__}ViewSet",
        (EntryViewSet,),
        {"entry_type": kind, "serializer_class": serializer, "filterset_class": kind.filterset},
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"Verified {plural}",
            description=f"Verified {plural}, with the filters and order of the list at /{plural}/, "
            f"{Pages.page_size} a page. A value a filter refuses is a 400 saying why.",
            tags=[plural],
        ),
        retrieve=extend_schema(
            summary=f"One verified {noun}",
            description=f"A verified {noun} by its slug: 404 when there is none, 410 when it was retracted.",
            tags=[plural],
        ),
    )(cls)


@extend_schema(exclude=True)
class Root(APIView):
    """Where each kind of verified entry is listed, and the OpenAPI description."""

    http_method_names = ["get", "head"]

    def get(self, request):
        return Response(
            {
                "description": "Read-only JSON of the verified entries of SummitCMS, each with its evidence.",
                "schema": api_reverse("api:schema", request=request),
                "entries": {kind.name: api_reverse(f"api:{kind.name}-list", request=request) for kind in kinds()},
                "corrections": request.build_absolute_uri(reverse("corrections")),
            }
        )
