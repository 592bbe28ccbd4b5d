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
    """Requests per second over `seconds`, with `clients` keep-alive connections.

    Returns (requests per second, None), or (0, status) when the page
    answered anything but 200.
    """
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
        return 0, errors[0]
    return sum(counts) / seconds, None


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


def _next_id(db, sa, model):
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def seed_changes(db, sa, community, author, count):
    """`count` service changes in every status, each with a dated history (also on the
    timeline), a milestone, and an evaluation once evaluated. The second change is in
    progress, with three weighted parts. Returns their ids."""
    from datetime import UTC, date, datetime, timedelta

    from portal.communities.timeline import TimelineEvent
    from portal.impact import services
    from portal.impact.models import (
        CHANGE_STATUSES,
        ChangeStatusEntry,
        Evaluation,
        Milestone,
        ServiceChange,
    )

    now, today = datetime.now(UTC), date.today()
    first = _next_id(db, sa, ServiceChange)
    ids = range(first, first + count)
    parent = first + 1

    def status(c):
        return CHANGE_STATUSES[(c - first) % len(CHANGE_STATUSES)]

    def steps(c):  # its history, oldest first, one month apart
        return ("planned", "in_progress", status(c))[: 1 + CHANGE_STATUSES.index(status(c))]

    def days_ago(c, n):
        return (c - first) % 300 + 30 * (len(steps(c)) - 1 - n)

    progress = {"planned": 0, "in_progress": 50, "stopped": 20}
    db.session.execute(
        sa.insert(ServiceChange),
        [
            {
                "id": c,
                "community_id": community.id,
                "parent_id": parent if parent < c <= parent + 3 else None,
                "weight": c - parent if parent < c <= parent + 3 else None,
                "title": f"Service change {c}",
                "description": "What changes, for whom, and when.",
                "service_area": community.service_area,
                "visibility": "members" if (c - first) % 20 == 19 else "public",
                "status": status(c),
                "status_on": today - timedelta(days=(c - first) % 300),
                "progress": progress.get(status(c), 100),
                "evaluation_due": today - timedelta(days=10)
                if status(c) == "implemented"
                else None,
                "created_by_id": author.id,
                "updated_at": now - timedelta(days=(c - first) % 300),
            }
            for c in ids
        ],
    )
    parts = [(progress.get(status(c), 100), c - parent) for c in range(parent + 1, parent + 4)]
    db.session.execute(
        sa.update(ServiceChange)
        .where(ServiceChange.id == parent)
        .values(progress=services.parent_progress(parts))
    )
    db.session.execute(
        sa.insert(ChangeStatusEntry),
        [
            {
                "change_id": c,
                "status": step,
                "progress": progress.get(step, 100),
                "note": f"The change is now {step}.",
                "occurred_on": today - timedelta(days=days_ago(c, n)),
                "actor_id": author.id,
            }
            for c in ids
            for n, step in enumerate(steps(c))
        ],
    )
    db.session.execute(
        sa.insert(TimelineEvent),
        [
            {
                "community_id": community.id,
                "kind": "change_status",
                "subject_id": c,
                "detail_key": f"{step}-{n + 1}",
                "detail": step,
                "title": f"Service change {c}",
                "public": (c - first) % 20 != 19,
                "occurred_at": now - timedelta(days=days_ago(c, n)),
            }
            for c in ids
            for n, step in enumerate(steps(c))
            if n > 0  # planning a change is not an event
        ],
    )
    db.session.execute(
        sa.insert(Milestone),
        [{"change_id": c, "due_on": today + timedelta(days=30), "title": "Next step"} for c in ids],
    )
    db.session.execute(
        sa.insert(Evaluation),
        [
            {
                "change_id": c,
                "worked": "yes",
                "measured": "Waiting times, and what people told us.",
                "learned": "It worked best when we told people early.",
                "recorded_on": today - timedelta(days=5),
                "recorded_by_id": author.id,
            }
            for c in ids
            if status(c) == "evaluated"
        ],
    )
    return ids


