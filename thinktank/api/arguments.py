"""The query parameters of the API's lists, as marshmallow schemas: they check what a
client sends (an unknown parameter or a bad value is a 400) and describe it in the document."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from thinktank.cases.vocabulary import AlgorithmRole, Domain, TechnologyKind
from thinktank.inputs import MAX_INT

MAX_PER_PAGE = 100


class PageArgs(Schema):
    class Meta:
        unknown = RAISE

    page = fields.Integer(
        load_default=1, validate=validate.Range(1, MAX_INT), metadata={"example": 1}
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(1, MAX_PER_PAGE),
        metadata={"description": f"At most {MAX_PER_PAGE}"},
    )


def _one_of(vocabulary) -> fields.String:
    return fields.String(validate=validate.OneOf([member.value for member in vocabulary]))


class RecommendationArgs(PageArgs):
    domain = _one_of(Domain)
    technology = _one_of(TechnologyKind)
    role = _one_of(AlgorithmRole)


class CaseArgs(RecommendationArgs):
    state = fields.String(
        validate=validate.OneOf(["open", "voting", "closed", "recommended", "archived"])
    )
