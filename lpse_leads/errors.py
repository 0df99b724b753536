"""Errors the user can fix (bad file, bad URL, unknown key): shown as one line, no traceback."""


class UserError(Exception):
    """A problem with the user's input or configuration, reported without a traceback."""
