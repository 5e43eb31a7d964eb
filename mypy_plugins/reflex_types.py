"""Mypy plugin: Reflex code typed the way Reflex makes it at run time.

- A method decorated with `@rx.event` is the `EventCallback` Reflex declares. Reflex writes
  `rx.event` as a class (`EventNamespace`) whose `__new__` returns an `EventCallback[*P]` (P: the
  handler's parameters after `self`), or, called with options only (`@rx.event(background=True)`),
  a decorator returning one. Pyright follows a `__new__` that returns another type; mypy does not
  and types the call as an `EventNamespace`, so every use of a handler (`BoardState.move(card.id,
  stage)` in a page, `self.select_many(ids)` in a state) read as "not callable". Here the call has
  the type Reflex's overloads declare: a handler's arguments are checked against its parameters
  (a value or a Var of each).
- A state var read on its class (`BoardState.columns`) is the Var Reflex's metaclass puts there
  (`NumberVar`, `StringVar`, `BooleanVar`, `ArrayVar`, `ObjectVar`, picked from the declared type
  as `Var.create` picks it), not the Python value the annotation names; on an instance (`self.x`)
  it stays the value.
- A row's field read on its Var (`card.allowed`, where a render function takes
  `ObjectVar[CardRow]`) is the Var of the field's type; Reflex's `ObjectVar.__getattr__` types it
  as an untyped Var.

tests/mypy_probe.py (run by tests/test_types.py) shows each, with the errors mypy must report.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.expandtype import expand_type_by_instance
from mypy.nodes import ARG_POS, ARG_STAR, ARG_STAR2, MypyFile, TypeInfo, Var
from mypy.plugin import AttributeContext, FunctionContext, Plugin
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    LiteralType,
    NoneType,
    ProperType,
    TupleType,
    Type,
    TypeOfAny,
    UnionType,
    UnpackType,
    get_proper_type,
)

# The modules that declare states and pages (a dependency added to a library module trips mypy).
FIRST_PARTY = ("flowtrack_ui", "tests")
STATE = "reflex.state.BaseState"
VARS = "reflex_base.vars"
VAR = f"{VARS}.base.Var"
OBJECT_VAR = f"{VARS}.object.ObjectVar"
NAMESPACE = "reflex_base.event.EventNamespace"
CALLBACK = "reflex_base.event.EventCallback"
# The name given to the decorator `rx.event(...)` returns when called with options only, so that
# applying it to the method reaches this plugin too.
WITH_OPTIONS = "flowtrack.reflex_event_with_options"


class ReflexTypes(Plugin):
    """Types handlers as their EventCallback, state vars on their class and row fields as Vars."""

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        if fullname in (NAMESPACE, "reflex_base.event.event"):
            return self._event
        if fullname == WITH_OPTIONS:
            return self._decorated
        return None

    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        class_name, _, attribute = fullname.rpartition(".")
        # Reflex's own states declare their fields as Fields already; backend vars (`_x`) have no Var.
        if class_name.startswith("reflex") or attribute.startswith("_"):
            return None
        symbol = self.lookup_fully_qualified(class_name)
        if symbol is None or not isinstance(symbol.node, TypeInfo) or not symbol.node.has_base(STATE):
            return None
        field = symbol.node.get(attribute)
        if field is None or not isinstance(field.node, Var) or field.node.is_classvar:
            return None
        return self._state_var

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        """A row's field read on its Var (`card.allowed` in a render function) is the Var of
        the field's type: Reflex's own `ObjectVar.__getattr__` types it as any Var."""
        return self._row_field if fullname.startswith(f"{OBJECT_VAR}.") else None

    def _row_field(self, ctx: AttributeContext) -> Type:
        row = get_proper_type(ctx.type)
        name = getattr(ctx.context, "name", None)
        if not isinstance(row, Instance) or not row.args or not isinstance(name, str):
            return ctx.default_attr_type
        value = get_proper_type(row.args[0])
        if not isinstance(value, Instance) or value.type.has_base("typing.Mapping"):
            return ctx.default_attr_type
        field = value.type.get(name)
        if field is None or not isinstance(field.node, Var) or field.node.type is None:
            return ctx.default_attr_type
        return self._var_of(ctx, expand_type_by_instance(field.node.type, value))

    def _state_var(self, ctx: AttributeContext) -> Type:
        """A state field read on its class is the Var Reflex makes of it."""
        declared = get_proper_type(ctx.default_attr_type)
        if ctx.is_lvalue or isinstance(declared, (AnyType, CallableType)):
            return ctx.default_attr_type
        if isinstance(declared, Instance) and declared.type.has_base(VAR):
            return ctx.default_attr_type
        return self._var_of(ctx, ctx.default_attr_type)

    def _var_of(self, ctx: AttributeContext, declared_type: Type) -> Type:
        """The Var of a value of this type (`Var.create` picks the Var class from the type:
        number, string, boolean, array, object)."""
        value = _without_none(get_proper_type(declared_type))
        if isinstance(value, LiteralType):
            value = value.fallback
        if isinstance(value, TupleType):
            return self._var(ctx, "sequence.ArrayVar", [value]) or ctx.default_attr_type
        if not isinstance(value, Instance):
            return self._var(ctx, "base.Var", [declared_type]) or ctx.default_attr_type
        kind: tuple[str, list[Type]]
        if value.type.has_base("builtins.bool"):
            kind = "number.BooleanVar", []
        elif value.type.has_base("builtins.int") or value.type.has_base("builtins.float"):
            kind = "number.NumberVar", [value]
        elif value.type.has_base("builtins.str"):
            kind = "sequence.StringVar", [ctx.api.named_generic_type("builtins.str", [])]
        elif value.type.fullname in ("builtins.list", "builtins.set") and value.args:
            kind = "sequence.ArrayVar", [ctx.api.named_generic_type("typing.Sequence", [value.args[0]])]
        elif value.type.has_base("typing.Sequence"):
            kind = "sequence.ArrayVar", [value]
        else:
            kind = "object.ObjectVar", [value]
        return self._var(ctx, *kind) or ctx.default_attr_type

    def _var(self, ctx: AttributeContext, name: str, args: list[Type]) -> Type | None:
        """`reflex_base.vars.<name>[args]`, or None when Reflex's module is not loaded."""
        symbol = self.lookup_fully_qualified(f"{VARS}.{name}")
        if symbol is None or not isinstance(symbol.node, TypeInfo):
            return None
        return Instance(symbol.node, args)

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        """The app's modules load Reflex's event and var modules, so their types can be named."""
        if not file.fullname.startswith(FIRST_PARTY):
            return []
        modules = ["base", "number", "sequence", "object"]
        return [(10, CALLBACK.rpartition(".")[0], -1)] + [(10, f"{VARS}.{m}", -1) for m in modules]

    def _event(self, ctx: FunctionContext) -> Type:
        """`rx.event(method)` → the callback; `rx.event(background=True, ...)` → a decorator."""
        if ctx.arg_types and ctx.arg_types[0]:
            return self._decorated(ctx)
        return _with_options(ctx)

    def _decorated(self, ctx: FunctionContext) -> Type:
        """The `EventCallback` of the decorated method: its positional parameters after `self`."""
        first = ctx.arg_types[0] if ctx.arg_types else []
        method = get_proper_type(first[0]) if first else None
        callback = self.lookup_fully_qualified(CALLBACK)
        if not isinstance(method, CallableType) or callback is None:
            return ctx.default_return_type
        if not isinstance(callback.node, TypeInfo):
            return ctx.default_return_type
        tuple_of_any = ctx.api.named_generic_type("builtins.tuple", [AnyType(TypeOfAny.special_form)])
        if any(kind in (ARG_STAR, ARG_STAR2) for kind in method.arg_kinds):
            return Instance(callback.node, [UnpackType(tuple_of_any)])
        # Mypy spells a variadic generic's arguments flat: EventCallback[int, str] has args [int, str].
        return Instance(callback.node, list(method.arg_types[1:]))


def _with_options(ctx: FunctionContext) -> Type:
    """The decorator `rx.event(**options)` returns, named so that applying it reaches the plugin."""
    function = ctx.api.named_generic_type("builtins.function", [])
    return CallableType(
        [AnyType(TypeOfAny.special_form)],
        [ARG_POS],
        [None],
        AnyType(TypeOfAny.special_form),
        function,
        name=WITH_OPTIONS,
    )


def _without_none(declared: ProperType) -> ProperType:
    """`T | None` → `T`: Reflex makes the same Var of an optional field as of its type."""
    if not isinstance(declared, UnionType):
        return declared
    items = [item for item in declared.items if not isinstance(get_proper_type(item), NoneType)]
    return get_proper_type(items[0]) if len(items) == 1 else declared


def plugin(version: str) -> type[Plugin]:
    """Mypy's entry point."""
    return ReflexTypes
