"""Named signals between Chorus's domains.

A domain announces that something moved; other domains react without being
imported by it. Senders call `signal.send(obj, **details)` inside the
service's transaction, so a receiver's outbox rows commit (or roll back)
with the change. Receivers are connected in one place, `connect_receivers`,
called from `create_app`, so the wiring can be read in one file.
"""

from blinker import Namespace
from flask import Flask

_signals = Namespace()

# A proposal's consultation moved. Sent with the proposal, `what` (one of
# "closed_early", "extended", "paused", "resumed", "closed", "decision") and
# `by` (the user who did it, or None for the worker).
proposal_moved = _signals.signal("proposal-moved")

# A service change moved. Sent with the change, `what` ("status" or
# "evaluation") and `by`.
change_moved = _signals.signal("change-moved")

# Contributions gained or lost a theme (themed, unthemed, or moved by a merge).
# Sent with no sender and `contribution_ids`.
themes_changed = _signals.signal("themes-changed")

# A theme is about to be merged into another. Sent with the theme and `into`.
theme_merging = _signals.signal("theme-merging")


def connect_receivers(app: Flask) -> None:
    """Connect every domain's reactions to the signals above.

    Connecting the same function twice is harmless (blinker keeps one), so
    several apps in one process (the tests) share one set of receivers.
    """
    from .notifications import follows

    # Followers of a proposal or a change are told when it moves.
    proposal_moved.connect(follows.on_proposal_moved)
    change_moved.connect(follows.on_change_moved)

    from .impact import influence

    # Outcomes held while a proposal was open are told when it closes early or is decided.
    proposal_moved.connect(influence.on_proposal_moved)

    # A contribution's outcome depends on the links of its themes: it follows them, and a
    # merged theme hands its links to the theme it joins.
    themes_changed.connect(influence.on_themes_changed)
    theme_merging.connect(influence.on_theme_merging)

    from .communities import member_counts, timeline

    # Database hooks, in this order: each member's sort name and each community's member
    # counts are kept with every flush, then the community's timeline marks milestones.
    member_counts.listen()
    timeline.listen()

    from .involvement import receipts

    # Receipt files follow the transaction that names them.
    receipts.listen()
