"""The store: the only place in Aula that speaks SQL.

SQLite (WAL, one group-commit writer, fsync per commit) by default, PostgreSQL by URL, one
schema for both, migrated automatically when opened. See ``docs/store.md``.
"""

from .database import Store, StoreUnavailable
from .location import database_url, database_url_from_env, default_sqlite_path
from .migration import SchemaVersionError
from .records import (
    AnswerRecord,
    ItemKind,
    LessonRecords,
    LtiLink,
    LtiPlatform,
    NewCard,
    OutboxItem,
    OutboxKind,
    OutboxRecord,
    ReviewCardRecord,
    ReviewLogRecord,
    SlideViewRecord,
    SnapshotRecord,
)
from .resume import ResumeRefused
from .synckeys import AlreadySynced
from .writer import StoreClosedError

__all__ = [
    "AlreadySynced",
    "AnswerRecord",
    "ItemKind",
    "LessonRecords",
    "LtiLink",
    "LtiPlatform",
    "NewCard",
    "OutboxItem",
    "OutboxKind",
    "OutboxRecord",
    "ResumeRefused",
    "ReviewCardRecord",
    "ReviewLogRecord",
    "SchemaVersionError",
    "SlideViewRecord",
    "SnapshotRecord",
    "Store",
    "StoreClosedError",
    "StoreUnavailable",
    "database_url",
    "database_url_from_env",
    "default_sqlite_path",
]
