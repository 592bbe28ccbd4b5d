"""Write a national-scale demonstration data set in bulk, deterministically for a seed.

Rows are built in Python with ids chosen here (after the highest id already stored)
and written with SQLAlchemy Core `insert()` in batches (executemany), skipping the
ORM. The stored figures that services usually keep (member counts, sort names,
each contribution's outcome) are written to match what the services would store.

Contributions follow a power law: a few busy communities and proposals hold most
of them, with a long tail of small ones. One proposal holds about 1% of all
contributions, and one lay partner (`HEAVY_EMAIL`) has hundreds, so that a big
trace and "My impact" can be measured.
"""

import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import User
from ..briefings.models import (
    Briefing,
    BriefingDailyViews,
    BriefingReader,
    BriefingVersion,
)
from ..communities import member_counts
from ..communities.models import (
    ACTIVE,
    COORDINATOR,
    LAY_PARTNER,
    PROFESSIONAL,
    Community,
    Membership,
    MembershipEvent,
)
from ..communities.models import (
    STATUSES as MEMBERSHIP_STATUSES,
)
from ..communities.timeline import (
    BRIEFING_PUBLISHED,
    CHANGE_STATUS,
    FOUNDED,
    PROPOSAL_DECIDED,
    PROPOSAL_OPENED,
    TimelineEvent,
)
from ..consultations.models import (
    Answer,
    Contribution,
    ContributionTheme,
    Proposal,
    Question,
    Response,
    Theme,
)
from ..impact.influence import derive
from ..impact.models import (
    ADAPTED,
    ADOPTED,
    APPROVED,
    APPROVED_WITH_CHANGES,
    DECISION_KINDS,
    EFFECTS,
    EVALUATED,
    IMPLEMENTED,
    IN_PROGRESS,
    INFORMED,
    NOT_ADOPTED,
    PLANNED,
    STOPPED,
    ChangeDecision,
    ChangeStatusEntry,
    Decision,
    Influence,
    InfluenceRevision,
    OutcomeNotice,
    ServiceChange,
)
from ..involvement.models import (
    ACTIVITY_KINDS,
    CLAIM_STATUSES,
    EXPENSE_CATEGORIES,
    PAYMENT_STATUSES,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
)
from ..outbox import OutboxMessage

NATIONAL = {"users": 100_000, "communities": 2_000, "proposals": 20_000, "contributions": 1_000_000}
DEFAULT_SEED = 20261207
SLUG_PREFIX = "scale-"  # every community this writes; finding one means it already ran
HEAVY_EMAIL = "scale.heavy@example.org"
COORDINATOR_EMAIL = "scale.coordinator@example.org"
PROFESSIONAL_EMAIL = "scale.professional@example.org"
DEMO_DOMAINS = ("@example.org", "@example.com")
BATCH = 5_000

PROPOSAL_STATUSES = ("draft", "upcoming", "open", "paused", "closed", "decided")
# Share of proposals in each status: most are done with, a few are live.
STATUS_WEIGHTS = (3, 3, 10, 2, 22, 60)
AREAS = ("Primary care", "Mental health", "Maternity", "Urgent care", "Stroke", "Diabetes")
THEME_NAMES = ("Travel and parking", "Waiting times", "Being listened to", "Information")
CHANGE_PATH = (PLANNED, IN_PROGRESS, IMPLEMENTED, EVALUATED)
PROGRESS = {PLANNED: 0, IN_PROGRESS: 50, IMPLEMENTED: 100, EVALUATED: 100, STOPPED: 30}


# What the written answers say, in turn, so that searching the inbox has words to find:
# common ones, Welsh and Arabic, and one rare sentence (`RARE_WORD`, one view in RARE_EVERY).
SAID = (
    "It would help me get there.",
    "The bus does not run in the evening, so I would need a lift.",
    "Parking near the clinic is hard after work.",
    "Byddai'n help i mi gyrraedd yno.",
    "سيساعدني ذلك على الوصول إلى هناك.",
    "I would like to see the same nurse each time.",
)
RARE_WORD, RARE_EVERY = "interpreter", 1_000


def said(contribution_id):
    """The written answer of a contribution: the rare sentence, or the next of SAID."""
    if contribution_id % RARE_EVERY == 0:
        return f"Please book an {RARE_WORD} for my mother."
    return SAID[contribution_id % len(SAID)]


class Refused(Exception):
    """The database is not one this may fill: the message says why."""


def demo_account(email):
    """A demo account is one under example.org or example.com, as every demo loader uses."""
    return email.lower().endswith(DEMO_DOMAINS)


def scaled(factor, **numbers):
    """The national figures (or those given) shrunk by `factor`, never below a working minimum."""
    minimum = {"users": 20, "communities": 3, "proposals": 12, "contributions": 60}
    return {
        name: max(minimum[name], round((numbers.get(name) or NATIONAL[name]) * factor))
        for name in NATIONAL
    }


