"""Two secretariat staff edit the same recommendation draft in two browsers: the second save
shows the first one's change and keeps what the second typed; saving again is deliberate."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.recommendations.models import Recommendation


def test_second_editor_of_a_draft_is_shown_the_conflict_and_keeps_their_text(
    app, new_page, secretariat, make_user, make_recommendation
):
    recommendation = make_recommendation("draft", title="Brug kun rådgivende modeller")
    colleague = make_user(Role.SECRETARIAT, display_name="Mette Holm")
    edit_url = f"/recommendations/{recommendation.id}/edit"

    first, second = new_page(), new_page()
    log_in(first, secretariat.email)
    log_in(second, colleague.email)
    first.goto(edit_url)
    second.goto(edit_url)  # both opened the same version

    first.get_by_label("Titel").fill("Brug kun forklarlige modeller")
    first.get_by_role("button", name="Gem").click()
    expect(first.get_by_text("Arbejdsudkastet er gemt.")).to_be_visible()

    second.get_by_label("Titel").fill("Brug aldrig sorte bokse")
    second.get_by_role("button", name="Gem").click()

    conflict = second.get_by_role("alert").filter(has_text="Nogen anden har gemt")
    expect(conflict).to_be_visible()
    expect(conflict.locator("ins", has_text="forklarlige")).to_be_visible()
    expect(second.get_by_label("Titel")).to_have_value("Brug aldrig sorte bokse")
    assert_accessible(second, "edit conflict")
    with app.app_context():
        assert db.session.get(Recommendation, recommendation.id).title == (
            "Brug kun forklarlige modeller"
        )

    second.get_by_role("button", name="Gem").click()  # having seen it: save on purpose
    expect(second.get_by_text("Arbejdsudkastet er gemt.")).to_be_visible()
    with app.app_context():
        assert db.session.get(Recommendation, recommendation.id).title == "Brug aldrig sorte bokse"
