"""The permission matrix: every route, for every kind of visitor.

Roles: anonymous; a lay partner, a professional and a coordinator of
community A; the coordinator of another community B; and a site admin (who
belongs to neither). Objects belong to community A. Each later feature adds
its routes here; a test fails when a route is missing.
"""

import pytest

from portal import db
from portal.communities.invitations import token_for
from tests import factories
from tests.conftest import csrf_token, sign_in_as

ROLES = ["anonymous", "lay", "professional", "coordinator", "other_coordinator", "admin"]
SIGNED_IN = ROLES[1:]
SIGN_IN = "/sign-in"


def everyone(status, location=None):
    return {role: (status, location) for role in ROLES}


def signed_in(status=200, location=None):
    """Signed-in people get `status`; visitors are sent to sign in."""
    return {"anonymous": (302, SIGN_IN), **{role: (status, location) for role in SIGNED_IN}}


def only(allowed, status=200, location=None, others=403):
    """The roles in `allowed` get `status`; other signed-in people get `others`."""
    expected = signed_in(others)
    expected.update({role: (status, location) for role in allowed})
    return expected


MANAGERS = ("coordinator", "admin")
MEMBERS = ("lay", "professional", "coordinator", "admin")
ADMIN = ("admin",)
AUTHORS = ("professional", "coordinator")
LAY = ("lay",)
# Site admins are not members of community A, so its members-only briefings stay hidden.
READERS_OF_A = ("lay", "professional", "coordinator")


def members_of_a(status=200, location=None):
    """Members of A get `status`; others may not know the object exists (404)."""
    return {
        "anonymous": (404, None),
        **{r: (404, None) for r in SIGNED_IN},
        **{r: (status, location) for r in READERS_OF_A},
    }


def briefing(w, name="members"):
    return w["briefings"][name].id


def proposal(w, name="open"):
    return w["proposals"][name].id


def closed_proposal(w):
    """The world's open proposal, its window moved into the past."""
    return factories.close(w["proposals"]["open"]).id


def draft_question(w):
    from portal.consultations.services import questions

    return questions(w["proposals"]["draft"])[0].id


OWNER = ("lay",)  # the lay partner who wrote the world's contribution


def lay_membership(w):
    return w["memberships"]["lay"].id


def lay_device(w):
    """Another signed-in device of the lay partner's."""
    from portal.accounts.services import start_session

    return start_session(w["people"]["lay"], "Firefox/140.0").id


def lay_notification(w):
    """An in-app notification of the lay partner's, linking to a page of the site."""
    if "notification" not in w:
        from flask import current_app

        from portal.outbox import queue

        with current_app.test_request_context():
            w["notification"] = queue(
                w["people"]["lay"],
                "contribution_hidden",
                proposal=w["proposals"]["open"],
                reason="It names a nurse.",
                link="https://chorus.example/proposals/7",
            )
    return w["notification"].id


