"""Java exceptions of Spark and Iceberg, read from Python and told as one line.

PySpark raises a JVM failure as ``Py4JJavaError`` ("An error occurred while calling
o83.sql") or, for a few Spark types, as a ``CapturedException`` whose text is the whole
Java trace; the cause that says what happened (a ``CommitFailedException`` of a
concurrent writer, a ``ValidationException`` of a conflict check) sits deeper in the
chain. :func:`root_cause` finds it; :func:`one_line` is what a user is shown.
"""
from __future__ import annotations

from typing import NamedTuple

# Raised when another writer committed to the same table or branch meanwhile.
CONFLICT_EXCEPTIONS = frozenset({"CommitFailedException", "ValidationException", "CommitStateUnknownException"})


class JavaCause(NamedTuple):
    """The innermost Java exception of a failure: simple class name and first message line."""

    name: str
    message: str

    @property
    def is_conflict(self) -> bool:
        return self.name in CONFLICT_EXCEPTIONS


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0].strip() if lines else ""


def root_cause(error: BaseException) -> JavaCause | None:
    """The innermost Java cause of ``error`` (None when it did not come from the JVM)."""
    throwable = getattr(error, "java_exception", None) or getattr(error, "_origin", None)
    if throwable is None:
        return None
    try:
        while throwable.getCause() is not None and throwable.getCause() != throwable:
            throwable = throwable.getCause()
        return JavaCause(throwable.getClass().getSimpleName(), _first_line(throwable.getMessage()))
    except Exception:  # noqa: BLE001 - the JVM may be gone; the Python text is all there is
        return None


def one_line(error: BaseException) -> str:
    """What failed, in one line: the Java root cause when there is one."""
    cause = root_cause(error)
    if cause is None:
        return f"{type(error).__name__}: {_first_line(str(error))}"
    line = f"{cause.name}: {cause.message}"
    if cause.is_conflict:
        line += " (another writer committed to the same table meanwhile; re-run)"
    return line
