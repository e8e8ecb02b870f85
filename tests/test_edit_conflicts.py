"""Two people editing the same text: the second save of a form opened before the first was
saved is answered with a conflict page (409) showing the other change, with what was typed
kept in the form and nothing overwritten; a deliberate second save goes through."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import CASE_FORM, page_text
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.recommendations.models import Recommendation

_INSERTED = re.compile(r"<ins>(.*?)</ins>", re.S)


def inserted(html: str) -> str:
    """The words a diff on the page marks as added, in order."""
    return " ".join(_INSERTED.findall(html))


_VERSION_INPUT = re.compile(r'<input name="(?:\w+-)?edit_version" type="hidden" value="(\d*)">')
DRAFT = {"summary": "Kort resumé.", "body": "Brug **kun** rådgivende modeller."}


def opened_version(response) -> str:
    """The edit version the page's form carries (what a browser sends back)."""
    found = _VERSION_INPUT.search(response.get_data(as_text=True))
    assert found, "the form carries no edit version"
    return found.group(1)


# --- recommendation drafts ---------------------------------------------------------------


@pytest.fixture
def two_editors(client_as, secretariat, make_user, make_recommendation):
    recommendation = make_recommendation("draft", title="Brug kun rådgivende modeller")
    first, second = client_as(secretariat), client_as(make_user(Role.SECRETARIAT))
    url = f"/recommendations/{recommendation.id}/edit"
    return recommendation, url, first, second


def _stored(app, recommendation_id) -> Recommendation:
    with app.app_context():
        return db.session.get(Recommendation, recommendation_id)


def test_second_editor_of_a_draft_sees_the_first_change_and_keeps_what_they_typed(app, two_editors):
    recommendation, url, first, second = two_editors
    version = opened_version(second.get(url))
    first_form = opened_version(first.get(url))
    saved = first.post(
        url, data=DRAFT | {"title": "Brug kun forklarlige modeller", "edit_version": first_form}
    )
    assert saved.status_code == 302

    stale = second.post(
        url, data=DRAFT | {"title": "Brug aldrig sorte bokse", "edit_version": version}
    )

    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Nogen anden har gemt" in page_text(stale)
    assert "forklarlige" in inserted(html)  # the other person's words
    assert 'value="Brug aldrig sorte bokse"' in html  # what was typed, kept in the form
    assert opened_version(stale) == str(int(version) + 1)  # the version moved on
    assert _stored(app, recommendation.id).title == "Brug kun forklarlige modeller"


def test_a_deliberate_second_save_after_the_conflict_goes_through(app, two_editors):
    recommendation, url, first, second = two_editors
    version = opened_version(second.get(url))
    first.post(url, data=DRAFT | {"title": "Første udgave", "edit_version": version})
    stale = second.post(url, data=DRAFT | {"title": "Anden udgave", "edit_version": version})
    assert stale.status_code == 409

    again = second.post(
        url, data=DRAFT | {"title": "Anden udgave", "edit_version": opened_version(stale)}
    )

    assert again.status_code == 302
    assert _stored(app, recommendation.id).title == "Anden udgave"


def test_a_fresh_save_of_a_draft_works_and_counts_the_version(app, two_editors):
    recommendation, url, first, _second = two_editors
    version = opened_version(first.get(url))
    response = first.post(url, data=DRAFT | {"title": "Ny titel", "edit_version": version})
    assert response.status_code == 302
    stored = _stored(app, recommendation.id)
    assert stored.title == "Ny titel" and stored.edit_version == int(version) + 1
    assert opened_version(first.get(url)) == str(int(version) + 1)


@pytest.mark.parametrize("tampered", ["abc", "-1", "1.5", str(2**63), "9" * 400, "１"])
def test_a_tampered_draft_version_is_a_form_error_and_keeps_the_text(app, two_editors, tampered):
    recommendation, url, first, _second = two_editors
    response = first.post(url, data=DRAFT | {"title": "Mit forslag", "edit_version": tampered})
    assert response.status_code == 400
    assert "kunne ikke holdes op mod den gemte tekst" in page_text(response)
    assert 'value="Mit forslag"' in response.get_data(as_text=True)
    assert _stored(app, recommendation.id).title == "Brug kun rådgivende modeller"


# --- cases -------------------------------------------------------------------------------


@pytest.fixture
def case_editors(client_as, member, secretariat, make_case):
    case = make_case(author=member, state="draft", summary="Kommunen vil forudsige ledighed.")
    url = f"/cases/{case.id}/edit"
    return case, url, client_as(member), client_as(secretariat)


def _stored_case(app, case_id):
    from thinktank.cases.models import Case

    with app.app_context():
        return db.session.get(Case, case_id)


