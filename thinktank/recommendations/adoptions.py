"""The adoption register: a municipality records that it uses a recommendation. A record is
public only once verified, automatically by the recorder's proven municipal e-mail address
or by the secretariat from its queue; until then only the recorder and the secretariat see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from thinktank.audit.service import record
from thinktank.errors import InvalidTransition, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.permissions import can, require
from thinktank.recommendations.models import Adoption, AdoptionStatus, Recommendation
from thinktank.recommendations.municipalities import MUNICIPALITIES, municipalities

#: How this module's actions read in the logs.
AUDIT_ACTIONS = {
    "adoption_recorded": _l("%(municipality)s was recorded as using “%(title)s”"),
    "adoption_verified": _l(
        "The use of “%(title)s” by %(municipality)s was verified by the municipal e-mail address"
    ),
    "adoption_confirmed": _l(
        "The use of “%(title)s” by %(municipality)s was confirmed by the secretariat"
    ),
    "adoption_rejected": _l(
        "The use of “%(title)s” by %(municipality)s was rejected by the secretariat"
    ),
}


def proves_municipality(user, code: str) -> bool:
    """Whether the user's e-mail address shows they work for the municipality. Only an
    address the person has proven to receive mail at counts (an invitation accepted or a
    password reset by e-mail): a self-registered reader could have typed anyone's domain."""
    municipality = municipalities().get(code)
    return bool(
        municipality is not None
        and getattr(user, "email_verified_at", None) is not None
        and municipality.owns_email(user.email)
    )


def _log(action: str, adoption: Adoption, recommendation: Recommendation, actor) -> None:
    record(action, actor=actor, subject=recommendation,
           municipality=MUNICIPALITIES[adoption.municipality], title=recommendation.title)  # fmt: skip


def adopt(user, recommendation: Recommendation, municipality: str, note: str = "") -> Adoption:
    """Record that a municipality uses the recommendation (one live record per municipality);
    verified at once when the recorder's proven e-mail address is the municipality's."""
    require("adopt_recommendation", recommendation, user=user)
    if municipality not in MUNICIPALITIES:
        raise ValidationFailed(_("Choose a municipality from the list."), "municipality")
    taken = _("%(name)s is already recorded as using this recommendation.",
              name=MUNICIPALITIES[municipality])  # fmt: skip
    if db.session.scalar(
        select(Adoption.id).where(
            Adoption.recommendation_id == recommendation.id,
            Adoption.municipality == municipality,
            Adoption.status != AdoptionStatus.REJECTED,
        )
    ):
        raise ValidationFailed(taken, "municipality")
    verified = proves_municipality(user, municipality)
    adoption = Adoption(
        recommendation_id=recommendation.id,
        municipality=municipality,
        user_id=user.id,
        note=(note or "").strip()[:1000],
        status=AdoptionStatus.VERIFIED if verified else AdoptionStatus.PENDING,
        decided_at=utcnow() if verified else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(adoption)
    except IntegrityError:  # a double click that raced past the check above
        raise ValidationFailed(taken, "municipality") from None
    _log("adoption_recorded", adoption, recommendation, user)
    if verified:
        _log("adoption_verified", adoption, recommendation, None)
    return adoption


def decide(user, adoption_id: int, *, confirm: bool) -> Adoption:
    """The secretariat confirms a pending adoption (it becomes public) or rejects it."""
    require("confirm_adoption", user=user)
    adoption = db.session.scalar(
        select(Adoption).where(Adoption.id == adoption_id).with_for_update()
    )
    if adoption is None:
        raise NotFound()
    if not adoption.is_pending:
        raise InvalidTransition(_("This adoption has already been dealt with."))
    recommendation = db.session.get(Recommendation, adoption.recommendation_id)
    adoption.status = AdoptionStatus.VERIFIED if confirm else AdoptionStatus.REJECTED
    adoption.decided_by_id = user.id
    adoption.decided_at = utcnow()
    _log("adoption_confirmed" if confirm else "adoption_rejected", adoption, recommendation, user)
    return adoption


# --- reading -----------------------------------------------------------------------------


@dataclass
class Listed:
    name: str
    adoption: Adoption


def _by_name(rows) -> list[Listed]:
    return sorted((Listed(MUNICIPALITIES[a.municipality], a) for a in rows), key=lambda r: r.name)


def public(recommendation_id: int) -> list[Listed]:
    """The verified adoptions, by municipality name: what everyone sees."""
    return _by_name(
        db.session.scalars(
            select(Adoption).where(
                Adoption.recommendation_id == recommendation_id,
                Adoption.status == AdoptionStatus.VERIFIED,
            )
        )
    )


def unverified_for(user, recommendation_id: int) -> list[Listed]:
    """Adoptions not (yet) public that ``user`` may see: their own, or all pending ones for
    the secretariat."""
    if not user.is_authenticated:
        return []
    statement = select(Adoption).where(
        Adoption.recommendation_id == recommendation_id,
        Adoption.status != AdoptionStatus.VERIFIED,
    )
    if can(user, "confirm_adoption"):
        statement = statement.where(
            (Adoption.status == AdoptionStatus.PENDING) | (Adoption.user_id == user.id)
        )
    else:
        statement = statement.where(Adoption.user_id == user.id)
    return _by_name(db.session.scalars(statement))


def counts(recommendation_ids: list[int]) -> dict[int, int]:
    """The number of verified adoptions of each recommendation."""
    rows = db.session.execute(
        select(Adoption.recommendation_id, func.count(Adoption.id))
        .where(
            Adoption.recommendation_id.in_(recommendation_ids),
            Adoption.status == AdoptionStatus.VERIFIED,
        )
        .group_by(Adoption.recommendation_id)
    )
    return dict(rows.all())


def pending_count() -> int:
    return db.session.scalar(
        select(func.count(Adoption.id)).where(Adoption.status == AdoptionStatus.PENDING)
    )


def pending_queue() -> Select:
    """Pending adoptions with their recorder and recommendation, oldest first (paginated)."""
    return (
        select(Adoption)
        .options(joinedload(Adoption.recorder), joinedload(Adoption.recommendation))
        .where(Adoption.status == AdoptionStatus.PENDING)
        .order_by(Adoption.created_at, Adoption.id)
    )
