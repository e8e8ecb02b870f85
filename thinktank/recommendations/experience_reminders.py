"""The review-date reminder: when a published recommendation reaches its review date, the
people who recorded its verified adoptions are asked, once, how it went, with a link to the
report form (``send-reminders`` and ``send-mail`` queue it)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select

from thinktank.extensions import db
from thinktank.models import local_today, utcnow
from thinktank.notifications.service import notify
from thinktank.recommendations.models import (
    Adoption,
    AdoptionStatus,
    ExperienceReminder,
    Recommendation,
    Status,
)
from thinktank.recommendations.municipalities import MUNICIPALITIES


def report_url(recommendation_id: int, municipality: str) -> str:
    return url_for(
        "experience.report", recommendation_id=recommendation_id, municipality=municipality
    )


def send_review_reminders(today: date | None = None) -> int:
    """Ask each recorder of a verified adoption of a recommendation whose review date has
    come to report their experience, once per review date; returns how many were asked.
    Safe to run as often as one likes."""
    today = today or local_today()
    rows = db.session.execute(
        select(Adoption, Recommendation)
        .join(Recommendation, Recommendation.id == Adoption.recommendation_id)
        .where(
            Adoption.status == AdoptionStatus.VERIFIED,
            Adoption.user_id.is_not(None),
            Recommendation.status == Status.PUBLISHED,
            Recommendation.review_by.is_not(None),
            Recommendation.review_by <= today,
            ~select(ExperienceReminder.id)
            .where(
                ExperienceReminder.recommendation_id == Recommendation.id,
                ExperienceReminder.user_id == Adoption.user_id,
                ExperienceReminder.review_by == Recommendation.review_by,
            )
            .exists(),
        )
        .order_by(Recommendation.id, Adoption.id)
    ).all()
    asked: set[tuple[int, int]] = set()
    for adoption, recommendation in rows:
        key = (recommendation.id, adoption.user_id)
        if key in asked:  # one person who recorded several municipalities' use: one reminder
            continue
        asked.add(key)
        db.session.add(
            ExperienceReminder(
                recommendation_id=recommendation.id,
                user_id=adoption.user_id,
                review_by=recommendation.review_by,
                sent_at=utcnow(),
            )
        )
        notify(
            adoption.user_id,
            "experience_asked",
            actor=None,
            url=report_url(recommendation.id, adoption.municipality),
            title=recommendation.title,
            municipality=MUNICIPALITIES[adoption.municipality],
        )
    db.session.flush()
    return len(asked)
