from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    # /claims/
    path("", views.ClaimListView.as_view(), name="list"),
    path("<slug:slug>/", views.ClaimDetailView.as_view(), name="detail"),
]
