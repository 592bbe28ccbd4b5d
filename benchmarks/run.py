"""Requests per second of Chorus's key pages, against a bare Flask "hello".

Usage: make bench  (or .venv/bin/python benchmarks/run.py --seconds 5)

Both apps run under gunicorn with one sync worker on 127.0.0.1, so the ratio
is what matters, not the absolute numbers. The Chorus database is a SQLite
file in a temporary folder, filled with many accounts and notifications so
that pages are measured at scale; one community has a busy year (100,000
contributions, 10,000 activities with their payments) for its health
dashboard and involvement pages. A page that answers anything but 200, or
nothing in time, is reported as not measured. Traffic goes to 127.0.0.1
only, for a bounded time.
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


def start(app_spec, env, port, workers=1, log=None, cwd=ROOT):
    process = subprocess.Popen(
        [BIN / "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app_spec],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start")


TIMEOUT = 30  # seconds a page may take before it counts as not answering


def measure(port, path, seconds, cookie=None, clients=4):
    """Requests per second over `seconds`, with `clients` keep-alive connections.

    Returns (requests per second, None), or (0, what went wrong) when the page
    answered anything but 200, or nothing within TIMEOUT seconds.
    """
    stop = time.monotonic() + seconds
    counts = [0] * clients
    problems = []

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        headers = {"Cookie": cookie} if cookie else {}
        try:
            while time.monotonic() < stop:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    problems.append(f"answered {response.status}")
                    return
                counts[index] += 1
        except TimeoutError:
            problems.append(f"no answer within {TIMEOUT} s")
        except (OSError, http.client.HTTPException) as error:
            problems.append(f"failed: {type(error).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        return 0, problems[0]
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
                "community_id": proposal.community_id,
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
            {
                "id": i,
                "proposal_id": big,
                "community_id": community.id,
                "identity": "anonymous",
                "idempotency_key": f"i{i}",
            }
            for i in views
        ]
        + [
            {
                "id": i,
                "proposal_id": big + 1 + n,
                "community_id": community.id,
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


def seed_health(db, sa, community, coordinator, lay, members, contributions, activities):
    """A busy year in one community, for its health dashboard and the involvement pages.

    Twelve proposals, one a month, share `contributions` views from the members,
    most with a first reply and, once decided, an outcome. `activities` activities
    over the year have six members each (the lay user in every 25th), with a
    payment each at the example rate in force on the day, in every state by age.
    Members joined across the year and a few left; claims wait, are decided and
    paid; a third of the members gave equality answers.
    """
    from datetime import UTC, date, datetime, time, timedelta
    from decimal import Decimal

    from portal.communities.models import Membership, MembershipEvent
    from portal.consultations.models import Contribution, Proposal
    from portal.involvement.models import (
        ACTIVITY_KINDS,
        CLAIM_STATUSES,
        EQUALITY_QUESTIONS,
        PREFER_NOT_TO_SAY,
        EqualityAnswers,
        ExpenseClaim,
        InvolvementActivity,
        Participation,
        Payment,
        PaymentRate,
    )
    from portal.involvement.money import amount_for

    now, today = datetime.now(UTC), date.today()

    def moment(day, hour=10):
        return datetime.combine(day, time(hour), tzinfo=UTC)

    def month_start(months_ago):
        n = today.year * 12 + today.month - 1 - months_ago
        return date(n // 12, n % 12 + 1, 1)

    # Who joined when, and who left: the membership history the dashboard reads.
    membership_ids = dict(
        db.session.execute(
            sa.select(Membership.user_id, Membership.id).where(
                Membership.community_id == community.id, Membership.user_id.in_(members)
            )
        ).all()
    )
    joined = {user: today - timedelta(days=1 + n % 360) for n, user in enumerate(members)}
    leavers = set(members[::50])
    for chunk in range(0, len(members), 20_000):
        part = members[chunk : chunk + 20_000]
        db.session.execute(
            sa.update(Membership),
            [
                {
                    "id": membership_ids[u],
                    "created_at": moment(joined[u]),
                    "status_changed_at": moment(joined[u]),
                    "status": "left" if u in leavers else "active",
                }
                for u in part
            ],
        )
    db.session.execute(
        sa.insert(MembershipEvent),
        [
            {
                "membership_id": membership_ids[u],
                "status": "active",
                "role": "lay_partner",
                "created_at": moment(joined[u]),
            }
            for u in members
        ]
        + [
            {
                "membership_id": membership_ids[u],
                "status": "left",
                "role": "lay_partner",
                "actor_id": u,
                "created_at": moment(min(today, joined[u] + timedelta(days=20)), 18),
            }
            for u in leavers
        ],
    )

    # A proposal a month, and the year's views on them.
    first = _next_id(db, sa, Proposal)
    proposals = {m: first + m for m in range(12)}  # months ago -> proposal id
    db.session.execute(
        sa.insert(Proposal),
        [
            {
                "id": p,
                "community_id": community.id,
                "title": f"Proposal of {month_start(m):%B %Y}",
                "summary": "We want to change the service. Tell us what you think.",
                "opens_at": moment(month_start(m)),
                "closes_at": moment(month_start(m) + timedelta(days=27), 17),
                "published_at": moment(month_start(m)),
                "announced_at": moment(month_start(m)),
                "decided_at": moment(month_start(m) + timedelta(days=40)) if m >= 2 else None,
                "created_by_id": coordinator.id,
            }
            for m, p in proposals.items()
        ],
    )
    outcomes = ("shaped", "not_adopted", "awaiting", "shaped", "awaiting")
    rows = []
    for n in range(contributions):
        m = n % 12
        sent = moment(month_start(m) + timedelta(days=n % 27), 8 + n % 12)
        rows.append(
            {
                "proposal_id": proposals[m],
                "community_id": community.id,
                "author_id": members[n % len(members)],
                "identity": "named",
                "idempotency_key": f"h{n}",
                "submitted_at": min(sent, now),
                "updated_at": min(sent, now),
                "first_response_at": sent + timedelta(days=n % 15, hours=3)
                if n % 4 and sent + timedelta(days=15) < now
                else None,
                "review_status": "responded" if n % 4 else "new",
                "outcome": outcomes[n % 5] if m >= 2 else "awaiting",
            }
        )
    for chunk in range(0, len(rows), 20_000):
        db.session.execute(sa.insert(Contribution), rows[chunk : chunk + 20_000])

    # The year's activities, who took part, and their payments.
    rates = {}
    for rate in db.session.scalars(sa.select(PaymentRate).order_by(PaymentRate.effective_from)):
        rates.setdefault(rate.kind, []).append(rate)

    def rate_on(kind, day):
        return [r for r in rates[kind] if r.effective_from <= day][-1]

    first_activity = _next_id(db, sa, InvolvementActivity)
    ids = range(first_activity, first_activity + activities)
    held = {a: today - timedelta(days=1 + (a * 7) % 364) for a in ids}
    kinds = {a: ACTIVITY_KINDS[a % len(ACTIVITY_KINDS)] for a in ids}
    minutes = {a: 60 + 30 * (a % 8) for a in ids}
    db.session.execute(
        sa.insert(InvolvementActivity),
        [
            {
                "id": a,
                "community_id": community.id,
                "kind": kinds[a],
                "title": f"Activity {a}",
                "held_on": held[a],
                "minutes": minutes[a],
                "notes": "Who came, and what we talked about.",
                "created_by_id": coordinator.id,
                "created_at": moment(held[a] + timedelta(days=1)),
                "updated_at": moment(held[a] + timedelta(days=1)),
            }
            for a in ids
        ],
    )
    pool = [u for u in members[:3000] if u not in leavers]  # the regulars
    taking_part = {
        a: ([lay.id] if a % 25 == 0 else []) + [pool[(a * 6 + k) % len(pool)] for k in range(6)]
        for a in ids
    }
    taking_part = {a: list(dict.fromkeys(people))[:6] for a, people in taking_part.items()}
    db.session.execute(
        sa.insert(Participation),
        [
            {
                "activity_id": a,
                "user_id": u,
                "attended": not (kinds[a] == "training" and k >= 4),  # offered only
                "created_at": moment(held[a] + timedelta(days=1)),
            }
            for a in ids
            for k, u in enumerate(taking_part[a])
        ],
    )

    def state(a, k):
        age = (today - held[a]).days
        if (a + k) % 17 == 0:
            return "declined"
        if age > 45:
            return "paid"
        return "approved" if age > 25 else "accepted" if age > 10 else "offered"

    payments = []
    for a in ids:
        rate = rate_on(kinds[a], held[a])
        units, amount = amount_for(rate.amount, rate.unit, minutes[a])
        for k, u in enumerate(taking_part[a]):
            if kinds[a] == "training" and k >= 4:
                continue
            status, paid_on = state(a, k), held[a] + timedelta(days=14)
            payments.append(
                {
                    "activity_id": a,
                    "user_id": u,
                    "rate_id": rate.id,
                    "units": units,
                    "amount": amount,
                    "method": "voucher" if u % 10 == 0 else "paid",
                    "status": status,
                    "approved_at": moment(held[a] + timedelta(days=7))
                    if status in ("approved", "paid")
                    else None,
                    "approved_by_id": coordinator.id if status in ("approved", "paid") else None,
                    "paid_on": paid_on if status == "paid" else None,
                    "reference": f"FIN-{paid_on:%Y%m%d}" if status == "paid" else "",
                    "created_at": moment(held[a] + timedelta(days=1)),
                    "updated_at": moment(held[a] + timedelta(days=1)),
                }
            )
    for chunk in range(0, len(payments), 20_000):
        db.session.execute(sa.insert(Payment), payments[chunk : chunk + 20_000])

    # Expense claims in every state, a tenth of them the lay user's.
    db.session.execute(
        sa.insert(ExpenseClaim),
        [
            {
                "community_id": community.id,
                "user_id": lay.id if n % 10 == 0 else pool[n % len(pool)],
                "activity_id": first_activity + n % activities,
                "category": ("travel", "carer_cover", "childcare", "other")[n % 4],
                "amount": Decimal(f"{5 + n % 60}.{n % 100:02d}"),
                "approved_amount": Decimal(f"{5 + n % 60}.{n % 100:02d}")
                if CLAIM_STATUSES[n % 5] in ("approved", "paid")
                else Decimal("4.00")
                if CLAIM_STATUSES[n % 5] == "part_approved"
                else None,
                "spent_on": today - timedelta(days=2 + n % 360),
                "description": "Bus fares to and from the meeting.",
                "status": CLAIM_STATUSES[n % 5],
                "reason": "We pay for the time of the meeting and travel only."
                if CLAIM_STATUSES[n % 5] in ("part_approved", "rejected")
                else "",
                "decided_by_id": coordinator.id if n % 5 else None,
                "decided_at": moment(today - timedelta(days=n % 360)) if n % 5 else None,
                "paid_on": today - timedelta(days=n % 360)
                if CLAIM_STATUSES[n % 5] == "paid"
                else None,
                "reference": "EXP-1" if CLAIM_STATUSES[n % 5] == "paid" else "",
                "submitted_at": moment(today - timedelta(days=1 + n % 360)),
            }
            for n in range(activities // 2)
        ],
    )

    # Equality answers from a third of the members.
    options = {q: (*answers, PREFER_NOT_TO_SAY) for q, answers in EQUALITY_QUESTIONS.items()}
    db.session.execute(
        sa.insert(EqualityAnswers),
        [
            {
                "user_id": u,
                **{q: o[(u // (i + 1)) % len(o)] for i, (q, o) in enumerate(options.items())},
            }
            for u in members[::3]
        ],
    )


def seed(database_url, users, notifications, briefings, contributions, changes, year, activities):
    """Fill a fresh database: demo accounts, many users, notifications, briefings,
    contributions, what they changed, and a busy year of one community."""
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from portal import create_app, db
    from portal.accounts.models import User
    from portal.cli import upgrade
    from portal.communities import member_counts
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
        member_counts.refresh(db.session.connection())  # the inserts above bypass the ORM
        proposal = seed_contributions(db, sa, contributions)
        coordinator = db.session.scalar(
            sa.select(User).where(User.email == "coordinator@example.org")
        )
        with app.test_request_context(base_url=app.config["PUBLIC_URL"]):  # links in notices
            decided, change = seed_impact(db, sa, chemo, coordinator, lay, contributions, changes)
        seed_health(db, sa, chemo, coordinator, lay, new_ids, year, activities)
        db.session.commit()
        from portal.briefings.models import Briefing

        briefing = db.session.scalar(
            sa.select(Briefing.id).where(Briefing.title == "A new evening chemotherapy clinic")
        )
        return briefing, proposal, decided, change


DEMO_PASSWORD = "chorus-demo-password"  # noqa: S105 - the demo accounts' documented password


def sign_in_cookie(port, email="lay@example.org", password=DEMO_PASSWORD):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    body = f"csrf_token={token}&email={email.replace('@', '%40')}&password={password}"
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
    parser.add_argument("--year", type=int, default=100_000, help="a year's contributions")
    parser.add_argument("--activities", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite"
        print(
            f"Seeding {args.users} users, {args.notifications} notifications "
            f"{args.briefings} briefings, {args.contributions} contributions and "
            f"{args.changes} service changes, and a year of {args.year} contributions and "
            f"{args.activities} activities..."
        )
        briefing, proposal, decided, change = seed(
            database_url,
            args.users,
            args.notifications,
            args.briefings,
            args.contributions,
            args.changes,
            args.year,
            args.activities,
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
            print(f"{'bare Flask hello':44} {baseline:8.1f} req/s")
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
                ("/communities/chemo-day-unit/health", coordinator),
                ("/communities/chemo-day-unit/activities", coordinator),
                ("/communities/chemo-day-unit/approvals", coordinator),
                ("/my/involvement", cookie),
            ]
            for path, page_cookie in pages:
                rps, problem = measure(chorus_port, path, args.seconds, cookie=page_cookie)
                if problem is not None:
                    failed.append(f"{path} ({problem})")
                    print(f"{path:44} NOT MEASURED: {problem}")
                    continue
                share = 100 * rps / baseline
                worst = min(worst, share)
                print(f"{path:44} {rps:8.1f} req/s  {share:5.1f} % of hello")
            print(f"Slowest key page: {worst:.1f} % of hello (target: at least 10 %).")
            if failed:
                print(f"Not measured (no 200 answer in time): {', '.join(failed)}")
        finally:
            hello.terminate()
            chorus.terminate()
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
