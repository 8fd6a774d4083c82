"""notify listeners when the page version moves (PostgreSQL)

Revision ID: f3a1c2d4e5b6
Revises: 9d4e7b2c6a15
Create Date: 2026-11-27 14:00:00.000000
"""

from alembic import op


revision = 'f3a1c2d4e5b6'
down_revision = '9d4e7b2c6a15'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # portal.version_feed listens; SQLite has no LISTEN, so nothing there.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION page_version_notify() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('page_version', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER page_version_notify
        AFTER INSERT OR UPDATE OR DELETE ON page_version
        FOR EACH STATEMENT EXECUTE FUNCTION page_version_notify()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER page_version_notify ON page_version")
    op.execute("DROP FUNCTION page_version_notify()")
