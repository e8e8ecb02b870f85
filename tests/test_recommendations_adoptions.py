"""The adoption register: a municipality is shown as using a recommendation only once that is
verified, by the recorder's proven municipal e-mail address or by the secretariat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import mailed_link, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.audit.models import AuditEvent
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.recommendations.models import Adoption, AdoptionStatus
from thinktank.recommendations.municipalities import municipalities

TOENDER = "550"


def _adopt(client, recommendation, code=TOENDER, note="Vi bruger den i borgerservice"):
    return client.post(
        f"/recommendations/{recommendation.id}/adopt",
        data={"municipality": code, "note": note},
        follow_redirects=True,
    )


def _page(client, recommendation) -> str:
    """The register on the recommendation's page (without the form's list of all 98)."""
    text = page_text(client.get(f"/recommendations/{recommendation.id}"))
    register = text.split("Kommuner, der bruger den", 1)[1]
    return register.split("Bruger din kommune den?", 1)[0].split("Versioner", 1)[0]


def _adoption(app) -> Adoption:
    with app.app_context():
        adoption = db.session.scalar(select(Adoption).order_by(Adoption.id.desc()))
        db.session.expunge(adoption)
    return adoption


@pytest.fixture
def viborg_reader(make_user):
    """A reader with a confirmed address outside every municipality's domain: the
    secretariat confirms what they record."""
    return make_user(Role.READER, email="borger@example.dk", organisation="Viborg Kommune")


@pytest.fixture
def toender_employee(make_user):
    """An invited account at Tønder Kommune's domain: the invitation link proved the address."""
    return make_user(Role.READER, email="it@toender.dk", email_verified_at=utcnow())


# --- the data ----------------------------------------------------------------------------


def test_all_98_municipalities_have_official_domains():
    known = municipalities()
    assert len(known) == 98 and all(m.domains for m in known.values())
    domains = [d for m in known.values() for d in m.domains]
    assert len(domains) == len(set(domains))
    expected = {
        "101": "kk.dk",
        "751": "aarhus.dk",
        "147": "frederiksberg.dk",
        "169": "htk.dk",
        "173": "ltk.dk",
        "760": "rksk.dk",
        "756": "ikast-brande.dk",
        "820": "vesthimmerland.dk",
        "550": "toender.dk",
    }
    assert {code: known[code].domains[0] for code in expected} == expected


@pytest.mark.parametrize(
    ("email", "owned"),
    [
        ("it@toender.dk", True),
        ("IT@Toender.DK", True),
        ("laerer@skole.toender.dk", True),  # a subdomain of the official domain
        ("it@nottoender.dk", False),
        ("it@toender.dk.example.com", False),
        ("it@viborg.dk", False),
    ],
)
def test_an_address_belongs_to_the_municipality_by_its_domain(email, owned):
    assert municipalities()[TOENDER].owns_email(email) is owned


# --- recording ---------------------------------------------------------------------------


def test_self_registered_reader_from_viborg_cannot_put_toender_on_the_register(
    app, client_as, viborg_reader, make_user, make_recommendation
):
    recommendation = make_recommendation("published")
    reader = client_as(viborg_reader)
    response = _adopt(reader, recommendation)
    assert "Sekretariatet bekræfter det" in page_text(response)
    assert _adoption(app).status == AdoptionStatus.PENDING
    # not public: not on the page, not in the portal's count
    anonymous = client_as(None)
    assert "Tønder Kommune" not in _page(anonymous, recommendation)
    assert "Ingen kommune har endnu registreret" in _page(anonymous, recommendation)
    assert "bruges af" not in page_text(anonymous.get("/recommendations/"))
    assert "Tønder Kommune" not in _page(client_as(make_user(Role.READER)), recommendation)
    assert "Tønder Kommune" not in _page(client_as(make_user(Role.MEMBER)), recommendation)
    # the recorder sees it waiting
    own = _page(reader, recommendation)
    assert "Tønder Kommune afventer bekræftelse" in own
    assert "Kun du og sekretariatet kan se det" in own


def test_an_unconfirmed_address_cannot_record_an_adoption(
    app, client_as, make_user, make_recommendation
):
    recommendation = make_recommendation("published")
    typed = make_user(Role.READER, email="it@toender.dk", email_verified_at=None)
    client = client_as(typed)
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert f'action="/recommendations/{recommendation.id}/adopt"' not in page
    assert "Bekræft din e-mailadresse" in page_text(
        client.get(f"/recommendations/{recommendation.id}")
    )
    assert 'href="/reset"' in page
    refused = client.post(
        f"/recommendations/{recommendation.id}/adopt", data={"municipality": TOENDER, "note": ""}
    )
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Adoption)) == 0


