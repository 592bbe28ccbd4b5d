"""The permission matrix: every route, for every kind of visitor.

Each later feature adds its routes here, with the roles of its community and a
member of another community. A test fails when a route is missing.
"""

import pytest

from tests.conftest import csrf_token, sign_in_as

ROLES = ["anonymous", "lay", "admin"]

SIGN_IN = "/sign-in"

# endpoint: (method, path, {role: (status, where a redirect leads or None)})
MATRIX = {
    "main.index": ("GET", "/", {r: (200, None) for r in ROLES}),
    "main.accessibility": ("GET", "/accessibility", {r: (200, None) for r in ROLES}),
    "main.privacy": ("GET", "/privacy", {r: (200, None) for r in ROLES}),
    "main.set_language": ("POST", "/language", {r: (302, "/") for r in ROLES}),
    "accounts.register": (
        "GET",
        "/register",
        {"anonymous": (200, None), "lay": (302, "/profile"), "admin": (302, "/profile")},
    ),
    "accounts.check_email": (
        "GET",
        "/register/check-your-email",
        {r: (302, "/register") for r in ROLES},
    ),
    "accounts.verify_email": ("GET", "/verify-email/forged", {r: (400, None) for r in ROLES}),
    "accounts.sign_in": (
        "GET",
        "/sign-in",
        {"anonymous": (200, None), "lay": (302, "/"), "admin": (302, "/")},
    ),
    "accounts.unverified": (
        "GET",
        "/sign-in/confirm-your-email",
        {r: (302, SIGN_IN) for r in ROLES},
    ),
    "accounts.sign_out": ("POST", "/sign-out", {r: (302, "/") for r in ROLES}),
    "accounts.forgot_password": ("GET", "/forgot-password", {r: (200, None) for r in ROLES}),
    "accounts.reset_password": (
        "GET",
        "/reset-password/forged",
        {r: (400, None) for r in ROLES},
    ),
    "accounts.profile": (
        "GET",
        "/profile",
        {"anonymous": (302, SIGN_IN), "lay": (200, None), "admin": (200, None)},
    ),
    "accounts.edit_profile": (
        "GET",
        "/profile/edit",
        {"anonymous": (302, SIGN_IN), "lay": (200, None), "admin": (200, None)},
    ),
    "accounts.change_password": (
        "GET",
        "/profile/password",
        {"anonymous": (302, SIGN_IN), "lay": (200, None), "admin": (200, None)},
    ),
    "accounts.sign_out_everywhere": (
        "POST",
        "/profile/sign-out-everywhere",
        {r: (302, SIGN_IN) for r in ROLES},
    ),
    "notifications.index": (
        "GET",
        "/notifications",
        {"anonymous": (302, SIGN_IN), "lay": (200, None), "admin": (200, None)},
    ),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - set(MATRIX) == set(), "add the new routes to the permission matrix"
    assert set(MATRIX) - endpoints == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_role_as_expected(client, users, endpoint, role):
    method, path, expected = MATRIX[endpoint]
    if role != "anonymous":
        sign_in_as(client, users[role])
    if method == "POST":
        response = client.post(path, data={"csrf_token": csrf_token(client)})
    else:
        response = client.get(path)
    status, location = expected[role]
    assert response.status_code == status
    if location is not None:
        assert response.headers["Location"].split("?")[0] == location


def test_post_routes_refuse_get(client):
    for endpoint, (method, path, _expected) in MATRIX.items():
        if method == "POST":
            assert client.get(path).status_code == 405, endpoint
