"""The case list: filters with counts, pagination, newest activity first, bounded queries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.conftest import page_text
from thinktank.cases.models import Case
from thinktank.extensions import db
from thinktank.models import utcnow


def _titles(response) -> list[str]:
    import re

    return re.findall(
        r'<h3><a href="/cases/\d+-[^"]*">([^<]+)</a></h3>', response.get_data(as_text=True)
    )


def test_newest_activity_first(app, client, make_case):
    old = make_case(title="Gammel sag")
    new = make_case(title="Ny sag")
    with app.app_context():
        db.session.execute(
            update(Case)
            .where(Case.id == old.id)
            .values(last_activity_at=utcnow() + timedelta(hours=1))
        )
        db.session.commit()
    assert _titles(client.get("/cases/")) == ["Gammel sag", "Ny sag"]
    assert new.id != old.id


def test_each_filter(client, make_case):
    make_case(
        title="Chatbot",
        domain="citizen_service",
        technology="chatbot_generative_ai",
        algorithm_role="deciding",
        tags="chatbot",
    )
    make_case(
        title="Prognose",
        domain="employment",
        technology="prediction_ml",
        algorithm_role="advisory",
        tags="profilering",
    )
    make_case(title="Arkiveret", state="archived", domain="employment", tags="profilering")
    assert _titles(client.get("/cases/?domain=citizen_service")) == ["Chatbot"]
    assert _titles(client.get("/cases/?technology=prediction_ml&state=open")) == ["Prognose"]
    assert _titles(client.get("/cases/?role=deciding")) == ["Chatbot"]
    assert sorted(_titles(client.get("/cases/?tag=profilering"))) == ["Arkiveret", "Prognose"]
    assert _titles(client.get("/cases/?state=archived")) == ["Arkiveret"]
    assert len(_titles(client.get("/cases/?domain=nonsense"))) == 3  # unknown values are ignored


def test_counts_per_filter_value(client, make_case):
    make_case(domain="employment", technology="prediction_ml")
    make_case(domain="employment", technology="rule_based")
    make_case(domain="elderly_care", technology="rule_based")
    html = client.get("/cases/?technology=rule_based").get_data(as_text=True)
    # the domain counts respect the technology filter; the technology counts ignore their own
    assert ">Beskæftigelse (1)</option>" in html and ">Ældrepleje (1)</option>" in html
    assert ">Regelbaseret automatisering (2)</option>" in html
    assert ">Forudsigelse / maskinlæring (1)</option>" in html
    assert "2 sager" in page_text(client.get("/cases/?domain=employment"))


def test_counts_only_count_what_the_user_may_see(client, client_as, member, make_case):
    make_case(domain="employment", visibility="members")
    make_case(domain="employment", visibility="public")
    assert ">Beskæftigelse (1)</option>" in client.get("/cases/").get_data(as_text=True)
    assert ">Beskæftigelse (2)</option>" in client_as(member).get("/cases/").get_data(as_text=True)


def test_pagination_keeps_the_filters(make_app, make_case, client_as, member):
    app = make_app(PER_PAGE=2)
    for n in range(5):
        make_case(title=f"Sag {n}", domain="employment")
    make_case(title="Anden", domain="elderly_care")
    client = app.test_client()
    first = client.get("/cases/?domain=employment")
    assert len(_titles(first)) == 2
    assert 'href="/cases/?domain=employment&amp;page=2"' in first.get_data(as_text=True)
    third = client.get("/cases/?domain=employment&page=3")
    assert len(_titles(third)) == 1
    assert "Side 3 af 3" in page_text(third)
    assert _titles(client.get("/cases/?domain=employment&page=99")) == []


def test_list_runs_a_fixed_number_of_queries(client_as, member, make_case, count_queries):
    client = client_as(member)
    make_case(tags="a, b")
    with count_queries() as few:
        client.get("/cases/")
    for n in range(12):
        make_case(tags=f"t{n}, u{n}, v{n}", title=f"Sag {n}")
    with count_queries() as many:
        client.get("/cases/")
    assert few.count == many.count, str(many)


def test_case_page_runs_a_fixed_number_of_queries(
    app, client_as, secretariat, member, make_case, count_queries
):
    from tests.conftest import CASE_FORM

    client = client_as(secretariat)
    small = make_case(state="draft", tags="a")
    big = make_case(state="draft", tags=", ".join(f"t{n}" for n in range(10)))
    for n in range(5):  # five more versions
        client.post(f"/cases/{big.id}/edit", data=CASE_FORM | {"summary": f"Version {n}"})
    for _ in range(3):  # a longer timeline
        client_as(member).post(f"/cases/{big.id}/transition", data={"move": "submit"})
        client.post(f"/cases/{big.id}/transition", data={"move": "return", "note": "x"})
    for case in (small, big):  # the same state, so the same sections
        for move in ("open", "archive"):
            client.post(f"/cases/{case.id}/transition", data={"move": move, "note": "x"})
    with count_queries() as few:
        assert client.get(f"/cases/{small.id}").status_code == 200
    with count_queries() as many:
        assert client.get(f"/cases/{big.id}").status_code == 200
    assert "Se de 6 versioner af teksten" in page_text(client.get(f"/cases/{big.id}"))
    assert few.count == many.count, str(many)