class Writer:
    """Batched Core inserts with one progress line per table (count, rate, time left)."""

    def __init__(self, connection, echo_progress=True):
        self.connection = connection
        self.echo_progress = echo_progress
        self.counts = {}
        self.next_ids = {}

    def ids_from(self, model):
        """The first free id of a table (ids are chosen here, so rows can be batched)."""
        table = model.__table__
        if table.name not in self.next_ids:
            top = self.connection.scalar(sa.select(sa.func.max(table.c.id)))
            self.next_ids[table.name] = (top or 0) + 1
        return self.next_ids[table.name]

    def take_id(self, model):
        first = self.ids_from(model)
        self.next_ids[model.__table__.name] = first + 1
        return first

    def write(self, model, rows, total=None, after_batch=None):
        """Insert rows (any iterable of dicts) in batches; returns how many.

        `after_batch` runs after each batch is stored: it writes rows that refer to them.
        """
        table = model.__table__
        started = time.monotonic()
        batch, done = [], 0
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self._insert(table, batch)
                done += len(batch)
                batch = []
                self._progress(table.name, done, total, started)
                if after_batch:
                    after_batch()
        if batch:
            self._insert(table, batch)
            done += len(batch)
            if after_batch:
                after_batch()
        self._progress(table.name, done, total, started, end=True)
        self.counts[table.name] = self.counts.get(table.name, 0) + done
        return done

    def _insert(self, table, batch):
        """One batch: COPY on PostgreSQL (psycopg), else an executemany of Core `insert()`."""
        if self.connection.dialect.name != "postgresql":
            self.connection.execute(sa.insert(table), batch)
            return
        names = list(batch[0])
        as_json = {n for n in names if isinstance(table.c[n].type, sa.JSON)}
        columns = ", ".join(f'"{n}"' for n in names)
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])

    def _progress(self, name, done, total, started, end=False):
        if not self.echo_progress:
            return
        seconds = max(time.monotonic() - started, 1e-6)
        rate = done / seconds
        left = ""
        if total and not end and rate:
            left = f", {max(total - done, 0) / rate:.0f}s left"
        line = f"\r  {name:<24} {done:>9,} rows, {rate:>9,.0f}/s{left}, {seconds:.1f}s"
        sys.stderr.write(line.ljust(90) + ("\n" if end else ""))
        sys.stderr.flush()

    def reset_sequences(self):
        """PostgreSQL: move each id sequence past the ids chosen here."""
        if self.connection.dialect.name != "postgresql":
            return
        for name in self.next_ids:
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )


def check(connection):
    """Refuse a database with real accounts; report an earlier scale run."""
    emails = connection.scalars(sa.select(User.email)).all()
    real = [email for email in emails if not demo_account(email)]
    if real:
        raise Refused(
            f"This database holds {len(real)} account(s) that are not demo accounts "
            f"(demo accounts are under {' or '.join(d[1:] for d in DEMO_DOMAINS)}), "
            f"for example {real[0]}. The scale data is only written to a demo database."
        )
    found = connection.scalar(
        sa.select(sa.func.count()).where(Community.slug.like(f"{SLUG_PREFIX}%"))
    )
    return found


