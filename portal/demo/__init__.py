"""Demo data: realistic, idempotent, and extended by each feature as it lands.

Run with `flask --app portal demo load`. Every step looks for what it would
create first, so running it twice changes nothing.
"""

from .. import db
from ..accounts import passwords
from ..accounts.models import User
from ..accounts.services import find_by_email
from ..db import utcnow

DEMO_PASSWORD = "chorus-demo-password"  # noqa: S105 - documented demo password

DEMO_ACCOUNTS = [
    # email, display name, pseudonym, site admin
    ("admin@example.org", "Priya Shah", None, True),
    ("coordinator@example.org", "Gareth Jones", None, False),
    ("professional@example.org", "Dr Amina Yusuf", None, False),
    ("lay@example.org", "Margaret Ellis", "Blue Heron", False),
]


def load(echo=print):
    """Create whatever demo data is missing. The caller commits."""
    echo("Demo accounts:")
    password_hash = None
    for email, name, pseudonym, is_admin in DEMO_ACCOUNTS:
        user = find_by_email(email)
        if user is None:
            password_hash = password_hash or passwords.hash_password(DEMO_PASSWORD)
            user = User(
                email=email,
                display_name=name,
                pseudonym=pseudonym,
                password_hash=password_hash,
                is_site_admin=is_admin,
                email_verified_at=utcnow(),
            )
            db.session.add(user)
            db.session.flush()
            echo(f"  created  {email}")
        else:
            echo(f"  present  {email}")
    from . import briefings as briefings_demo
    from . import communities as communities_demo
    from . import consultations as consultations_demo
    from . import impact as impact_demo
    from . import involvement as involvement_demo

    existing_hash = find_by_email("admin@example.org").password_hash
    communities_demo.load(echo, password_hash or existing_hash)
    briefings_demo.load(echo)
    consultations_demo.load(echo)
    impact_demo.load(echo)
    involvement_demo.load(echo)
    from ..health import summaries

    # Much of the demo is made directly, not through the services: count it all again.
    echo(f"Health summary rows: {summaries.rebuild()}")
    echo(f"All demo accounts use the password: {DEMO_PASSWORD}")
