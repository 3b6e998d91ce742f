from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from .views import Root, kinds, viewset

app_name = "api"

router = SimpleRouter()
for kind in kinds():
    # /api/claims/, /api/claims/<slug>/ (and each other kind of entry)
    router.register(kind.name, viewset(kind), basename=kind.name)

urlpatterns = [
    # /api/
    path("", Root.as_view(), name="root"),
    # /api/schema/: the OpenAPI description (JSON)
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    *router.urls,
]
