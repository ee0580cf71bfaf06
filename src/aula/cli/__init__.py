"""The ``aula`` command line: ``serve`` (the default), ``check``, ``ask``, ``lab``."""
