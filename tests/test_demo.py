import sqlalchemy as sa

from portal import db
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.demo import DEMO_PASSWORD, load


def test_demo_loader_is_idempotent_and_accounts_sign_in(client):
    lines = []
    load(echo=lines.append)
    load(echo=lines.append)
    emails = db.session.scalars(sa.select(User.email).order_by(User.email)).all()
    assert emails == [
        "admin@example.org",
        "coordinator@example.org",
        "lay@example.org",
        "professional@example.org",
    ]
    assert any("created  admin@example.org" in line for line in lines)
    assert any("present  admin@example.org" in line for line in lines)
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    assert admin.is_site_admin and admin.is_verified
    assert verify_password(admin.password_hash, DEMO_PASSWORD)
