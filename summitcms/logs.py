import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request is one line; a server error keeps its traceback.

    Django logs a PermissionDenied (403) with the exception's traceback: harmless
    refusals would fill the log and look like failures (``make load`` fails on a
    traceback in the server's log); so does a request for a host the site does not
    serve (400). A 503 while the primary database does not answer
    (``summitcms.replicas.server_error``) is one line too: it repeats for every request
    of the outage.
    """

    def filter(self, record):
        status = getattr(record, "status_code", 500)
        if status < 500 or status == 503:
            record.exc_info = record.exc_text = None
        return True
