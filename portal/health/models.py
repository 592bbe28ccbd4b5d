"""Summary rows kept with the writes, so the health dashboard reads a few rows per month
instead of grouping a year of raw rows on every request."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CommunityMonthFigures(Base):
    """A community's additive figures for one month (`month` is its first day, UK time).

    Each column is a count or a sum that the services add to (or take from) in the same
    transaction as the write that changes it; `flask summaries rebuild` recomputes them
    all from the raw rows.
    """

    __tablename__ = "community_month_figures"

    community_id: Mapped[int] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    lay_partners_joined: Mapped[int] = mapped_column(default=0, server_default="0")
    lay_partners_left: Mapped[int] = mapped_column(default=0, server_default="0")
    contributions: Mapped[int] = mapped_column(default=0, server_default="0")
    # ...of which on a decided proposal, and of those with an outcome.
    on_decided: Mapped[int] = mapped_column(default=0, server_default="0")
    loop_closed: Mapped[int] = mapped_column(default=0, server_default="0")
    shaped: Mapped[int] = mapped_column(default=0, server_default="0")
    # Minutes of involvement: an activity's minutes once for each lay partner who attended.
    minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    payments_pence: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    expenses_pence: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # The median days to a first reply of the month's views is not a sum, so the worker
    # stores it (summaries.work_out_medians). `median_moves` counts the writes that moved
    # it (a first reply, a replied view withdrawn) and `median_of_moves` the count it was
    # worked out at: while they differ, a page works the month's median out itself.
    median_days: Mapped[float | None] = mapped_column(sa.Float)
    median_moves: Mapped[int] = mapped_column(default=0, server_default="0")
    median_of_moves: Mapped[int] = mapped_column(default=0, server_default="0")
