from django.views.generic import DetailView, ListView

from .models import Source


class SourceListView(ListView):
    paginate_by = 50
    queryset = Source.objects.select_related("outlet").order_by("-published_on", "title")


class SourceDetailView(DetailView):
    queryset = Source.objects.select_related("outlet")
