"""Errors every layer may raise, defined below all of them so imports still point one way."""


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says what to do."""
