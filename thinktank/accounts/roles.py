"""Roles and sectors: the fixed vocabularies of an account."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    READER = "reader"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def label(self):
        """Lazy: translated when rendered, so it can sit in form choices defined at import."""
        return _ROLE_LABELS[self]


_RANKS = {Role.READER: 1, Role.MEMBER: 2, Role.SECRETARIAT: 3, Role.ADMIN: 4}
_ROLE_LABELS = {
    Role.READER: _l("Reader"),
    Role.MEMBER: _l("Member"),
    Role.SECRETARIAT: _l("Secretariat"),
    Role.ADMIN: _l("Administrator"),
}

#: Roles the secretariat may invite (members and secretariat join by invitation only).
INVITABLE_ROLES = (Role.MEMBER, Role.SECRETARIAT)


class Sector(enum.StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    STATE = "state"
    PRIVATE = "private"
    RESEARCH = "research"
    CIVIL_SOCIETY = "civil_society"

    @property
    def label(self):
        return _SECTOR_LABELS[self]


_SECTOR_LABELS = {
    Sector.MUNICIPALITY: _l("Municipality"),
    Sector.REGION: _l("Region"),
    Sector.STATE: _l("State"),
    Sector.PRIVATE: _l("Private company"),
    Sector.RESEARCH: _l("Research"),
    Sector.CIVIL_SOCIETY: _l("Civil society"),
}