# endpoint: (method, path or function of the world, {role: (status, redirect target)})
MATRIX = {
    "main.index": ("GET", "/", everyone(200)),
    "main.accessibility": ("GET", "/accessibility", everyone(200)),
    "main.privacy": ("GET", "/privacy", everyone(200)),
    "main.healthz": ("GET", "/healthz", everyone(200)),
    "main.my_work": (
        "GET",
        "/my-work",
        only(("professional", "coordinator", "other_coordinator", "admin")),
    ),
    "main.set_language": ("POST", "/language", everyone(302, "/")),
    "accounts.register": (
        "GET",
        "/register",
        {"anonymous": (200, None), **{r: (302, "/profile") for r in SIGNED_IN}},
    ),
    "accounts.check_email": ("GET", "/register/check-your-email", everyone(302, "/register")),
    "accounts.verify_email": ("GET", "/verify-email/forged", everyone(400)),
    "accounts.sign_in": (
        "GET",
        "/sign-in",
        {"anonymous": (200, None), **{r: (302, "/") for r in SIGNED_IN}},
    ),
    "accounts.unverified": ("GET", "/sign-in/confirm-your-email", everyone(302, SIGN_IN)),
    "accounts.sign_out": ("POST", "/sign-out", everyone(302, "/")),
    "accounts.forgot_password": ("GET", "/forgot-password", everyone(200)),
    "accounts.reset_password": ("GET", "/reset-password/forged", everyone(400)),
    "accounts.profile": ("GET", "/profile", signed_in()),
    "accounts.edit_profile": ("GET", "/profile/edit", signed_in()),
    "accounts.change_password": ("GET", "/profile/password", signed_in()),
    "accounts.sign_out_everywhere": (
        "POST",
        "/profile/sign-out-everywhere",
        everyone(302, SIGN_IN),
    ),
    "accounts.end_session": (
        "POST",
        lambda w: f"/profile/sessions/{lay_device(w)}/end",
        {
            **signed_in(404),
            "lay": (302, "/profile#devices"),  # another of their own devices
        },
    ),
    "notifications.index": ("GET", "/notifications", signed_in()),
    "notifications.preferences": ("GET", "/notifications/preferences", signed_in()),
    "notifications.mark_all_read": ("POST", "/notifications/read-all", signed_in(302)),
    # The lay partner's own notification: nobody else may know it exists.
    "notifications.mark_read": (
        "POST",
        lambda w: f"/notifications/{lay_notification(w)}/read",
        {**signed_in(404), "lay": (302, "/notifications")},
    ),
    "notifications.open_link": (
        "POST",
        lambda w: f"/notifications/{lay_notification(w)}/open",
        {**signed_in(404), "lay": (302, "/proposals/7")},
    ),
    # Following: whoever may read the proposal or the change.
    "notifications.follow_proposal": (
        "POST",
        lambda w: f"/proposals/{proposal(w)}/follow",
        {**members_of_a(302), "anonymous": (302, SIGN_IN)},
    ),
    "notifications.follow_change": (
        "POST",
        lambda w: f"/changes/{members_change(w)}/follow",
        {**members_of_a(302), "anonymous": (302, SIGN_IN)},
    ),
    "communities.directory": ("GET", "/communities", everyone(200)),
    "communities.show": ("GET", "/communities/alpha", everyone(200)),
    "communities.join": (
        "GET",
        "/communities/beta/join",
        {**signed_in(), "other_coordinator": (302, "/communities/beta")},
    ),
    "communities.needs": ("GET", "/profile/communication-needs", signed_in()),
    "communities.leave": (
        "GET",
        "/communities/alpha/leave",
        only(("lay", "professional", "coordinator"), others=404),
    ),
    "communities.consent": ("GET", "/communities/alpha/consent", only(("lay",), others=404)),
    "communities.mine": ("GET", "/my/communities", signed_in()),
    "communities.members": ("GET", "/communities/alpha/members", only(MEMBERS)),
    "communities.member": (
        "GET",
        lambda w: f"/communities/alpha/members/{lay_membership(w)}",
        only(MANAGERS),
    ),
    "communities.change_role": (
        "POST",
        lambda w: f"/communities/alpha/members/{lay_membership(w)}/role",
        only(MANAGERS),  # 200: the form comes back asking for a role
    ),
    "communities.remove_member": (
        "POST",
        lambda w: f"/communities/alpha/members/{lay_membership(w)}/remove",
        only(MANAGERS),  # 200: the form comes back asking for a reason
    ),
    "communities.requests": ("GET", "/communities/alpha/requests", only(MANAGERS)),
    "communities.invitations_page": ("GET", "/communities/alpha/invitations", only(MANAGERS)),
    "communities.ways_to_respond": (
        "GET",
        "/communities/alpha/ways-to-respond",
        only(MANAGERS),
    ),
    "communities.resend_invitation": (
        "POST",
        lambda w: f"/communities/alpha/invitations/{w['invitation'].id}/resend",
        only(MANAGERS, 302, "/communities/alpha/invitations"),
    ),
    "communities.revoke_invitation": (
        "POST",
        lambda w: f"/communities/alpha/invitations/{w['invitation'].id}/revoke",
        only(MANAGERS, 302, "/communities/alpha/invitations"),
    ),
    "communities.accept_invitation": (
        "GET",
        lambda w: f"/invitations/{token_for(w['invitation'])}",
        everyone(200),
    ),
    "communities.register_from_invitation": (
        "GET",
        lambda w: f"/invitations/{token_for(w['invitation'])}/register",
        {"anonymous": (200, None), **{r: (302, None) for r in SIGNED_IN}},
    ),
    "communities.create": ("GET", "/communities/new", only(ADMIN)),
    "communities.edit": ("GET", "/communities/alpha/edit", only(ADMIN)),
    "communities.archive": (
        "POST",
        "/communities/alpha/archive",
        only(ADMIN, 302, "/communities/alpha"),
    ),
    "communities.appoint": ("GET", "/communities/alpha/coordinators", only(ADMIN)),
    # Briefings: the members-only briefing of A, unless the route is about drafts.
    "briefings.index": ("GET", "/briefings", everyone(200)),
    "briefings.show": ("GET", lambda w: f"/briefings/{briefing(w)}", members_of_a()),
    "briefings.feedback": (
        "POST",
        lambda w: f"/briefings/{briefing(w)}/feedback",
        {**members_of_a(400), "anonymous": (302, SIGN_IN)},  # 400: no answer chosen
    ),
    "briefings.versions": ("GET", lambda w: f"/briefings/{briefing(w)}/versions", members_of_a()),
    "briefings.version": ("GET", lambda w: f"/briefings/{briefing(w)}/versions/1", members_of_a()),
    "briefings.compare": (
        "GET",
        lambda w: f"/briefings/{briefing(w)}/compare?old=1&new=1",
        members_of_a(),
    ),
    "briefings.insights": (
        "GET",
        lambda w: f"/briefings/{briefing(w)}/insights",
        {**members_of_a(), "anonymous": (302, SIGN_IN), "lay": (403, None)},
    ),
    "briefings.translate": (
        "GET",
        lambda w: f"/briefings/{briefing(w)}/translate",
        {**members_of_a(), "anonymous": (302, SIGN_IN), "lay": (403, None)},
    ),
    "briefings.edit": (
        "GET",
        lambda w: f"/briefings/{briefing(w, 'draft')}/edit",
        only(AUTHORS, others=404),
    ),
    "briefings.preview": (
        "GET",
        lambda w: f"/briefings/{briefing(w, 'draft')}/preview",
        only(AUTHORS, others=404),
    ),
    "briefings.publish": (
        "POST",
        lambda w: f"/briefings/{briefing(w, 'draft')}/publish",
        only(AUTHORS, 400, others=404),  # 400: the change note is missing
    ),
    "briefings.manage": ("GET", "/communities/alpha/briefings", only(AUTHORS)),
    "briefings.new": ("GET", "/communities/alpha/briefings/new", only(AUTHORS)),
    "briefings.glossary_index": ("GET", "/glossary", everyone(200)),
    "briefings.glossary_new": (
        "GET",
        "/glossary/new",
        only(("coordinator", "other_coordinator", "admin")),
    ),
    "briefings.glossary_edit": (
        "GET",
        lambda w: f"/glossary/{w['terms']['a'].id}/edit",
        only(("coordinator",)),
    ),
    "briefings.glossary_delete": (
        "POST",
        lambda w: f"/glossary/{w['terms']['a'].id}/delete",
        only(("coordinator",), 302, "/glossary"),
    ),
}