def seed_impact(db, sa, community, author, lay, count, changes):
    """What lay views changed, at scale, then each view's outcome worked out by the portal.

    A decided proposal with `count` views in ten themes led to twenty
    service changes: eight themes and a seventh of the views are linked to
    its decision or those changes, the other views wait for an outcome. The
    lay user gave views on `changes` more decided proposals, each with one
    change. The timeline has every step, and meetings and awards besides.
    Returns the big proposal's id and the id of the change with parts.
    """
    from datetime import UTC, date, datetime, timedelta

    from portal.communities.timeline import TimelineEvent
    from portal.consultations.models import (
        Answer,
        Contribution,
        ContributionTheme,
        Proposal,
        Question,
        Quote,
        Theme,
    )
    from portal.impact import influence
    from portal.impact.models import EFFECTS, ChangeDecision, Decision, Influence

    now, today = datetime.now(UTC), date.today()
    text = "We will do what most people asked for, in the way that suited most people."
    big = _next_id(db, sa, Proposal)
    proposals = range(big, big + 1 + changes)  # the big one, then the lay user's
    db.session.execute(
        sa.insert(Proposal),
        [
            {
                "id": p,
                "community_id": community.id,
                "title": f"Decided proposal {p}",
                "summary": "We want to change the service. Tell us what you think.",
                "opens_at": now - timedelta(days=90 + p - big),
                "closes_at": now - timedelta(days=60 + p - big),
                "published_at": now - timedelta(days=90 + p - big),
                "announced_at": now - timedelta(days=90 + p - big),
                "decided_at": now - timedelta(days=50 + p - big),
                "created_by_id": author.id,
            }
            for p in proposals
        ],
    )
    question = _next_id(db, sa, Question)
    db.session.execute(
        sa.insert(Question),
        [
            {"id": question + n, "proposal_id": p, "prompt": "What do you think?", "required": True}
            for n, p in enumerate(proposals)
        ],
    )
    decision = _next_id(db, sa, Decision)
    db.session.execute(
        sa.insert(Decision),
        [
            {
                "id": decision + n,
                "proposal_id": p,
                "community_id": community.id,
                "summary": text,
                "reasons": text,
                "decided_by": "Management meeting",
                "decided_on": today - timedelta(days=50 + n),
                "created_by_id": author.id,
            }
            for n, p in enumerate(proposals)
        ],
    )
    first = _next_id(db, sa, Contribution)
    views = range(first, first + count)
    laid = range(first + count, first + count + changes)  # the lay user's, one per proposal
    db.session.execute(
        sa.insert(Contribution),
        [
            {"id": i, "proposal_id": big, "identity": "anonymous", "idempotency_key": f"i{i}"}
            for i in views
        ]
        + [
            {
                "id": i,
                "proposal_id": big + 1 + n,
                "author_id": lay.id,
                "quote_consent": True,
                "idempotency_key": f"i{i}",
                "submitted_at": now - timedelta(days=70 + n),
            }
            for n, i in enumerate(laid)
        ],
    )
    db.session.execute(
        sa.insert(Answer),
        [{"contribution_id": i, "question_id": question, "text": f"View {i}"} for i in views]
        + [
            {"contribution_id": i, "question_id": question + 1 + n, "text": f"My view {i}"}
            for n, i in enumerate(laid)
        ],
    )
    theme = _next_id(db, sa, Theme)
    themes = range(theme, theme + 10)
    db.session.execute(
        sa.insert(Theme), [{"id": t, "proposal_id": big, "name": f"Theme {t}"} for t in themes]
    )
    db.session.execute(
        sa.insert(ContributionTheme),
        [{"contribution_id": i, "theme_id": theme + i % 10} for i in views],
    )
    ids = seed_changes(db, sa, community, author, changes)
    db.session.execute(  # the twenty changes of the big decision; one per lay user's proposal
        sa.insert(ChangeDecision),
        [{"change_id": c, "decision_id": decision} for c in ids[:20]]
        + [{"change_id": c, "decision_id": decision + 1 + n} for n, c in enumerate(ids)],
    )
    rationale = "We weighed this up with the other views. Here is why."
    db.session.execute(
        sa.insert(Influence),
        [  # eight themes, the last not adopted; two themes wait for an outcome
            {
                "proposal_id": big,
                "theme_id": t,
                "change_id": ids[n] if n < 7 else None,
                "decision_id": decision if n == 7 else None,
                "effect": EFFECTS[n % 3] if n < 7 else "not_adopted",
                "rationale": rationale,
                "created_by_id": author.id,
            }
            for n, t in enumerate(themes[:8])
        ]
        + [  # a seventh of the views, one by one
            {
                "proposal_id": big,
                "contribution_id": i,
                "change_id": ids[i % 20],
                "effect": "informed",
                "rationale": rationale,
                "created_by_id": author.id,
            }
            for i in views[::7]
        ]
        + [  # each of the lay user's views
            {
                "proposal_id": big + 1 + n,
                "contribution_id": i,
                "change_id": ids[n],
                "effect": EFFECTS[n % 4],
                "rationale": rationale,
                "created_by_id": author.id,
            }
            for n, i in enumerate(laid)
        ],
    )
    db.session.execute(
        sa.insert(Quote),
        [
            {"contribution_id": i, "text": f"My view {i}", "approved_by_id": author.id}
            for n, i in enumerate(laid)
            if EFFECTS[n % 4] != "not_adopted"
        ],
    )
    kinds = ("meeting", "award", "presentation")
    db.session.execute(
        sa.insert(TimelineEvent),
        [
            {
                "community_id": community.id,
                "kind": "proposal_decided",
                "subject_id": p,
                "title": f"Decided proposal {p}",
                "occurred_at": now - timedelta(days=50 + p - big),
            }
            for p in proposals
        ]
        + [
            {
                "community_id": community.id,
                "kind": kinds[n % 3],
                "title": f"Event {n}",
                "detail": "What happened, and who came.",
                "public": n % 10 != 9,
                "occurred_at": now - timedelta(days=n * 3),
                "created_by_id": author.id,
            }
            for n in range(200)
        ],
    )
    influence.refresh([*views, *laid])  # tells the lay user, as the portal would
    return big, ids[1]


