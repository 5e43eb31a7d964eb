"""Mypy plugin: a SQLModel table's field read on the class is a column, not a value.

SQLModel declares `Application.id: int | None`, which is a value, while on the class
`Application.id` is an `InstrumentedAttribute` that builds SQL (`.in_`, `.desc()`, `== 3` as a
clause). Without this, every query in the core reads as a type error. The plugin types a
class-level read of a field of a `table=True` model as `InstrumentedAttribute[<field type>]`, so
the SQL expressions are checked against SQLAlchemy's own typing instead of being ignored.

It also reads a primary key `id` without its `None`, on a row (`app.id`) and as a column
(`select(Application.id)` yields ints): `None` stands only for a row not flushed yet, and the code
flushes before it reads a new row's id. Assignments keep the declared type.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import MypyFile, TypeInfo, Var
from mypy.plugin import AttributeContext, ClassDefContext, Plugin
from mypy.plugins.common import add_attribute_to_class
from mypy.types import Instance, NoneType, Type, UnionType, get_proper_type

COLUMN = "sqlalchemy.orm.attributes.InstrumentedAttribute"
TABLE = "sqlalchemy.sql.schema.Table"
MARK = "flowtrack_sqlmodel"


def _is_table(info: TypeInfo) -> bool:
    """Whether the class (or a base) was declared with `table=True` (marked by `_add_table`).

    The mark lives in the class's metadata because mypy's cache keeps that, not the class keywords.
    """
    return any(base.metadata.get(MARK, {}).get("table") for base in info.mro)


class SQLModelColumns(Plugin):
    """Types class-level field reads of SQLModel tables as SQLAlchemy columns."""

    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        class_name, _, attribute = fullname.rpartition(".")
        if not class_name or attribute.startswith("_"):
            return None
        symbol = self.lookup_fully_qualified(class_name)
        if symbol is None or not isinstance(symbol.node, TypeInfo) or not _is_table(symbol.node):
            return None
        field = symbol.node.get(attribute)
        if field is None or not isinstance(field.node, Var) or field.node.is_classvar:
            return None
        return self._as_key_column if attribute == "id" else self._as_column

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        """A row's ``id`` read on an instance is an ``int``: SQLModel declares it ``int | None``
        only for the moment between constructing a row and flushing it, and the code reads ids
        of stored rows (a flush comes first wherever a new row's id is used)."""
        class_name, _, attribute = fullname.rpartition(".")
        if attribute != "id" or not class_name:
            return None
        symbol = self.lookup_fully_qualified(class_name)
        if symbol is None or not isinstance(symbol.node, TypeInfo) or not _is_table(symbol.node):
            return None
        return _stored_id

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        """Every module loads SQLAlchemy's attributes, so the column type can be named."""
        return [(10, COLUMN.rpartition(".")[0], -1), (10, TABLE.rpartition(".")[0], -1)]

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        return _add_table if fullname == "sqlmodel.main.SQLModel" else None

    def _as_column(self, ctx: AttributeContext) -> Type:
        """`Model.field` → `InstrumentedAttribute[field type]`; assignments keep the declared type."""
        return self._column(ctx, ctx.default_attr_type)

    def _as_key_column(self, ctx: AttributeContext) -> Type:
        """`Model.id` → `InstrumentedAttribute[int]`: a primary key read from the database is never
        NULL (`select(Application.id)` yields ints), whatever SQLModel declares for unsaved rows."""
        return self._column(ctx, _without_none(ctx.default_attr_type))

    def _column(self, ctx: AttributeContext, value: Type) -> Type:
        column = self.lookup_fully_qualified(COLUMN)
        if ctx.is_lvalue or column is None or not isinstance(column.node, TypeInfo):
            return ctx.default_attr_type
        return Instance(column.node, [value])


def _stored_id(ctx: AttributeContext) -> Type:
    """`row.id` read → the declared type without None; an assignment keeps the declared type."""
    return ctx.default_attr_type if ctx.is_lvalue else _without_none(ctx.default_attr_type)


def _without_none(declared: Type) -> Type:
    proper = get_proper_type(declared)
    if not isinstance(proper, UnionType):
        return declared
    items = [item for item in proper.items if not isinstance(get_proper_type(item), NoneType)]
    return items[0] if len(items) == 1 else UnionType.make_union(items)


def _add_table(ctx: ClassDefContext) -> None:
    """A `table=True` model has `__table__` (SQLAlchemy's Table), which SQLModel does not declare."""
    keyword = ctx.cls.keywords.get("table")
    table = ctx.api.named_type_or_none(TABLE)
    if keyword is None or getattr(keyword, "fullname", "") != "builtins.True" or table is None:
        return
    ctx.cls.info.metadata[MARK] = {"table": True}
    add_attribute_to_class(ctx.api, ctx.cls, "__table__", table, is_classvar=True)


def plugin(version: str) -> type[Plugin]:
    """Mypy's entry point."""
    return SQLModelColumns