MATRIX.update(
    {
        # Proposals: members of A read published ones; A's lay partners answer them.
        "consultations.index": (
            "GET",
            "/communities/alpha/proposals",
            only(("lay", "professional", "coordinator")),
        ),
        "consultations.show": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}",
            everyone(200),  # a public consultation; invite-only communities' are 404
        ),
        "consultations.contribute": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}/contribute",
            {
                **members_of_a(403),
                "anonymous": (302, SIGN_IN),
                "lay": (302, None),  # to the contribution they already gave
            },
        ),
        "consultations.autosave": (
            "POST",
            lambda w: f"/proposals/{proposal(w)}/draft",
            {**members_of_a(403), "anonymous": (302, SIGN_IN), "lay": (204, None)},
        ),
        "consultations.contribution": (
            "GET",
            lambda w: f"/contributions/{w['contribution'].id}",
            only(OWNER, others=404),
        ),
        "consultations.edit_contribution": (
            "GET",
            lambda w: f"/contributions/{w['contribution'].id}/edit",
            only(OWNER, others=404),
        ),
        "consultations.withdraw": (
            "POST",
            lambda w: f"/contributions/{w['contribution'].id}/withdraw",
            only(OWNER, 302, others=404),
        ),
        "consultations.mine": ("GET", "/my/contributions", signed_in()),
        # Writing proposals: A's professionals and coordinators; drafts unseen by others.
        "consultations.new": ("GET", "/communities/alpha/proposals/new", only(AUTHORS)),
        "consultations.edit": (
            "GET",
            lambda w: f"/proposals/{proposal(w, 'draft')}/edit",
            only(AUTHORS, others=404),
        ),
        "consultations.questions": (
            "GET",
            lambda w: f"/proposals/{proposal(w, 'draft')}/questions",
            only(AUTHORS, others=404),
        ),
        "consultations.question_new": (
            "GET",
            lambda w: f"/proposals/{proposal(w, 'draft')}/questions/new",
            only(AUTHORS, others=404),
        ),
        "consultations.question_edit": (
            "GET",
            lambda w: f"/proposals/{proposal(w, 'draft')}/questions/{draft_question(w)}/edit",
            only(AUTHORS, others=404),
        ),
        "consultations.question_move": (
            "POST",
            lambda w: f"/proposals/{proposal(w, 'draft')}/questions/{draft_question(w)}/move",
            only(AUTHORS, 302, others=404),
        ),
        "consultations.question_delete": (
            "POST",
            lambda w: f"/proposals/{proposal(w, 'draft')}/questions/{draft_question(w)}/delete",
            only(AUTHORS, 302, others=404),
        ),
        "consultations.publish": (
            "GET",
            lambda w: f"/proposals/{proposal(w, 'draft')}/publish",
            only(AUTHORS, others=404),
        ),
        # The consultation's life: its author and A's coordinators move its window and
        # publish what was heard; reviewers read that summary before it is published.
        "consultations.window_move": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}/window/pause",
            {**members_of_a(), "anonymous": (302, SIGN_IN), "lay": (403, None)},
        ),
        "consultations.heard_summary": (
            "GET",
            lambda w: f"/proposals/{closed_proposal(w)}/heard",
            {**members_of_a(), "anonymous": (302, SIGN_IN), "lay": (404, None)},
        ),
        "consultations.publish_heard": (
            "POST",
            lambda w: f"/proposals/{closed_proposal(w)}/heard/publish",
            {**members_of_a(302), "anonymous": (302, SIGN_IN), "lay": (403, None)},
        ),
        # Review: professionals and coordinators; a lay partner never opens the inbox.
        "consultations.inbox": (
            "GET",
            "/review",
            only(("professional", "coordinator", "other_coordinator")),
        ),
        "consultations.bulk": (
            "POST",
            "/review/bulk",
            only(("professional", "coordinator", "other_coordinator"), 400),  # nothing selected
        ),
        "consultations.review_contribution": (
            "GET",
            lambda w: f"/review/contributions/{w['contribution'].id}",
            only(AUTHORS, others=404),
        ),
        "consultations.acknowledge": (
            "POST",
            lambda w: f"/review/contributions/{w['contribution'].id}/acknowledge",
            only(AUTHORS, 302, others=404),
        ),
        "consultations.reply": (
            "POST",
            lambda w: f"/review/contributions/{w['contribution'].id}/reply",
            only(AUTHORS, 400, others=404),  # 400: no reply written
        ),
        "consultations.themes": (
            "POST",
            lambda w: f"/review/contributions/{w['contribution'].id}/themes",
            only(AUTHORS, 302, others=404),
        ),
        "consultations.proposal_themes": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}/themes",
            {**only(AUTHORS, others=404), "lay": (403, None)},
        ),
        "consultations.rename_theme": (
            "POST",
            lambda w: f"/proposals/{proposal(w)}/themes/{w['theme'].id}/rename",
            {**only(AUTHORS, 302, others=404), "lay": (403, None)},
        ),
        "consultations.merge_theme": (
            "POST",
            lambda w: f"/proposals/{proposal(w)}/themes/{w['theme'].id}/merge",
            {**only(AUTHORS, 302, others=404), "lay": (403, None)},
        ),
        "consultations.summary": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}/summary",
            {**only(AUTHORS, others=404), "lay": (403, None)},
        ),
        # Moderation and offline input: the coordinator of A.
        "consultations.report": (
            "GET",
            lambda w: f"/review/contributions/{w['contribution'].id}/report",
            only(AUTHORS, others=404),
        ),
        "consultations.hide": (
            "GET",
            lambda w: f"/review/contributions/{w['contribution'].id}/hide",
            {**only(("coordinator",), others=404), "professional": (403, None)},
        ),
        "consultations.quote": (
            "GET",
            lambda w: f"/review/contributions/{w['contribution'].id}/quote",
            {**only(("coordinator",), others=404), "professional": (403, None)},
        ),
        "consultations.reports": ("GET", "/communities/alpha/reports", only(("coordinator",))),
        "consultations.dismiss_report": (
            "POST",
            lambda w: f"/communities/alpha/reports/{w['report'].id}/dismiss",
            only(("coordinator",), 302, "/communities/alpha/reports"),
        ),
        "consultations.record": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}/record",
            {
                **only(("coordinator",), others=404),
                "professional": (403, None),
                "lay": (403, None),
            },
        ),
        "consultations.export": (
            "GET",
            lambda w: f"/proposals/{proposal(w)}/export.csv",
            {**only(AUTHORS, others=404), "lay": (403, None)},
        ),
    }
)