def seed(database_url, users, notifications, briefings, contributions, changes):
    """Fill a fresh database: demo accounts, many users, notifications, briefings,
    contributions, and what they changed."""
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
        coordinator = db.session.scalar(
            sa.select(User).where(User.email == "coordinator@example.org")
        )
        with app.test_request_context(base_url=app.config["PUBLIC_URL"]):  # links in notices
            decided, change = seed_impact(db, sa, chemo, coordinator, lay, contributions, changes)
        db.session.commit()
        from portal.briefings.models import Briefing

        briefing = db.session.scalar(
            sa.select(Briefing.id).where(Briefing.title == "A new evening chemotherapy clinic")
        )
        return briefing, proposal, decided, change


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
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite"
        print(
            f"Seeding {args.users} users, {args.notifications} notifications "
            f"{args.briefings} briefings, {args.contributions} contributions and "
            f"{args.changes} service changes..."
        )
        briefing, proposal, decided, change = seed(
            database_url,
            args.users,
            args.notifications,
            args.briefings,
            args.contributions,
            args.changes,
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
        worst, failed = 100.0, []
        try:
            baseline, _status = measure(hello_port, "/", args.seconds)
            print(f"{'bare Flask hello':44} {baseline:8.0f} req/s")
            cookie = sign_in_cookie(chorus_port)
            reviewer = sign_in_cookie(chorus_port, "professional@example.org")
            coordinator = sign_in_cookie(chorus_port, "coordinator@example.org")
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
                ("/my/impact", cookie),
                (f"/proposals/{decided}/trace", cookie),
                ("/you-said-we-did", None),
                ("/communities/chemo-day-unit/timeline", None),
                ("/communities/chemo-day-unit/impact", coordinator),
                ("/communities/chemo-day-unit/impact/report", coordinator),
                (f"/changes/{change}", None),
                ("/review/outcome-missing", reviewer),
            ]
            for path, page_cookie in pages:
                rps, status = measure(chorus_port, path, args.seconds, cookie=page_cookie)
                if status is not None:
                    failed.append(f"{path} ({status})")
                    print(f"{path:44} answered {status}, not measured")
                    continue
                share = 100 * rps / baseline
                worst = min(worst, share)
                print(f"{path:44} {rps:8.0f} req/s  {share:5.1f} % of hello")
            print(f"Slowest key page: {worst:.1f} % of hello (target: at least 10 %).")
            if failed:
                print(f"Not measured, as they did not answer 200: {', '.join(failed)}")
        finally:
            hello.terminate()
            chorus.terminate()
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
