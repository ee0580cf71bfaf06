"""The labs on the web: reading form and query values, uploads, and each lab's view data.

The routes (``aula.web.routes.labs``) stay thin: they read input with ``fields`` and
``uploads``, call the lab in ``aula.labs``, and hand the result to a ``*_view`` function
that turns it into the plain values a template shows.
"""
