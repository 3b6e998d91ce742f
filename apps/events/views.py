from django.views.generic import DetailView

from .models import Event


class EventDetailView(DetailView):
    queryset = Event.objects.select_related("parent")
