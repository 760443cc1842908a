"""Alembic environment: migrate the connection the store hands over, or the URL of ``alembic.ini``.

The store runs migrations itself (:func:`pipeline.store.migrate.upgrade`) and passes its open
connection in ``config.attributes["connection"]``. Run by hand (``alembic -c
pipeline/store/alembic.ini upgrade head``), the URL comes from ``DIRECTIVES_STORE_URL`` or the
ini file's ``sqlalchemy.url``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from pipeline.store.schema import metadata


def _migrate(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: later migrations copy-and-move tables in batch mode
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported; migrate a database")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = os.environ.get("DIRECTIVES_STORE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set DIRECTIVES_STORE_URL to the database to migrate")
    from pipeline.store.engine import create_store_engine

    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            _migrate(conn)
            conn.commit()
    finally:
        engine.dispose()


run()
