from django.views.generic import DetailView, ListView

from .models import Quote

SPEAKERS = ["speaker", "speaker_organization", "speaker_statement", "occasion"]


class QuoteListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Quote.objects.verified().select_related(*SPEAKERS).order_by("-said_on", "slug")


class QuoteDetailView(DetailView):
    def get_queryset(self):
        return Quote.objects.verified().select_related(*SPEAKERS)
