"""The AI Instructor: answers grounded in the course, computed on this machine.

    from aula.instructor import Instructor
    instructor = Instructor.for_course(course)        # once, at course load
    instructor.ask("How much VRAM does SDXL need?").to_dict()
    # {"answer": ..., "sources": [{"title", "url", "score"}], "backend": {...}}

See docs/instructor.md for how it works, its measured quality and speed, and how to plug in a
generative model.
"""

from aula.instructor.answer import Answer, BackendInfo, SourceRef
from aula.instructor.generative import Backend, BackendError, OpenAICompatibleBackend
from aula.instructor.instructor import Instructor
from aula.instructor.settings import InstructorSettings, SettingsError

__all__ = [
    "Answer",
    "Backend",
    "BackendError",
    "BackendInfo",
    "Instructor",
    "InstructorSettings",
    "OpenAICompatibleBackend",
    "SettingsError",
    "SourceRef",
]
