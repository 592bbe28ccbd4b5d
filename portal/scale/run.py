"""The `demo scale` command's work: check the database, write the rows, report what to use."""

import json
import time

import click
import sqlalchemy as sa

from .. import db
from ..accounts import passwords
from ..demo import DEMO_PASSWORD
from ..health import summaries
from .generate import Refused, check, generate


def run(*, manifest=None, echo=print, progress=True, factor=1.0, seed=None, **numbers):
    """Fill the database once; commit; print (and optionally save) the benchmark ids."""
    connection = db.session.connection()
    try:
        found = check(connection)
    except Refused as refusal:
        raise click.ClickException(str(refusal)) from None
    if found:
        echo(f"Scale data is already here ({found:,} scale communities): nothing written.")
        return None
    started = time.monotonic()
    # One slow argon2 hash, shared by every scale account.
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    kwargs = {name: value for name, value in numbers.items() if value}
    if seed is not None:
        kwargs["seed"] = seed
    result = generate(
        connection, password_hash, factor=factor, echo=echo, progress=progress, **kwargs
    )
    db.session.commit()
    # A bulk load leaves the planner's statistics behind: without them PostgreSQL guesses a
    # handful of rows where there are a million, and picks slow plans for the summary
    # rebuild below and for the busiest pages. So the tables are analysed before the
    # rebuild reads them, and the summary rows once they are written.
    _analyse()
    echo("Writing the community health summary rows from the rows written...")
    summaries.rebuild()
    db.session.commit()
    _analyse(summaries.CommunityMonthFigures.__tablename__)
    result["seconds"] = round(time.monotonic() - started, 1)
    echo(f"Done in {result['seconds']}s. For benchmarks (password {DEMO_PASSWORD}):")
    for key in (
        "busiest_community_slug",
        "busiest_proposal_id",
        "busiest_proposal_contributions",
        "briefing_id",
        "heavy_lay_partner_email",
        "heavy_lay_partner_contributions",
        "coordinator_email",
        "professional_email",
    ):
        echo(f"  {key}: {result[key]}")
    if manifest:
        with open(manifest, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2, sort_keys=True)
        echo(f"Wrote {manifest}.")
    return result


def _analyse(table=None):
    """Refresh the query planner's statistics (of one table, or of all)."""
    db.session.execute(sa.text(f"ANALYZE {table}" if table else "ANALYZE"))
    db.session.commit()