def test_second_editor_of_a_case_sees_the_first_change_and_keeps_what_they_typed(app, case_editors):
    case, url, author, staff = case_editors
    version = opened_version(staff.get(url))
    saved = author.post(
        url,
        data=CASE_FORM
        | {"summary": "Kommunen vil forudsige langtidsledighed.", "edit_version": version},
    )
    assert saved.status_code == 302

    stale = staff.post(
        url, data=CASE_FORM | {"summary": "Sekretariatets udgave.", "edit_version": version}
    )

    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Nogen anden har gemt" in page_text(stale)
    assert "<del>ledighed.</del><ins>langtidsledighed.</ins>" in html  # their change
    assert "Sekretariatets udgave.</textarea>" in html  # what was typed, kept
    assert opened_version(stale) == str(int(version) + 1)
    stored = _stored_case(app, case.id)
    assert stored.summary == "Kommunen vil forudsige langtidsledighed."
    assert stored.revision_count == int(version) + 1

    again = staff.post(
        url,
        data=CASE_FORM
        | {"summary": "Sekretariatets udgave.", "edit_version": opened_version(stale)},
    )
    assert again.status_code == 302
    assert _stored_case(app, case.id).summary == "Sekretariatets udgave."


def test_a_fresh_save_of_a_case_works_and_keeps_its_version(app, case_editors):
    case, url, author, _staff = case_editors
    version = opened_version(author.get(url))
    response = author.post(url, data=CASE_FORM | {"summary": "Ny.", "edit_version": version})
    assert response.status_code == 302
    assert _stored_case(app, case.id).summary == "Ny."
    history = author.get(f"/cases/{case.id}/history")
    assert "Version 2" in page_text(history)


@pytest.mark.parametrize("tampered", ["abc", "-1", str(2**63), "9" * 400])
def test_a_tampered_case_version_is_a_form_error_and_keeps_the_text(app, case_editors, tampered):
    case, url, author, _staff = case_editors
    response = author.post(
        url, data=CASE_FORM | {"summary": "Mit forslag", "edit_version": tampered}
    )
    assert response.status_code == 400
    assert "kunne ikke holdes op mod den gemte tekst" in page_text(response)
    assert "Mit forslag</textarea>" in response.get_data(as_text=True)
    assert _stored_case(app, case.id).summary == "Kommunen vil forudsige ledighed."


# --- positions ---------------------------------------------------------------------------


@pytest.fixture
def position_editors(app, client_as, secretariat, make_user, make_case):
    from thinktank.voting.models import Position

    case = make_case(state="open")
    first = client_as(secretariat)
    first.post(
        f"/cases/{case.id}/positions/new",
        data={"position-title": "Ja, på betingelser", "position-explanation": "Kun med indsigt."},
    )
    with app.app_context():
        position_id = db.session.scalar(select(Position.id).where(Position.case_id == case.id))
    url = f"/cases/{case.id}/positions/{position_id}/edit"
    return position_id, url, first, client_as(make_user(Role.SECRETARIAT))


def _stored_position(app, position_id):
    from thinktank.voting.models import Position

    with app.app_context():
        return db.session.get(Position, position_id)


def _position(title, version, explanation="Kun med indsigt."):
    return {
        "position-title": title,
        "position-explanation": explanation,
        "position-edit_version": version,
    }


def test_second_editor_of_a_position_sees_the_first_change_and_keeps_what_they_typed(
    app, position_editors
):
    position_id, url, first, second = position_editors
    version = opened_version(second.get(url))
    assert first.post(url, data=_position("Ja, med ret til indsigt", version)).status_code == 302

    stale = second.post(url, data=_position("Nej, aldrig", version))

    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Nogen anden har gemt" in page_text(stale)
    assert "med ret til indsigt" in inserted(html)
    assert 'value="Nej, aldrig"' in html
    assert opened_version(stale) == str(int(version) + 1)
    assert _stored_position(app, position_id).title == "Ja, med ret til indsigt"

    again = second.post(url, data=_position("Nej, aldrig", opened_version(stale)))
    assert again.status_code == 302
    assert _stored_position(app, position_id).title == "Nej, aldrig"


def test_a_fresh_save_of_a_position_works(app, position_editors):
    position_id, url, first, _second = position_editors
    version = opened_version(first.get(url))
    assert first.post(url, data=_position("Ja", version)).status_code == 302
    stored = _stored_position(app, position_id)
    assert stored.title == "Ja" and stored.edit_version == int(version) + 1


@pytest.mark.parametrize("tampered", ["abc", str(2**63), "9" * 400])
def test_a_tampered_position_version_is_a_form_error_and_keeps_the_text(
    app, position_editors, tampered
):
    position_id, url, first, _second = position_editors
    response = first.post(url, data=_position("Mit forslag", tampered))
    assert response.status_code == 400
    assert "kunne ikke holdes op mod den gemte tekst" in page_text(response)
    assert 'value="Mit forslag"' in response.get_data(as_text=True)
    assert _stored_position(app, position_id).title == "Ja, på betingelser"


