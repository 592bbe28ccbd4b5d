"""Command-line tools: `flask --app portal db|demo|outbox|briefings ...`.

Each command commits once at its end (or per message, for delivery).
"""

import time
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask.cli import AppGroup

from . import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
demo_cli = AppGroup("demo", help="Demonstration data.")
outbox_cli = AppGroup("outbox", help="Notification delivery.")
consultations_cli = AppGroup("consultations", help="Consultation windows.")


def alembic_config(connection=None):
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(revision="head"):
    # Outside a transaction, so that migrations/env.py can switch SQLite's foreign keys
    # off for the migrations' own transaction.
    with db.engine().connect() as connection:
        command.upgrade(alembic_config(connection), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision):
    """Migrate the database to the newest schema (or REVISION)."""
    upgrade(revision)
    click.echo(f"Database is at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision):
    """Step the schema back to REVISION (for example -1)."""
    with db.engine().connect() as connection:
        command.downgrade(alembic_config(connection), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message):
    """Write a new migration from the difference between models and database."""
    with db.engine().begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)


@demo_cli.command("load")
def demo_load():
    """Load the demo data. Safe to run again: nothing is duplicated."""
    from .demo import load

    load(echo=click.echo)
    db.session.commit()


@demo_cli.command("scale")
@click.option("--users", type=int, help="People (national: 100,000).")
@click.option("--communities", type=int, help="Communities (national: 2,000).")
@click.option("--proposals", type=int, help="Proposals (national: 20,000).")
@click.option("--contributions", type=int, help="Contributions (national: 1,000,000).")
@click.option("--factor", default=1.0, show_default=True, help="Shrink every number by this.")
@click.option("--seed", default=20261207, show_default=True, help="Same seed, same rows.")
@click.option("--manifest", type=click.Path(dir_okay=False), help="Write the ids to use as JSON.")
def demo_scale(manifest, **options):
    """Write a national-scale demo data set, in bulk, for measuring Chorus.

    Refuses a database with accounts outside example.org and example.com, and
    stops if it has run before. Sign in as scale.heavy@example.org (hundreds of
    views), scale.coordinator@example.org or scale.professional@example.org
    (the busiest community), with the demo password.
    """
    from .scale.run import run

    run(manifest=manifest, echo=click.echo, **options)


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking every few seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks.")
def outbox_send(loop, interval):
    """Write counted briefing views, announce opened proposals, remind about what is due,
    write due digests, store the health medians that moved, then deliver."""
    from .briefings.readership import flush as flush_briefing_views
    from .outbox import deliver_pending

    while True:
        flush_briefing_views()
        announce_opened_proposals()
        release_closed_proposals()
        remind_evaluations_due()
        remind_about_money()
        send_digests()
        work_out_medians()
        sent, failed = deliver_pending()
        if sent or failed or not loop:
            click.echo(f"Sent {sent}, failed {failed}.")
        if not loop:
            return
        time.sleep(interval)


def announce_opened_proposals():
    """Tell lay partners about proposals whose opening time has come."""
    from .consultations.services import announce_due

    count = announce_due()
    db.session.commit()
    return count


@consultations_cli.command("close-due")
def close_due():
    """Tell the outcomes held while proposals were open, for those that have closed since."""
    click.echo(f"Closed proposals handled: {release_closed_proposals()}.")


def release_closed_proposals():
    """Proposals whose closing time has passed: tell, once each, the outcomes held while open."""
    from .impact.influence import release_due

    count = release_due()
    db.session.commit()
    return count


def remind_evaluations_due():
    """Tell coordinators, once, about service changes whose evaluation has fallen due."""
    from .impact.services import remind_evaluations_due as remind

    count = remind()
    db.session.commit()
    return count


def send_digests(now=None):
    """Write each daily or weekly digest that has fallen due, once."""
    from .notifications.digests import send_due_digests

    count = send_due_digests(now=now)
    db.session.commit()
    return count


def work_out_medians():
    """Store the median days to a first reply of the months where it has moved."""
    from .health.summaries import work_out_medians as work_out

    count = work_out()
    db.session.commit()
    return count


def remind_about_money():
    """Tell coordinators, once, about expense claims and payments that have waited too long."""
    from .involvement.reminders import remind

    counts = remind()
    db.session.commit()
    return counts


def init_app(app):
    from .briefings.commands import briefings_cli
    from .health.commands import summaries_cli

    groups = (db_cli, demo_cli, outbox_cli, consultations_cli, summaries_cli, briefings_cli)
    for group in groups:
        app.cli.add_command(group)
