from django.views.generic import DetailView, ListView

from .models import Agreement


class AgreementListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return Agreement.objects.verified().select_related("event").order_by("-signed_on", "title")


class AgreementDetailView(DetailView):
    def get_queryset(self):
        return Agreement.objects.verified().select_related("event")