# The public briefing of A: everyone reads it; only A's authors write about it.
PUBLIC_BRIEFING = {
    "briefings.show": ("GET", lambda w: f"/briefings/{briefing(w, 'public')}", everyone(200)),
    "briefings.versions": (
        "GET",
        lambda w: f"/briefings/{briefing(w, 'public')}/versions",
        everyone(200),
    ),
    "briefings.insights": (
        "GET",
        lambda w: f"/briefings/{briefing(w, 'public')}/insights",
        only(AUTHORS),
    ),
    "briefings.edit": (
        "GET",
        lambda w: f"/briefings/{briefing(w, 'public')}/edit",
        only(AUTHORS),
    ),
    "briefings.feedback": (
        "POST",
        lambda w: f"/briefings/{briefing(w, 'public')}/feedback",
        signed_in(400),
    ),
    "briefings.glossary_edit": (
        "GET",
        lambda w: f"/glossary/{w['terms']['site'].id}/edit",
        only(("coordinator", "other_coordinator", "admin")),
    ),
}


def published_heard(w):
    """The world's open proposal, closed, with what was heard published."""
    from portal.consultations import heard

    proposal = factories.close(w["proposals"]["open"])
    heard.publish(w["people"]["coordinator"], proposal)
    return proposal.id


# What we heard, once published: for everyone, signed out too (A is not members-only).
PUBLISHED_HEARD = {
    "consultations.heard_summary": (
        "GET",
        lambda w: f"/proposals/{published_heard(w)}/heard",
        everyone(200),
    ),
}


