"""The migrations build exactly the schema the models describe, can be undone, and on
SQLite keep the rows that point to a table they rebuild."""

import sqlite3

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal import create_app
from portal.cli import alembic_config, upgrade
from portal.consultations.search import include_name
from portal.db import make_engine
from portal.models import Base

# The revision before 9d3f6b1a2c45, which rebuilds the contributions table on SQLite.
BEFORE_CONTRIBUTIONS_REBUILD = "c4d2a9e81f37"


def test_models_and_migrations_match(_transaction):
    context = MigrationContext.configure(
        _transaction, opts={"compare_type": True, "include_name": include_name}
    )
    differences = compare_metadata(context, Base.metadata)
    assert differences == [], "run `flask --app portal db revision -m '...'`"


def test_every_migration_downgrades_and_upgrades_again(_transaction):
    config = alembic_config(_transaction)
    command.downgrade(config, "base")
    assert Base.metadata.tables["users"].name not in _tables(_transaction)
    command.upgrade(config, "head")
    assert {"users", "outbox_messages"} <= _tables(_transaction)


def test_unique_constraints_get_their_old_names_back_on_downgrade(_transaction):
    config = alembic_config(_transaction)
    command.downgrade(config, "cca7771c92f1")
    assert _unique_names(_transaction, "memberships") == {"uq_memberships_user_id"}
    command.upgrade(config, "head")
    assert _unique_names(_transaction, "memberships") == {"uq_memberships_user_id_community_id"}


def test_sqlite_upgrade_rebuilds_a_table_without_deleting_the_rows_that_point_to_it(
    database_url, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL alters tables in place")
    url = f"sqlite:///{tmp_path / 'upgrade.sqlite'}"
    engine = make_engine(url)
    with create_app({"ENGINE": engine, "DATABASE_URL": url}).app_context():
        upgrade(BEFORE_CONTRIBUTIONS_REBUILD)
        with engine.begin() as connection:
            _insert_an_answered_contribution(connection)
        upgrade("head")
    with engine.connect() as connection:
        answers = connection.exec_driver_sql("SELECT text FROM answers").scalars().all()
        contribution = connection.exec_driver_sql("SELECT community_id FROM contributions").one()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    engine.dispose()
    assert answers == ["Keep the Saturday clinic."]
    assert contribution.community_id == 1
    assert foreign_keys == 1


def test_sqlite_upgrade_that_leaves_a_row_pointing_nowhere_fails_and_changes_nothing(
    database_url, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: the check runs where foreign keys are switched off")
    path = tmp_path / "broken.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with create_app({"ENGINE": engine, "DATABASE_URL": url}).app_context():
        upgrade(BEFORE_CONTRIBUTIONS_REBUILD)
        with engine.begin() as connection:
            _insert_an_answered_contribution(connection)
        # The sqlite3 module leaves foreign keys off, so this answer can point nowhere.
        broken = sqlite3.connect(path)
        broken.execute("UPDATE answers SET contribution_id = 99")
        broken.commit()
        broken.close()
        with pytest.raises(RuntimeError, match="point to rows that do not exist"):
            upgrade("head")
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    engine.dispose()
    assert version == BEFORE_CONTRIBUTIONS_REBUILD
    assert foreign_keys == 1


def _insert_an_answered_contribution(connection):
    for statement in [
        "INSERT INTO users (id, email, display_name, password_hash, locale, is_site_admin,"
        " password_changed_at, created_at)"
        " VALUES (1, 'ana@example.org', 'Ana', 'x', 'en', 0, :now, :now)",
        "INSERT INTO communities (id, slug, name, purpose, description, service_area,"
        " visibility, target_reading_age, role_description, created_at)"
        " VALUES (1, 'clinics', 'Clinics', '', '', 'North', 'public', 9, '', :now)",
        "INSERT INTO proposals (id, community_id, title, summary, problem, change, affects,"
        " created_at, updated_at)"
        " VALUES (1, 1, 'Opening hours', '', '', '', '', :now, :now)",
        "INSERT INTO questions (id, proposal_id, position, kind, prompt, hint, required,"
        " options, added_note, created_at)"
        " VALUES (1, 1, 1, 'text', 'What should stay?', '', 1, '[]', '', :now)",
        "INSERT INTO contributions (id, proposal_id, author_id, identity, quote_consent,"
        " source, people_count, review_status, idempotency_key, submitted_at, updated_at)"
        " VALUES (1, 1, 1, 'named', 0, 'online', 1, 'new', 'k1', :now, :now)",
        "INSERT INTO answers (id, contribution_id, question_id, text, choices)"
        " VALUES (1, 1, 1, 'Keep the Saturday clinic.', '[]')",
    ]:
        connection.execute(sa.text(statement), {"now": "2026-12-01 10:00:00"})


def _unique_names(connection, table):
    return {unique["name"] for unique in sa.inspect(connection).get_unique_constraints(table)}


def _tables(connection):
    return set(sa.inspect(connection).get_table_names())
