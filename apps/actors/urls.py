from django.urls import path

from . import views

app_name = "actors"

urlpatterns = [
    # /people/
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    # /organizations/
    path("organizations/", views.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization"),
]