def impact_of_a(w):
    """A's decided proposal with the lay partner's views linked to a members-only change.

    Made once per test, on first use, so that other routes' worlds stay as they were.
    """
    if "impact" not in w:
        from flask import current_app

        from portal.impact import influence

        with current_app.test_request_context():  # the contributor is told, with a link
            w["impact"] = _make_impact_of_a(w, influence)
    return w["impact"]


def _make_impact_of_a(w, influence):
    from portal.briefings.models import MEMBERS

    a, professional = w["a"], w["people"]["professional"]
    decided = factories.make_proposal(a, professional, title="Decided proposal")
    views = factories.make_contribution(decided, a, w["people"]["lay"])
    decision = factories.make_decision(decided, a, professional)
    change = factories.make_change(a, professional, visibility=MEMBERS)
    [link] = influence.link(
        professional,
        decided,
        target=f"change:{change.id}",
        effect="adopted",
        rationale="",
        contributions=[views],
    )
    return {"proposal": decided, "decision": decision, "change": change, "link": link}


def decided(w):
    return impact_of_a(w)["proposal"].id


def members_change(w):
    return impact_of_a(w)["change"].id


# Reviewers and authors of A; members of A who may not act there get 403; everyone else 404.
def authors_of_a(status=200, location=None, members=403):
    return {
        **members_of_a(members),
        "anonymous": (302, SIGN_IN),
        "professional": (status, location),
        "coordinator": (status, location),
    }


