from django.views.generic import DetailView, ListView

from .models import Claim


class ClaimListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Claim.objects.verified().select_related("event").order_by("-verified_at", "slug")


class ClaimDetailView(DetailView):
    def get_queryset(self):
        return Claim.objects.verified().select_related("event")
