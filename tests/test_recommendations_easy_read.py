"""The easy-read (letlæst) version of a recommendation and the LIX shown while writing it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.api_world import assert_valid, openapi_of
from tests.conftest import assert_page_safe, page_text
from tests.test_markup import HOSTILE
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.markup import MARKUP_VERSION
from thinktank.recommendations.models import Recommendation, RecommendationVersion

EASY = "## Kort sagt\n\nBrug en chatbot. Den må ikke svare om **din** sag."
EASY_TEXT = "Kort sagt Brug en chatbot. Den må ikke svare om din sag."
# the heading (2 words, a sentence of its own) and 10 words in 2 sentences; one word over
# 6 letters (chatbot, 7): 12/3 + 100*1/12 = 4 + 8.33 = 12.33 -> 12
EASY_LIX = "LIX af den letlæste udgave: 12 (Meget let)"


def _edit(client, recommendation, **changes):
    data = {
        "title": recommendation.title,
        "summary": recommendation.summary,
        "body": recommendation.body,
    }
    return client.post(f"/recommendations/{recommendation.id}/edit", data=data | changes)


def _stored(app, recommendation_id: int) -> Recommendation:
    with app.app_context():
        found = db.session.get(Recommendation, recommendation_id)
        db.session.expunge(found)
    return found


def _versions(app, recommendation_id: int) -> list[RecommendationVersion]:
    with app.app_context():
        found = db.session.scalars(
            select(RecommendationVersion)
            .where(RecommendationVersion.recommendation_id == recommendation_id)
            .order_by(RecommendationVersion.number)
        ).all()
        db.session.expunge_all()
    return list(found)


def _link(html: str, text: str) -> str:
    return re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', html).group(1)


def test_the_secretariat_stores_an_easy_read_version_with_its_html(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("draft")
    response = _edit(client_as(secretariat), recommendation, easy_read=EASY)
    assert response.status_code == 302
    stored = _stored(app, recommendation.id)
    assert stored.easy_read == EASY
    assert stored.easy_read_html == (
        "<h3>Kort sagt</h3>\n<p>Brug en chatbot. Den må ikke svare om <strong>din</strong> sag.</p>"
    )
    assert stored.markup_version == MARKUP_VERSION


def test_the_draft_page_shows_the_easy_read_version_and_the_lix_of_each_text(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("draft", summary="Brug kun modeller, der rådgiver.")
    staff = client_as(secretariat)
    before = page_text(staff.get(f"/recommendations/{recommendation.id}/draft"))
    assert "Arbejdskopien har endnu ingen letlæst udgave." in before
    assert "LIX af den letlæste udgave: – (ingen tekst at måle)" in before
    _edit(staff, recommendation, easy_read=EASY)
    text = page_text(staff.get(f"/recommendations/{recommendation.id}/draft"))
    assert "Letlæst udgave" in text and EASY_TEXT in text
    assert EASY_LIX in text
    # Brug kun modeller, der rådgiver. 5 words, 1 sentence, 2 long: 5 + 40 = 45
    assert "LIX af resuméet: 45 (Svær)" in text
    # Anbefaling (heading). Brug kun rådgivende modeller. 5 words, 2 sentences, 3 long:
    # 2.5 + 60 = 62.5 -> 63
    assert "LIX af anbefalingen: 63 (Meget svær)" in text


def test_the_form_shows_the_lix_of_what_was_typed_on_preview_and_saves_nothing(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("draft")
    staff = client_as(secretariat)
    form = staff.get(f"/recommendations/{recommendation.id}/edit")
    assert 'id="easy_read"' in form.get_data(as_text=True)
    assert "LIX af den letlæste udgave: – (ingen tekst at måle)" in page_text(form)
    preview = _edit(staff, recommendation, easy_read=EASY, action="preview")
    assert preview.status_code == 200
    text = page_text(preview)
    assert EASY_LIX in text and "Forhåndsvisning" in text and EASY_TEXT in text
    assert _stored(app, recommendation.id).easy_read == ""
    _edit(staff, recommendation, easy_read=EASY)
    reopened = staff.get(f"/recommendations/{recommendation.id}/edit")
    assert EASY_LIX in page_text(reopened)
    assert "Brug en chatbot." in reopened.get_data(as_text=True)  # in the text area, to edit


def test_a_new_draft_form_measures_nothing_until_text_is_typed(client_as, secretariat, make_case):
    case = make_case(state="closed", visibility="public")
    staff = client_as(secretariat)
    text = page_text(staff.get(f"/cases/{case.id}/recommendation"))
    assert "LIX af resuméet: – (ingen tekst at måle)" in text
    preview = staff.post(
        f"/cases/{case.id}/recommendation",
        data={
            "title": "T",
            "summary": "Kort.",
            "body": "Tekst.",
            "easy_read": EASY,
            "action": "preview",
        },  # fmt: skip
    )
    assert EASY_LIX in page_text(preview) and "LIX af resuméet: 1 (Meget let)" in page_text(preview)


def test_an_easy_read_version_too_long_is_refused_with_the_text_kept(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("draft")
    response = _edit(client_as(secretariat), recommendation, easy_read="Ord. " * 2001)
    assert response.status_code == 200 and "Højst 10.000 tegn." in page_text(response)
    assert "Ord. Ord." in response.get_data(as_text=True)
    assert _stored(app, recommendation.id).easy_read == ""


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_who_may_draft_edits_the_easy_read_version(
    app, role_clients, make_recommendation, who
):
    recommendation = make_recommendation("review")
    response = _edit(role_clients[who], recommendation, easy_read=EASY)
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]
    assert _stored(app, recommendation.id).easy_read == ""


def test_admin_may_edit_it_like_the_secretariat(app, role_clients, make_recommendation):
    recommendation = make_recommendation("review")
    assert _edit(role_clients["admin"], recommendation, easy_read=EASY).status_code == 302
    assert _stored(app, recommendation.id).easy_read == EASY


def test_the_published_page_has_a_headed_section_with_its_lix_and_a_print_page(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    staff = client_as(secretariat)
    _edit(staff, recommendation, easy_read=EASY)
    assert staff.post(f"/recommendations/{recommendation.id}/publish", data={}).status_code == 302
    (version,) = _versions(app, recommendation.id)
    assert version.easy_read == EASY and "<strong>din</strong>" in version.easy_read_html
    reader = client_as(None)
    page = reader.get(f"/recommendations/{recommendation.id}")
    html = page.get_data(as_text=True)
    assert '<h2 id="easy-read-title">Letlæst udgave</h2>' in html
    assert EASY_TEXT in page_text(page) and EASY_LIX in page_text(page)
    printing = _link(html, "Udskriv den letlæste udgave")
    assert printing == f"/recommendations/{recommendation.id}/v1/letlaest"
    printed = reader.get(printing)
    printed_html = printed.get_data(as_text=True)
    assert printed.status_code == 200
    assert re.search(
        r'css/print\.css(\?v=\w+)?" media="all"', printed_html
    )  # no menus, on screen too
    assert EASY_TEXT in page_text(printed) and EASY_LIX in page_text(printed)
    assert "Dette er udskriftsvisningen." in page_text(printed)
    assert "Tilbage til anbefalingen" in page_text(printed)
    # the easy-read version alone: not the recommendation's text, vote or discussion
    assert 'id="text-title"' not in printed_html and 'id="vote-title"' not in printed_html


def test_without_an_easy_read_version_there_is_no_section_and_no_print_page(
    client_as, make_recommendation
):
    recommendation = make_recommendation("published")
    reader = client_as(None)
    html = reader.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert "Letlæst udgave" not in html and "/letlaest" not in html
    assert reader.get(f"/recommendations/{recommendation.id}/v1/letlaest").status_code == 404
    assert reader.get(f"/recommendations/{recommendation.id}/v9/letlaest").status_code == 404


def test_the_print_page_of_a_draft_is_not_shown(
    client_as, secretariat, role_clients, make_recommendation
):
    recommendation = make_recommendation("review")
    _edit(client_as(secretariat), recommendation, easy_read=EASY)
    for who in ("anonymous", "reader", "member", "secretariat"):
        response = role_clients[who].get(f"/recommendations/{recommendation.id}/v1/letlaest")
        assert response.status_code in (302, 403, 404), who
        assert "Brug en chatbot" not in page_text(response)


def test_the_easy_read_version_is_carried_into_the_next_version_and_each_keeps_its_own(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    staff = client_as(secretariat)
    _edit(staff, recommendation, easy_read=EASY)
    staff.post(f"/recommendations/{recommendation.id}/publish", data={})
    # the edit form opens with the saved easy-read text, so a change elsewhere keeps it
    form = staff.get(f"/recommendations/{recommendation.id}/edit").get_data(as_text=True)
    assert "Den må ikke svare om **din** sag." in form
    current = _stored(app, recommendation.id)
    _edit(staff, current, summary="Et nyt resumé.", easy_read=current.easy_read)
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Resumé"})
    first, second = _versions(app, recommendation.id)
    assert second.easy_read == first.easy_read == EASY
    # only the easy-read version changes: that is a change worth a version
    current = _stored(app, recommendation.id)
    _edit(staff, current, easy_read="Nu er det **endnu** lettere.")
    published = staff.post(
        f"/recommendations/{recommendation.id}/publish", data={"change_note": "Lettere"}
    )
    assert published.status_code == 302
    third = _versions(app, recommendation.id)[2]
    assert third.easy_read_html == "<p>Nu er det <strong>endnu</strong> lettere.</p>"
    reader = client_as(None)
    assert EASY_TEXT in page_text(reader.get(f"/recommendations/{recommendation.id}/v2"))
    assert "endnu lettere" in page_text(reader.get(f"/recommendations/{recommendation.id}"))
    assert "endnu lettere" in page_text(
        reader.get(f"/recommendations/{recommendation.id}/v3/letlaest")
    )
    assert EASY_TEXT in page_text(reader.get(f"/recommendations/{recommendation.id}/v1/letlaest"))
    diff = reader.get(f"/recommendations/{recommendation.id}/diff?from=2&to=3")
    diff_html = diff.get_data(as_text=True)
    assert "<dt>Letlæst udgave</dt>" in diff_html
    assert "<del>" in diff_html and "<ins>" in diff_html and "lettere" in page_text(diff)


def test_publishing_again_without_any_change_is_still_refused(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    staff = client_as(secretariat)
    _edit(staff, recommendation, easy_read=EASY)
    staff.post(f"/recommendations/{recommendation.id}/publish", data={})
    again = staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "x"})
    assert again.status_code == 409 and "Intet er ændret siden version 1." in page_text(again)


def test_diff_has_no_easy_read_row_when_neither_version_had_one(
    client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("published")
    staff = client_as(secretariat)
    _edit(staff, recommendation, summary="Nyt resumé.")
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Nyt"})
    diff = client_as(None).get(f"/recommendations/{recommendation.id}/diff?from=1&to=2")
    assert diff.status_code == 200 and "Letlæst udgave" not in page_text(diff)


@pytest.mark.parametrize("hostile", list(HOSTILE.values())[::5])
def test_hostile_markdown_in_the_easy_read_version_stays_inert(
    app, client_as, secretariat, make_recommendation, hostile
):
    recommendation = make_recommendation("review")
    staff = client_as(secretariat)
    _edit(staff, recommendation, easy_read=hostile)
    assert_page_safe(staff.get(f"/recommendations/{recommendation.id}/draft").get_data(True))
    preview = _edit(staff, recommendation, easy_read=hostile, action="preview")
    assert_page_safe(preview.get_data(as_text=True))
    assert staff.post(f"/recommendations/{recommendation.id}/publish", data={}).status_code == 302
    reader = client_as(None)
    assert_page_safe(reader.get(f"/recommendations/{recommendation.id}").get_data(as_text=True))
    printed = reader.get(f"/recommendations/{recommendation.id}/v1/letlaest")
    if printed.status_code == 200:  # some hostile texts render to nothing at all
        assert_page_safe(printed.get_data(as_text=True))
    else:
        assert printed.status_code == 404


def test_the_page_runs_as_many_queries_with_an_easy_read_version_as_without(
    app, client_as, secretariat, make_recommendation, count_queries
):
    plain = make_recommendation("published", title="Uden")
    easy = make_recommendation("review", title="Med")
    staff = client_as(secretariat)
    _edit(staff, easy, easy_read=EASY)
    staff.post(f"/recommendations/{easy.id}/publish", data={})
    reader = client_as(None)
    with count_queries() as without:
        reader.get(f"/recommendations/{plain.id}")
    with count_queries() as with_easy_read:
        response = reader.get(f"/recommendations/{easy.id}")
    assert EASY_LIX in page_text(response)
    assert without.count == with_easy_read.count, str(with_easy_read)


def test_the_api_version_carries_the_easy_read_version_and_its_lix(
    app, client, client_as, secretariat, make_recommendation
):
    plain = make_recommendation("published", title="Uden")
    easy = make_recommendation("review", title="Med")
    _edit(client_as(secretariat), easy, easy_read=EASY)
    client_as(secretariat).post(f"/recommendations/{easy.id}/publish", data={})
    openapi = openapi_of(client)
    response = client.get(f"/api/v1/recommendations/{easy.id}/versions/1")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert_valid(openapi, response)
    data = response.get_json()
    assert (data["easy_read"], data["easy_read_lix"]) == (EASY, 12)
    assert "<strong>din</strong>" in data["easy_read_html"]
    none = client.get(f"/api/v1/recommendations/{plain.id}/versions/1")
    assert_valid(openapi, none)
    assert [none.get_json()[k] for k in ("easy_read", "easy_read_html", "easy_read_lix")] == [
        None,
        None,
        None,
    ]
    document = client.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["Version"]["properties"]
    assert {"easy_read", "easy_read_html", "easy_read_lix"} <= set(properties)


def test_rerender_markdown_renders_the_easy_read_version_again(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    staff = client_as(secretariat)
    _edit(staff, recommendation, easy_read=EASY)
    staff.post(f"/recommendations/{recommendation.id}/publish", data={})
    with app.app_context():
        stored = db.session.get(Recommendation, recommendation.id)
        stored.easy_read_html, stored.markup_version = "<p>gammel</p>", MARKUP_VERSION - 1
        version = db.session.scalar(select(RecommendationVersion))
        with rewriting(RecommendationVersion.easy_read_html, RecommendationVersion.markup_version):
            version.easy_read_html, version.markup_version = "<p>gammel</p>", MARKUP_VERSION - 1
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rerender-markdown"])
    assert result.exit_code == 0, result.output
    assert "<strong>din</strong>" in _stored(app, recommendation.id).easy_read_html
    assert "<strong>din</strong>" in _versions(app, recommendation.id)[0].easy_read_html


def test_an_easy_read_version_is_never_changed_once_published(
    app, client_as, secretariat, make_recommendation
):
    from thinktank.frozen import FrozenRecordChanged

    recommendation = make_recommendation("review")
    _edit(client_as(secretariat), recommendation, easy_read=EASY)
    client_as(secretariat).post(f"/recommendations/{recommendation.id}/publish", data={})
    with app.app_context():
        version = db.session.scalar(select(RecommendationVersion))
        version.easy_read = "Ændret bagefter."
        with pytest.raises(FrozenRecordChanged):
            db.session.flush()
        db.session.rollback()


def test_the_english_page_names_the_section_and_the_band_in_english(
    client, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    _edit(client_as(secretariat), recommendation, easy_read=EASY)
    client_as(secretariat).post(f"/recommendations/{recommendation.id}/publish", data={})
    client.get("/language/en?next=/")
    text = page_text(client.get(f"/recommendations/{recommendation.id}"))
    assert "Easy-read version" in text
    assert "LIX of the easy-read version: 12 (Very easy)" in text
