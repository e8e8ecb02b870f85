"""Experience from practice: a municipality that uses a recommendation reports how it went
(once per published version, editable by its author), public or for the think tank only.
Reports are flagged and removed like comments, and the secretariat cites them in the next
version. The review-date reminder asking for them is in ``experience_reminders.py``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from thinktank.audit.service import record
from thinktank.discussion.models import FlagReason
from thinktank.errors import InvalidTransition, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.models import utcnow
from thinktank.permissions import can, require
from thinktank.recommendations.models import (
    Adoption,
    AdoptionStatus,
    ExperienceCitation,
    ExperienceFlag,
    ExperienceReport,
    Recommendation,
    Recommends,
    ReportVisibility,
)
from thinktank.recommendations.municipalities import MUNICIPALITIES

#: The longest answer to each of the report's three questions, in characters.
MAX_ANSWER = 3000

#: How this module's actions read in the logs.
AUDIT_ACTIONS = {
    "experience_reported": _l("%(municipality)s reported its experience with “%(title)s”"),
    "experience_removed": _l(
        "The secretariat removed the experience report of %(municipality)s on “%(title)s”"
    ),
}

#: The three questions, in the order the form and the page ask them.
PARTS = ("done", "worked", "failed")


@dataclass
class ReportInput:
    done: str
    worked: str
    failed: str
    recommends: str
    visibility: str


def _validated(data: ReportInput) -> tuple[dict[str, str], Recommends, ReportVisibility]:
    texts = {part: (getattr(data, part) or "").strip() for part in PARTS}
    for part, text in texts.items():
        if not text:
            raise ValidationFailed(_("Answer this question."), part)
        if len(text) > MAX_ANSWER:
            raise ValidationFailed(
                _("At most %(max)s characters.", max=format_number(MAX_ANSWER)), part
            )
    if data.recommends not in Recommends._value2member_map_:
        raise ValidationFailed(_("Choose yes, partly or no."), "recommends")
    if data.visibility not in ReportVisibility._value2member_map_:
        raise ValidationFailed(_("Choose who may read the report."), "visibility")
    return texts, Recommends(data.recommends), ReportVisibility(data.visibility)


def _apply(report: ExperienceReport, data: ReportInput) -> None:
    texts, recommends, visibility = _validated(data)
    for part, text in texts.items():
        setattr(report, part, text)
        setattr(report, f"{part}_html", str(render_markdown(text)))
    report.markup_version = MARKUP_VERSION
    report.recommends = recommends
    report.visibility = visibility
    report.updated_at = utcnow()


def _log(action: str, report: ExperienceReport, recommendation: Recommendation, actor) -> None:
    record(action, actor=actor, subject=recommendation,
           municipality=MUNICIPALITIES[report.municipality], title=recommendation.title)  # fmt: skip


# --- who may report ---------------------------------------------------------------------


def verified_adoptions(recommendation_id: int) -> list[Adoption]:
    return list(
        db.session.scalars(
            select(Adoption).where(
                Adoption.recommendation_id == recommendation_id,
                Adoption.status == AdoptionStatus.VERIFIED,
            )
        )
    )


def reporting_municipalities(user, adoptions: list[Adoption]) -> list[str]:
    """The codes of the adopting municipalities ``user`` may report for (from the verified
    adoptions already loaded: no query)."""
    return sorted(
        {a.municipality for a in adoptions if can(user, "report_experience", a)},
        key=lambda code: MUNICIPALITIES[code],
    )


def existing(recommendation_id: int, version: int, municipality: str) -> ExperienceReport | None:
    return db.session.scalar(
        select(ExperienceReport).where(
            ExperienceReport.recommendation_id == recommendation_id,
            ExperienceReport.version == version,
            ExperienceReport.municipality == municipality,
        )
    )


def editable_report(user, recommendation: Recommendation, codes: list[str]):
    """The report on the current version, by one of ``codes``, that ``user`` may edit."""
    for code in codes:
        found = existing(recommendation.id, recommendation.current_version, code)
        if found is not None and can(user, "edit_experience_report", found):
            return found
    return None


def write(user, recommendation: Recommendation, municipality: str, data: ReportInput):
    """Report the municipality's experience with the current version (once per
    municipality and version: the municipality's report is edited, not written again)."""
    adoption = next(
        (a for a in verified_adoptions(recommendation.id) if a.municipality == municipality),
        None,
    )
    if adoption is None:
        raise ValidationFailed(_("Choose a municipality that uses the recommendation."),
                               "municipality")  # fmt: skip
    require("report_experience", adoption, user=user)
    if not recommendation.is_published:
        raise InvalidTransition(_("Only a published recommendation can get experience reports."))
    taken = _("%(name)s has already reported its experience with this version.",
              name=MUNICIPALITIES[municipality])  # fmt: skip
    if existing(recommendation.id, recommendation.current_version, municipality):
        raise ValidationFailed(taken, "municipality")
    report = ExperienceReport(
        recommendation_id=recommendation.id,
        version=recommendation.current_version,
        municipality=municipality,
        author_id=user.id,
    )
    _apply(report, data)
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:  # another user of the municipality raced past the check above
        raise ValidationFailed(taken, "municipality") from None
    _log("experience_reported", report, recommendation, user)
    return report


