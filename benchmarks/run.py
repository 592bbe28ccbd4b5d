"""Requests per second of Chorus's key pages, against a bare Flask "hello".

Usage: make bench  (or .venv/bin/python benchmarks/run.py --seconds 5)

Both apps run under gunicorn with one sync worker on 127.0.0.1, so the ratio
is what matters, not the absolute numbers. The Chorus database is a SQLite
file in a temporary folder, filled with many accounts and notifications so
that pages are measured at scale. Traffic goes to 127.0.0.1 only, for a
bounded time.
"""

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(app_spec, env, port):
    process = subprocess.Popen(
        [BIN / "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", app_spec],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start")


def measure(port, path, seconds, cookie=None, clients=4):
    """Requests per second over `seconds`, with `clients` keep-alive connections."""
    stop = time.monotonic() + seconds
    counts = [0] * clients
    errors = []

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": cookie} if cookie else {}
        while time.monotonic() < stop:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
                return
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{path} answered {errors[0]}")
    return sum(counts) / seconds


def seed_briefings(db, sa, community, author, count):
    """Many published briefings, each with a version, a month of views and an answer."""
    from datetime import UTC, date, datetime, timedelta

    from portal.briefings.models import (
        Briefing,
        BriefingDailyViews,
        BriefingFeedback,
        BriefingVersion,
    )
    from portal.briefings.rendering import render_markdown

    body = (ROOT / "README.md").read_text()[:3000]
    body_html = render_markdown(body)
    now = datetime.now(UTC)
    first = (db.session.scalar(sa.select(sa.func.max(Briefing.id))) or 0) + 1
    ids = range(first, first + count)
    rows = dict(community_id=community.id, summary="A summary.", body=body, version_number=1)
    db.session.execute(
        sa.insert(Briefing),
        [
            {
                **rows,
                "id": i,
                "title": f"Briefing {i}",
                "published_at": now - timedelta(minutes=i),
                "updated_at": now - timedelta(minutes=i),
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(BriefingVersion),
        [
            {
                "briefing_id": i,
                "number": 1,
                "title": f"Briefing {i}",
                "summary": "A summary.",
                "body": body,
                "body_html": body_html,
                "change_note": "First version",
                "author_id": author.id,
            }
            for i in ids
        ],
    )
    today = date.today()
    db.session.execute(
        sa.insert(BriefingDailyViews),
        [
            {"briefing_id": i, "day": today - timedelta(days=d), "views": 10}
            for i in ids
            for d in range(30)
        ],
    )
    db.session.execute(
        sa.insert(BriefingFeedback),
        [{"briefing_id": i, "user_id": author.id, "useful": True} for i in ids],
    )


def seed_contributions(db, sa, count):
    """Many anonymous contributions, with an answer each, on the demo's open chemo proposal."""
    from portal.consultations.models import Answer, Contribution, Proposal, Question

    proposal = db.session.scalar(
        sa.select(Proposal).where(Proposal.title == "Opening the day unit on weekday evenings")
    )
    question = db.session.scalar(
        sa.select(Question).where(Question.proposal_id == proposal.id, Question.kind == "text")
    )
    first = (db.session.scalar(sa.select(sa.func.max(Contribution.id))) or 0) + 1
    ids = range(first, first + count)
    db.session.execute(
        sa.insert(Contribution),
        [
            {
                "id": i,
                "proposal_id": proposal.id,
                "identity": "anonymous",
                "idempotency_key": f"b{i}",
            }
            for i in ids
        ],
    )
    db.session.execute(
        sa.insert(Answer),
        [{"contribution_id": i, "question_id": question.id, "text": f"View {i}"} for i in ids],
    )
    return proposal.id


def seed(database_url, users, notifications, briefings, contributions):
    """Fill a fresh database: demo accounts, many users, notifications and briefings."""
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from portal import create_app, db
    from portal.accounts.models import User
    from portal.cli import upgrade
    from portal.communities import listing
    from portal.communities.models import Community, Membership
    from portal.demo import load
    from portal.outbox import OutboxMessage

    app = create_app({"DATABASE_URL": database_url, "OUTBOX_SEND_AFTER_COMMIT": False})
    with app.app_context():
        upgrade()
        load(echo=lambda *_: None)
        db.session.commit()
        lay = db.session.scalar(sa.select(User).where(User.email == "lay@example.org"))
        hash_ = lay.password_hash
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": f"bench{n}@example.org",
                    "display_name": f"Bench {n}",
                    "password_hash": hash_,
                    "locale": "en",
                    "session_token": f"t{n}",
                }
                for n in range(users)
            ],
        )
        chemo = db.session.scalar(sa.select(Community).where(Community.slug == "chemo-day-unit"))
        new_ids = db.session.scalars(
            sa.select(User.id).where(User.email.like("bench%@example.org"))
        ).all()
        db.session.execute(
            sa.insert(Membership),
            [
                {"user_id": i, "community_id": chemo.id, "role": "lay_partner", "status": "active"}
                for i in new_ids
            ],
        )
        db.session.execute(
            sa.insert(OutboxMessage),
            [
                {
                    "user_id": lay.id,
                    "kind": "password_changed",
                    "to_email": lay.email,
                    "subject": f"Notice {n}",
                    "body": "Body text\n",
                    "in_app": True,
                    "status": "sent",
                }
                for n in range(notifications)
            ],
        )
        seed_briefings(db, sa, chemo, lay, briefings)
        listing.refresh(db.session.connection())  # the inserts above bypass the ORM
        proposal = seed_contributions(db, sa, contributions)
        db.session.commit()
        from portal.briefings.models import Briefing

        briefing = db.session.scalar(
            sa.select(Briefing.id).where(Briefing.title == "A new evening chemotherapy clinic")
        )
        return briefing, proposal