def test_a_confirmed_address_at_another_domain_waits_for_the_secretariat(
    app, client_as, viborg_reader, make_recommendation
):
    recommendation = make_recommendation("published")
    _adopt(client_as(viborg_reader), recommendation)
    assert _adoption(app).status == AdoptionStatus.PENDING


def test_proven_municipal_address_makes_the_adoption_public_at_once(
    app, client_as, toender_employee, make_recommendation
):
    recommendation = make_recommendation("published")
    response = _adopt(client_as(toender_employee), recommendation)
    assert "Din kommune vises nu som bruger af anbefalingen" in page_text(response)
    assert _adoption(app).status == AdoptionStatus.VERIFIED
    anonymous = client_as(None)
    assert "Tønder Kommune: Vi bruger den i borgerservice" in _page(anonymous, recommendation)
    assert "bruges af 1 kommune" in page_text(anonymous.get("/recommendations/"))


def test_proven_address_of_another_municipality_waits_for_the_secretariat(
    app, client_as, toender_employee, make_recommendation
):
    recommendation = make_recommendation("published")
    _adopt(client_as(toender_employee), recommendation, code="791")  # Viborg
    assert _adoption(app).status == AdoptionStatus.PENDING


def test_accepting_an_invitation_proves_the_address(app, client_as, secretariat):
    client_as(secretariat).post("/invitations/", data={"email": "ny@odense.dk", "role": "member"})
    path = mailed_link(app, "/invite/")
    password = "en god lang adgangssætning"
    app.test_client().post(
        path,
        data={
            "display_name": "Ny Ekspert",
            "organisation": "Odense Kommune",
            "sector": "municipality",
            "password": password,
            "confirm": password,
        },
    )
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny@odense.dk"))
        assert user.email_verified_at is not None


def test_registering_proves_the_address_by_the_mailed_link(app, client):
    password = "en god lang adgangssætning"
    client.post(
        "/register",
        data={
            "email": "borger@viborg.dk",
            "display_name": "Borger",
            "organisation": "Viborg Kommune",
            "sector": "municipality",
            "password": password,
            "confirm": password,
        },
    )

    def user():
        with app.app_context():
            return db.session.scalar(select(User).where(User.email == "borger@viborg.dk"))

    assert user() is None  # nothing until the link mailed to the address is used
    client.post(mailed_link(app, "/register/"), data={})
    assert user().email_verified_at is not None


# --- the secretariat's queue -------------------------------------------------------------


def test_secretariat_confirms_from_the_queue_reached_from_moderation(
    app, client_as, viborg_reader, secretariat, make_recommendation
):
    recommendation = make_recommendation("published", title="Chatbots i borgerservice")
    _adopt(client_as(viborg_reader), recommendation)
    staff = client_as(secretariat)
    moderation = staff.get("/moderation/").get_data(as_text=True)
    assert 'href="/moderation/adoptions"' in moderation
    # the secretariat also sees it waiting on the recommendation, with a link to the queue
    assert "Tønder Kommune afventer bekræftelse" in _page(staff, recommendation)
    queue = staff.get("/moderation/adoptions")
    text = page_text(queue)
    assert "Tønder Kommune" in text and "Chatbots i borgerservice" in text
    assert "borger@example.dk" in text and "Vi bruger den i borgerservice" in text
    adoption = _adoption(app)
    response = staff.post(
        f"/moderation/adoptions/{adoption.id}", data={"decision": "confirm"}, follow_redirects=True
    )
    assert "Tønder Kommune vises nu som bruger af anbefalingen" in page_text(response)
    assert "Ingen anvendelser afventer bekræftelse" in page_text(response)
    assert "Tønder Kommune: Vi bruger den" in _page(client_as(None), recommendation)
    again = staff.post(
        f"/moderation/adoptions/{adoption.id}", data={"decision": "reject"}, follow_redirects=True
    )
    assert "allerede behandlet" in page_text(again)
    assert _adoption(app).status == AdoptionStatus.VERIFIED