MATRIX.update(
    {
        # Decisions, service changes and influence: A's professionals and coordinators.
        "impact.decision": ("GET", lambda w: f"/proposals/{decided(w)}/decision", authors_of_a()),
        "impact.changes": ("GET", "/communities/alpha/changes", everyone(200)),
        "impact.new_change": (
            "GET",
            "/communities/alpha/changes/new",
            {**only(AUTHORS), "other_coordinator": (403, None)},
        ),
        # A members-only change: nobody outside A may know it exists.
        "impact.change": (
            "GET",
            lambda w: f"/changes/{members_change(w)}",
            {**members_of_a(), "anonymous": (404, None)},
        ),
        "impact.edit_change": (
            "GET",
            lambda w: f"/changes/{members_change(w)}/edit",
            authors_of_a(),
        ),
        "impact.move_change": (
            "POST",
            lambda w: f"/changes/{members_change(w)}/status",
            authors_of_a(400),  # an empty form: the change page again, with errors
        ),
        "impact.add_milestone": (
            "POST",
            lambda w: f"/changes/{members_change(w)}/milestones",
            authors_of_a(400),
        ),
        "impact.evaluation": (
            "GET",
            lambda w: f"/changes/{members_change(w)}/evaluation",
            authors_of_a(),
        ),
        "impact.link": ("GET", lambda w: f"/proposals/{decided(w)}/influence", authors_of_a()),
        "impact.influence": (
            "GET",
            lambda w: f"/influences/{impact_of_a(w)['link'].id}",
            authors_of_a(),
        ),
        "impact.remove_influence": (
            "POST",
            lambda w: f"/influences/{impact_of_a(w)['link'].id}/remove",
            authors_of_a(302),
        ),
        # Anyone who reviews some community; the coordinator of B reviews B.
        "impact.outcome_missing": (
            "GET",
            "/review/outcome-missing",
            only(("professional", "coordinator", "other_coordinator")),
        ),
        # What the views changed: the person's own, a proposal's members, and the public.
        "impact.mine": ("GET", "/my/impact", signed_in(200)),
        "impact.trace": (
            "GET",
            lambda w: f"/proposals/{decided(w)}/trace",
            everyone(200),  # a public consultation's trace
        ),
        "impact.board": ("GET", "/you-said-we-did", everyone(200)),
        "impact.timeline": ("GET", "/communities/alpha/timeline", everyone(200)),
        "impact.new_event": (
            "GET",
            "/communities/alpha/timeline/new",
            only(("coordinator",)),
        ),
        "impact.open_data": ("GET", "/open-data", everyone(200)),
        "impact.open_data_file": ("GET", "/open-data/changes.csv", everyone(200)),
        # The impact dashboard and report: A's coordinators.
        "impact.dashboard": ("GET", "/communities/alpha/impact", only(("coordinator",))),
        "impact.report": ("GET", "/communities/alpha/impact/report", only(("coordinator",))),
        "impact.edit_report": (
            "GET",
            "/communities/alpha/impact/report/edit",
            only(("coordinator",)),
        ),
        "impact.report_data": (
            "GET",
            "/communities/alpha/impact/report.json",
            only(("coordinator",)),
        ),
    }
)


def claim_of_a(w):
    """An expense claim by A's lay partner, with a receipt. Made once per test, on first use."""
    if "claim" not in w:
        import io
        from datetime import date
        from decimal import Decimal

        from flask import current_app
        from werkzeug.datastructures import FileStorage

        from portal.involvement import expenses

        with current_app.test_request_context():
            w["claim"] = expenses.submit(
                w["people"]["lay"],
                w["a"],
                category="travel",
                amount=Decimal("12.40"),
                spent_on=date(2026, 5, 1),
                description="Bus to the panel",
                receipt=FileStorage(stream=io.BytesIO(b"%PDF-1.4 ticket"), filename="ticket.pdf"),
            )
    return w["claim"].id


def owner_and_coordinator_of_a(status=200, location=None, coordinator=None):
    """A lay partner's own claim: they and A's coordinators; nobody else may know it exists."""
    return {
        "anonymous": (302, SIGN_IN),
        **{role: (404, None) for role in SIGNED_IN},
        "lay": (status, location),
        "coordinator": coordinator or (status, location),
    }


