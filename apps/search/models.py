"""Search has no models: its column, functions and triggers are generated from the search
declarations and installed after every ``migrate`` (``vectors.py``). This module exists
because Django sends ``post_migrate`` only to apps that have one."""
