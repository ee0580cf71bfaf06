"""Use cases: what the web and the CLI ask of Aula, one typed function each.

A service reads what it needs in one round trip (one store call, one transaction) and writes in
one atomic transaction; it knows nothing of HTTP. Routes call services and render what they
return; they never call each other.

- ``progress``: a learner's standing in a lesson (read; snapshot + recent answers)
- ``answers``: grade and store an answer, with the review cards it earns
- ``views``: record that a slide was seen (a POST, never a page view)
- ``reviews``: what is due, practice, and rating a review
- ``guided``: the check under a slide (question, result, the moment it made), the summary
- ``continuity``: streaks, resume codes, export, practice by skill
- ``conversation``: ask the instructor with the learner's last turns, keep the last 3
"""
