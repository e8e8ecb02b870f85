"""The site answers only at BASE_URL's host: a forged Host or X-Forwarded-Host gets a 400,
and every absolute link (reset and invitation e-mails, canonical links) comes from BASE_URL."""

from __future__ import annotations

from tests.conftest import delivered_mail, login, page_text

FORGED = {"Host": "evil.example"}
REFUSED = "Dette websted findes ikke på denne adresse."


def _mails(app) -> list[str]:
    with app.app_context():
        return [message.get_body(("plain",)).get_content() for message in delivered_mail()]


def test_a_reset_asked_for_on_a_forged_host_is_refused_and_mails_nothing(make_app, member):
    # without CSRF: the test client keeps its session cookie for localhost only, and the
    # refusal must come from the host check, not from a missing token
    app = make_app(WTF_CSRF_ENABLED=False)
    response = app.test_client().post(
        "/reset", data={"email": member.email}, headers=FORGED, csrf=False
    )
    assert response.status_code == 400
    assert response.get_data(as_text=True) == REFUSED
    assert _mails(app) == []


def test_an_invitation_sent_on_a_forged_host_is_refused_and_mails_nothing(make_app, secretariat):
    app = make_app(WTF_CSRF_ENABLED=False)
    client = login(app.test_client(), secretariat)
    response = client.post(
        "/invitations/",
        data={"email": "ny@odense.dk", "role": "member"},
        headers=FORGED,
        csrf=False,
    )
    assert response.status_code == 400
    assert _mails(app) == []


def test_every_page_on_a_forged_host_is_a_400_not_a_500(client):
    for path in ["/", "/login", "/cases/", "/no-such-page", "/static/css/site.css"]:
        response = client.get(path, headers=FORGED)
        assert response.status_code == 400, path
    response = client.get("/api/no-such", headers=FORGED | {"Accept": "application/json"})
    assert response.status_code == 400


def test_links_on_the_real_host_come_from_base_url(client, member):
    client.post("/reset", data={"email": member.email})
    (body,) = _mails(client.application)
    assert "http://localhost/reset/" in body
    page = client.get("/cases/")
    assert '<link rel="canonical" href="http://localhost/cases/">' in page.get_data(as_text=True)


def test_forwarded_host_is_ignored_without_a_trusted_proxy(client, member):
    client.post(
        "/reset", data={"email": member.email}, headers={"X-Forwarded-Host": "evil.example"}
    )
    (body,) = _mails(client.application)
    assert "http://localhost/reset/" in body and "evil.example" not in body


def test_behind_a_proxy_a_forged_forwarded_host_is_refused(make_app, member):
    app = make_app(PROXY_COUNT=1, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    forged = {"X-Forwarded-Host": "evil.example"}
    response = client.post("/reset", data={"email": member.email}, headers=forged, csrf=False)
    assert response.status_code == 400
    assert _mails(app) == []
    # the proxy's own forwarded host (BASE_URL's) is served, whatever its internal address
    proxied = {"Host": "10.0.0.7:8000", "X-Forwarded-Host": "localhost"}
    response = client.post("/reset", data={"email": member.email}, headers=proxied, csrf=False)
    assert response.status_code == 302
    (body,) = _mails(app)
    assert "http://localhost/reset/" in body


def test_production_answers_only_at_base_url_host(make_app):
    app = make_app(ENV="production", BASE_URL="https://taenketanken.example")
    client = app.test_client()
    assert client.get("/login", base_url="https://taenketanken.example").status_code == 200
    for other in ["https://localhost", "https://127.0.0.1", "https://evil.example"]:
        response = client.get("/login", base_url=other)
        assert response.status_code == 400, other
        assert "Strict-Transport-Security" in response.headers


def test_development_also_answers_at_the_dev_server_addresses(make_app):
    app = make_app(BASE_URL="http://taenketanken.test:8080")
    client = app.test_client()
    for host in ["taenketanken.test:8080", "127.0.0.1:5000", "localhost:5000"]:
        response = client.get("/login", headers={"Host": host})
        assert response.status_code == 200, host
        assert "Log ind" in page_text(response)
    assert client.get("/login", headers=FORGED).status_code == 400
