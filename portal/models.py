"""Every model, imported in one place so Alembic and the tests see all tables."""

from .accounts.models import User, UserSession
from .briefings.models import (
    Briefing,
    BriefingDailyViews,
    BriefingFeedback,
    BriefingLink,
    BriefingReader,
    BriefingVersion,
    BriefingViewBatch,
    GlossaryTerm,
)
from .communities.models import (
    CommunicationNeeds,
    Community,
    ConsentRecord,
    Invitation,
    Membership,
    MembershipEvent,
)
from .communities.timeline import TimelineEvent
from .consultations.models import (
    Answer,
    Contribution,
    ContributionDraft,
    ContributionRevision,
    HeldForm,
    Proposal,
    ProposalBriefing,
    Question,
)
from .db import Base
from .health.models import CommunityMonthFigures
from .held import HeldText
from .impact.models import (
    ChangeDecision,
    ChangeStatusEntry,
    Decision,
    Evaluation,
    ImpactReport,
    Influence,
    InfluenceRevision,
    Milestone,
    OutcomeNotice,
    ServiceChange,
)
from .involvement.models import (
    EqualityAnswers,
    ExpenseClaim,
    InvolvementActivity,
    Participation,
    Payment,
    PaymentPreference,
    PaymentRate,
)
from .notifications.models import Follow, NotificationSettings
from .outbox import OutboxMessage

__all__ = [
    "Answer",
    "Base",
    "CommunityMonthFigures",
    "Contribution",
    "ContributionDraft",
    "ContributionRevision",
    "HeldForm",
    "HeldText",
    "Proposal",
    "ProposalBriefing",
    "Question",
    "Briefing",
    "BriefingDailyViews",
    "BriefingFeedback",
    "BriefingLink",
    "BriefingReader",
    "BriefingVersion",
    "BriefingViewBatch",
    "GlossaryTerm",
    "CommunicationNeeds",
    "Community",
    "ConsentRecord",
    "Invitation",
    "Membership",
    "MembershipEvent",
    "OutboxMessage",
    "Follow",
    "NotificationSettings",
    "ChangeDecision",
    "ChangeStatusEntry",
    "Decision",
    "Evaluation",
    "ImpactReport",
    "Influence",
    "InfluenceRevision",
    "Milestone",
    "OutcomeNotice",
    "ServiceChange",
    "TimelineEvent",
    "EqualityAnswers",
    "ExpenseClaim",
    "InvolvementActivity",
    "Participation",
    "Payment",
    "PaymentPreference",
    "PaymentRate",
    "User",
    "UserSession",
]
