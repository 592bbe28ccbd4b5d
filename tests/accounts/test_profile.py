from portal import db
from tests.conftest import post_form, sign_in_as


def test_profile_shows_my_details(client, make_user):
    user = make_user(email="me@example.org", display_name="Ceri Evans", pseudonym="Kestrel")
    sign_in_as(client, user)
    html = client.get("/profile").get_data(as_text=True)
    for text in ("me@example.org", "Ceri Evans", "Kestrel", "English", "Sign out everywhere"):
        assert text in html


def test_profile_edit_saves_and_keeps_input_on_error(client, make_user):
    user = make_user(display_name="Old Name")
    sign_in_as(client, user)
    bad = post_form(
        client,
        "/profile/edit",
        {"display_name": "", "pseudonym": "Wren", "locale": "cy", "notifications": "email"},
    )
    html = bad.get_data(as_text=True)
    assert "Enter a display name" in html
    assert 'value="Wren"' in html
    db.session.refresh(user)
    assert user.display_name == "Old Name"

    good = post_form(
        client,
        "/profile/edit",
        {"display_name": "New Name", "pseudonym": "", "locale": "cy", "notifications": "in_app"},
    )
    assert good.headers["Location"] == "/profile"
    db.session.refresh(user)
    assert (user.display_name, user.pseudonym, user.locale) == ("New Name", None, "cy")
    assert user.email_notifications is False


def test_profile_edit_refuses_someone_elses_pseudonym(client, make_user):
    make_user(pseudonym="Kestrel")
    me = make_user(pseudonym="Wren")
    sign_in_as(client, me)
    html = post_form(
        client,
        "/profile/edit",
        {"display_name": "Me", "pseudonym": "KESTREL", "locale": "en", "notifications": "email"},
    ).get_data(as_text=True)
    assert "That pseudonym is taken" in html
    keep = post_form(
        client,
        "/profile/edit",
        {"display_name": "Me", "pseudonym": "Wren", "locale": "en", "notifications": "email"},
    )
    assert keep.status_code == 302


def test_navigation_reflects_who_is_signed_in(client, make_user):
    anonymous = client.get("/").get_data(as_text=True)
    assert "Sign in" in anonymous and "Your profile" not in anonymous
    sign_in_as(client, make_user(display_name="Dafydd"))
    member = client.get("/").get_data(as_text=True)
    assert "Dafydd" in member and "Your profile" in member and "Notifications" in member
    assert ">Sign in<" not in member
