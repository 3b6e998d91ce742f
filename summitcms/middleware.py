import time

from django.conf import settings

# How often a signed-in person's session is renewed, at most.
RENEW_EVERY_SECONDS = 60


class IdleSessionMiddleware:
    """End sessions after ``SESSION_COOKIE_AGE`` seconds without a request.

    Renewing the expiry on every request (``SESSION_SAVE_EVERY_REQUEST``) would cost a
    database write per page view and race between the parallel requests of one page
    (the admin's autocomplete fires one per keystroke). A renewal at most once a minute
    keeps the idle limit accurate to the minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            renewed = request.session.get("renewed_at", 0)
            if now - renewed >= min(RENEW_EVERY_SECONDS, settings.SESSION_COOKIE_AGE // 2):
                request.session["renewed_at"] = now  # modified: saved with a fresh expiry
        return self.get_response(request)
