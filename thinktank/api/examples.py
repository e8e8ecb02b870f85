"""Examples for the OpenAPI document, built from the schemas' fields (and their ``example``
metadata), so an example always has the fields its schema has."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields


def _example_value(item: fields.Field, depth: int) -> Any:
    if "example" in item.metadata:
        return item.metadata["example"]
    if isinstance(item, fields.Nested):
        nested = item.nested() if callable(item.nested) else item.nested
        return example_of(nested if isinstance(nested, Schema) else nested(), depth + 1)
    if isinstance(item, fields.List):
        return [] if depth > 2 else [_example_value(item.inner, depth)]
    if isinstance(item, fields.Dict):
        return {}
    if isinstance(item, fields.Boolean):
        return True
    if isinstance(item, fields.Integer):
        return 1
    if isinstance(item, fields.Float):
        return 0.5
    if isinstance(item, fields.DateTime):
        return "2026-06-01T10:00:00Z"
    if isinstance(item, fields.Date):
        return "2027-06-01"
    if item.metadata.get("format") == "uri":
        return "https://taenketanken.kl.dk/"
    choices = getattr(item.validate, "choices", None) if item.validate else None
    if choices:
        return list(choices)[0]
    for validator in item.validators:
        if getattr(validator, "choices", None):
            return list(validator.choices)[0]
    return "…"


def example_of(schema: Schema, depth: int = 0) -> dict[str, Any]:
    """An example object built from ``schema``'s fields (and their ``example`` metadata)."""
    return {name: _example_value(item, depth) for name, item in schema.fields.items()}
