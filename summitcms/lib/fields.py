"""What Django's field options mean for code that writes rows itself."""

import functools


@functools.cache
def auto_timestamps(model):
    """The ``auto_now`` and ``auto_now_add`` fields of ``model``: bulk writes fill them."""
    return [
        f
        for f in model._meta.local_concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
