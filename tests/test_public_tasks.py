""" "Mine opgaver" on the front page: what waits for me, with a link to where I act."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import cast, page_text
from thinktank.accounts.roles import Role


def _tasks(client) -> str:
    text = page_text(client.get("/"))
    assert "Mine opgaver" in text
    return text.split("Mine opgaver")[1].split("Seneste anbefalinger")[0]


def _hrefs(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="tasks-title"')[1].split('id="latest-title"')[0]
    return re.findall(r'href="([^"]+)"', section)


def test_anonymous_visitors_have_no_tasks(client):
    assert "Mine opgaver" not in page_text(client.get("/"))


def test_nothing_waiting_says_so(client_as, reader, member, secretariat):
    for user in (reader, member, secretariat):
        assert "Der venter ikke noget på dig lige nu." in _tasks(client_as(user))


def test_votes_i_have_not_cast(client_as, member, make_user, make_vote_case):
    closes = datetime.now(UTC) + timedelta(days=2)
    first = make_vote_case(title="Ledighedsprognose", closes_at=closes)
    second = make_vote_case(title="Chatbot i borgerservice")
    me = client_as(member)
    tasks = _tasks(me)
    assert "2 afstemninger venter på din stemme" in tasks
    assert "Ledighedsprognose · Afstemningen lukker" in tasks
    assert f"/cases/{first.id}-ledighedsprognose#voting" in _hrefs(me)
    cast(me, first.id, first.positions[0])
    tasks = _tasks(me)
    assert "1 afstemning venter på din stemme" in tasks
    assert "Chatbot i borgerservice" in tasks and "Ledighedsprognose" not in tasks
    cast(me, second.id, "abstain")
    assert "Der venter ikke noget på dig lige nu." in _tasks(me)
    # readers do not vote, so nothing waits for them
    assert "afstemning" not in _tasks(client_as(make_user(Role.READER)))


def test_members_only_votes_are_not_tasks_for_those_who_cannot_see_them(
    client_as, make_user, make_vote_case
):
    make_vote_case(title="Intern sag", visibility="members")
    assert "Intern sag" in _tasks(client_as(make_user(Role.MEMBER)))
    assert "Intern sag" not in _tasks(client_as(make_user(Role.READER)))


def test_drafts_in_review_i_have_not_answered(client_as, member, make_recommendation):
    draft = make_recommendation("review", title="Brug kun rådgivende modeller")
    make_recommendation("draft", title="Endnu ikke i høring")
    me = client_as(member)
    tasks = _tasks(me)
    assert "1 udkast til anbefaling i medlemshøring venter på dit svar" in tasks
    assert "Brug kun rådgivende modeller" in tasks and "Endnu ikke i høring" not in tasks
    assert f"/recommendations/{draft.id}/draft" in _hrefs(me)
    me.post(f"/recommendations/{draft.id}/respond", data={"response": "consent", "reason": ""})
    assert "Brug kun rådgivende modeller" not in _tasks(me)


def test_secretariat_sees_flags_and_closed_cases_waiting(
    client_as, secretariat, member, make_user, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, "Borgeren hedder Jens Hansen.")
    reader = client_as(make_user(Role.READER))
    reader.post(f"/comments/{comment.id}/flag", data={"reason": "personal_data", "note": ""})
    make_case(state="closed", visibility="public", title="Klar til anbefaling")
    staff = client_as(secretariat)
    tasks = _tasks(staff)
    assert "1 anmeldt kommentar venter i moderationskøen" in tasks
    assert "1 lukket sag venter på et udkast til anbefaling" in tasks
    assert "/moderation/" in _hrefs(staff) and "/recommendations/drafts" in _hrefs(staff)
    assert "moderationskøen" not in _tasks(client_as(member))
    assert "udkast til anbefaling" not in _tasks(client_as(member))


def test_the_front_page_runs_a_fixed_number_of_queries_whatever_waits(
    client_as, secretariat, make_vote_case, make_recommendation, make_case, count_queries
):
    staff = client_as(secretariat)
    staff.get("/")
    make_vote_case(title="Første afstemning")
    make_recommendation("review", title="Første udkast")
    with count_queries() as few:
        staff.get("/")
    for n in range(4):
        make_vote_case(title=f"Afstemning {n}")
        make_recommendation("review", title=f"Udkast {n}")
        make_case(state="closed", title=f"Lukket {n}")
    with count_queries() as many:
        tasks = _tasks(staff)
    assert "5 afstemninger venter på din stemme" in tasks
    assert few.count == many.count, str(many)
