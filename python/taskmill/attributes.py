"""Attribute declarations: turning class annotations into the core's attribute descriptions.

``amount: float`` is required; ``notify: bool = True`` is optional with a default;
``tm.required(...)`` / ``tm.optional(default=..., ...)`` carry options. The rules for coercing
values live in the C++ core; this module only describes what was declared.
"""

from __future__ import annotations

import datetime
import decimal
import types
import typing
from typing import Any, Callable

_MISSING: Any = object()

_SIMPLE_TYPES: dict[Any, str] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
    list: "list",
    dict: "dict",
    decimal.Decimal: "decimal",
    datetime.datetime: "datetime",
    datetime.date: "date",
    datetime.time: "time",
    Any: "any",
    object: "any",
}

RESERVED_NAMES = frozenset({"context", "job", "work", "rollback", "fail", "skip", "throw", "result"})


class AttributeOptions:
    """What ``tm.required(...)`` / ``tm.optional(...)`` return: an attribute's options."""

    __slots__ = ("required", "default", "default_factory", "validators", "coerce")

    def __init__(self, required: bool, default: Any, default_factory: Callable[[], Any] | None,
                 validators: dict[str, Any], coerce: str | None = None) -> None:
        self.required = required
        self.default = default
        self.default_factory = default_factory
        self.validators = validators
        self.coerce = coerce

    def __repr__(self) -> str:
        kind = "required" if self.required else "optional"
        return f"tm.{kind}(default={self.default!r})"


def required(*, coerce: str | None = None, **validators: Any) -> Any:
    """Declare a required attribute: a missing or None input fails the run.

    Keyword arguments are validators (``presence``, ``absence``, ``format``, ``inclusion``,
    ``exclusion``, ``length``, ``numeric``, ``validate`` or a name given to
    ``tm.register_validator``); ``coerce`` names a coercion registered with
    ``tm.register_coercion`` to use instead of the annotation's type. See docs/attributes.md.
    """
    return AttributeOptions(True, _MISSING, None, validators, coerce)


def optional(default: Any = None, *, default_factory: Callable[[], Any] | None = None,
             coerce: str | None = None, **validators: Any) -> Any:
    """Declare an optional attribute.

    ``default`` is used when the input is missing or None (a mutable default is copied per run);
    ``default_factory`` is called once per run instead, for values such as ``datetime.now``.
    Other keyword arguments are validators, as for ``required``.
    """
    return AttributeOptions(False, default, default_factory, validators, coerce)


