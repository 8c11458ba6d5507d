"""Alembic environment: runs on the connection `storage.db.Database.init` hands over."""

from alembic import context
from sqlmodel import SQLModel

from storage import models

models.load_all()
target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