def test_rejected_adoption_stays_hidden_and_does_not_block_the_real_one(
    app, client_as, viborg_reader, toender_employee, secretariat, make_recommendation
):
    recommendation = make_recommendation("published")
    reader = client_as(viborg_reader)
    _adopt(reader, recommendation)
    response = client_as(secretariat).post(
        f"/moderation/adoptions/{_adoption(app).id}",
        data={"decision": "reject"},
        follow_redirects=True,
    )
    assert "Anvendelsen i Tønder Kommune blev afvist" in page_text(response)
    assert "Tønder Kommune" not in _page(client_as(None), recommendation)
    assert "Tønder Kommune afvist" in _page(reader, recommendation)
    _adopt(client_as(toender_employee), recommendation, note="Bruges i jobcentret")
    assert "Tønder Kommune: Bruges i jobcentret" in _page(client_as(None), recommendation)


def test_a_pending_adoption_blocks_a_second_record_of_the_same_municipality(
    app, client_as, viborg_reader, make_user, make_recommendation
):
    recommendation = make_recommendation("published")
    _adopt(client_as(viborg_reader), recommendation)
    response = _adopt(client_as(make_user(Role.READER)), recommendation)
    assert "Tønder Kommune er allerede registreret" in page_text(response)


@pytest.mark.parametrize("who", ["reader", "member"])
def test_only_the_secretariat_sees_and_decides_the_queue(
    app, role_clients, client_as, viborg_reader, make_recommendation, who
):
    recommendation = make_recommendation("published")
    _adopt(client_as(viborg_reader), recommendation)
    client = role_clients[who]
    assert client.get("/moderation/adoptions").status_code == 403
    decided = client.post(
        f"/moderation/adoptions/{_adoption(app).id}", data={"decision": "confirm"}
    )
    assert decided.status_code == 403
    assert _adoption(app).status == AdoptionStatus.PENDING
    anonymous = role_clients["anonymous"].get("/moderation/adoptions")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# --- the audit log -----------------------------------------------------------------------


def test_adoptions_and_flags_appear_in_the_audit_log(
    app, client_as, viborg_reader, toender_employee, secretariat, admin, make_recommendation,
    make_case, make_comment, member, reader
):  # fmt: skip
    recommendation = make_recommendation("published", title="Chatbots i borgerservice")
    _adopt(client_as(viborg_reader), recommendation, code="791")
    staff = client_as(secretariat)
    staff.post(f"/moderation/adoptions/{_adoption(app).id}", data={"decision": "confirm"})
    _adopt(client_as(viborg_reader), recommendation, code="101")
    staff.post(f"/moderation/adoptions/{_adoption(app).id}", data={"decision": "reject"})
    _adopt(client_as(toender_employee), recommendation)
    comment = make_comment(make_case(), member, "Et indlæg")
    client_as(reader).post(f"/comments/{comment.id}/flag", data={"reason": "off_topic"})
    dismissed = staff.post(f"/moderation/comments/{comment.id}/dismiss", data={})
    assert dismissed.status_code == 302, page_text(dismissed)
    log = page_text(client_as(admin).get("/admin/audit"))
    assert "Viborg Kommune blev registreret som bruger af »Chatbots i borgerservice«" in log
    title = "»Chatbots i borgerservice«"
    assert f"Anvendelsen af {title} i Viborg Kommune blev bekræftet af sekretariatet" in log
    assert f"Anvendelsen af {title} i Københavns Kommune blev afvist af sekretariatet" in log
    assert (
        f"Anvendelsen af {title} i Tønder Kommune blev bekræftet ud fra den kommunale e-mailadresse"
        in log
    )
    assert "En kommentar blev anmeldt til sekretariatet" in log
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "adoption_recorded", "adoption_verified", "adoption_confirmed", "adoption_rejected",
        "comment_flagged", "flag_dismissed",
    } <= actions  # fmt: skip


def test_adoptions_waiting_are_among_the_secretariats_tasks(
    client_as, viborg_reader, secretariat, member, make_recommendation
):
    recommendation = make_recommendation("published")
    _adopt(client_as(viborg_reader), recommendation)
    _adopt(client_as(viborg_reader), recommendation, code="791")
    staff = client_as(secretariat)
    front = staff.get("/").get_data(as_text=True)
    tasks = page_text(staff.get("/")).split("Mine opgaver")[1]
    assert "2 anvendelser afventer bekræftelse" in tasks
    assert 'href="/moderation/adoptions"' in front
    assert "afventer bekræftelse" not in page_text(client_as(member).get("/"))
    assert "afventer bekræftelse" not in page_text(client_as(viborg_reader).get("/"))