def generate(
    connection,
    password_hash,
    *,
    factor=1.0,
    seed=DEFAULT_SEED,
    now=None,
    echo=print,
    progress=True,
    **numbers,
):
    """Write the data set through `connection` (the caller commits). Returns the manifest."""
    n = scaled(factor, **numbers)
    rng = random.Random(seed)
    # One moment for the whole run, to the second, so statuses and times agree.
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    out = Writer(connection, progress)
    echo(
        f"Writing {n['users']:,} people, {n['communities']:,} communities, "
        f"{n['proposals']:,} proposals and {n['contributions']:,} contributions (seed {seed})."
    )

    def ago(days):
        return now - timedelta(days=days)

    # People -----------------------------------------------------------------------------
    first_user = out.ids_from(User)
    user_count = n["users"]
    names, emails = {}, {}

    def users():
        for i in range(user_count):
            uid = first_user + i
            if i == 0:
                email, name = HEAVY_EMAIL, "Hazel Okafor"
            elif i == 1:
                email, name = COORDINATOR_EMAIL, "Colin Price"
            elif i == 2:
                email, name = PROFESSIONAL_EMAIL, "Dr Priti Rao"
            else:
                email, name = f"scale.person{uid}@example.org", f"Person {uid}"
            pseudonym = f"Wren {uid}" if i % 5 == 0 else None
            names[uid] = (name, pseudonym)
            emails[uid] = email
            created = ago(400 + (i % 300))
            yield {
                "id": uid,
                "email": email,
                "display_name": name,
                "pseudonym": pseudonym,
                "password_hash": password_hash,
                "locale": "en",
                "is_site_admin": False,
                "email_notifications": True,
                "email_verified_at": created,
                "password_changed_at": created,
                "created_at": created,
            }

    out.write(User, users(), user_count)
    out.next_ids["users"] = first_user + user_count
    heavy, coordinator0, professional0 = first_user, first_user + 1, first_user + 2
    people = list(range(first_user + 3, first_user + user_count))

    # Communities, weighted by a power law --------------------------------------------------
    first_community = out.ids_from(Community)
    community_ids = [first_community + i for i in range(n["communities"])]
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(community_ids))]
    total_weight = sum(weights)
    slugs = {}

    def communities():
        for rank, cid in enumerate(community_ids):
            slugs[cid] = f"{SLUG_PREFIX}{rank + 1:05d}"
            yield {
                "id": cid,
                "slug": slugs[cid],
                "name": f"{AREAS[rank % len(AREAS)]} network {rank + 1}",
                "purpose": "Improving local services with the people who use them.",
                "description": "A scale demonstration community.",
                "service_area": AREAS[rank % len(AREAS)],
                "visibility": "open",
                "target_reading_age": 11,
                "lay_partner_count": 0,
                "professional_count": 0,
                "coordinator_count": 0,
                "role_description": "",
                "respond_by_post": "",
                "respond_by_phone": "",
                "respond_in_person": "",
                "created_at": ago(420),
                "archived_at": None,
            }

    out.write(Community, communities(), len(community_ids))

    # Memberships: each community gets a coordinator and a professional, then lay partners
    # in proportion to its weight. Most are active; a few in every other status.
    members = {cid: [] for cid in community_ids}  # active lay partners
    staff = {}
    memberships, events = [], []
    membership_id = out.ids_from(Membership)
    event_id = out.ids_from(MembershipEvent)
    taken = set()

    def join(uid, cid, role, status):
        nonlocal membership_id, event_id
        if (uid, cid) in taken:
            return
        taken.add((uid, cid))
        name, pseudonym = names[uid]
        use_pseudonym = pseudonym is not None and role == LAY_PARTNER
        joined = ago(rng.randint(30, 400))
        memberships.append(
            {
                "id": membership_id,
                "user_id": uid,
                "community_id": cid,
                "role": role,
                "status": status,
                "use_pseudonym": use_pseudonym,
                "sort_name": member_counts.sort_name(name, pseudonym, use_pseudonym),
                "message": None if status in (ACTIVE, "invited", "pending") else "Moved away.",
                "created_at": joined,
                "status_changed_at": joined + timedelta(days=1),
                "changed_by_id": None,
            }
        )
        first = "invited" if status in ("invited", "declined") else "pending"
        for step, state in enumerate(dict.fromkeys((first, status))):
            events.append(
                {
                    "id": event_id,
                    "membership_id": membership_id,
                    "status": state,
                    "role": role,
                    "note": None,
                    "actor_id": None,
                    "created_at": joined + timedelta(days=step),
                }
            )
            event_id += 1
        membership_id += 1
        if status == ACTIVE and role == LAY_PARTNER:
            members[cid].append(uid)

    lay_memberships = max(user_count * 2, len(community_ids) * 4)
    other_statuses = [s for s in MEMBERSHIP_STATUSES if s != ACTIVE]
    for rank, cid in enumerate(community_ids):
        coordinator = coordinator0 if rank == 0 else people[(2 * rank) % len(people)]
        professional = professional0 if rank == 0 else people[(2 * rank + 1) % len(people)]
        join(coordinator, cid, COORDINATOR, ACTIVE)
        join(professional, cid, PROFESSIONAL, ACTIVE)
        staff[cid] = (coordinator, professional)
        if rank < 20:
            join(heavy, cid, LAY_PARTNER, ACTIVE)
        size = max(3 if rank else 12, round(lay_memberships * weights[rank] / total_weight))
        for k in range(size):
            status = other_statuses[k % len(other_statuses)] if k % 12 == 11 else ACTIVE
            if rank == 0 and 1 <= k <= len(other_statuses):
                status = other_statuses[k - 1]  # every status, however small the run
            join(rng.choice(people), cid, LAY_PARTNER, status)
        if not members[cid]:
            join(people[rank % len(people)], cid, LAY_PARTNER, ACTIVE)
    out.write(Membership, memberships, len(memberships))
    out.write(MembershipEvent, events, len(events))
    out.next_ids.update(memberships=membership_id, membership_events=event_id)
    memberships.clear()
    events.clear()

    # Proposals and questions, spread by the same power law ---------------------------------
    proposal_community = []
    for rank, cid in enumerate(community_ids):
        proposal_community += [cid] * max(1, round(n["proposals"] * weights[rank] / total_weight))
    proposal_community = proposal_community[: n["proposals"]]
    while len(proposal_community) < n["proposals"]:
        proposal_community.append(community_ids[len(proposal_community) % len(community_ids)])
    first_proposal = out.ids_from(Proposal)
    proposals = []
    for i, cid in enumerate(proposal_community):
        # The first six proposals of the busiest community cover every status.
        if i < len(PROPOSAL_STATUSES):
            status = PROPOSAL_STATUSES[i]
        else:
            status = rng.choices(PROPOSAL_STATUSES, STATUS_WEIGHTS)[0]
        proposals.append((first_proposal + i, cid, status))
    busiest = next(p for p in proposals if p[2] == "decided")[0]
    proposal_rows, questions, windows = [], [], {}
    question_id = out.ids_from(Question)
    for pid, cid, status in proposals:
        start = rng.randint(20, 380)
        opens = ago(start)
        closes = opens + timedelta(days=28)
        decided = published = paused = None
        if status == "draft":
            opens = closes = None
        elif status == "upcoming":
            opens, closes = now + timedelta(days=7), now + timedelta(days=35)
        elif status in ("open", "paused"):
            opens, closes = ago(10), now + timedelta(days=18)
        elif status == "closed":
            opens, closes = ago(40), ago(12)
        if status != "draft":
            published = opens - timedelta(days=3)
        if status == "paused":
            paused = ago(2)
        if status == "decided":
            closes = min(closes, ago(14))
            opens = closes - timedelta(days=28)
            published = opens - timedelta(days=3)
            decided = closes + timedelta(days=7)
        windows[pid] = (opens, closes, status)
        proposal_rows.append(
            {
                "id": pid,
                "community_id": cid,
                "title": f"Proposal {pid}: changing how appointments are booked",
                "summary": "We want to hear what you think before we decide.",
                "problem": "People wait too long.",
                "change": "Book online or by phone.",
                "affects": "Everyone who uses the service.",
                "opens_at": opens,
                "closes_at": closes,
                "published_at": published,
                "announced_at": opens if status not in ("draft", "upcoming") else None,
                "decided_at": decided,
                "paused_at": paused,
                "outcomes_released_at": closes if status in ("closed", "decided") else None,
                "heard_published_at": decided,
                "outcome_due_on": closes.date() + timedelta(days=30) if closes else None,
                "reading_age": 10,
                "override_reason": None,
                "created_by_id": staff[cid][1],
                "created_at": ago(start + 10),
                "updated_at": ago(start + 5),
            }
        )
        for position, (kind, prompt) in enumerate(
            (("text", "What do you think of this change?"), ("scale", "How much would it help?"))
        ):
            questions.append(
                {
                    "id": question_id,
                    "proposal_id": pid,
                    "position": position,
                    "kind": kind,
                    "prompt": prompt,
                    "hint": "",
                    "required": position == 0,
                    "options": [],
                    "added_note": "",
                    "created_at": ago(start + 10),
                }
            )
            question_id += 1
    out.write(Proposal, proposal_rows, len(proposal_rows))
    out.write(Question, questions, len(questions))
    out.next_ids.update(proposals=first_proposal + len(proposals), questions=question_id)
    question_of = {}
    for q in questions:
        question_of.setdefault(q["proposal_id"], []).append(q["id"])
    proposal_rows.clear()
    questions.clear()

    # Decisions (every kind), service changes with histories, themes ------------------------
    taking = [p for p in proposals if p[2] in ("open", "paused", "closed", "decided")]
    decided = [p for p in proposals if p[2] == "decided"]
    decision_rows, change_rows, history, change_links, timeline = [], [], [], [], []
    decision_of, change_of = {}, {}
    decision_id, change_id = out.ids_from(Decision), out.ids_from(ServiceChange)
    entry_id, timeline_id = out.ids_from(ChangeStatusEntry), out.ids_from(TimelineEvent)
    for k, (pid, cid, _status) in enumerate(decided):
        kind = DECISION_KINDS[k % len(DECISION_KINDS)]
        on = windows[pid][1].date() + timedelta(days=7)
        decision_of[pid] = decision_id
        decision_rows.append(
            {
                "id": decision_id,
                "proposal_id": pid,
                "community_id": cid,
                "summary": "We will make the change, with what you told us in mind.",
                "reasons": "Most people who replied said it would help.",
                "decided_by": "Service board",
                "decided_on": on,
                "kind": kind,
                "owner_id": staff[cid][1],
                "target_on": on + timedelta(days=90),
                "visibility": "public",
                "created_by_id": staff[cid][1],
                "created_at": windows[pid][1] + timedelta(days=7),
                "updated_at": windows[pid][1] + timedelta(days=7),
            }
        )
        if kind in (APPROVED, APPROVED_WITH_CHANGES):
            path = [*CHANGE_PATH[: 1 + k % 4]] if k % 9 else [PLANNED, STOPPED]
            status = path[-1]
            change_of[pid] = change_id
            change_rows.append(
                {
                    "id": change_id,
                    "community_id": cid,
                    "parent_id": None,
                    "title": f"Change from proposal {pid}",
                    "description": "What we are changing, and when.",
                    "service_area": AREAS[cid % len(AREAS)],
                    "visibility": "public",
                    "status": status,
                    "status_on": on + timedelta(days=10 * (len(path) - 1)),
                    "progress": PROGRESS[status],
                    "weight": None,
                    "evaluation_due": on + timedelta(days=180) if status == IMPLEMENTED else None,
                    "evaluation_reminded_at": None,
                    "owner_id": staff[cid][1],
                    "starts_on": on,
                    "target_on": on + timedelta(days=90),
                    "created_by_id": staff[cid][1],
                    "created_at": windows[pid][1] + timedelta(days=8),
                    "updated_at": windows[pid][1] + timedelta(days=8 + 10 * len(path)),
                }
            )
            change_links.append({"change_id": change_id, "decision_id": decision_id})
            for step, state in enumerate(path):
                day = on + timedelta(days=10 * step)
                history.append(
                    {
                        "id": entry_id,
                        "change_id": change_id,
                        "status": state,
                        "progress": PROGRESS[state],
                        "note": "",
                        "occurred_on": day,
                        "actor_id": staff[cid][1],
                        "created_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                    }
                )
                entry_id += 1
                if state != PLANNED:
                    timeline.append((cid, CHANGE_STATUS, change_id, state, day))
            change_id += 1
        decision_id += 1
    out.write(Decision, decision_rows, len(decision_rows))
    out.write(ServiceChange, change_rows, len(change_rows))
    out.write(ChangeDecision, change_links, len(change_links))
    out.write(ChangeStatusEntry, history, len(history))
    out.next_ids.update(
        decisions=decision_id, service_changes=change_id, change_status_entries=entry_id
    )

    theme_rows, theme_effects, themes_of = [], {}, {}
    theme_id = out.ids_from(Theme)
    for pid, _cid, _status in taking:
        for name in THEME_NAMES[: 2 + pid % 3]:
            theme_rows.append(
                {"id": theme_id, "proposal_id": pid, "name": name, "created_at": windows[pid][1]}
            )
            themes_of.setdefault(pid, []).append(theme_id)
            theme_id += 1
    out.write(Theme, theme_rows, len(theme_rows))
    out.next_ids["themes"] = theme_id
    theme_rows.clear()

    # Theme links: on decided proposals, the first theme shaped the change (or decision),
    # the second was not adopted.
    influences, revisions = [], []
    influence_id, revision_id = out.ids_from(Influence), out.ids_from(InfluenceRevision)

    def influence(pid, cid, effect, *, contribution=None, theme=None, when):
        nonlocal influence_id, revision_id
        target = change_of.get(pid) if effect != NOT_ADOPTED else None
        rationale = (
            "We could not do this within the budget."
            if effect == NOT_ADOPTED
            else "What people told us changed the plan."
        )
        influences.append(
            {
                "id": influence_id,
                "proposal_id": pid,
                "contribution_id": contribution,
                "theme_id": theme,
                "decision_id": None if target else decision_of[pid],
                "change_id": target,
                "effect": effect,
                "rationale": rationale,
                "created_by_id": staff[cid][1],
                "created_at": when,
                "updated_at": when,
                "removed_at": None,
            }
        )
        revisions.append(
            {
                "id": revision_id,
                "influence_id": influence_id,
                "action": "created",
                "effect": effect,
                "rationale": rationale,
                "actor_id": staff[cid][1],
                "created_at": when,
            }
        )
        influence_id += 1
        revision_id += 1

    for k, (pid, cid, _status) in enumerate(decided):
        when = windows[pid][1] + timedelta(days=8)
        first, second = themes_of[pid][:2]
        effect = (ADOPTED, ADAPTED, INFORMED)[k % 3]
        influence(pid, cid, effect, theme=first, when=when)
        theme_effects[first] = effect
        influence(pid, cid, NOT_ADOPTED, theme=second, when=when)
        theme_effects[second] = NOT_ADOPTED

    # Contributions, answers, theme assignments, replies -------------------------------------
    # Each proposal taking views gets a share by a power law over its rank; the busiest
    # (a decided proposal of the busiest community) about 1% of all.
    total = n["contributions"]
    big = max(10, total // 100)
    rest = total - big
    others = [p for p in taking if p[0] != busiest]
    shares = [1 / (rank + 1) ** 0.9 for rank in range(len(others))]
    share_total = sum(shares)
    per_proposal = {busiest: big}
    for (pid, _cid, _status), share in zip(others, shares, strict=True):
        per_proposal[pid] = int(rest * share / share_total)
    leftover = total - sum(per_proposal.values())
    for i in range(leftover):
        pid = others[i % len(others)][0]
        per_proposal[pid] += 1
    # The heavy lay partner writes on up to 400 proposals of the communities they belong to.
    heavy_proposals = {
        pid for pid, cid, _s in taking if cid in community_ids[:20] and pid != busiest
    }
    heavy_proposals = set(sorted(heavy_proposals)[:400]) | {busiest}

    contribution_id = out.ids_from(Contribution)
    answer_id, response_id = out.ids_from(Answer), out.ids_from(Response)
    counts = {"responses": 0, "heavy": 0}
    notices, messages = [], []
    message_id = out.ids_from(OutboxMessage)

    def contributions():
        nonlocal contribution_id, message_id
        for pid, cid, status in taking:
            lay = members[cid]
            opens, closes, _ = windows[pid]
            span = max(1, int((min(closes, now) - opens).total_seconds()))
            final = status in ("closed", "decided")
            for k in range(per_proposal[pid]):
                author = lay[rng.randrange(len(lay))]
                if k == 0 and pid in heavy_proposals:
                    author = heavy
                when = opens + timedelta(seconds=rng.randrange(span))
                identity = ("named", "named", "pseudonym", "anonymous")[rng.randrange(4)]
                offline = rng.random() < 0.05
                themes = []
                if pid in themes_of and rng.random() < 0.6:
                    themes = [themes_of[pid][rng.randrange(len(themes_of[pid]))]]
                effects = [theme_effects[t] for t in themes if t in theme_effects]
                if status == "decided" and rng.random() < 0.1:
                    effect = EFFECTS[rng.randrange(len(EFFECTS))]
                    influence(
                        pid,
                        cid,
                        effect,
                        contribution=contribution_id,
                        when=closes + timedelta(days=8),
                    )
                    effects.append(effect)
                outcome = derive(effects) if final else "awaiting"
                responded = final and rng.random() < 0.2
                review = "responded" if responded else ("acknowledged" if final else "new")
                row = {
                    "id": contribution_id,
                    "proposal_id": pid,
                    "community_id": cid,
                    "author_id": None if offline else author,
                    "identity": identity,
                    "quote_consent": rng.random() < 0.3,
                    "source": "meeting" if offline else "online",
                    "source_date": when.date() if offline else None,
                    "people_count": 3 if offline else 1,
                    "recorded_by_id": staff[cid][0] if offline else None,
                    "review_status": review,
                    "idempotency_key": f"scale-{contribution_id}",
                    "submitted_at": when,
                    "updated_at": when,
                    "first_response_at": closes + timedelta(days=2) if responded else None,
                    "withdrawn_at": None,
                    "hidden_at": None,
                    "hidden_reason": None,
                    "outcome": outcome,
                }
                yield row
                yield_answers(contribution_id, pid, rng)
                for theme in themes:
                    theme_assignments.append(
                        {"contribution_id": contribution_id, "theme_id": theme}
                    )
                if responded:
                    replies.append(
                        {
                            "id": response_id + counts["responses"],
                            "contribution_id": contribution_id,
                            "author_id": staff[cid][1],
                            "body": "Thank you: we have shared this with the board.",
                            "created_at": closes + timedelta(days=2),
                        }
                    )
                    counts["responses"] += 1
                if row["author_id"] == heavy:
                    counts["heavy"] += 1
                if outcome != "awaiting" and row["author_id"] is not None:
                    notices.append(
                        {
                            "contribution_id": contribution_id,
                            "outcome": outcome,
                            "created_at": closes + timedelta(days=8),
                        }
                    )
                    if author == heavy or rng.random() < 0.05:
                        messages.append(
                            {
                                "id": message_id,
                                "user_id": author,
                                "kind": "contribution_outcome",
                                "to_email": emails[author],
                                "subject": "What happened to your views",
                                "body": "Your views on a proposal have an outcome.",
                                "in_app": True,
                                "link": f"/proposals/{pid}",
                                "status": "sent",
                                "attempts": 1,
                                "next_attempt_at": closes + timedelta(days=8),
                                "last_error": None,
                                "created_at": closes + timedelta(days=8),
                                "sent_at": closes + timedelta(days=8),
                                "read_at": None
                                if rng.random() < 0.5
                                else closes + timedelta(days=9),
                                "digest": None,
                                "digest_due_at": None,
                                "event_key": None,
                            }
                        )
                        message_id += 1
                contribution_id += 1

    answers, theme_assignments, replies = [], [], []

    def yield_answers(cid_, pid, rng_):
        nonlocal answer_id
        text_q, scale_q = question_of[pid]
        answers.append(
            {
                "id": answer_id,
                "contribution_id": cid_,
                "question_id": text_q,
                "text": said(cid_),
                "scale": None,
                "choices": [],
            }
        )
        answers.append(
            {
                "id": answer_id + 1,
                "contribution_id": cid_,
                "question_id": scale_q,
                "text": "",
                "scale": 1 + rng_.randrange(5),
                "choices": [],
            }
        )
        answer_id += 2

    # Rows that refer to contributions are written after each batch of them, by a
    # writer of their own (quietly), so memory stays flat however many there are.
    quiet = Writer(connection, echo_progress=False)

    def dependants():
        for model, rows in (
            (Answer, answers),
            (ContributionTheme, theme_assignments),
            (Response, replies),
            (OutcomeNotice, notices),
        ):
            if rows:
                quiet.write(model, rows)
                rows.clear()

    out.write(Contribution, contributions(), total, after_batch=dependants)
    out.next_ids.update(
        contributions=contribution_id,
        answers=answer_id,
        responses=response_id + counts["responses"],
    )
    for name, rows in quiet.counts.items():
        out.counts[name] = rows
        echo(f"  {name:<24} {rows:>9,} rows, written with the contributions")
    out.write(Influence, influences, len(influences))
    out.write(InfluenceRevision, revisions, len(revisions))
    out.next_ids.update(influences=influence_id, influence_revisions=revision_id)
    out.write(OutboxMessage, messages, len(messages))
    out.next_ids["outbox_messages"] = message_id
    influences.clear()
    revisions.clear()
    messages.clear()

    # Briefings: one or two per community, published, with versions and readership -------
    briefing_id, version_id = out.ids_from(Briefing), out.ids_from(BriefingVersion)
    briefings, versions, views, readers = [], [], [], []
    for rank, cid in enumerate(community_ids):
        for copy in range(1 if rank > 50 else 2):
            published = ago(300 - 30 * copy)
            number = 2 if copy == 0 else 1
            briefings.append(
                {
                    "id": briefing_id,
                    "community_id": cid,
                    "original_id": None,
                    "language": "en",
                    "visibility": "public",
                    "review_by": None,
                    "title": f"About our work {copy + 1}",
                    "summary": "What we do and why.",
                    "body": "We meet every month.",
                    "easy_read": "",
                    "created_by_id": staff[cid][1],
                    "created_at": published - timedelta(days=5),
                    "updated_at": published,
                    "version_number": number,
                    "published_at": published,
                }
            )
            for v in range(1, number + 1):
                versions.append(
                    {
                        "id": version_id,
                        "briefing_id": briefing_id,
                        "number": v,
                        "title": f"About our work {copy + 1}",
                        "summary": "What we do and why.",
                        "body": "We meet every month.",
                        "easy_read": "",
                        "body_html": "<p>We meet every month.</p>",
                        "easy_read_html": "",
                        "change_note": "First version" if v == 1 else "Clearer wording",
                        "reading_age": 9,
                        "target_reading_age": 11,
                        "override_reason": None,
                        "author_id": staff[cid][1],
                        "created_at": published - timedelta(days=10 * (number - v)),
                    }
                )
                version_id += 1
            timeline.append((cid, BRIEFING_PUBLISHED, briefing_id, "", published))
            days = 60 if rank < 20 else 5
            for d in range(days):
                views.append(
                    {
                        "briefing_id": briefing_id,
                        "day": (ago(d)).date(),
                        "views": 1 + rng.randrange(40),
                    }
                )
            for uid in members[cid][: 200 if rank < 20 else 5]:
                readers.append(
                    {
                        "briefing_id": briefing_id,
                        "user_id": uid,
                        "first_read_on": ago(rng.randrange(250)).date(),
                    }
                )
            briefing_id += 1
    out.write(Briefing, briefings, len(briefings))
    out.write(BriefingVersion, versions, len(versions))
    out.write(BriefingDailyViews, views, len(views))
    out.write(BriefingReader, readers, len(readers))
    out.next_ids.update(briefings=briefing_id, briefing_versions=version_id)
    first_briefing = briefings[0]["id"]
    briefings.clear()
    versions.clear()
    views.clear()
    readers.clear()

    # Involvement: thirteen months of activities, with participations, payments, claims ---
    activity_id, participation_id = out.ids_from(InvolvementActivity), out.ids_from(Participation)
    payment_id, claim_id = out.ids_from(Payment), out.ids_from(ExpenseClaim)
    activities, participations, payments, claims = [], [], [], []
    for rank, cid in enumerate(community_ids):
        months = 13 if rank < 100 else 2
        coordinator = staff[cid][0]
        for month in range(months):
            held = ago(30 * month + 3).date()
            kind = ACTIVITY_KINDS[(rank + month) % len(ACTIVITY_KINDS)]
            activities.append(
                {
                    "id": activity_id,
                    "community_id": cid,
                    "kind": kind,
                    "title": f"Monthly {kind.replace('_', ' ')}",
                    "held_on": held,
                    "minutes": 120,
                    "proposal_id": None,
                    "notes": "",
                    "created_by_id": coordinator,
                    "created_at": ago(30 * month),
                    "updated_at": ago(30 * month),
                }
            )
            lay = members[cid]
            chosen = {lay[(month * 7 + j) % len(lay)] for j in range(min(len(lay), 8))}
            if rank == 0:
                chosen.add(heavy)
            for j, uid in enumerate(sorted(chosen)):
                participations.append(
                    {
                        "id": participation_id,
                        "activity_id": activity_id,
                        "user_id": uid,
                        "attended": True,
                        "created_at": ago(30 * month),
                    }
                )
                participation_id += 1
                status = "paid"
                if month < 3:
                    status = PAYMENT_STATUSES[(month + j) % len(PAYMENT_STATUSES)]
                approved = status in ("approved", "paid")
                payments.append(
                    {
                        "id": payment_id,
                        "activity_id": activity_id,
                        "user_id": uid,
                        "rate_id": None,
                        "units": Decimal("2.00"),
                        "amount": Decimal("50.00"),
                        "method": "paid",
                        "status": status,
                        "approved_at": ago(30 * month) if approved else None,
                        "approved_by_id": coordinator if approved else None,
                        "paid_on": held + timedelta(days=14) if status == "paid" else None,
                        "reference": f"PAY-{payment_id}" if status == "paid" else "",
                        "reminded_at": None,
                        "created_at": ago(30 * month),
                        "updated_at": ago(30 * month),
                    }
                )
                payment_id += 1
                if j % 3 == 0:
                    status = "paid"
                    if month < 3:
                        status = CLAIM_STATUSES[(month + j) % len(CLAIM_STATUSES)]
                    decided_claim = status != "submitted"
                    claims.append(
                        {
                            "id": claim_id,
                            "community_id": cid,
                            "user_id": uid,
                            "activity_id": activity_id,
                            "category": EXPENSE_CATEGORIES[j % len(EXPENSE_CATEGORIES)],
                            "amount": Decimal("12.40"),
                            "approved_amount": (
                                None
                                if status in ("submitted", "rejected")
                                else Decimal("10.00")
                                if status == "part_approved"
                                else Decimal("12.40")
                            ),
                            "spent_on": held,
                            "description": "Bus fare there and back",
                            "receipt_file": None,
                            "receipt_name": None,
                            "receipt_type": None,
                            "status": status,
                            "reason": (
                                "Only the bus fare is covered."
                                if status in ("part_approved", "rejected")
                                else ""
                            ),
                            "decided_by_id": coordinator if decided_claim else None,
                            "decided_at": ago(30 * month) if decided_claim else None,
                            "paid_on": held + timedelta(days=14) if status == "paid" else None,
                            "reference": "",
                            "reminded_at": None,
                            "submitted_at": ago(30 * month + 1),
                        }
                    )
                    claim_id += 1
            activity_id += 1
    out.write(InvolvementActivity, activities, len(activities))
    out.write(Participation, participations, len(participations))
    out.write(Payment, payments, len(payments))
    out.write(ExpenseClaim, claims, len(claims))
    out.next_ids.update(
        involvement_activities=activity_id,
        participations=participation_id,
        payments=payment_id,
        expense_claims=claim_id,
    )
    activities.clear()
    participations.clear()
    payments.clear()
    claims.clear()

    # Timelines: founded, proposals opened and decided, briefings, change statuses -------
    for cid in community_ids:
        timeline.append((cid, FOUNDED, None, "", ago(420)))
    for pid, cid, status in taking:
        timeline.append((cid, PROPOSAL_OPENED, pid, "", windows[pid][0]))
        if status == "decided":
            timeline.append((cid, PROPOSAL_DECIDED, pid, "", windows[pid][1] + timedelta(days=7)))

    def timeline_rows():
        nonlocal timeline_id
        for cid, kind, subject, key, when in timeline:
            if not isinstance(when, datetime):
                when = datetime(when.year, when.month, when.day, 12, tzinfo=UTC)
            yield {
                "id": timeline_id,
                "community_id": cid,
                "kind": kind,
                "subject_id": subject,
                "detail_key": key,
                "title": kind.replace("_", " ").capitalize(),
                "detail": "",
                "public": True,
                "occurred_at": when,
                "created_by_id": None,
                "created_at": when,
            }
            timeline_id += 1

    out.write(TimelineEvent, timeline_rows(), len(timeline))
    out.next_ids["timeline_events"] = timeline_id

    member_counts.recount(connection)
    out.reset_sequences()
    busiest_community = community_ids[0]
    return {
        "seed": seed,
        "factor": factor,
        "counts": n,
        "rows": out.counts,
        "busiest_community_slug": slugs[busiest_community],
        "busiest_proposal_id": busiest,
        "busiest_proposal_contributions": per_proposal[busiest],
        "briefing_id": first_briefing,
        "heavy_lay_partner_email": HEAVY_EMAIL,
        "heavy_lay_partner_contributions": counts["heavy"],
        "coordinator_email": COORDINATOR_EMAIL,
        "professional_email": PROFESSIONAL_EMAIL,
        "password": "chorus-demo-password",
    }
