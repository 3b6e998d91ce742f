import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request is one warning line; a server error keeps its traceback.

    Django logs a PermissionDenied (403) with the exception's traceback: harmless
    refusals would fill the log and look like failures (``make load`` fails on a
    traceback in the server's log).
    """

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True
