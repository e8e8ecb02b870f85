"""Following a recommendation in a real browser, and the e-mail its new version sends."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.markup import render_markdown
from thinktank.recommendations.models import Recommendation
from thinktank.transaction import transaction


@pytest.fixture
def app(browser, smtp_app):
    """The served app sends its outbox to the test's SMTP server (started after the browser)."""
    smtp_app.config["PROPAGATE_EXCEPTIONS"] = False
    return smtp_app


def test_a_reader_follows_a_recommendation_and_the_mail_about_version_2_opens_the_diff(
    app, new_page, make_user, make_recommendation, secretariat, smtp
):
    reader = make_user(Role.READER, display_name="Karin Madsen")
    recommendation = make_recommendation(status="published", title="Forklar modellerne")

    page = new_page(phone=True, javascript=False)
    log_in(page, reader.email)
    page.get_by_role("link", name="Anbefalinger").first.click()
    page.get_by_role("link", name="Forklar modellerne").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forklar modellerne")
    page.get_by_role("button", name="Følg").click()
    expect(page.get_by_text("Du følger nu denne anbefaling.")).to_be_visible()
    expect(page.get_by_role("button", name="Stop med at følge")).to_be_visible()
    assert_accessible(page, "a followed recommendation")
    assert_fits_phone(page)

    page.get_by_role("link", name="Karin Madsen").click()
    page.get_by_role("link", name="Det, du følger").click()
    expect(page.get_by_role("link", name="Forklar modellerne")).to_be_visible()
    assert_accessible(page, "what you follow")
    assert_fits_phone(page)
    page.get_by_role("link", name="Dine e-mail-indstillinger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail-indstillinger")
    assert_accessible(page, "e-mail preferences")
    assert_fits_phone(page)

    from thinktank.recommendations import service

    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, secretariat.id)
        loaded = db.session.get(Recommendation, recommendation.id)
        loaded.body = "## Anbefaling\n\nForklar altid modellen for borgeren."
        loaded.body_html = str(render_markdown(loaded.body))
        service.publish(staff, loaded, "Borgeren skal have forklaringen")
    result = app.test_cli_runner().invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output

    (message,) = [m for m in smtp.messages if m["To"] == reader.email]
    assert message["Subject"] == "Ny version af anbefalingen »Forklar modellerne«"
    link = re.search(
        r"http://localhost(/recommendations/\d+/diff\S*)",
        message.get_body(("plain",)).get_content(),
    ).group(1)
    page.goto(link)
    expect(page.get_by_text("Hvad er ændret fra version 1 til version 2")).to_be_visible()
    expect(page.get_by_text("Borgeren skal have forklaringen")).to_be_visible()
