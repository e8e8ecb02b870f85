"""The index follows every write in the same transaction: case edits and visibility,
comments edited, deleted and removed, recommendations revised, republished, withdrawn and
superseded, the member register; a rolled-back write leaves it as it was; ``reindex``."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from tests.conftest import CASE_FORM
from tests.search_helpers import links, titles
from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.transaction import transaction


@pytest.fixture
def anonymous(client_as):
    return client_as(None)


@contextmanager
def acting(app, user):
    """A request context and one transaction, with ``user`` loaded in it."""
    with app.test_request_context("/"), transaction():
        yield db.session.get(User, user.id)


def edit_case(app, user, case, **fields):
    from thinktank.cases.forms import CaseForm
    from thinktank.cases.service import case_for_edit, update_case

    data = CASE_FORM | {"title": case.title} | fields
    with app.test_request_context("/", method="POST", data=data):
        form = CaseForm(meta={"csrf": False})
        assert form.validate(), form.errors
        with transaction():
            staff = db.session.get(User, user.id)
            update_case(staff, case_for_edit(staff, case.id), form.to_input())


def test_an_edited_case_is_found_by_its_new_words_only(app, anonymous, make_case, secretariat):
    case = make_case(title="Sensorer i hjemmeplejen")
    edit_case(app, secretariat, case, title="Kameraer i hjemmeplejen")
    assert titles(anonymous, "kameraer") == ["Kameraer i hjemmeplejen"]
    assert titles(anonymous, "sensorer") == []


def test_a_case_made_members_only_hides_it_and_its_comments(
    app, client_as, make_case, make_comment, member, secretariat
):
    case = make_case(title="Sensorer i hjemmeplejen", visibility="public")
    comment = make_comment(case, member, "Sensorer bør kunne slås fra.")
    anonymous = client_as(None)
    assert len(links(anonymous, "sensorer")) == 2
    edit_case(app, secretariat, case, visibility="members")
    assert links(anonymous, "sensorer") == []
    assert f"/comments/{comment.id}" in links(client_as(member), "sensorer")
    edit_case(app, secretariat, case, visibility="public")
    assert len(links(anonymous, "sensorer")) == 2


def test_a_case_state_change_moves_it_and_its_comments_between_state_filters(
    app, anonymous, make_case, make_comment, member, secretariat
):
    from thinktank.cases import lifecycle
    from thinktank.cases.models import Case

    case = make_case(title="Sensorer i hjemmeplejen")
    make_comment(case, member, "Sensorer bør kunne slås fra.")
    assert len(links(anonymous, "sensorer", state="open")) == 2
    with acting(app, secretariat) as staff:
        lifecycle.transition(staff, db.session.get(Case, case.id), "archive", reason="Forældet.")
    assert links(anonymous, "sensorer", state="open") == []
    assert len(links(anonymous, "sensorer", state="archived")) == 2


def test_comments_follow_edits_deletion_and_removal(
    app, anonymous, make_case, make_comment, member, secretariat
):
    from thinktank.discussion import service

    case = make_case(title="En sag")
    own = make_comment(case, member, "Tavler hører til i skolen.")
    other = make_comment(case, member, "Tavler er gammeldags.")
    with acting(app, member) as user:
        service.edit(user, own.id, "Whiteboards hører til i skolen.")
    assert links(anonymous, "whiteboards") == [f"/comments/{own.id}"]
    assert links(anonymous, "tavler") == [f"/comments/{other.id}"]
    with acting(app, member) as user:
        service.delete_own(user, own.id)
    assert links(anonymous, "whiteboards") == []
    with acting(app, secretariat) as staff:
        service.remove(staff, other.id, "Uden for emnet")
    assert links(anonymous, "tavler") == []


def test_a_recommendation_is_found_by_its_published_text_not_its_working_copy(
    app, anonymous, make_recommendation, secretariat
):
    from thinktank.recommendations import service
    from thinktank.recommendations.models import Recommendation

    recommendation = make_recommendation("published", title="Vejledning om droner")
    revised = service.DraftInput(
        title="Vejledning om satellitter",
        summary="Kommunerne bør kun bruge satellitbilleder med omtanke.",
        body="Ny tekst.",
        review_by=None,
        citations=[],
    )
    with acting(app, secretariat) as staff:
        service.update(staff, db.session.get(Recommendation, recommendation.id), revised)
    assert titles(anonymous, "droner") == ["Vejledning om droner"]
    assert titles(anonymous, "satellitter") == []  # the working copy is not published
    with acting(app, secretariat) as staff:
        loaded = db.session.get(Recommendation, recommendation.id)
        service.publish(staff, loaded, change_note="Nu om satellitter.")
    assert titles(anonymous, "satellitter") == ["Vejledning om satellitter"]
    assert titles(anonymous, "droner") == []


def test_a_withdrawn_or_superseded_recommendation_stays_findable_below_the_current(
    app, anonymous, make_recommendation, secretariat
):
    from thinktank.recommendations import service
    from thinktank.recommendations.models import Recommendation

    old = make_recommendation("published", title="Droner: første vejledning")
    new = make_recommendation("published", title="Droner: anden vejledning")
    other = make_recommendation("published", title="Droner: tredje vejledning")
    with acting(app, secretariat) as staff:
        service.supersede(staff, db.session.get(Recommendation, new.id), other.id)
        service.withdraw(staff, db.session.get(Recommendation, old.id), "Forældet")
    found = titles(anonymous, "droner", type="recommendation")
    assert found[0] == "Droner: tredje vejledning" and len(found) == 3
    page = anonymous.get("/search?q=droner").get_data(as_text=True)
    assert page.count("erstattet eller trukket tilbage") == 2


def test_the_member_register_follows_names_interests_roles_and_deactivation(
    app, anonymous, make_user, admin
):
    from thinktank.accounts import service as accounts
    from thinktank.accounts.roles import Role
    from thinktank.members import service as members
    from thinktank.members.models import InterestKind

    person = make_user(Role.MEMBER, display_name="Karen Kvist")
    with acting(app, person) as user:
        accounts.update_profile(user, display_name="Karen Holm", organisation="Vejle", sector=None)
    assert titles(anonymous, "holm") == ["Karen Holm"] and titles(anonymous, "kvist") == []
    with acting(app, person) as user:
        interest = members.InterestInput(
            InterestKind.BOARD_SEAT, "Dronefirmaet A/S", "", None, None
        )
        members.declare_interest(user, interest)
    assert titles(anonymous, "dronefirmaet") == ["Karen Holm"]
    with acting(app, admin) as actor:
        accounts.change_role(actor, db.session.get(User, person.id), Role.READER)
    assert titles(anonymous, "holm") == []
    with acting(app, admin) as actor:
        accounts.change_role(actor, db.session.get(User, person.id), Role.MEMBER)
    assert titles(anonymous, "holm") == ["Karen Holm"]
    with acting(app, admin) as actor:
        accounts.set_active(actor, db.session.get(User, person.id), False)
    assert titles(anonymous, "holm") == []


def test_a_write_that_fails_changes_nothing_in_the_index(
    app, anonymous, make_case, make_comment, member
):
    from thinktank.discussion import service

    case = make_case(title="En sag")
    comment = make_comment(case, member, "Tavler hører til i skolen.")
    with pytest.raises(RuntimeError), acting(app, member) as user:
        service.edit(user, comment.id, "Whiteboards hører til i skolen.")
        db.session.flush()
        raise RuntimeError("the request failed half-way")
    assert links(anonymous, "whiteboards") == []
    assert links(anonymous, "tavler") == [f"/comments/{comment.id}"]


def test_reindex_rebuilds_the_index_and_says_how_many_documents(
    app, anonymous, make_case, make_comment, member
):
    from thinktank.search.models import SearchDocument

    case = make_case(title="Sensorer i hjemmeplejen")
    make_comment(case, member, "Sensorer bør kunne slås fra.")
    with app.app_context(), transaction():
        db.session.execute(SearchDocument.__table__.delete())
    assert links(anonymous, "sensorer") == []
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(SearchDocument))
    # the case, the comment, and the two participants (the member and the secretariat)
    assert f"{count} documents" in result.output and count == 4
    assert len(links(anonymous, "sensorer")) == 2


def test_the_demo_is_searchable_once_seeded(app, seeded, anonymous):
    assert titles(anonymous, "chatbot", type="recommendation")
    assert links(anonymous, "ledige")
