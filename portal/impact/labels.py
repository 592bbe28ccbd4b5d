"""Words shown for the impact vocabulary, translated once per language (see `Labels`)."""

from flask_babel import lazy_gettext as _l

from ..briefings.models import MEMBERS, PUBLIC
from ..communities import timeline
from ..i18n import Labels
from .models import (
    ADAPTED,
    ADOPTED,
    APPROVED,
    APPROVED_WITH_CHANGES,
    AWAITING,
    DEFERRED,
    DID_NOT_WORK,
    EVALUATED,
    IMPLEMENTED,
    IN_PROGRESS,
    INFORMED,
    NOT_ADOPTED,
    NOT_APPROVED,
    PARTLY,
    PLANNED,
    SHAPED,
    STOPPED,
    TOO_EARLY,
    WORKED,
)

EFFECT_LABELS = {
    ADOPTED: _l("Adopted"),
    ADAPTED: _l("Adopted with changes"),
    INFORMED: _l("Informed the decision"),
    NOT_ADOPTED: _l("Not adopted"),
}
DECISION_KIND_LABELS = {
    APPROVED: _l("Approved"),
    APPROVED_WITH_CHANGES: _l("Approved with changes"),
    NOT_APPROVED: _l("Not approved"),
    DEFERRED: _l("Deferred"),
}
EFFECT_HINTS = {
    ADOPTED: _l("Done as the person suggested."),
    ADAPTED: _l("The idea was used, in a changed form."),
    INFORMED: _l("It was weighed up and helped shape the thinking."),
    NOT_ADOPTED: _l("It was not taken up. You must say why."),
}
OUTCOME_LABELS = {
    SHAPED: _l("Shaped a change"),
    NOT_ADOPTED: _l("Not adopted"),
    AWAITING: _l("Waiting for an outcome"),
}
CHANGE_STATUS_LABELS = {
    PLANNED: _l("Planned"),
    IN_PROGRESS: _l("In progress"),
    IMPLEMENTED: _l("Done"),
    EVALUATED: _l("Evaluated"),
    STOPPED: _l("Stopped"),
}
WORKED_LABELS = {
    WORKED: _l("Yes, it worked"),
    PARTLY: _l("It partly worked"),
    DID_NOT_WORK: _l("No, it did not work"),
    TOO_EARLY: _l("It is too early to tell"),
}
VISIBILITY_LABELS = {
    PUBLIC: _l("Everyone, on the public board and in open data"),
    MEMBERS: _l("Members of the community only"),
}
TIMELINE_KIND_LABELS = {
    timeline.FOUNDED: _l("Community founded"),
    timeline.BRIEFING_PUBLISHED: _l("Briefing published"),
    timeline.PROPOSAL_OPENED: _l("Proposal opened"),
    timeline.PROPOSAL_DECIDED: _l("Proposal decided"),
    timeline.CHANGE_STATUS: _l("Service change moved on"),
    timeline.EVALUATION_RECORDED: _l("Evaluation recorded"),
    timeline.MEMBERS_MILESTONE: _l("Membership milestone"),
    timeline.MEETING: _l("Meeting held"),
    timeline.AWARD: _l("Award"),
    timeline.PRESENTATION: _l("Presentation"),
    timeline.OTHER: _l("Other"),
}

LABELS = {
    "effect_labels": Labels(EFFECT_LABELS),
    "effect_hints": Labels(EFFECT_HINTS),
    "decision_kind_labels": Labels(DECISION_KIND_LABELS),
    "outcome_labels": Labels(OUTCOME_LABELS),
    "change_status_labels": Labels(CHANGE_STATUS_LABELS),
    "worked_labels": Labels(WORKED_LABELS),
    "impact_visibility_labels": Labels(VISIBILITY_LABELS),
    "timeline_kind_labels": Labels(TIMELINE_KIND_LABELS),
}