MATRIX.update(
    {
        # A lay partner's own involvement, money and equality answers.
        "involvement.mine": ("GET", "/my/involvement", signed_in(200)),
        "involvement.statement": ("GET", "/my/involvement/statement", signed_in(200)),
        "involvement.statement_csv": ("GET", "/my/involvement/statement.csv", signed_in(200)),
        "involvement.preference": ("GET", "/profile/payment", signed_in(200)),
        "involvement.equality": ("GET", "/profile/equality", signed_in(200)),
        "involvement.delete_equality": (
            "POST",
            "/profile/equality/delete",
            signed_in(302, "/profile/equality"),
        ),
        # Expense claims: A's lay partners claim; the owner and A's coordinators see them.
        "involvement.new_claim": ("GET", "/communities/alpha/expenses/new", only(LAY)),
        "involvement.claim": (
            "GET",
            lambda w: f"/expenses/{claim_of_a(w)}",
            owner_and_coordinator_of_a(),
        ),
        "involvement.receipt": (
            "GET",
            lambda w: f"/expenses/{claim_of_a(w)}/receipt",
            owner_and_coordinator_of_a(),
        ),
        "involvement.edit_claim": (
            "GET",
            lambda w: f"/expenses/{claim_of_a(w)}/edit",
            owner_and_coordinator_of_a(coordinator=(403, None)),
        ),
        "involvement.decide_claim": (
            "POST",
            lambda w: f"/expenses/{claim_of_a(w)}/decision",
            owner_and_coordinator_of_a(403, coordinator=(400, None)),  # an empty decision
        ),
        "involvement.pay_claim": (
            "POST",
            lambda w: f"/expenses/{claim_of_a(w)}/paid",
            owner_and_coordinator_of_a(403, coordinator=(302, None)),  # not approved yet
        ),
    }
)


def activity_of_a(w):
    """A's meeting with its lay partner offered a payment. Made once per test, on first use."""
    if "activity" not in w:
        from datetime import date
        from decimal import Decimal

        import sqlalchemy as sa
        from flask import current_app

        from portal.involvement import services
        from portal.involvement.models import Payment

        coordinator = w["people"]["coordinator"]
        with current_app.test_request_context():
            services.add_rate(
                w["people"]["admin"],
                kind="meeting",
                unit="hour",
                amount=Decimal("25"),
                effective_from=date(2025, 1, 1),
            )
            activity = services.create_activity(
                coordinator,
                w["a"],
                kind="meeting",
                title="Patient panel",
                held_on=date(2026, 5, 1),
                minutes=90,
            )
            services.record_attendance(coordinator, activity, w["a"], [w["people"]["lay"].id])
        payment = db.session.scalar(sa.select(Payment).where(Payment.activity_id == activity.id))
        w["activity"] = (activity.id, payment.id)
    return w["activity"]


def coordinator_of_a(status=200, location=None):
    """An activity or payment of A: its coordinators; A's other members 403; others 404."""
    return {
        **members_of_a(403),
        "anonymous": (302, SIGN_IN),
        "coordinator": (status, location),
    }


MATRIX.update(
    {
        # Involvement records and payments: A's coordinators.
        "involvement.activities": ("GET", "/communities/alpha/activities", only(("coordinator",))),
        "involvement.new_activity": (
            "GET",
            "/communities/alpha/activities/new",
            only(("coordinator",)),
        ),
        "involvement.activity": (
            "GET",
            lambda w: f"/activities/{activity_of_a(w)[0]}",
            coordinator_of_a(),
        ),
        "involvement.edit_activity": (
            "GET",
            lambda w: f"/activities/{activity_of_a(w)[0]}/edit",
            coordinator_of_a(),
        ),
        "involvement.attendance": (
            "GET",
            lambda w: f"/activities/{activity_of_a(w)[0]}/attendance",
            coordinator_of_a(),
        ),
        "involvement.remove_participant": (
            "POST",
            lambda w: (
                f"/activities/{activity_of_a(w)[0]}/participants/{w['people']['lay'].id}/remove"
            ),
            coordinator_of_a(302),
        ),
        "involvement.move_payment": (
            "POST",
            lambda w: f"/payments/{activity_of_a(w)[1]}/accept",
            coordinator_of_a(302),
        ),
        "involvement.pay": (
            "POST",
            lambda w: f"/payments/{activity_of_a(w)[1]}/pay",
            coordinator_of_a(400),  # no date or reference
        ),
        "involvement.queue": ("GET", "/communities/alpha/approvals", only(("coordinator",))),
        "involvement.payments_due": (
            "GET",
            "/communities/alpha/payments-due",
            only(("coordinator",)),
        ),
        "involvement.payments_due_csv": (
            "GET",
            "/communities/alpha/payments-due.csv",
            only(("coordinator",)),
        ),
        "involvement.totals": ("GET", "/communities/alpha/money", only(("coordinator",))),
        "involvement.rates": ("GET", "/admin/payment-rates", only(ADMIN)),
        # The community health dashboard: A's coordinators.
        "health.dashboard": ("GET", "/communities/alpha/health", only(("coordinator",))),
        "health.dashboard_csv": ("GET", "/communities/alpha/health.csv", only(("coordinator",))),
    }
)

