from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    # /quotes/
    path("", views.QuoteListView.as_view(), name="list"),
    path("<slug:slug>/", views.QuoteDetailView.as_view(), name="detail"),
]
