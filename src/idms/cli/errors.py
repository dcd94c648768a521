class UsageError(Exception):
    """Bad arguments or configuration: exit status 2, with this message and no traceback."""