# Routes that name an object of community A through community B's address:
# the coordinator of B must not reach it (404), nor anyone else.
CROSS_COMMUNITY = {
    "communities.member": ("GET", lambda w: f"/communities/beta/members/{lay_membership(w)}"),
    "communities.change_role": (
        "POST",
        lambda w: f"/communities/beta/members/{lay_membership(w)}/role",
    ),
    "communities.remove_member": (
        "POST",
        lambda w: f"/communities/beta/members/{lay_membership(w)}/remove",
    ),
    "communities.resend_invitation": (
        "POST",
        lambda w: f"/communities/beta/invitations/{w['invitation'].id}/resend",
    ),
    "communities.revoke_invitation": (
        "POST",
        lambda w: f"/communities/beta/invitations/{w['invitation'].id}/revoke",
    ),
    "consultations.dismiss_report": (
        "POST",
        lambda w: f"/communities/beta/reports/{w['report'].id}/dismiss",
    ),
    # A theme of A's proposal through B's draft proposal.
    "consultations.rename_theme": (
        "POST",
        lambda w: f"/proposals/{proposal(w, 'b')}/themes/{w['theme'].id}/rename",
        404,
    ),
    "consultations.merge_theme": (
        "POST",
        lambda w: f"/proposals/{proposal(w, 'b')}/themes/{w['theme'].id}/merge",
        404,
    ),
    # A theme and views of A's proposal, to be linked through B's draft proposal.
    "impact.link": (
        "GET",
        lambda w: f"/proposals/{proposal(w, 'b')}/influence?theme={w['theme'].id}",
        404,
    ),
    # A question of A's draft through B's draft proposal: nobody of A may see B's draft.
    "consultations.question_edit": (
        "GET",
        lambda w: f"/proposals/{proposal(w, 'b')}/questions/{draft_question(w)}/edit",
        404,
    ),
    "consultations.question_move": (
        "POST",
        lambda w: f"/proposals/{proposal(w, 'b')}/questions/{draft_question(w)}/move",
        404,
    ),
    "consultations.question_delete": (
        "POST",
        lambda w: f"/proposals/{proposal(w, 'b')}/questions/{draft_question(w)}/delete",
        404,
    ),
}


def _request(client, world, role, method, path):
    if role != "anonymous":
        sign_in_as(client, world["people"][role])
    path = path(world) if callable(path) else path
    if method == "POST":
        return client.post(path, data={"csrf_token": csrf_token(client)})
    return client.get(path)


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - set(MATRIX) == set(), "add the new routes to the permission matrix"
    assert set(MATRIX) - endpoints == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_role_as_expected(client, world, endpoint, role):
    method, path, expected = MATRIX[endpoint]
    response = _request(client, world, role, method, path)
    status, location = expected[role]
    assert response.status_code == status
    if location is not None:
        assert response.headers["Location"].split("?")[0] == location


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(PUBLIC_BRIEFING))
def test_public_briefing_answers_each_role_as_expected(client, world, endpoint, role):
    method, path, expected = PUBLIC_BRIEFING[endpoint]
    response = _request(client, world, role, method, path)
    status, location = expected[role]
    assert response.status_code == status
    if location is not None:
        assert response.headers["Location"].split("?")[0] == location


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(PUBLISHED_HEARD))
def test_published_heard_answers_each_role_as_expected(client, world, endpoint, role):
    method, path, expected = PUBLISHED_HEARD[endpoint]
    response = _request(client, world, role, method, path)
    assert response.status_code == expected[role][0]


@pytest.mark.parametrize("role", ["other_coordinator", "coordinator"])
@pytest.mark.parametrize("endpoint", sorted(CROSS_COMMUNITY))
def test_objects_are_not_reached_through_another_community(client, world, endpoint, role):
    method, path, *coordinator_of_a = CROSS_COMMUNITY[endpoint]
    response = _request(client, world, role, method, path)
    expected = coordinator_of_a[0] if coordinator_of_a else 403
    assert response.status_code == (404 if role == "other_coordinator" else expected)


def test_post_routes_refuse_get(client, world):
    for endpoint, (method, path, _expected) in MATRIX.items():
        if method == "POST":
            path = path(world) if callable(path) else path
            assert client.get(path).status_code == 405, endpoint
