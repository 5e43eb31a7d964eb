"""The statements of a stage move, run straight on the driver (SQLite's, or psycopg for
PostgreSQL): compiled once, bound and read with their columns' own type processing, inside the
connection's transaction.

A stage move is FlowTrack's busiest write (the board, the REST API, bulk actions) and runs about
ten fixed statements. SQLAlchemy's execution machinery (an execution context, parameter and
result objects, a cache lookup per statement) costs some 40 µs per statement in this process,
ten times what SQLite takes to run it: most of a move (on PostgreSQL, a fifth of the worker's CPU
for a move). ``execute`` keeps what the machinery gives that matters here, without its
per-statement cost:

- the SQL and the parameters SQLAlchemy itself compiles for the dialect, with each bound
  column's type processing (``UTCDateTime`` and the like) and each result column's;
- the connection's transaction: it begins one as SQLAlchemy would (``BEGIN`` or ``BEGIN
  IMMEDIATE``, ``db._tune_sqlite``; psycopg begins on the first statement) before the first
  statement;
- errors through SQLAlchemy's own handling (``Connection._handle_dbapi_exception``), so callers
  catch the same exceptions and a lost server connection invalidates the pool as it would;
- the ``before_cursor_execute``/``after_cursor_execute`` events, so statement counters and
  tests see every statement.

Anything that needs more falls back to ``Connection.execute``: another driver, Python-side column
defaults to fill in, expanding or literal parameters, escaped parameter names.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import exc
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class Rows(Protocol):
    """What callers read of a result: SQLAlchemy's ``CursorResult`` has it, and so has ``_Rows``."""

    @property
    def rowcount(self) -> int: ...

    def first(self) -> Any: ...

    def one(self) -> Any: ...

    def all(self) -> Sequence[Any]: ...

    def scalar(self) -> Any: ...

    def scalar_one(self) -> Any: ...


@dataclass(frozen=True)
class _Plan:
    sql: str
    named: bool  # parameters by name (psycopg's ``%(name)s``) rather than by position (SQLite's ``?``)
    # Each bound parameter in its position: its name, whether the caller must give it, the value
    # the statement itself gives it otherwise (``version + 1``), and its type's processing.
    slots: tuple[tuple[str, bool, Any, Callable[[Any], Any] | None], ...]
    columns: tuple[str, ...] | None  # the result's keys, when the statement declares them
    readers: tuple[Callable[[Any], Any] | None, ...] | None


class _Rows:
    """A fetched result: the rows (named tuples) and the count of rows the statement changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if len(self._rows) != 1:
            raise (
                exc.NoResultFound("No row was found")
                if not self._rows
                else exc.MultipleResultsFound("Multiple rows were found when exactly one was required")
            )
        return self._rows[0]

    def all(self) -> list[Any]:
        return list(self._rows)

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]


# Plans by statement, database and the parameter names given (an INSERT compiles to the columns it
# gets). The statements are module constants, or cached per shape by their modules: a bounded set.
_PLANS: dict[tuple[int, str, str, str, frozenset[str]], tuple[ClauseElement, _Plan | None]] = {}
_ROW_TYPES: dict[tuple[str, ...], type] = {}


def _plan(statement: ClauseElement, conn: Connection, keys: frozenset[str]) -> _Plan | None:
    """How to run ``statement`` on the driver, or None when only SQLAlchemy's machinery can."""
    dialect = conn.dialect
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
    assert isinstance(compiled, SQLCompiler)
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.post_compile_params
        or compiled.literal_execute_params
        or compiled.escaped_bind_names
    ):
        return None
    if compiled.positional:
        names = tuple(compiled.positiontup or ())
    else:
        names = tuple(dict.fromkeys(compiled.bind_names.values()))
    binds = [compiled.binds[name] for name in names]
    columns = readers = None
    exported = getattr(statement, "exported_columns", None)
    try:
        if exported is not None and len(exported):
            columns = tuple(exported.keys())
            readers = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in exported)
        slots = tuple(
            (name, b.required, b.effective_value, b.type.dialect_impl(dialect).bind_processor(dialect))
            for name, b in zip(names, binds, strict=True)
        )
    except Exception:  # a type whose processing needs the driver's column type (psycopg's Numeric)
        return None
    return _Plan(
        sql=compiled.string, named=not compiled.positional, slots=slots, columns=columns, readers=readers
    )


def _row_type(columns: tuple[str, ...]) -> type:
    found = _ROW_TYPES.get(columns)
    if found is None:
        found = _ROW_TYPES[columns] = namedtuple("Row", columns, rename=True)  # type: ignore[misc]
    return found


def execute_flushed(s: Session, statement: ClauseElement, params: Mapping[str, Any] | None = None) -> Rows:
    """``execute`` on the session's connection after flushing what the session holds, as
    ``Session.execute`` does for an ORM select: for reads that replaced one, whose callers may have
    rows of their own pending (nothing pending: the flush costs a check)."""
    if s.autoflush:
        s.flush()
    return execute(s.connection(), statement, params)


# The drivers whose cursors ``execute`` drives itself.
_DRIVERS = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}


def execute(conn: Connection, statement: ClauseElement, params: Mapping[str, Any] | None = None) -> Rows:
    """``conn.execute(statement, params)``, straight on the driver when it is SQLite's or psycopg."""
    params = params or {}
    dialect = conn.dialect
    if (dialect.name, dialect.driver) not in _DRIVERS:
        return conn.execute(statement, params)  # type: ignore[call-overload]
    key = (id(statement), dialect.name, dialect.driver, dialect.paramstyle, frozenset(params))
    known = _PLANS.get(key)
    if known is None or known[0] is not statement:
        known = _PLANS[key] = (statement, _plan(statement, conn, key[4]))
    plan = known[1]
    if plan is None:
        return conn.execute(statement, params)  # type: ignore[call-overload]
    bound = []
    for name, required, default, binder in plan.slots:
        if name in params:
            value = params[name]
        elif required:
            raise exc.ArgumentError(f"A value is required for bind parameter {name!r}")
        else:
            value = default
        bound.append(binder(value) if binder is not None and value is not None else value)
    values: list[Any] | dict[str, Any] = (
        dict(zip((slot[0] for slot in plan.slots), bound, strict=True)) if plan.named else bound
    )
    if not conn.in_transaction():
        conn.begin()  # as the first statement would (autobegin): the BEGIN that db._tune_sqlite emits
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = None
    try:
        cursor = dbapi.cursor()
        conn.dispatch.before_cursor_execute(conn, cursor, plan.sql, values, None, False)
        cursor.execute(plan.sql, values)
        fetched = cursor.fetchall() if cursor.description else []
        rowcount = cursor.rowcount
    except Exception as err:
        # SQLAlchemy's own handling, as for any statement it runs: its error classes, the
        # handle_error events, and on a lost server connection the pool invalidated (every
        # connection opened before it is replaced at its next checkout). It always raises.
        conn._handle_dbapi_exception(err, plan.sql, values, cursor, None)
        raise
    finally:
        description = cursor.description if cursor is not None else None
        if cursor is not None:
            cursor.close()
    conn.dispatch.after_cursor_execute(conn, cursor, plan.sql, values, None, False)
    if not fetched:
        return _Rows([], rowcount)
    columns = plan.columns or tuple(d[0] for d in description or ())
    make = _row_type(columns)._make  # type: ignore[attr-defined]
    readers = plan.readers
    if readers and any(readers):
        rows = [make(r(v) if r else v for r, v in zip(readers, raw, strict=True)) for raw in fetched]
    else:
        rows = [make(raw) for raw in fetched]
    return _Rows(rows, rowcount)
