"""Whole anonymous pages from the shared cache: served again without rendering, out of date
the moment any write changes what they show (the next anonymous request renders afresh),
never for logged-in visitors, error pages, POSTs or answers that set a cookie."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from flask import Response

from tests.conftest import page_text
from thinktank import pagecache
from thinktank.accounts.roles import Role
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import Visibility
from thinktank.extensions import db
from thinktank.transaction import transaction
from thinktank.voting import closing

HEADER = pagecache.STATUS_HEADER


@pytest.fixture
def visitor(client_as):
    return client_as(None)


def kept(client, path: str):
    """Ask twice: the second answer must come from the cache; returns it."""
    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code)
    assert first.headers[HEADER] in ("miss", "hit"), path
    again = client.get(path)
    assert again.headers[HEADER] == "hit", path
    assert again.get_data() == first.get_data()
    return again


def fresh(client, path: str):
    """The next answer is rendered anew (a write made the kept one out of date)."""
    response = client.get(path)
    assert response.headers.get(HEADER) == "miss", path
    return response


# --- served from the cache -----------------------------------------------------------------


def test_a_second_anonymous_request_is_served_from_the_cache_without_rendering(
    app, seeded, visitor, count_queries
):
    for path in (
        "/",
        "/cases/",
        "/recommendations/",
        "/members/",
        "/log",
        "/feeds/recommendations.atom",
    ):
        visitor.get(path)
        with count_queries() as log:
            response = visitor.get(path)
        assert response.headers[HEADER] == "hit", path
        # nothing through SQLAlchemy: the generation is read on the driver's connection
        assert log.count == 0, f"{path}:\n{log}"
        assert "Set-Cookie" not in response.headers
    assert app.extensions["page_cache"]["hits"] == 6


def test_public_case_recommendation_and_version_pages_are_kept(
    app, visitor, make_case, make_recommendation
):
    case = make_case(state="open", visibility="public")
    recommendation = make_recommendation("published")
    kept(visitor, f"/cases/{case.id}")
    kept(visitor, f"/recommendations/{recommendation.id}")
    kept(visitor, f"/recommendations/{recommendation.id}/v1")


def test_the_query_string_is_part_of_the_key(app, visitor, make_case):
    make_case(state="open", visibility="public", title="Ledighedsprognose")
    kept(visitor, "/cases/?state=open")
    assert visitor.get("/cases/?state=closed").headers[HEADER] == "miss"
    assert "Ledighedsprognose" not in page_text(visitor.get("/cases/?state=closed"))


def test_each_language_is_kept_apart(app, client_as):
    danish, english = client_as(None), client_as(None)
    english.set_cookie("thinktank_lang", "en")
    assert "Forside" in page_text(kept(danish, "/"))
    assert english.get("/").headers[HEADER] == "miss"
    assert "Front page" in page_text(kept(english, "/"))
    assert "Forside" in page_text(danish.get("/"))


# --- never kept ------------------------------------------------------------------------------


def test_logged_in_pages_are_never_kept_or_served_from_the_cache(app, client_as, member):
    visitor = client_as(None)
    kept(visitor, "/")
    client = client_as(member)
    for _ in range(2):
        response = client.get("/")
        assert HEADER not in response.headers
        assert "no-store" in response.headers["Cache-Control"]
        assert member.display_name in page_text(response)
    assert member.display_name not in page_text(visitor.get("/"))


def test_error_pages_are_never_kept(app, visitor, client_as, make_case):
    for _ in range(2):
        assert visitor.get("/cases/999999").headers.get(HEADER) == "miss"
    internal = make_case(state="open", visibility="members")
    for _ in range(2):
        response = client_as(None).get(f"/cases/{internal.id}")
        assert response.status_code == 302 and response.headers[HEADER] == "miss"


def test_a_forged_host_is_refused_not_served_from_the_cache(app, visitor):
    kept(visitor, "/")
    assert visitor.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_a_kept_page_with_a_validator_answers_304(app, visitor, monkeypatch):
    def page():
        response = Response("<p>Hej</p>")
        response.set_etag("v1")
        return response

    app.add_url_rule("/with-an-etag", "with_an_etag", page)
    monkeypatch.setattr(pagecache, "_pages", pagecache._pages | {"with_an_etag"})
    kept(visitor, "/with-an-etag")
    response = visitor.get("/with-an-etag", headers={"If-None-Match": '"v1"'})
    assert response.status_code == 304 and response.headers["ETag"] == '"v1"'
    assert visitor.get("/with-an-etag", headers={"If-None-Match": '"v0"'}).status_code == 200


def test_posts_are_never_answered_from_the_cache(app, visitor):
    kept(visitor, "/")
    response = visitor.post("/", data={}, csrf=False)
    assert response.status_code == 405 and HEADER not in response.headers


def test_a_visitor_with_something_in_the_session_is_rendered_for(app, client_as):
    kept(client_as(None), "/")
    flashed = client_as(None)
    with flashed.session_transaction() as session:
        session["_flashes"] = [("info", "Du er nu logget ud.")]
    response = flashed.get("/")
    assert HEADER not in response.headers and "Du er nu logget ud." in page_text(response)


def test_an_answer_that_sets_a_cookie_is_not_kept(app, visitor, monkeypatch):
    from flask import make_response

    def page():
        response = make_response("<p>Hej</p>")
        response.set_cookie("seen", "1")
        return response

    app.add_url_rule("/with-a-cookie", "with_a_cookie", page)
    monkeypatch.setattr(pagecache, "_pages", pagecache._pages | {"with_a_cookie"})
    for _ in range(2):
        assert visitor.get("/with-a-cookie").headers[HEADER] == "miss"


def test_an_answer_marked_private_is_not_kept(app, visitor, monkeypatch):
    def page():
        response = Response("Kun til dig", mimetype="text/plain")
        response.headers["Cache-Control"] = "private, no-store"
        return response

    app.add_url_rule("/private", "private_page", page)
    monkeypatch.setattr(pagecache, "_pages", pagecache._pages | {"private_page"})
    for _ in range(2):
        assert visitor.get("/private").headers[HEADER] == "miss"


def test_the_page_cache_can_be_turned_off(make_app):
    client = make_app(PAGE_CACHE_TIMEOUT=0).test_client()
    for _ in range(2):
        assert HEADER not in client.get("/").headers


# --- every write that changes an anonymous page ---------------------------------------------


def test_the_wiring_installs_the_session_hook(app):
    assert pagecache.installed()


def test_a_write_gives_a_new_generation_in_its_own_transaction(app, make_case):
    with app.app_context():
        before = pagecache.read_generation(db.engine)
    make_case(state="open", visibility="public")
    with app.app_context():
        assert pagecache.read_generation(db.engine) != before


def test_a_new_comment_on_a_public_case(app, visitor, client_as, member, make_case):
    case = make_case(state="open", visibility="public")
    kept(visitor, f"/cases/{case.id}")
    client_as(member).post(
        f"/discussions/case/{case.id}/comments", data={"body": "Husk borgerens indsigt."}
    )
    assert "Husk borgerens indsigt." in page_text(fresh(visitor, f"/cases/{case.id}"))


def test_a_comment_removal(app, visitor, client_as, member, secretariat, make_case, make_comment):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, body="Navngiven borger på Tingvej 3")
    assert "Tingvej 3" in page_text(kept(visitor, f"/cases/{case.id}"))
    client_as(secretariat).post(f"/comments/{comment.id}/remove", data={"reason": "Persondata"})
    assert "Tingvej 3" not in page_text(fresh(visitor, f"/cases/{case.id}"))


def test_a_case_state_change(app, visitor, client_as, secretariat, make_case):
    draft = make_case(state="draft", visibility="public", title="Robotstøvsugere på plejehjem")
    assert "Robotstøvsugere" not in page_text(kept(visitor, "/cases/"))
    kept(visitor, "/")
    client_as(secretariat).post(f"/cases/{draft.id}/transition", data={"move": "open"})
    assert "Robotstøvsugere" in page_text(fresh(visitor, "/cases/"))
    assert "Robotstøvsugere" in page_text(fresh(visitor, "/"))


def _state_badge(html: str, title: str) -> str:
    return html.split(title, 1)[1].split('class="badge badge-', 1)[1].split('"', 1)[0]


def test_a_vote_closed_by_hand(app, visitor, client_as, secretariat, make_vote_case):
    vote = make_vote_case(title="Afstemning om chatbotten", visibility="public")
    assert _state_badge(kept(visitor, "/cases/").get_data(as_text=True), "chatbotten") == "voting"
    kept(visitor, f"/cases/{vote.id}")
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    listed = fresh(visitor, "/cases/").get_data(as_text=True)
    assert _state_badge(listed, "chatbotten") == "closed"
    assert "Afstemningen blev lukket" in page_text(fresh(visitor, f"/cases/{vote.id}"))


def test_a_vote_closed_by_time(app, visitor, make_vote_case, monkeypatch):
    closes_at = datetime.now(UTC) + timedelta(hours=1)
    vote = make_vote_case(
        title="Afstemning om sensorerne", visibility="public", closes_at=closes_at
    )
    for path in ("/", "/cases/", f"/cases/{vote.id}", "/members/"):
        kept(visitor, path)
    later = closes_at + timedelta(minutes=1)
    for module in (pagecache, closing):
        monkeypatch.setattr(module, "utcnow", lambda: later)
    # any cached page, not just the case's: the request that would close the vote still does
    fresh(visitor, "/members/")
    with app.app_context():
        assert db.session.get(Case, vote.id).state.value == "closed"
    listed = fresh(visitor, "/cases/").get_data(as_text=True)
    assert _state_badge(listed, "sensorerne") == "closed"
    assert "Afstemningen blev lukket" in page_text(fresh(visitor, f"/cases/{vote.id}"))
    kept(visitor, "/")  # nothing else is due: kept again


def test_a_page_is_not_kept_while_a_move_is_due_that_its_view_does_not_make(
    app, visitor, make_vote_case, monkeypatch
):
    closes_at = datetime.now(UTC) + timedelta(hours=1)
    make_vote_case(visibility="public", closes_at=closes_at)
    later = closes_at + timedelta(minutes=1)
    monkeypatch.setattr(pagecache, "utcnow", lambda: later)  # the due moves cannot see it
    for _ in range(2):
        assert visitor.get("/members/").headers[HEADER] == "miss"


def test_a_publication_a_new_version_and_a_withdrawal(
    app, visitor, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review", title="Forklar afgørelser i klart sprog")
    staff = client_as(secretariat)
    assert "Forklar afgørelser" not in page_text(kept(visitor, "/recommendations/"))
    kept(visitor, "/feeds/recommendations.atom")
    staff.post(f"/recommendations/{recommendation.id}/publish", data={})
    assert "Forklar afgørelser" in page_text(fresh(visitor, "/recommendations/"))
    assert "Forklar afgørelser" in fresh(visitor, "/feeds/recommendations.atom").get_data(
        as_text=True
    )
    page = f"/recommendations/{recommendation.id}"
    kept(visitor, page)
    kept(visitor, f"{page}/v1")
    staff.post(
        f"{page}/edit",
        data={
            "title": "Forklar afgørelser i klart sprog",
            "summary": "Kommunerne bør forklare hver afgørelse.",
            "body": "## Anbefaling\n\nForklar **hver** afgørelse i et klart sprog.",
        },
    )
    staff.post(f"{page}/publish", data={"change_note": "Skærpet"})
    assert "Version 2" in page_text(fresh(visitor, page))
    assert "Version 2" in page_text(fresh(visitor, f"{page}/v1"))  # "a newer version exists"
    kept(visitor, page)
    staff.post(f"{page}/withdraw", data={"reason": "AI-forordningen har ændret grundlaget."})
    assert "trukket tilbage" in page_text(fresh(visitor, page))


def test_an_adoption(app, visitor, client_as, make_user, make_recommendation):
    from thinktank.models import utcnow

    recommendation = make_recommendation("published")
    page = f"/recommendations/{recommendation.id}"
    assert "Aarhus Kommune" not in page_text(kept(visitor, page))
    adopter = client_as(make_user(Role.READER, email="it@aarhus.dk", email_verified_at=utcnow()))
    adopter.post(f"{page}/adopt", data={"municipality": "751", "note": "Bruges i jobcentret"})
    assert "Aarhus Kommune" in page_text(fresh(visitor, page))


def test_a_new_member_and_an_interest(app, visitor, client_as, make_user):
    kept(visitor, "/members/")
    member = make_user(Role.MEMBER, display_name="Signe Ny-Medlem")
    assert "Signe Ny-Medlem" in page_text(fresh(visitor, "/members/"))
    kept(visitor, "/members/")
    client_as(member).post(
        "/profile/interests",
        data={
            "kind": "board_seat",
            "organisation": "Foreningen for Digital Inklusion",
            "description": "Ulønnet bestyrelsesmedlem",
            "starts_on": "2022-06-01",
            "ends_on": "",
        },
    )
    assert "Foreningen for Digital Inklusion" in page_text(fresh(visitor, "/members/"))


def test_a_login_changes_no_anonymous_page(app, visitor, member):
    from thinktank.accounts.models import User
    from thinktank.models import utcnow

    kept(visitor, "/members/")
    with app.app_context(), transaction():
        db.session.get(User, member.id).last_login_at = utcnow()
    assert visitor.get("/members/").headers[HEADER] == "hit"


def test_a_visibility_change(app, visitor, make_case):
    case = make_case(state="open", visibility="public", title="Skærmbilleder af sagsbehandling")
    kept(visitor, f"/cases/{case.id}")
    assert "Skærmbilleder" in page_text(kept(visitor, "/cases/"))
    with app.app_context(), transaction():
        db.session.get(Case, case.id).visibility = Visibility.MEMBERS
    assert "Skærmbilleder" not in page_text(fresh(visitor, "/cases/"))
    assert fresh(visitor, f"/cases/{case.id}").status_code == 302  # now: log in first


def test_a_bulk_update_outside_the_unit_of_work_of_a_flush(app, visitor, make_case):
    from sqlalchemy import update

    case = make_case(state="open", visibility="public", title="Første titel")
    kept(visitor, f"/cases/{case.id}")
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case.id).values(title="Anden titel"))
        db.session.commit()
    assert "Anden titel" in page_text(fresh(visitor, f"/cases/{case.id}"))


def test_a_rolled_back_write_keeps_the_pages(app, visitor, make_case):
    case = make_case(state="open", visibility="public", title="Uændret titel")
    kept(visitor, "/cases/")
    with app.app_context(), pytest.raises(RuntimeError), transaction():
        db.session.get(Case, case.id).title = "Aldrig gemt"
        db.session.flush()
        raise RuntimeError("the action failed half-way")
    assert visitor.get("/cases/").headers[HEADER] == "hit"


# --- Redis ------------------------------------------------------------------------------------


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_pages_kept_in_redis_are_shared_by_every_worker(make_app, make_case, secrets_prefix):
    settings = {"CACHE_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": secrets_prefix}
    one = make_app(**settings)
    other = make_app(**settings)  # another worker
    assert one.config["CACHE_TYPE"] == "RedisCache"
    case = make_case(state="open", visibility="public", title="Delt mellem processer")
    assert one.test_client().get("/cases/").headers[HEADER] == "miss"
    shared = other.test_client().get("/cases/")
    assert shared.headers[HEADER] == "hit" and "Delt mellem" in page_text(shared)
    with one.app_context(), transaction():
        db.session.get(Case, case.id).title = "Ny titel set af alle"
    assert "Ny titel set af alle" in page_text(fresh(other.test_client(), "/cases/"))


def test_an_unreachable_cache_only_costs_time(make_app, caplog):
    app = make_app(CACHE_URL="redis://127.0.0.1:1/0")
    client = app.test_client()
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200 and "Forside" in page_text(response)
    assert "Page cache unavailable" in caplog.text


@pytest.fixture
def secrets_prefix():
    import secrets

    return f"thinktank-test-{secrets.token_hex(4)}:"
