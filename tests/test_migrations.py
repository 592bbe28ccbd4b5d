"""The migrations build exactly the schema the models describe, and can be undone."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.cli import alembic_config
from portal.consultations.search import include_name
from portal.models import Base


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


def _unique_names(connection, table):
    import sqlalchemy as sa

    return {unique["name"] for unique in sa.inspect(connection).get_unique_constraints(table)}


def _tables(connection):
    import sqlalchemy as sa

    return set(sa.inspect(connection).get_table_names())
