"""The statements of a stage move, run straight on SQLite's driver: compiled once, bound and read
with their columns' own type processing, inside the connection's transaction.

A stage move is FlowTrack's busiest write (the board, the REST API, bulk actions) and runs about
ten fixed statements. SQLAlchemy's execution machinery (an execution context, parameter and
result objects, a cache lookup per statement) costs some 40 µs per statement in this process,
ten times what SQLite takes to run it: most of a move. ``execute`` keeps what the machinery
gives that matters here, without its per-statement cost:

- the SQL and the parameters SQLAlchemy itself compiles for the dialect, with each bound
  column's type processing (``UTCDateTime`` and the like) and each result column's;
- the connection's transaction: it begins one as SQLAlchemy would (``BEGIN`` or ``BEGIN
  IMMEDIATE``, ``db._tune_sqlite``) before the first statement;
- errors as SQLAlchemy's ``DBAPIError`` classes, so callers catch the same exceptions;
- the ``before_cursor_execute``/``after_cursor_execute`` events, so statement counters and
  tests see every statement.

Anything that needs more falls back to ``Connection.execute``: another database than SQLite (its
driver's round trip dwarfs the machinery), Python-side column defaults to fill in, expanding or
literal parameters.
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


# Plans by statement and the parameter names given (an INSERT compiles to the columns it gets).
# The statements are module constants, or cached per shape by their modules: a bounded set.
_PLANS: dict[tuple[int, frozenset[str]], tuple[ClauseElement, _Plan | None]] = {}
_ROW_TYPES: dict[tuple[str, ...], type] = {}


def _plan(statement: ClauseElement, conn: Connection, keys: frozenset[str]) -> _Plan | None:
    """How to run ``statement`` on the driver, or None when only SQLAlchemy's machinery can."""
    dialect = conn.dialect
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
    assert isinstance(compiled, SQLCompiler)
    if (
        not compiled.positional
        or compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.post_compile_params
        or compiled.literal_execute_params
    ):
        return None
    names = tuple(compiled.positiontup or ())
    binds = [compiled.binds[name] for name in names]
    columns = readers = None
    exported = getattr(statement, "exported_columns", None)
    if exported is not None and len(exported):
        columns = tuple(exported.keys())
        readers = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in exported)
    return _Plan(
        sql=compiled.string,
        slots=tuple(
            (name, b.required, b.effective_value, b.type.dialect_impl(dialect).bind_processor(dialect))
            for name, b in zip(names, binds, strict=True)
        ),
        columns=columns,
        readers=readers,
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


def execute(conn: Connection, statement: ClauseElement, params: Mapping[str, Any] | None = None) -> Rows:
    """``conn.execute(statement, params)``, straight on the driver when the connection is SQLite's."""
    params = params or {}
    if conn.dialect.name != "sqlite":
        return conn.execute(statement, params)  # type: ignore[call-overload]
    key = (id(statement), frozenset(params))
    known = _PLANS.get(key)
    if known is None or known[0] is not statement:
        known = _PLANS[key] = (statement, _plan(statement, conn, key[1]))
    plan = known[1]
    if plan is None:
        return conn.execute(statement, params)  # type: ignore[call-overload]
    values = []
    for name, required, default, binder in plan.slots:
        if name in params:
            value = params[name]
        elif required:
            raise exc.ArgumentError(f"A value is required for bind parameter {name!r}")
        else:
            value = default
        values.append(binder(value) if binder is not None and value is not None else value)
    if not conn.in_transaction():
        conn.begin()  # as the first statement would (autobegin): the BEGIN that db._tune_sqlite emits
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    conn.dispatch.before_cursor_execute(conn, cursor, plan.sql, values, None, False)
    try:
        cursor.execute(plan.sql, values)
        fetched = cursor.fetchall() if cursor.description else []
        rowcount = cursor.rowcount
    except conn.dialect.loaded_dbapi.Error as err:
        raise exc.DBAPIError.instance(
            plan.sql, values, err, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from err
    finally:
        description = cursor.description
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
