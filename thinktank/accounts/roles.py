"""Roles and sectors: the fixed vocabularies of an account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from thinktank.models import LabelledEnum, set_labels


class Role(LabelledEnum):
    READER = "reader"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


set_labels(
    Role,
    {
        Role.READER: _l("Reader"),
        Role.MEMBER: _l("Member"),
        Role.SECRETARIAT: _l("Secretariat"),
        Role.ADMIN: _l("Administrator"),
    },
)

#: Roles the secretariat may invite (members and secretariat join by invitation only).
INVITABLE_ROLES = (Role.MEMBER, Role.SECRETARIAT)


class Sector(LabelledEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    STATE = "state"
    PRIVATE = "private"
    RESEARCH = "research"
    CIVIL_SOCIETY = "civil_society"


set_labels(
    Sector,
    {
        Sector.MUNICIPALITY: _l("Municipality"),
        Sector.REGION: _l("Region"),
        Sector.STATE: lazy_pgettext("sector", "State"),  # the state as a sector, not a status
        Sector.PRIVATE: _l("Private company"),
        Sector.RESEARCH: _l("Research"),
        Sector.CIVIL_SOCIETY: _l("Civil society"),
    },
)
