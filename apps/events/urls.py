from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    # /events/
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
]
