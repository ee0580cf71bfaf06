"""Course files in, a validated immutable ``Course`` out. No HTTP, no SQL."""

from aula.content.findings import CourseError, Finding
from aula.content.loader import CheckReport, builtin_course_path, check_course, load_course
from aula.content.model import Course

__all__ = [
    "CheckReport",
    "Course",
    "CourseError",
    "Finding",
    "builtin_course_path",
    "check_course",
    "load_course",
]