def sign_in_cookie(port, email="lay@example.org"):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    body = f"csrf_token={token}&email={email.replace('@', '%40')}&password=chorus-demo-password"
    connection.request(
        "POST",
        "/sign-in",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument("--briefings", type=int, default=20_000)
    parser.add_argument("--contributions", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite"
        print(
            f"Seeding {args.users} users, {args.notifications} notifications "
            f"{args.briefings} briefings and {args.contributions} contributions..."
        )
        briefing, proposal = seed(
            database_url, args.users, args.notifications, args.briefings, args.contributions
        )
        env = dict(
            os.environ,
            CHORUS_ENV="production",
            SECRET_KEY="benchmark-only-key",
            DATABASE_URL=database_url,
            SESSION_COOKIE_SECURE="false",
            RATELIMIT_STORAGE_URI="memory://",
        )
        hello_port, chorus_port = free_port(), free_port()
        hello = start("benchmarks.hello:app", env, hello_port)
        chorus = start("portal:create_app()", env, chorus_port)
        try:
            baseline = measure(hello_port, "/", args.seconds)
            print(f"{'bare Flask hello':32} {baseline:8.0f} req/s")
            cookie = sign_in_cookie(chorus_port)
            reviewer = sign_in_cookie(chorus_port, "professional@example.org")
            pages = [
                ("/", None),
                ("/sign-in", None),
                ("/accessibility", None),
                ("/profile", cookie),
                ("/notifications", cookie),
                ("/notifications?page=50", cookie),
                ("/communities", None),
                ("/communities/chemo-day-unit", cookie),
                ("/communities/chemo-day-unit/members", cookie),
                ("/communities/chemo-day-unit/members?page=500", cookie),
                ("/my/communities", cookie),
                ("/briefings", None),
                ("/briefings?page=500", cookie),
                (f"/briefings/{briefing}", None),
                (f"/briefings/{briefing}", cookie),
                (f"/briefings/{briefing}/versions", cookie),
                ("/glossary", None),
                (f"/proposals/{proposal}", cookie),
                ("/my/contributions", cookie),
                (f"/review?proposal={proposal}", reviewer),
                (f"/review?proposal={proposal}&page=200", reviewer),
                (f"/proposals/{proposal}/summary", reviewer),
            ]
            worst = 100.0
            for path, page_cookie in pages:
                rps = measure(chorus_port, path, args.seconds, cookie=page_cookie)
                share = 100 * rps / baseline
                worst = min(worst, share)
                print(f"{path:32} {rps:8.0f} req/s  {share:5.1f} % of hello")
            print(f"Slowest key page: {worst:.1f} % of hello (target: at least 10 %).")
        finally:
            hello.terminate()
            chorus.terminate()


if __name__ == "__main__":
    main()
