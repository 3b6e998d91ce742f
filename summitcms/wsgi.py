"""WSGI entry point (gunicorn summitcms.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summitcms.settings")

application = get_wsgi_application()
