"""Column types and helpers shared by the domain models."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Enum, TypeDecorator

#: Where the think tank meets: people give and read dates and times in Danish time.
LOCAL_TIMEZONE = ZoneInfo("Europe/Copenhagen")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date in Denmark (what "today" means for a declared interest)."""
    return datetime.now(LOCAL_TIMEZONE).date()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translated label, set with :func:`set_labels`."""

    @property
    def label(self):
        """Lazy: translated when rendered, so it can sit in form choices defined at import."""
        return type(self).__labels__[self]

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        return [(member.value, member.label) for member in cls]


def set_labels(enum_class: type[LabelledEnum], labels: dict) -> None:
    """Attach labels to ``enum_class``; every member must have one."""
    missing = set(enum_class) - set(labels)
    if missing:
        raise ValueError(f"{enum_class.__name__} members without a label: {missing}")
    enum_class.__labels__ = labels


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint listing the enum's values (portable, migration-friendly)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
