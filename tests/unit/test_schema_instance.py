"""The fault server's answers: minimal instances that the requested schema accepts."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, StringConstraints, ValidationError

from schemas.extraction import FACET_ITEM_MODELS, CoreDraft, NarrativeDraft, labels_model
from tests.support.schema_instance import SchemaInstanceError, instance, wrong_shape


def roundtrip(model: type[BaseModel]) -> BaseModel:
    """The instance for `model`'s schema, validated through JSON as instructor does."""
    return model.model_validate_json(json.dumps(instance(model.model_json_schema())))


@pytest.mark.parametrize("model", [CoreDraft, NarrativeDraft], ids=lambda m: m.__name__)
def test_project_models_accept_their_instance(model: type[BaseModel]) -> None:
    roundtrip(model)


@pytest.mark.parametrize("facet", sorted(FACET_ITEM_MODELS))
@pytest.mark.parametrize("count", [1, 2, 14])
def test_label_facets_get_one_label_per_candidate(facet: str, count: int) -> None:
    value = roundtrip(labels_model(facet, count))
    assert len(value.items) == count  # type: ignore[attr-defined]


def test_quantity_labels_are_kept_relevant() -> None:
    # `relevant: false` would make the pipeline drop the figure; booleans are true.
    value = roundtrip(labels_model("quantities", 2))
    assert all(item.relevant for item in value.items)  # type: ignore[attr-defined]


class Inner(BaseModel):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]\d$")]
    level: int = Field(ge=3, le=9, multiple_of=3)


class Wide(BaseModel):
    inner: Inner
    maybe: Inner | None
    kind: Literal["a", "b"]
    ratio: float = Field(gt=0.5, lt=2)
    tags: list[Annotated[str, StringConstraints(min_length=2)]] = Field(min_length=3)
    unique: set[int] = Field(min_length=3)
    pair: tuple[int, str]
    mapping: dict[str, int]
    flag: bool
    optional: str = "kept out"


def test_refs_unions_bounds_patterns_and_uniqueness() -> None:
    value = roundtrip(Wide)
    assert isinstance(value, Wide)
    assert value.inner.code == "A1" and value.inner.level == 3
    assert value.maybe is not None  # the first non-null branch
    assert len(value.tags) == 3 and len(value.unique) == 3


def test_instances_are_deterministic_and_minimal() -> None:
    schema = Wide.model_json_schema()
    assert instance(schema) == instance(schema)
    assert "optional" not in instance(schema)


def test_unsatisfiable_schemas_say_so() -> None:
    with pytest.raises(SchemaInstanceError):
        instance({"type": "string", "minLength": 3, "maxLength": 1})
    with pytest.raises(SchemaInstanceError):
        instance({"$ref": "#/$defs/Missing"})


@pytest.mark.parametrize(
    "model", [CoreDraft, NarrativeDraft, labels_model("quotes", 3)], ids=lambda m: m.__name__
)
def test_wrong_shape_is_json_that_fails_validation(model: type[BaseModel]) -> None:
    text = json.dumps(wrong_shape(model.model_json_schema()))
    with pytest.raises(ValidationError):
        model.model_validate_json(text)


def test_schemas_without_required_fields_still_get_a_wrong_shape() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert wrong_shape(schema) == ["wrong shape"]