# --- comments ----------------------------------------------------------------------------


@pytest.fixture
def comment_tabs(client_as, member, make_case, make_comment):
    """The author edits a comment in two tabs (two sessions of the same member)."""
    comment = make_comment(make_case(state="open"), member, "Borgeren skal kunne klage.")
    return comment, f"/comments/{comment.id}/edit", client_as(member), client_as(member)


def _stored_comment(app, comment_id):
    from thinktank.discussion.models import Comment

    with app.app_context():
        return db.session.get(Comment, comment_id)


def test_a_stale_comment_edit_shows_the_other_change_and_keeps_what_was_typed(app, comment_tabs):
    comment, url, first, second = comment_tabs
    version = opened_version(second.get(url))
    saved = first.post(
        url, data={"body": "Borgeren skal altid kunne klage.", "edit_version": version}
    )
    assert saved.status_code == 302

    stale = second.post(url, data={"body": "Min anden tanke.", "edit_version": version})

    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Nogen anden har gemt" in page_text(stale)
    assert "altid" in inserted(html)
    assert "Min anden tanke.</textarea>" in html
    assert opened_version(stale) == str(int(version) + 1)
    assert _stored_comment(app, comment.id).body == "Borgeren skal altid kunne klage."

    again = second.post(
        url, data={"body": "Min anden tanke.", "edit_version": opened_version(stale)}
    )
    assert again.status_code == 302
    stored = _stored_comment(app, comment.id)
    assert stored.body == "Min anden tanke." and stored.revision_count == 3
    history = first.get(f"/comments/{comment.id}/history").get_data(as_text=True)
    assert "Borgeren skal altid kunne klage." in history  # nothing lost: both kept


def test_a_fresh_comment_edit_works(app, comment_tabs):
    comment, url, first, _second = comment_tabs
    version = opened_version(first.get(url))
    assert first.post(url, data={"body": "Rettet.", "edit_version": version}).status_code == 302
    assert _stored_comment(app, comment.id).body == "Rettet."


@pytest.mark.parametrize("tampered", ["abc", str(2**63), "9" * 400])
def test_a_tampered_comment_version_is_a_form_error_and_keeps_the_text(app, comment_tabs, tampered):
    comment, url, first, _second = comment_tabs
    response = first.post(url, data={"body": "Mit forslag", "edit_version": tampered})
    assert response.status_code == 400
    assert "kunne ikke holdes op mod den gemte tekst" in page_text(response)
    assert "Mit forslag</textarea>" in response.get_data(as_text=True)
    assert _stored_comment(app, comment.id).body == "Borgeren skal kunne klage."


# --- two saves at the same moment ----------------------------------------------------------


def test_of_two_saves_racing_from_the_same_version_only_one_goes_through(
    app, secretariat, make_recommendation
):
    """The version is claimed by one conditional UPDATE: a save that read the draft before
    another request committed still cannot overwrite it."""
    from sqlalchemy import update

    from thinktank.accounts.models import User
    from thinktank.concurrency import EditConflict
    from thinktank.recommendations import service

    recommendation = make_recommendation("draft")
    typed = service.DraftInput("Min titel", "Resumé.", "Tekst.", None, [])
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        mine = db.session.get(Recommendation, recommendation.id)  # read at version 1
        with db.engine.begin() as other:  # the other request commits in between
            other.execute(
                update(Recommendation.__table__)
                .where(Recommendation.__table__.c.id == recommendation.id)
                .values(title="Den andens titel", edit_version=2)
            )
        with pytest.raises(EditConflict) as conflict:
            service.update(staff, mine, typed, expected_version=1)
        db.session.rollback()
    assert conflict.value.current_version == 2
    assert any("<ins>Den andens</ins>" in str(change.html) for change in conflict.value.changes)
    assert _stored(app, recommendation.id).title == "Den andens titel"


def test_saving_a_case_unchanged_keeps_its_version_so_the_next_save_goes_through(app, case_editors):
    from thinktank.cases.models import CaseRevision

    case, url, author, _staff = case_editors
    version = opened_version(author.get(url))
    form = CASE_FORM | {"summary": "Kommunen vil forudsige ledighed.", "edit_version": version}
    unchanged = author.post(url, data=form, follow_redirects=True)
    assert "Intet blev ændret." in page_text(unchanged)
    assert _stored_case(app, case.id).revision_count == int(version)
    with app.app_context():
        revisions = db.session.scalars(
            select(CaseRevision.number).where(CaseRevision.case_id == case.id)
        ).all()
    assert revisions == [1]
    # the same form, now changed, is not taken for a stale one
    changed = author.post(url, data=form | {"summary": "Kommunen vil forudsige mere."})
    assert changed.status_code == 302
    assert _stored_case(app, case.id).revision_count == int(version) + 1