class Group:
    """A nested attribute group: annotate fields like a task's, use the class as a type.

    ::

        class Address(tm.Group):
            street: str
            zip: str = tm.required(format=r"^[0-9]{5}$")

        class Ship(tm.Task):
            address: Address

    The input is a mapping; its fields are coerced and validated by the core like a task's
    attributes (errors are keyed ``"address.zip"``), and ``self.address`` is an ``Address``.
    """

    _attribute_decls: list[dict[str, Any]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        decls: dict[str, dict[str, Any]] = {d["name"]: d for d in getattr(cls, "_attribute_decls", [])}
        own = cls.__dict__.get("__annotations__", {})
        if own:
            try:
                hints = typing.get_type_hints(cls)
            except Exception as exc:
                raise DeclarationError(f"{cls.__qualname__}: cannot resolve its annotations: {exc}") from exc
            for name in own:
                if name.startswith("_"):
                    continue
                decls[name] = declare(cls.__qualname__, name, hints[name], cls.__dict__.get(name, _MISSING),
                                      reserved=False)
                if name in cls.__dict__:
                    delattr(cls, name)
        cls._attribute_decls = list(decls.values())

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({fields})"

    @classmethod
    def _wrap(cls, values: Any) -> Any:
        """Builds the group from the core's resolved mapping, nested groups included (a value of
        another union option is returned as it is)."""
        if not isinstance(values, dict):
            return values
        out = dict(values)
        for decl in cls._attribute_decls:
            wrap = decl.get("wrap")
            if wrap is not None and out.get(decl["name"]) is not None:
                out[decl["name"]] = wrap(out[decl["name"]])
        return cls(out)


class DeclarationError(TypeError):
    """A task class declares something taskmill cannot accept."""


def type_descriptor(annotation: Any, where: str) -> Any:
    """The core's description of an annotation: "int", ("list", "int"), ("optional", ...), ..."""
    if annotation in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[annotation]
    if _is_group(annotation):
        return ("group", annotation._attribute_decls)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and len(args) == 1:
        return ("list", type_descriptor(args[0], where))
    if origin is typing.Union or (hasattr(types, "UnionType") and origin is getattr(types, "UnionType")):
        options = [a for a in args if a is not type(None)]
        inner: Any = (type_descriptor(options[0], where) if len(options) == 1
                      else ("union", [type_descriptor(o, where) for o in options]))
        return ("optional", inner) if len(options) < len(args) else inner
    supported = "str, int, float, bool, list, dict, Decimal, date, datetime, time, Any, list[X], Optional[X], Union[...]"
    raise DeclarationError(f"{where} has an unsupported type {annotation!r}; supported: {supported}")


def _is_group(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Group) and annotation is not Group


def _wrapper_for(annotation: Any) -> Callable[[Any], Any] | None:
    """How to turn the core's resolved value into what ``self.<name>`` holds when groups are
    involved: ``Group``, ``Optional[Group]`` / unions with a group, ``list[Group]``; else None."""
    if _is_group(annotation):
        return annotation._wrap
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and len(args) == 1:
        inner = _wrapper_for(args[0])
        if inner is not None:
            return lambda items: [None if x is None else inner(x) for x in items]
        return None
    for arg in args:  # Optional / Union: the first group option wraps mappings
        if _is_group(arg):
            return arg._wrap
    return None


def _option_data(value: Any) -> Any:
    """Validator options as data for the core: a ``range`` becomes ``{"within": [low, high]}``
    under ``in`` (the core checks everything else)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "in" and isinstance(item, range):
                if item.step == 1 and len(item) > 0:
                    out["within"] = [item.start, item.stop - 1]
                else:
                    out["in"] = list(item)
            else:
                out[key] = item
        return out
    if isinstance(value, range):
        return _option_data({"in": value})
    return value


def declare(task_name: str, name: str, annotation: Any, value: Any, *, reserved: bool = True) -> dict[str, Any]:
    """One attribute's description for the core, from its annotation and class-level value."""
    where = f"{task_name}.{name}"
    if reserved and name in RESERVED_NAMES:
        raise DeclarationError(f"{where}: '{name}' is reserved by tm.Task; choose another attribute name")
    coerce = value.coerce if isinstance(value, AttributeOptions) else None
    if coerce is not None:
        # A registered coercion decides the type; the annotation only says whether None is fine.
        if not isinstance(coerce, str):
            raise DeclarationError(f"{where}: coerce must be the name of a registered coercion (str)")
        accepts_none = type(None) in typing.get_args(annotation)
        descriptor: Any = ("optional", ("custom", coerce)) if accepts_none else ("custom", coerce)
    else:
        descriptor = type_descriptor(annotation, where)
    decl: dict[str, Any] = {"name": name, "type": descriptor}
    wrap = _wrapper_for(annotation)
    if wrap is not None:
        decl["wrap"] = wrap
    if isinstance(value, AttributeOptions):
        decl["validators"] = [(key, _option_data(opts)) for key, opts in value.validators.items()]
        decl["required"] = value.required
        if value.default_factory is not None:
            if not callable(value.default_factory):
                raise DeclarationError(f"{where}: default_factory must be callable")
            decl["default_factory"] = value.default_factory
        elif value.default is not _MISSING and value.default is not None:
            decl["default"] = value.default
    elif value is _MISSING:
        decl["required"] = True
    else:
        decl["required"] = False
        if value is not None:
            decl["default"] = value
    return decl