def edit(user, report: ExperienceReport, data: ReportInput) -> None:
    """The author changes their report (its municipality and version stay)."""
    require("edit_experience_report", report, user=user)
    _apply(report, data)


def rerender_markdown() -> int:
    """Re-render the reports an older sanitiser cooked; returns how many."""
    stale = db.session.scalars(
        select(ExperienceReport).where(ExperienceReport.markup_version != MARKUP_VERSION)
    ).all()
    for report in stale:
        for part in PARTS:
            setattr(report, f"{part}_html", str(render_markdown(getattr(report, part))))
        report.markup_version = MARKUP_VERSION
    return len(stale)


def get(report_id: int) -> ExperienceReport:
    report = db.session.get(ExperienceReport, report_id)
    if report is None:
        raise NotFound()
    return report


# --- reading ----------------------------------------------------------------------------


def visibility_clause(user) -> ColumnElement[bool]:
    """The reports ``user`` may read: the public ones and their own; for the think tank
    all of them."""
    if can(user, "view_internal_experience"):
        return ExperienceReport.id.is_not(None)
    public = ExperienceReport.visibility == ReportVisibility.PUBLIC
    if user.is_authenticated:
        return public | (ExperienceReport.author_id == user.id)
    return public


def still_to_report(codes: list[str], reports: list[ExperienceReport], version: int) -> list[str]:
    """Of the municipalities ``codes``, those without a report on ``version`` among ``reports``."""
    done = {r.municipality for r in reports if r.version == version}
    return [code for code in codes if code not in done]


def for_page(user, recommendation_id: int) -> list[ExperienceReport]:
    """The reports ``user`` may read (removed ones too: the page shows a notice), newest
    first; one query however many there are."""
    return list(
        db.session.scalars(
            select(ExperienceReport)
            .where(ExperienceReport.recommendation_id == recommendation_id, visibility_clause(user))
            .order_by(ExperienceReport.created_at.desc(), ExperienceReport.id.desc())
        )
    )


def all_for_review(recommendation_id: int) -> list[ExperienceReport]:
    """Every report that stands, for the secretariat's work on the next version."""
    return list(
        db.session.scalars(
            select(ExperienceReport)
            .where(
                ExperienceReport.recommendation_id == recommendation_id,
                ExperienceReport.removed_at.is_(None),
            )
            .order_by(ExperienceReport.created_at.desc(), ExperienceReport.id.desc())
        )
    )


def has_public_reports() -> ColumnElement[bool]:
    """A recommendation with at least one public report that stands (the portal's filter)."""
    return exists().where(
        ExperienceReport.recommendation_id == Recommendation.id,
        ExperienceReport.visibility == ReportVisibility.PUBLIC,
        ExperienceReport.removed_at.is_(None),
    )


# --- moderation -------------------------------------------------------------------------


def flag(user, report_id: int, reason: str, note: str = "") -> ExperienceReport:
    report = get(report_id)
    require("flag_experience_report", report, user=user)
    if reason not in FlagReason._value2member_map_:
        raise ValidationFailed(_("Choose a reason."), "reason")
    already = db.session.scalar(
        select(ExperienceFlag.id).where(
            ExperienceFlag.report_id == report.id,
            ExperienceFlag.flagger_id == user.id,
            ExperienceFlag.resolved_at.is_(None),
        )
    )
    if already:
        raise ValidationFailed(_("You have already flagged this report."), "reason")
    db.session.add(
        ExperienceFlag(
            report_id=report.id, flagger_id=user.id, reason=reason, note=(note or "")[:500]
        )
    )
    return report


def _resolve_flags(user, report_id: int) -> None:
    db.session.execute(
        update(ExperienceFlag)
        .where(ExperienceFlag.report_id == report_id, ExperienceFlag.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=user.id)
    )


