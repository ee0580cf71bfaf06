"""Hands-on labs: the glossary's concepts as working tools.

Each lab is a pure function returning a frozen dataclass with ``to_dict()`` (the CLI's
``--json`` prints exactly ``json.dumps(result.to_dict())``):

- weights inspector: ``aula.labs.weights.inspect_weights`` / ``inspect_header_bytes``
- VRAM planner: ``aula.labs.planner.plan`` (names in) or ``aula.labs.vram.plan_vram``
- model comparison: ``aula.labs.compare.compare_models``
- cost of ownership: ``aula.labs.cost.cost_of_ownership`` and ``aula.labs.chart.cost_chart_svg``

Labs import ``aula.content`` only; errors a learner can fix are ``aula.labs.errors.LabError``.
"""
