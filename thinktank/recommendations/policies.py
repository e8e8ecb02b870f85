"""Who may draft, review, publish, read and adopt recommendations."""

from __future__ import annotations

from thinktank.accounts.roles import Role
from thinktank.permissions import can, has_role
from thinktank.recommendations.adoptions import proves_municipality
from thinktank.recommendations.models import Recommendation, Status


def can_view(user, recommendation: Recommendation) -> bool:
    """Published versions are for everyone; drafts for members and the secretariat."""
    return recommendation.is_published or has_role(user, Role.MEMBER)


def can_view_draft(user, _recommendation=None) -> bool:
    return has_role(user, Role.MEMBER)


def can_write(user, recommendation: Recommendation | None = None) -> bool:
    """Draft and revise (the secretariat), not once withdrawn."""
    if not has_role(user, Role.SECRETARIAT):
        return False
    return recommendation is None or recommendation.status != Status.WITHDRAWN


def can_group_conditions(user, recommendation: Recommendation) -> bool:
    """Group the vote's conditions and cite the groups: the secretariat, while drafting."""
    return has_role(user, Role.SECRETARIAT) and recommendation.status != Status.WITHDRAWN


def can_review(user, recommendation: Recommendation) -> bool:
    """Consent, object, write or co-sign a minority opinion while the draft is in review."""
    return has_role(user, Role.MEMBER) and recommendation.status == Status.REVIEW


def can_cosign(user, opinion) -> bool:
    """Members co-sign another member's minority opinion, never their own (with review open)."""
    return has_role(user, Role.MEMBER) and opinion.author_id != user.id


def can_adopt(user, recommendation: Recommendation) -> bool:
    """Anyone logged in whose e-mail address is confirmed records that a municipality uses a
    published recommendation."""
    return (
        has_role(user, Role.READER)
        and can(user, "use_verified_email")
        and recommendation.is_published
        and recommendation.status != Status.WITHDRAWN
    )


def can_confirm_adoption(user, _adoption=None) -> bool:
    """Confirm or reject adoptions that the recorder's e-mail address could not verify."""
    return has_role(user, Role.SECRETARIAT)


def can_report_experience(user, adoption) -> bool:
    """A user of a municipality with a verified adoption reports how it went: the one who
    recorded it, or anyone whose proven e-mail address is the municipality's (as adoption
    decides who belongs to a municipality)."""
    return bool(
        has_role(user, Role.READER)
        and can(user, "use_verified_email")
        and adoption.is_verified
        and (adoption.user_id == user.id or proves_municipality(user, adoption.municipality))
    )


def can_edit_experience_report(user, report) -> bool:
    """Its author edits a report until the secretariat removes it."""
    return bool(
        has_role(user, Role.READER) and report.author_id == user.id and not report.is_removed
    )


def can_flag_experience_report(user, report) -> bool:
    return bool(
        has_role(user, Role.READER) and report.author_id != user.id and not report.is_removed
    )


def can_remove_experience_report(user, report) -> bool:
    return has_role(user, Role.SECRETARIAT) and not report.is_removed