def remove(user, report_id: int, reason: str) -> ExperienceReport:
    """The secretariat removes a report with a reason: the page shows the reason instead."""
    report = get(report_id)
    require("remove_experience_report", report, user=user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for removing the report."), "reason")
    report.removed_at = utcnow()
    report.removed_by_id = user.id
    report.removal_reason = reason[:500]
    _resolve_flags(user, report.id)
    db.session.execute(delete(ExperienceCitation).where(ExperienceCitation.report_id == report.id))
    _log("experience_removed", report, db.session.get(Recommendation, report.recommendation_id),
         user)  # fmt: skip
    return report


def dismiss_flags(user, report_id: int) -> None:
    require("moderate", user=user)
    _resolve_flags(user, get(report_id).id)


@dataclass
class Flagged:
    report: ExperienceReport
    recommendation: Recommendation
    flags: list[ExperienceFlag]


def flagged_queue() -> Select:
    """Reports with open flags, the longest-waiting first (to paginate)."""
    waiting = (
        select(ExperienceFlag.report_id, func.min(ExperienceFlag.created_at).label("since"))
        .where(ExperienceFlag.resolved_at.is_(None))
        .group_by(ExperienceFlag.report_id)
        .subquery()
    )
    return (
        select(ExperienceReport)
        .join(waiting, waiting.c.report_id == ExperienceReport.id)
        .where(ExperienceReport.removed_at.is_(None))
        .order_by(waiting.c.since, ExperienceReport.id)
    )


def queue_items(reports: list[ExperienceReport]) -> list[Flagged]:
    """A page of the queue with each report's recommendation and open flags (two queries)."""
    ids = [r.id for r in reports]
    flags: dict[int, list[ExperienceFlag]] = {i: [] for i in ids}
    for row in db.session.scalars(
        select(ExperienceFlag)
        .where(ExperienceFlag.report_id.in_(ids), ExperienceFlag.resolved_at.is_(None))
        .options(selectinload(ExperienceFlag.flagger))
        .order_by(ExperienceFlag.created_at)
    ):
        flags[row.report_id].append(row)
    recommendations = {
        r.id: r
        for r in db.session.scalars(
            select(Recommendation).where(
                Recommendation.id.in_({r.recommendation_id for r in reports})
            )
        )
    }
    return [Flagged(r, recommendations[r.recommendation_id], flags[r.id]) for r in reports]


def open_flag_count() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(ExperienceFlag.report_id))).where(
            ExperienceFlag.resolved_at.is_(None)
        )
    )


# --- citing in the next version ---------------------------------------------------------


def cited_ids(recommendation_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ExperienceCitation.report_id).where(
                ExperienceCitation.recommendation_id == recommendation_id
            )
        )
    )


def set_cited(user, recommendation: Recommendation, report_id: int, *, cited: bool) -> None:
    """Cite a report in the working copy (published with the next version), or stop."""
    require("write_recommendation", recommendation, user=user)
    report = get(report_id)
    if report.recommendation_id != recommendation.id or report.is_removed:
        raise ValidationFailed(_("Only a report on this recommendation can be cited."))
    if cited and not report.is_public:  # a published version is for everyone
        raise ValidationFailed(_("Only a public report can be cited."))
    db.session.execute(
        delete(ExperienceCitation).where(
            ExperienceCitation.recommendation_id == recommendation.id,
            ExperienceCitation.report_id == report.id,
        )
    )
    if cited:
        db.session.add(ExperienceCitation(recommendation_id=recommendation.id, report_id=report.id))


def cited_reports(recommendation_id: int) -> list[ExperienceReport]:
    """The working copy's cited reports that still stand, oldest first."""
    return list(
        db.session.scalars(
            select(ExperienceReport)
            .join(ExperienceCitation, ExperienceCitation.report_id == ExperienceReport.id)
            .where(
                ExperienceCitation.recommendation_id == recommendation_id,
                ExperienceReport.removed_at.is_(None),
            )
            .order_by(ExperienceReport.created_at, ExperienceReport.id)
        )
    )


def snapshot(reports: list[ExperienceReport]) -> list[dict]:
    """The cited reports as a published version keeps its citations: the quote is the
    report's three answers under their questions (in Danish, as frozen records are kept)."""
    with force_locale("da"):
        labels = {part: str(QUESTIONS[part]) for part in PARTS}
        answer = str(_l("Would you recommend it to other municipalities?"))
    rows = []
    for report in reports:
        quote = "\n\n".join(f"**{labels[p]}**\n\n{getattr(report, p)}" for p in PARTS)
        quote += f"\n\n**{answer}** {_recommends_da(report.recommends)}"
        rows.append(
            {
                "kind": "experience",
                "report_id": report.id,
                "municipality": report.municipality,
                "author": MUNICIPALITIES[report.municipality],
                "affiliation": "",
                "quote": quote,
                "quote_html": str(render_markdown(quote)),
            }
        )
    return rows


def _recommends_da(value: Recommends) -> str:
    with force_locale("da"):
        return str(value.label)


#: The report's questions (the form's labels and the page's headings).
QUESTIONS = {
    "done": _l("What did you do?"),
    "worked": _l("What worked?"),
    "failed": _l("What did not work?"),
}
