"""SQL literals of Python values, for predicates and VALUES lists built as text."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal


def sql_literal(value) -> str:
    """A SQL literal of a key value: a date, a number, or text (quotes and backslashes
    escaped the way Spark's parser reads them: ``''`` would end one literal and start another)."""
    if isinstance(value, date):
        return f"DATE'{value.isoformat()}'"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def values_in(column: str, values: Sequence) -> str:
    """A SQL predicate ``column IN (...)`` over literal values (dates, strings, numbers)."""
    return f"{column} IN ({', '.join(sql_literal(v) for v in values)})"


def equals_all(values: Mapping[str, object], alias: str = "") -> str:
    """``column = value AND ...`` over ``alias``-prefixed columns; a tuple value is ``IN (...)``."""
    return " AND ".join(values_in(f"{alias}{c}", v) if isinstance(v, tuple) else f"{alias}{c} = {sql_literal(v)}"
                        for c, v in values.items())
