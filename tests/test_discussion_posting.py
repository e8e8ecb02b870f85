"""Posting, replying at any depth and quoting; who may post, and when."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import assert_page_safe, page_text
from tests.test_markup import HOSTILE, assert_only_allowed_markup
from thinktank.accounts.roles import Role
from thinktank.discussion.models import Comment
from thinktank.extensions import db


def _post(client, case, body, **extra):
    return client.post(f"/discussions/case/{case.id}/comments", data={"body": body, **extra})


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment))


def test_member_posts_and_lands_on_the_comment(app, client_as, member, make_case):
    case = make_case(state="open", visibility="public")
    response = _post(client_as(member), case, "Modellen bør **kun** rådgive.")
    assert response.status_code == 302
    with app.app_context():
        comment = db.session.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"#c{comment.id}")
    html = client_as(member).get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'id="c{comment.id}"' in html and "<strong>kun</strong>" in html
    assert member.display_name in page_text(client_as(None).get(f"/cases/{case.id}"))


def test_reply_to_a_reply_to_a_reply(app, client_as, member, make_user, make_case, make_comment):
    from thinktank.accounts.roles import Role

    other = make_user(Role.MEMBER)
    case = make_case(state="voting")
    first = make_comment(case, member, "Første")
    second = make_comment(case, other, "Andet", parent=first)
    client = client_as(member)
    response = client.post(f"/comments/{second.id}/reply", data={"body": "Tredje"})
    assert response.status_code == 302
    with app.app_context():
        third = db.session.scalar(select(Comment).where(Comment.body == "Tredje"))
        assert (third.parent_id, third.depth) == (second.id, 2)
    form = client.get(f"/comments/{second.id}/reply")
    assert "Andet" in page_text(form) and 'id="reply-form"' in form.get_data(as_text=True)


def test_deep_replies_are_indented_four_levels_then_flat(
    client_as, member, make_case, make_comment
):
    case = make_case(state="open")
    parent = None
    comments = []
    for depth in range(7):
        parent = make_comment(case, member, f"Niveau {depth}", parent=parent)
        comments.append(parent)
    html = client_as(member).get(f"/cases/{case.id}").get_data(as_text=True)
    thread = html[html.index('class="thread"') :]
    # the deepest nesting of reply lists is three levels under the top
    assert thread.count('<ol class="replies">') == 4
    for shallow in comments[:5]:
        assert f'svar til <a href="#c{shallow.id}">' not in thread or shallow is comments[4]
    for deep in comments[5:]:
        assert f'svar til <a href="#c{deep.parent_id}">' in thread


def test_quote_starts_the_reply_with_the_quoted_text(client_as, member, make_case, make_comment):
    case = make_case(state="open")
    comment = make_comment(case, member, "Vi skal huske borgeren.\n\nOgså i praksis.")
    html = client_as(member).get(f"/comments/{comment.id}/reply?quote=1").get_data(as_text=True)
    assert (
        f"&gt; **{member.display_name}:**\n&gt;\n&gt; Vi skal huske borgeren.\n&gt;\n&gt; Også i praksis."
        in html
    )


def test_quote_is_the_plain_text_without_markdown_or_quotes_of_quotes(
    client_as, member, make_case, make_comment
):
    case = make_case(state="open")
    comment = make_comment(
        case,
        member,
        "> Et ældre citat\n\n## Mit **vigtige** punkt\n\nSe [KL](https://kl.dk) og `kode`.\n"
        "Punkter:\n- data\n- etik",
    )
    html = client_as(member).get(f"/comments/{comment.id}/reply?quote=1").get_data(as_text=True)
    quote = html.split("<textarea", 1)[1].split(">", 1)[1].split("</textarea>")[0]

    assert quote.strip() == (
        f"&gt; **{member.display_name}:**\n&gt;\n&gt; Mit vigtige punkt\n&gt;\n"
        "&gt; Se KL og kode.\n&gt; Punkter:\n&gt;\n&gt; - data\n&gt; - etik"
    )


def test_every_comment_form_has_the_formatting_help_and_a_preview_button(
    client_as, member, make_case, make_comment
):
    case = make_case(state="open")
    comment = make_comment(case, member, "Hej")
    client = client_as(member)
    for page in (
        client.get(f"/cases/{case.id}"),
        client.get(f"/comments/{comment.id}/reply"),
        client.get(f"/comments/{comment.id}/edit"),
    ):
        html = page.get_data(as_text=True)
        assert '<details class="formatting-help">\n  <summary>Formatering</summary>' in html
        assert "<code>@[Sofie Lund]</code>" in html
        assert 'name="action" value="preview">Forhåndsvis</button>' in html
        assert "Markdown" not in page_text(page)


def test_preview_of_a_new_comment_shows_it_rendered_keeps_the_text_and_saves_nothing(
    client_as, member, make_case
):
    case = make_case(state="open")
    body = "Punkter:\n- data\n- etik\n\nSe https://kl.dk"
    response = client_as(member).post(
        f"/discussions/case/{case.id}/comments", data={"body": body, "action": "preview"}
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Forhåndsvisning" in html and "Endnu ikke gemt" in html
    assert "<p>Punkter:</p>\n<ul>\n<li>data</li>" in html
    assert '<a href="https://kl.dk" rel="nofollow noopener">' in html
    assert "\nPunkter:\n- data\n- etik\n\nSe https://kl.dk</textarea>" in html
    assert "Endnu ingen kommentarer." in page_text(client_as(member).get(f"/cases/{case.id}"))


def test_preview_of_a_reply_and_an_edit_saves_nothing(client_as, member, make_case, make_comment):
    case = make_case(state="open")
    comment = make_comment(case, member, "Første udgave")
    client = client_as(member)

    reply = client.post(
        f"/comments/{comment.id}/reply", data={"body": "~~nej~~ ja", "action": "preview"}
    )
    edit = client.post(
        f"/comments/{comment.id}/edit", data={"body": "Anden *udgave*", "action": "preview"}
    )

    assert "<del>nej</del> ja" in reply.get_data(as_text=True)
    assert "Anden <em>udgave</em>" in edit.get_data(as_text=True)
    thread = page_text(client.get(f"/cases/{case.id}"))
    assert "Første udgave" in thread and "Anden udgave" not in thread and "nej ja" not in thread


def test_preview_of_an_empty_comment_shows_the_error(client_as, member, make_case):
    case = make_case(state="open")
    response = client_as(member).post(
        f"/discussions/case/{case.id}/comments", data={"body": "", "action": "preview"}
    )

    assert response.status_code == 200
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert "Skriv noget, før du sender." in page_text(response)


def test_reader_cannot_preview_on_a_case_they_cannot_comment_on(client_as, make_user, make_case):
    case = make_case(state="open", visibility="public")
    reader = make_user(Role.READER)
    response = client_as(reader).post(
        f"/discussions/case/{case.id}/comments", data={"body": "Hej", "action": "preview"}
    )

    assert response.status_code == 403
    assert "Forhåndsvisning" not in page_text(response)


@pytest.mark.parametrize("state", ["draft", "closed", "recommended", "archived"])
def test_no_comments_outside_open_and_voting(app, client_as, secretariat, make_case, state):
    case = make_case(state=state, visibility="public")
    client = client_as(secretariat)
    response = _post(client, case, "For sent")
    assert response.status_code == 409
    assert "mens sagen er åben for drøftelse eller til afstemning" in page_text(response)
    page = client.get(f"/cases/{case.id}")
    assert 'action="/discussions/case/' not in page.get_data(as_text=True)
    assert _count(app) == 0


def test_readers_and_anonymous_cannot_post(app, role_clients, make_case):
    case = make_case(state="open", visibility="public")
    assert _post(role_clients["reader"], case, "Hej").status_code == 403
    anonymous = _post(role_clients["anonymous"], case, "Hej")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    text = page_text(role_clients["reader"].get(f"/cases/{case.id}"))
    assert "Kun tænketankens medlemmer kan deltage i drøftelsen." in text
    assert _count(app) == 0


def test_crafted_post_to_a_case_one_cannot_see(app, client_as, make_user, make_case):
    from thinktank.accounts.roles import Role

    draft = make_case(state="draft")  # someone else's draft
    assert _post(client_as(make_user(Role.MEMBER)), draft, "Hej").status_code == 404
    members_only = make_case(state="open", visibility="members")
    assert _post(client_as(make_user(Role.READER)), members_only, "Hej").status_code == 403
    assert _post(client_as(make_user(Role.MEMBER)), members_only, "Hej").status_code == 302
    assert _count(app) == 1


def test_reply_to_a_comment_of_another_case_is_refused(
    app, client_as, member, make_case, make_comment
):
    one, other = make_case(state="open"), make_case(state="open")
    foreign = make_comment(other, member)
    from thinktank.discussion import service

    with app.test_request_context("/"):
        from thinktank.accounts.models import User
        from thinktank.errors import NotFound

        with pytest.raises(NotFound):
            service.post(db.session.get(User, member.id), "case", one.id, "x", parent_id=foreign.id)


def test_unknown_discussion_kind_is_404(client_as, member):
    assert (
        client_as(member).post("/discussions/poll/1/comments", data={"body": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Skriv noget, før du sender."),
        ("   ", "Skriv noget, før du sender."),
        ("x" * 20_001, "Højst 20.000 tegn."),
    ],
)
def test_empty_and_over_long_comments_are_refused_and_kept(
    app, client_as, member, make_case, body, message
):
    case = make_case(state="open")
    response = _post(client_as(member), case, body)
    assert response.status_code == 400
    assert message in page_text(response)
    if body.strip():
        assert body in response.get_data(as_text=True)
    assert _count(app) == 0


def test_twenty_thousand_characters_are_allowed(app, client_as, member, make_case):
    case = make_case(state="open")
    assert _post(client_as(member), case, "x" * 20_000).status_code == 302


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_in_comments(client_as, member, make_case, hostile):
    case = make_case(state="open", visibility="public")
    client = client_as(member)
    _post(client, case, hostile)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert_page_safe(html)
    for block in re.findall(r'<div class="prose comment-body">(.*?)</div>', html, flags=re.S):
        assert_only_allowed_markup(block)


def test_newest_first_order(client_as, member, make_case, make_comment):
    case = make_case(state="open")
    make_comment(case, member, "Den første")
    make_comment(case, member, "Den anden")
    oldest = page_text(client_as(member).get(f"/cases/{case.id}"))
    newest = page_text(client_as(member).get(f"/cases/{case.id}?order=newest"))
    assert oldest.index("Den første") < oldest.index("Den anden")
    assert newest.index("Den anden") < newest.index("Den første")


def test_permalink_redirects_to_the_comment_in_its_thread(
    client_as, member, make_case, make_comment
):
    case = make_case(state="open", visibility="public", title="Sag")
    comment = make_comment(case, member)
    response = client_as(None).get(f"/comments/{comment.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}-sag#c{comment.id}"
