"""The demo recommendations, taken through the recommendation service on the days of their
story: drafted after the vote, reviewed by the members (answers, minority opinions and
co-signatures), published, revised and adopted by municipalities."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.demo.dating import (
    ago,
    date_first_publication,
    date_review,
    date_revision,
    dated,
)
from thinktank.demo.reading import DemoCase, DemoRecommendation, Text
from thinktank.extensions import db
from thinktank.models import local_today, utcnow
from thinktank.recommendations import adoptions, conditions, experience, service
from thinktank.recommendations.models import Recommendation


def seed_recommendations(cases: tuple[DemoCase, ...], users: dict[str, User], staff: User) -> int:
    """Draft, review and publish the recommendations of the closed demo cases that have none
    yet; return how many were created."""
    return sum(seed_recommendation(demo, users, staff) for demo in cases if demo.recommendation)


def seed_recommendation(demo: DemoCase, users: dict[str, User], staff: User) -> int:
    """Take one recommendation through its story, each step on its day; 1 if created."""
    story = demo.recommendation
    case = db.session.scalar(select(Case).where(Case.title == demo.content.title))
    if case is None or case.state != CaseState.CLOSED or _has_recommendation(case):
        return 0
    comments = _demo_comments(demo, case)
    if comments is None:  # the case was seeded before it had a discussion: nothing to cite
        return 0
    now = utcnow()
    with dated(ago(now, story.drafted_days_ago)):
        recommendation = service.create(staff, case.id, _input(story, story.draft, comments))
    with dated(ago(now, story.review_days_ago)) as when:
        service.send_to_review(staff, recommendation, deadline=service.default_review_deadline())
        date_review(recommendation, when, story.review_deadline_days)
    for answer in story.answers:
        with dated(ago(now, answer.days_ago)):
            member = users[answer.member]
            service.respond(member, recommendation, answer.response.value, answer.reason)
    for opinion in story.opinions:
        with dated(ago(now, opinion.days_ago)):
            written = service.write_opinion(users[opinion.author], recommendation, opinion.body)
        with dated(ago(now, opinion.days_ago - 1)):
            for signer in opinion.cosigners:
                service.cosign(users[signer], written.id)
    _group_conditions(story, recommendation, users, staff)
    if story.published_days_ago is not None:
        _publish(story, recommendation, users, staff, comments, now)
    return 1


def _group_conditions(story, recommendation: Recommendation, users, staff: User) -> None:
    """Group the vote's conditions as the story says (by voter), and cite the cited groups."""
    if not story.condition_groups:
        return
    by_voter = {c.voter_id: c.id for c in conditions.frozen_conditions(recommendation.case_id)}
    for group in story.condition_groups:
        ids = [by_voter[users[email].id] for email in group.voters]
        made = conditions.create_group(staff, recommendation, group.title, ids)
        if group.cited:
            conditions.cite_group(staff, recommendation, made.id, True)


def _publish(
    story: DemoRecommendation,
    recommendation: Recommendation,
    users: dict[str, User],
    staff: User,
    comments: dict[str, int],
    now: datetime,
) -> None:
    """Publish version 1 (the case becomes 'recommended') and each revision after it, then
    record the municipalities that adopted it, each on the day it did."""
    with dated(ago(now, story.published_days_ago)) as when:
        service.publish(staff, recommendation, reason=story.publish_reason)
        date_first_publication(recommendation, when)
    for revision in story.revisions:
        with dated(ago(now, revision.days_ago)) as when:
            service.update(staff, recommendation, _input(story, revision.text, comments))
            service.publish(staff, recommendation, revision.change_note)
            date_revision(recommendation, when)
    for adoption in story.adoptions:
        with dated(ago(now, adoption.days_ago)):
            user = users[adoption.user]
            recorded = adoptions.adopt(user, recommendation, adoption.municipality, adoption.note)
            if recorded.is_pending:  # demo addresses are not municipal: the secretariat confirms
                adoptions.decide(staff, recorded.id, confirm=True)
    for report in story.experience:
        with dated(ago(now, report.days_ago)):
            experience.write(
                users[report.user],
                recommendation,
                report.municipality,
                experience.ReportInput(
                    report.done, report.worked, report.failed, report.recommends, report.visibility
                ),
            )


def _input(story: DemoRecommendation, text: Text, comments: dict[str, int]) -> service.DraftInput:
    review_by = local_today() + timedelta(days=story.review_in_days)
    cited = [comments[key] for key in text.cites]
    return service.DraftInput(
        text.title, text.summary, text.body, review_by, cited, easy_read=text.easy_read
    )


def _has_recommendation(case: Case) -> bool:
    found = select(Recommendation.id).where(Recommendation.case_id == case.id).limit(1)
    return db.session.scalar(found) is not None


def _demo_comments(demo: DemoCase, case: Case) -> dict[str, int] | None:
    """The ids of the case's demo comments by remark key; None unless all are there."""
    ids = {comment.body: comment.id for comment in service.citable_comments(case.id)}
    found = {remark.key: ids.get(remark.body) for remark in demo.remarks}
    return found if all(found.values()) else None
