"""Alembic environment: migrations run on the app's database, or a given one."""

from alembic import context

from portal import models  # noqa: F401  (registers every table on Base.metadata)
from portal.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from portal import create_app
        from portal.db import make_engine

        app = create_app()
        engine = make_engine(app.config["DATABASE_URL"])
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
