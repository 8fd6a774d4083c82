"""`flask init-db` and the migrations, on the database under test."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from portal.cli import alembic_config
from portal.db import Base
from portal.extensions import db
from portal.models import Commitment, Report


def test_init_db_loads_the_report_once(app, runner, shipped_data):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"{len(shipped_data.commitments)} commitments" in result.output
    again = runner.invoke(args=["init-db"])
    assert again.exit_code == 0
    assert "already loaded" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Commitment.id))) == len(
            shipped_data.commitments
        )
        assert db.session.scalar(select(func.count(Report.id))) == 1


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrations_downgrade_and_upgrade_again(app):
    with app.app_context():
        config = alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with db.engine.connect() as connection:
            assert "commitment" not in inspect(connection).get_table_names()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with db.engine.connect() as connection:
            assert "commitment" in inspect(connection).get_table_names()


def test_init_db_copies_the_shipped_word_lists_once(app, runner, shipped_data):
    from portal.models import SensitiveWord
    from portal.screening.words import shipped_entries
    from portal.services.screening import word_list

    runner.invoke(args=["init-db"])
    runner.invoke(args=["init-db"])
    with app.app_context():
        stored = db.session.scalar(select(func.count(SensitiveWord.id)))
        assert stored == len(shipped_entries())
        assert [hit.word for hit in word_list(db.session).find("真是王八蛋")] == [
            "王八蛋"
        ]
