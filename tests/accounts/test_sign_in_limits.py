"""The sign-in limit counts failed attempts per account and per address, so that one
person's typos, or an attack on one account, never lock out colleagues behind the same
hospital address."""

from tests.conftest import post_form
from tests.factories import PASSWORD

HOSPITAL = "192.0.2.10"


def _at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _sign_in(client, email, password=PASSWORD):
    return post_form(client, "/sign-in", {"email": email, "password": password})


def _limit(app, name):
    return int(app.config[name].split()[0])


def test_the_address_limit_is_far_higher_than_the_account_limit(app):
    assert _limit(app, "SIGN_IN_LIMIT_PER_ADDRESS") >= 10 * _limit(app, "SIGN_IN_LIMIT_PER_ACCOUNT")


def test_one_account_hammered_is_limited_while_colleagues_sign_in(app, make_user):
    make_user(email="target@example.org")
    colleague = make_user(email="colleague@example.org")
    attacker = _at(app, HOSPITAL)
    for _ in range(_limit(app, "SIGN_IN_LIMIT_PER_ACCOUNT")):
        assert _sign_in(attacker, "target@example.org", "wrong guess").status_code == 200
    assert _sign_in(attacker, "target@example.org", "wrong guess").status_code == 429
    assert _sign_in(_at(app, HOSPITAL), "target@example.org").status_code == 429

    desk = _at(app, HOSPITAL)
    response = _sign_in(desk, colleague.email)
    assert response.status_code == 302
    assert desk.get("/profile").status_code == 200


def test_one_address_over_its_limit_is_limited(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "15 per minute")
    make_user(email="late@example.org")
    client = _at(app, "198.51.100.7")
    for number in range(15):  # a different account each time: no account is limited
        assert _sign_in(client, f"guess{number}@example.org", "x").status_code == 200
    blocked = _sign_in(client, "late@example.org")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert _sign_in(_at(app, "198.51.100.8"), "late@example.org").status_code == 302


def test_successful_sign_ins_at_one_address_are_not_counted(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per minute")
    staff = [make_user(email=f"nurse{n}@example.org") for n in range(6)]
    for person in staff:
        assert _sign_in(_at(app, HOSPITAL), person.email).status_code == 302
