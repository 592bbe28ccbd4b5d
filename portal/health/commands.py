"""`flask summaries ...`: the community health summary rows."""

import click
from flask.cli import AppGroup

from .. import db

summaries_cli = AppGroup("summaries", help="Community health summary rows.")


@summaries_cli.command("rebuild")
def rebuild():
    """Recompute every community's summary rows from the raw rows."""
    from . import summaries

    written = summaries.rebuild()
    db.session.commit()
    click.echo(f"Summary rows written: {written}.")


@summaries_cli.command("medians")
def medians():
    """Work out again the median days to a first reply of months whose median has moved."""
    from . import summaries

    total = 0
    while worked := summaries.work_out_medians():
        db.session.commit()
        total += worked
    click.echo(f"Months worked out: {total}.")
