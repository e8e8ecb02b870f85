"""@mentions link to the member and notify them; replies notify the author."""

from __future__ import annotations

from tests.conftest import page_text
from thinktank.accounts.roles import Role


def test_mention_by_name_or_email_prefix_notifies(
    app, client_as, make_user, member, make_case, make_comment
):
    anders = make_user(Role.MEMBER, email="anders.holm@aarhus.dk", display_name="Anders Holm")
    sofie = make_user(Role.MEMBER, email="sl@socialraadgiverne.dk", display_name="Sofie Lund")
    case = make_case(state="open", title="Ledighed")
    comment = make_comment(case, member, "Hvad siger @anders.holm og @SofieLund? Ikke @ingen.")
    assert (
        f'<a href="/members/{anders.id}" rel="nofollow noopener">@Anders Holm</a>'
        in comment.body_html
    )
    assert (
        f'<a href="/members/{sofie.id}" rel="nofollow noopener">@Sofie Lund</a>'
        in comment.body_html
    )
    for person in (anders, sofie):
        client = client_as(person)
        assert '<span class="badge badge-count">1' in client.get("/").get_data(as_text=True)
        listing = client.get("/notifications")
        assert f"{member.display_name} nævnte dig i »Ledighed«" in page_text(listing)
    assert "nævnte dig" not in page_text(client_as(member).get("/notifications"))


def test_reply_notifies_the_parent_author_and_opening_marks_read(
    app, client_as, make_user, member, make_case, make_comment
):
    other = make_user(Role.MEMBER)
    # written by someone else: its author would also be told it opened (following)
    case = make_case(author=make_user(Role.MEMBER), state="open", title="Chatbot")
    parent = make_comment(case, member, "Spørgsmål")
    reply = make_comment(case, other, "Svar", parent=parent)
    client = client_as(member)
    assert f"{other.display_name} svarede på din kommentar i »Chatbot«" in page_text(
        client.get("/notifications")
    )
    from thinktank.extensions import db
    from thinktank.notifications.models import Notification

    with app.app_context():
        notification_id = db.session.scalar(
            db.select(Notification.id).where(Notification.kind == "reply")
        )
    opened = client.get(f"/notifications/{notification_id}")
    # the comment's permanent address, which finds the page of the discussion it is on
    assert opened.status_code == 302 and opened.headers["Location"] == f"/comments/{reply.id}"
    landed = client.get(opened.headers["Location"])
    assert landed.status_code == 302 and landed.headers["Location"].endswith(f"#c{reply.id}")
    assert "badge-count" not in client.get("/").get_data(as_text=True)
    assert client_as(other).get(f"/notifications/{notification_id}").status_code == 404


def test_mark_all_read(client_as, make_user, member, make_case, make_comment):
    other = make_user(Role.MEMBER, display_name="Ole Olsen")
    case = make_case(state="open")
    make_comment(case, member, "Hej @OleOlsen")
    make_comment(case, member, "Igen @OleOlsen")
    client = client_as(other)
    assert '<span class="badge badge-count">2' in client.get("/").get_data(as_text=True)
    client.post("/notifications/read", data={})
    assert "badge-count" not in client.get("/").get_data(as_text=True)


def test_mention_added_by_an_edit_notifies_once(
    client_as, make_user, member, make_case, make_comment
):
    other = make_user(Role.MEMBER, display_name="Ole Olsen")
    case = make_case(state="open")
    comment = make_comment(case, member, "Hej")
    author = client_as(member)
    author.post(f"/comments/{comment.id}/edit", data={"body": "Hej @OleOlsen"})
    author.post(f"/comments/{comment.id}/edit", data={"body": "Hej igen @OleOlsen"})
    assert '<span class="badge badge-count">1' in client_as(other).get("/").get_data(as_text=True)


def test_readers_are_not_mentioned_and_notifications_need_login(
    client_as, make_user, member, make_case, make_comment
):
    reader = make_user(Role.READER, display_name="Karin Madsen")
    case = make_case(state="open")
    comment = make_comment(case, member, "Hej @KarinMadsen")
    assert "<a" not in comment.body_html
    assert "badge-count" not in client_as(reader).get("/").get_data(as_text=True)
    assert client_as(None).get("/notifications").status_code == 302


def test_mention_by_the_name_as_shown_in_brackets_links_and_notifies(
    client_as, make_user, member, make_case, make_comment
):
    sofie = make_user(Role.MEMBER, email="sl@socialraadgiverne.dk", display_name="Sofie Lund")
    søren = make_user(Role.MEMBER, display_name="Søren Ø. Damgaard-Hansen")
    case = make_case(state="open", title="Ledighed")
    comment = make_comment(case, member, "Spørg @[Sofie Lund] og @[Søren Ø. Damgaard-Hansen].")

    assert f'<a href="/members/{sofie.id}" rel="nofollow noopener">@Sofie Lund</a>' in (
        comment.body_html
    )
    assert f'href="/members/{søren.id}"' in comment.body_html
    assert "@[" not in comment.body_html
    listing = page_text(client_as(sofie).get("/notifications"))
    assert f"{member.display_name} nævnte dig i »Ledighed«" in listing


def test_a_name_shared_by_two_members_links_nobody(make_user, member, make_case, make_comment):
    make_user(Role.MEMBER, display_name="Anders Holm")
    make_user(Role.MEMBER, display_name="Anders Holm")
    case = make_case(state="open")
    comment = make_comment(case, member, "Hej @[Anders Holm]")

    assert "<a" not in comment.body_html and "@[Anders Holm]" in comment.body_html


def _preview(client, case, body):
    return client.post(
        f"/discussions/case/{case.id}/comments", data={"body": body, "action": "preview"}
    )


def test_preview_warns_about_mentions_that_match_nobody_or_several(
    client_as, make_user, member, make_case
):
    make_user(Role.MEMBER, display_name="Sofie Lund")
    make_user(Role.MEMBER, display_name="Anders Holm")
    make_user(Role.MEMBER, display_name="Anders Holm")
    case = make_case(state="open")

    preview = _preview(
        client_as(member),
        case,
        "Hej @Sofie Lund, @[Sofie Lund], @jens og @[Anders Holm]. `@kode` er kode.",
    )
    text = page_text(preview)

    assert preview.status_code == 200
    # exactly these: "@kode" in code is not looked up, so it is not warned about
    assert "Intet medlem passer på disse navne, som derfor ikke bliver links: @Sofie, @jens." in (
        text
    )
    assert (
        "Flere medlemmer passer på dette navn, som derfor ikke bliver et link: @[Anders Holm]."
        in text
    )
    assert "i firkantede parenteser: @[Sofie Lund]" in text
    assert "<code>@kode</code>" in preview.get_data(as_text=True)


def test_preview_without_problems_shows_the_link_and_no_warning(
    client_as, make_user, member, make_case
):
    sofie = make_user(Role.MEMBER, display_name="Sofie Lund")
    case = make_case(state="open")

    preview = _preview(client_as(member), case, "Hej @[Sofie Lund]")

    assert f'<a href="/members/{sofie.id}" rel="nofollow noopener">@Sofie Lund</a>' in (
        preview.get_data(as_text=True)
    )
    assert "Intet medlem passer" not in page_text(preview)
    assert "badge-count" not in client_as(sofie).get("/").get_data(as_text=True)
