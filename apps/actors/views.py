from django.views.generic import DetailView, ListView

from .models import Organization, Person


class PersonListView(ListView):
    model = Person
    paginate_by = 50


class PersonDetailView(DetailView):
    model = Person


class OrganizationListView(ListView):
    model = Organization
    paginate_by = 50


class OrganizationDetailView(DetailView):
    model = Organization
