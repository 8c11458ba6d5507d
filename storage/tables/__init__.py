"""The schema, one SQLModel table per module, each module named as its table (`Edition` is the `edition`
table in `edition.py`). Code names tables through `storage.models`, which builds a table the first time it is
named; a module imports the modules of the tables its foreign keys point at."""

from datetime import UTC, datetime

from sqlmodel import SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(SQLModel):
    """Every table's base. Pydantic builds a table's validator when something first validates one (nothing
    does on the way to the database), not when the table is defined."""

    model_config = SQLModel.model_config | {"defer_build": True}
