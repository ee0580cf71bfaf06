"""The labs on the web: reading form and query values, uploads, and each lab's view data.

The routes (``aula.web.routes.labs``) stay thin: they read input with ``fields`` and
``uploads``, call the lab in ``aula.labs``, and hand the result to a ``*_view`` function
that turns it into the plain values a template shows.
"""

from aula.i18n import N_

LABS = (  # (slug, title, what it does): the labs index and the glossary's links

    ("weights", N_("Weights inspector"), N_("What is inside a .safetensors checkpoint, read from "
     "its header alone, so a multi-GB file is inspected without uploading its tensors.")),
    ("vram", N_("VRAM planner"), N_("Will a model fit on a GPU, at which step memory peaks, and "
     "what would make it fit.")),
    ("compare", N_("Model comparison"), N_("Open and closed image models side by side: licence, "
     "price, privacy and control, every fact with its source.")),
    ("cost", N_("Cost of ownership"), N_("A subscription or an API against buying a GPU, month by "
     "month, with every assumption editable.")),
)  # fmt: skip
