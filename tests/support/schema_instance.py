"""A minimal, deterministic instance of a JSON schema, and a deliberately wrong one.

The fault server answers every structured-output request with `instance(schema)`: the
smallest value that the schema accepts, built the same way every time. It covers what
pydantic emits for the project's response models and a little more:

- `$ref` into `$defs`/`definitions` (any local JSON pointer), `allOf` (merged), `anyOf`
  and `oneOf` (the first branch that is not `null`), `const`, `enum` (the first value);
- objects: the `required` properties only (more if `minProperties` asks);
- arrays: exactly `minItems` items (so `labels_model(facet, n)`, whose list has
  `minItems == maxItems == n`, gets one label per candidate), `prefixItems`,
  `uniqueItems` (items made distinct);
- strings: `minLength`/`maxLength`, simple `pattern`s (tried against a few short
  candidates), common `format`s;
- numbers within `minimum`/`maximum` (inclusive or exclusive) and `multipleOf`;
- booleans are `true`: a minimal answer has no preferred truth value, and `true` keeps
  items that the pipeline would drop on `false` (e.g. `QuantityLabel.relevant`).

`wrong_shape(schema)` is valid JSON that fails the schema: every required property gets
a value of the wrong type.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]

MAX_DEPTH = 40
"""Nesting limit: a schema that *requires* infinite recursion has no instance."""

_FORMATS = {
    "date": "2025-01-01",
    "date-time": "2025-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "email": "a@example.com",
    "uri": "http://example.com",
    "url": "http://example.com",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
_STRING_CANDIDATES = ("", "a", "0", "A", "a1", "A1", "aa", "2025", "2025-01", "2025-01-01", "x y")


class SchemaInstanceError(ValueError):
    """The schema asks for something this generator cannot build."""


def instance(schema: Schema, *, root: Schema | None = None, variant: int = 0) -> Any:
    """The minimal instance of `schema`; `variant` > 0 makes a different one (for uniqueness)."""
    return _instance(schema, root if root is not None else schema, variant, 0)


def wrong_shape(schema: Schema) -> Any:
    """Valid JSON that does not validate: wrong types for every required property."""
    resolved = _resolve(schema, schema, 0)
    if _type_of(resolved) == "object":
        required = list(resolved.get("required", []))
        props: Mapping[str, Any] = resolved.get("properties", {})
        if required:
            return {name: _wrong_value(props.get(name, {}), schema) for name in required}
        return ["wrong shape"]
    return {"wrong": "shape"}


def _wrong_value(prop: Schema, root: Schema) -> Any:
    resolved = _resolve(prop, root, 0)
    is_text = _type_of(resolved) == "string" or (
        "enum" in resolved and all(isinstance(v, str) for v in resolved["enum"])
    )
    return {"wrong": "shape"} if is_text else "wrong shape"


# -- resolution ---------------------------------------------------------------------------


def _pointer(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#"):
        raise SchemaInstanceError(f"only local $ref is supported, not {ref!r}")
    node: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or key not in node:
            raise SchemaInstanceError(f"$ref {ref!r} does not resolve")
        node = node[key]
    if not isinstance(node, Mapping):
        raise SchemaInstanceError(f"$ref {ref!r} is not a schema")
    return node


def _resolve(schema: Schema, root: Schema, depth: int) -> Schema:
    """Follow `$ref` and merge `allOf` into one flat schema."""
    if depth > MAX_DEPTH:
        raise SchemaInstanceError("schema nests too deeply (recursive $ref?)")
    out: dict[str, Any] = {}
    if "$ref" in schema:
        out.update(_resolve(_pointer(root, schema["$ref"]), root, depth + 1))
    for part in schema.get("allOf", []):
        merged = _resolve(part, root, depth + 1)
        props = {**out.get("properties", {}), **merged.get("properties", {})}
        required = [*out.get("required", []), *merged.get("required", [])]
        out.update(merged)
        if props:
            out["properties"] = props
        if required:
            out["required"] = list(dict.fromkeys(required))
    out.update({k: v for k, v in schema.items() if k not in ("$ref", "allOf")})
    return out


def _type_of(schema: Schema) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return str(kinds[0]) if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


# -- generation ---------------------------------------------------------------------------


def _instance(schema: Schema, root: Schema, variant: int, depth: int) -> Any:
    schema = _resolve(schema, root, depth)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        values = list(schema["enum"])
        if not values:
            raise SchemaInstanceError("empty enum")
        return values[variant % len(values)]
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        usable = [b for b in branches if _type_of(_resolve(b, root, depth + 1)) != "null"]
        if not usable:
            return None
        return _instance(usable[0], root, variant, depth + 1)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, root, depth)
    if kind == "array":
        return _array(schema, root, variant, depth)
    if kind == "string":
        return _string(schema, variant)
    if kind in ("integer", "number"):
        return _number(schema, variant, integer=kind == "integer")
    if kind == "boolean":
        return variant % 2 == 0
    return None  # "null", or an unconstrained schema: null is valid for both


def _object(schema: Schema, root: Schema, depth: int) -> dict[str, Any]:
    props: Mapping[str, Any] = schema.get("properties", {})
    names = list(dict.fromkeys(schema.get("required", [])))
    for name in props:
        if len(names) >= int(schema.get("minProperties", 0)):
            break
        if name not in names:
            names.append(name)
    extra = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for name in names:
        prop = props.get(name, extra if isinstance(extra, Mapping) else {})
        out[name] = _instance(prop, root, 0, depth + 1)
    return out


def _array(schema: Schema, root: Schema, variant: int, depth: int) -> list[Any]:
    prefix: list[Any] = list(schema.get("prefixItems", []))
    count = int(schema.get("minItems", 0))
    items = schema.get("items")
    unique = bool(schema.get("uniqueItems"))
    out: list[Any] = []
    for index in range(count):
        item = prefix[index] if index < len(prefix) else items
        item_schema = item if isinstance(item, Mapping) else {}
        out.append(_instance(item_schema, root, index + variant if unique else 0, depth + 1))
    return out


def _string(schema: Schema, variant: int) -> str:
    min_len = int(schema.get("minLength", 0))
    max_len = schema.get("maxLength")
    pattern = schema.get("pattern")
    fmt = schema.get("format")

    def fits(text: str) -> bool:
        if len(text) < min_len or (max_len is not None and len(text) > int(max_len)):
            return False
        return pattern is None or re.search(pattern, text) is not None

    candidates: list[str] = []
    if isinstance(fmt, str) and fmt in _FORMATS:
        candidates.append(_FORMATS[fmt])
    seeds = [str(variant)] if variant else []
    seeds += list(_STRING_CANDIDATES)
    for seed in seeds:
        candidates.append(seed + "x" * max(0, min_len - len(seed)))
    for text in candidates:
        if fits(text):
            return text
    raise SchemaInstanceError(f"no simple string fits {dict(schema)!r}")


def _number(schema: Schema, variant: int, *, integer: bool) -> int | float:
    step = schema.get("multipleOf")
    low: float = -math.inf
    high: float = math.inf
    if "minimum" in schema:
        low = float(schema["minimum"])
    if "exclusiveMinimum" in schema:
        low = max(low, float(schema["exclusiveMinimum"]) + (1 if integer else 1e-6))
    if "maximum" in schema:
        high = float(schema["maximum"])
    if "exclusiveMaximum" in schema:
        high = min(high, float(schema["exclusiveMaximum"]) - (1 if integer else 1e-6))
    value = min(max(float(variant), low), high)
    if integer:
        value = float(math.ceil(value))
    if step:
        value = math.ceil(value / float(step)) * float(step)
    if value < low or value > high:
        raise SchemaInstanceError(f"no number fits {dict(schema)!r}")
    return int(value) if integer else value
