from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    """Browsers ask for /favicon.ico on every site, the admin included."""
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("site/favicon.svg"), permanent=True)
