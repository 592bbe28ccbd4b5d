"""`flask briefings ...`: moving counted views into the database."""

import click
from flask.cli import AppGroup

briefings_cli = AppGroup("briefings", help="Briefings: readership counts.")


@briefings_cli.command("flush-views")
def flush_views():
    """Write the views counted in Redis to the database (the worker does this too)."""
    from . import readership

    click.echo(f"Briefing views written: {readership.flush()}.")
