"""Editing keeps every version; the case says it was edited; the history shows what changed."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import CASE_FORM, page_text
from thinktank.cases.models import Case, CaseRevision
from thinktank.extensions import db


def _edit(client, case, **changes):
    return client.post(f"/cases/{case.id}/edit", data=CASE_FORM | changes | {"action": "save"})


def test_edit_keeps_the_previous_version(app, client_as, member, make_case):
    case = make_case(state="draft")
    response = _edit(
        client_as(member), case, title="Skal jobcentret forudsige ledighed?", dpia="done"
    )
    assert response.status_code == 302
    with app.app_context():
        revisions = list(db.session.scalars(select(CaseRevision).order_by(CaseRevision.number)))
        assert [r.number for r in revisions] == [1, 2]
        assert revisions[0].content["title"] == CASE_FORM["title"]
        assert revisions[1].content["title"] == "Skal jobcentret forudsige ledighed?"
        updated = db.session.get(Case, case.id)
        assert updated.revision_count == 2 and updated.edited_at is not None


def test_case_page_says_edited_and_links_to_history(client_as, member, make_case):
    case = make_case(state="draft")
    client = client_as(member)
    assert "Redigeret" not in page_text(client.get(f"/cases/{case.id}"))
    _edit(client, case, summary="En ny opsummering.")
    page = client.get(f"/cases/{case.id}")
    assert "Redigeret" in page_text(page)
    assert f'href="/cases/{case.id}/history"' in page.get_data(as_text=True)


def test_history_shows_a_readable_diff(client_as, member, make_case):
    case = make_case(state="draft")
    client = client_as(member)
    _edit(
        client,
        case,
        summary="Et jobcenter vil bruge en model til at prioritere indsatsen.",
        dpia="done",
    )
    html = client.get(f"/cases/{case.id}/history").get_data(as_text=True)
    assert "Version 2" in html and "Version 1" in html
    assert "<ins>" in html and "<del>" in html
    assert "prioritere" in html
    text = page_text(client.get(f"/cases/{case.id}/history"))
    assert "Konsekvensanalyse (DPIA)" in text
    assert (
        "En konsekvensanalyse er i gang" in text and "Ja, der er lavet en konsekvensanalyse" in text
    )
    assert (
        "Titel" not in text.split("Version 2")[1].split("Version 1")[0]
    )  # unchanged fields not listed


def test_saving_without_changes_adds_no_version(app, client_as, member, make_case):
    case = make_case(state="draft")
    response = _edit(client_as(member), case)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Case, case.id).revision_count == 1


def test_edit_form_is_filled_with_the_saved_case(client_as, member, make_case):
    case = make_case(state="draft")
    html = client_as(member).get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert f'value="{CASE_FORM["title"]}"' in html
    assert 'value="jobcenter, profilering"' in html
    assert CASE_FORM["dilemma"] in html


def test_diff_escapes_html():
    from thinktank.diff import diff_html

    html = str(diff_html("<b>gammel</b> tekst", "<script>ny</script> tekst"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("<del>") and "<ins>" in html


def test_history_diff_of_the_dilemma_is_readable_text_not_markdown(client_as, member, make_case):
    case = make_case(state="draft")
    client = client_as(member)
    _edit(client, case, dilemma="## Dilemmaet\n\n**Hvem** bestemmer?\n- borgeren\n- modellen")
    _edit(
        client, case, dilemma="## Dilemmaet\n\n**Hvem** bestemmer?\n- borgeren\n- sagsbehandleren"
    )

    html = client.get(f"/cases/{case.id}/history").get_data(as_text=True)
    newest = html.split("Version 3")[1].split("Version 2")[0]

    assert "Dilemmaet\n\nHvem bestemmer?\n\n- borgeren\n- <del>modellen</del>" in newest
    assert "<ins>sagsbehandleren</ins>" in newest
    assert "**" not in newest and "##" not in newest
