"""The API's marshmallow schemas: they shape every response (``dump`` keeps only the fields
declared here) and feed the OpenAPI document (``openapi.py``), so the two cannot drift."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from thinktank.accounts.roles import Sector

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


class UTCDateTimeField(fields.DateTime):
    """ISO 8601 in UTC with a ``Z``, to the second."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _str(**kw):
    return fields.String(required=True, **kw)


def _nullable_str(**kw):
    return fields.String(required=True, allow_none=True, **kw)


def _url():
    return fields.String(required=True, metadata={"format": "uri"})


def _nullable_url():
    return fields.String(required=True, allow_none=True, metadata={"format": "uri"})


class LicenceSchema(Schema):
    name = _str(metadata={"example": LICENCE["name"]})
    url = fields.String(required=True, metadata={"format": "uri", "example": LICENCE["url"]})


class PersonSchema(Schema):
    """A named person as the pages name them: a live account, or as frozen in a record."""

    id = fields.Integer(required=True, allow_none=True)
    name = _str(metadata={"example": "Sofie Lund"})
    affiliation = _str(metadata={"example": "Aarhus Kommune"})
    url = _nullable_url()
    api_url = _nullable_url()


class VocabularyItemSchema(Schema):
    value = _str(metadata={"example": "employment"})
    label = _str(metadata={"example": "Beskæftigelse"})


class MunicipalitySchema(Schema):
    code = _str(metadata={"example": "101", "description": "The official municipality code"})
    name = _str(metadata={"example": "Københavns Kommune"})


class VocabulariesSchema(Schema):
    domains = fields.List(fields.Nested(VocabularyItemSchema), required=True)
    technology_kinds = fields.List(fields.Nested(VocabularyItemSchema), required=True)
    algorithm_roles = fields.List(fields.Nested(VocabularyItemSchema), required=True)
    ai_act_classes = fields.List(fields.Nested(VocabularyItemSchema), required=True)
    case_states = fields.List(fields.Nested(VocabularyItemSchema), required=True)
    municipalities = fields.List(fields.Nested(MunicipalitySchema), required=True)
    licence = fields.Nested(LicenceSchema, required=True)


class InterestSchema(Schema):
    kind = _str(metadata={"example": "board_seat"})
    kind_label = _str(metadata={"example": "Bestyrelsespost"})
    organisation = _str(metadata={"example": "Dansk Dataforening"})
    description = _str()
    starts_on = fields.Date(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)
    declared_at = UTCDateTimeField(required=True, allow_none=True)


class MemberInterestSchema(InterestSchema):
    current = fields.Boolean(required=True)


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    name = _str(metadata={"example": "Sofie Lund"})
    organisation = _str()
    sector = fields.String(
        required=True, allow_none=True, validate=validate.OneOf([s.value for s in Sector])
    )
    affiliation = _str()
    role = _str(metadata={"example": "member"})
    interests = fields.List(fields.Nested(MemberInterestSchema), required=True)
    url = _url()
    api_url = _url()


class VoteSchema(Schema):
    voter = fields.Nested(PersonSchema, required=True)
    sector = fields.String(required=True, allow_none=True)
    choice = fields.String(
        required=True, validate=validate.OneOf(["position", "abstain", "recuse"])
    )
    position_id = fields.Integer(required=True, allow_none=True)
    reason = _nullable_str(metadata={"description": "Markdown (null: lost before it was kept)"})
    reason_html = _str()
    interests = fields.List(fields.Nested(InterestSchema), required=True)


class PositionResultSchema(Schema):
    id = fields.Integer(required=True)
    title = _str()
    count = fields.Integer(required=True)
    share = fields.Float(required=True, allow_none=True, metadata={"example": 0.625})


class VoteResultSchema(Schema):
    """The tally frozen when voting closed; it never changes."""

    frozen_at = UTCDateTimeField(required=True)
    participants = fields.Integer(required=True)
    eligible = fields.Integer(required=True)
    ballots = fields.Integer(required=True, metadata={"description": "Counted ballots"})
    turnout = fields.Float(required=True, allow_none=True)
    abstentions = fields.Integer(required=True)
    abstention_share = fields.Float(required=True, allow_none=True)
    recusals = fields.Integer(required=True)
    uncounted = fields.Integer(required=True)
    positions = fields.List(fields.Nested(PositionResultSchema), required=True)
    votes = fields.List(fields.Nested(VoteSchema), required=True)


class MinorityOpinionSchema(Schema):
    author = fields.Nested(PersonSchema, required=True)
    body = _nullable_str(metadata={"description": "Markdown"})
    body_html = _str()
    signers = fields.List(fields.Nested(PersonSchema), required=True)


class CitedCommentSchema(Schema):
    comment_id = fields.Integer(required=True, allow_none=True)
    author = fields.Nested(PersonSchema, required=True)
    quote = _nullable_str(metadata={"description": "Markdown"})
    quote_html = _str()
    url = _nullable_url()


class AdoptionSchema(Schema):
    municipality_code = _str(metadata={"example": "751"})
    municipality = _str(metadata={"example": "Aarhus Kommune"})
    verified_at = UTCDateTimeField(required=True)


class ExperienceSchema(Schema):
    """A municipality's public report of how the recommendation worked in practice."""

    municipality_code = _str(metadata={"example": "751"})
    municipality = _str(metadata={"example": "Aarhus Kommune"})
    version = fields.Integer(required=True, metadata={"description": "The version reported on"})
    reported_at = UTCDateTimeField(required=True)
    updated_at = UTCDateTimeField(required=True)
    done = _str(metadata={"description": "What was done, Markdown"})
    done_html = _str()
    worked = _str(metadata={"description": "What worked, Markdown"})
    worked_html = _str()
    failed = _str(metadata={"description": "What did not work, Markdown"})
    failed_html = _str()
    recommends = _str(metadata={"enum": ["yes", "partly", "no"]})


class CitationLinksSchema(Schema):
    bibtex = _url()
    ris = _url()
    csl_json = _url()


class VersionSummarySchema(Schema):
    number = fields.Integer(required=True)
    title = _str()
    published_at = UTCDateTimeField(required=True)
    change_note = _str()
    url = _url()
    api_url = _url()


class VersionSchema(VersionSummarySchema):
    recommendation_id = fields.Integer(required=True)
    summary = _str()
    body = _str(metadata={"description": "Markdown"})
    body_html = _str()
    easy_read = fields.String(
        allow_none=True,
        metadata={"description": "The plain-language (letlæst) version, Markdown; null if none"},
    )
    easy_read_html = fields.String(allow_none=True)
    easy_read_lix = fields.Integer(
        allow_none=True,
        metadata={"description": "LIX readability index of the easy-read version, rounded"},
    )
    current = fields.Boolean(required=True)
    minority_opinions = fields.List(fields.Nested(MinorityOpinionSchema), required=True)
    cited_comments = fields.List(fields.Nested(CitedCommentSchema), required=True)
    citation = fields.Nested(CitationLinksSchema, required=True)
    licence = fields.Nested(LicenceSchema, required=True)


class CaseRefSchema(Schema):
    id = fields.Integer(required=True)
    title = _str()
    url = _url()
    api_url = _url()


class RecommendationSummarySchema(Schema):
    id = fields.Integer(required=True)
    title = _str(metadata={"example": "Brug kun rådgivende modeller"})
    summary = _str()
    status = fields.String(required=True, validate=validate.OneOf(["published", "withdrawn"]))
    domain = _str(metadata={"example": "employment"})
    technology = _str(metadata={"example": "prediction_ml"})
    algorithm_role = _str(metadata={"example": "advisory"})
    current_version = fields.Integer(required=True)
    first_published_at = UTCDateTimeField(required=True)
    last_published_at = UTCDateTimeField(required=True)
    review_by = fields.Date(required=True, allow_none=True)
    adoption_count = fields.Integer(required=True, metadata={"description": "Verified adoptions"})
    url = _url()
    api_url = _url()


class RecommendationSchema(RecommendationSummarySchema):
    body = _str(metadata={"description": "The current version's text, Markdown"})
    body_html = _str()
    withdrawn_at = UTCDateTimeField(required=True, allow_none=True)
    withdrawal_reason = _str()
    superseded_by = fields.Integer(required=True, allow_none=True)
    case = fields.Nested(
        CaseRefSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null when the case is for members only"},
    )
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)
    vote_result = fields.Nested(VoteResultSchema, required=True, allow_none=True)
    minority_opinions = fields.List(fields.Nested(MinorityOpinionSchema), required=True)
    cited_comments = fields.List(fields.Nested(CitedCommentSchema), required=True)
    adoptions = fields.List(fields.Nested(AdoptionSchema), required=True)
    experience = fields.List(
        fields.Nested(ExperienceSchema),
        required=True,
        metadata={"description": "Public experience reports that stand, newest first"},
    )
    citation = fields.Nested(CitationLinksSchema, required=True)
    licence = fields.Nested(LicenceSchema, required=True)


class TimelineStepSchema(Schema):
    action = _str(metadata={"example": "open"})
    text = _str()
    from_state = _nullable_str()
    to_state = _str()
    at = UTCDateTimeField(required=True)
    actor = fields.Nested(PersonSchema, required=True, allow_none=True)
    note = _str()


class PositionSchema(Schema):
    id = fields.Integer(required=True)
    title = _str()
    explanation = _str(metadata={"description": "Markdown"})
    explanation_html = _str()


class CommentSchema(Schema):
    """A comment with its replies; a removed comment keeps its place but not its text."""

    id = fields.Integer(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    author = fields.Nested(PersonSchema, required=True, allow_none=True)
    created_at = UTCDateTimeField(required=True)
    edited_at = UTCDateTimeField(required=True, allow_none=True)
    removed = fields.Boolean(required=True)
    removal = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(["author", "moderator"])
    )
    body = _nullable_str(metadata={"description": "Markdown; null once removed"})
    body_html = _nullable_str()
    stance = fields.String(required=True, allow_none=True)
    position_id = fields.Integer(required=True, allow_none=True)
    replies = fields.List(fields.Nested(lambda: CommentSchema()), required=True)


class CaseSummarySchema(Schema):
    id = fields.Integer(required=True)
    title = _str()
    summary = _str()
    state = _str(metadata={"example": "open"})
    domain = _str()
    technology = _str()
    algorithm_role = _str()
    ai_act_risk = _str()
    tags = fields.List(fields.String(), required=True)
    created_at = UTCDateTimeField(required=True)
    last_activity_at = UTCDateTimeField(required=True)
    url = _url()
    api_url = _url()


class CaseSchema(CaseSummarySchema):
    dilemma = _str(metadata={"description": "Markdown"})
    dilemma_html = _str()
    personal_data = fields.List(fields.String(), required=True)
    sensitive_data = fields.Boolean(required=True)
    cross_sector_data = fields.Boolean(required=True)
    data_sources = _str()
    affected = _str()
    benefits = _str()
    benefits_html = _str()
    risks = _str()
    risks_html = _str()
    human_contact = _str()
    legal_basis = _str()
    dpia = _str()
    author = fields.Nested(PersonSchema, required=True, allow_none=True)
    edited_at = UTCDateTimeField(required=True, allow_none=True)
    timeline = fields.List(fields.Nested(TimelineStepSchema), required=True)
    positions = fields.List(fields.Nested(PositionSchema), required=True)
    vote_result = fields.Nested(VoteResultSchema, required=True, allow_none=True)
    discussion = fields.List(fields.Nested(CommentSchema), required=True)
    licence = fields.Nested(LicenceSchema, required=True)


class LogEventSchema(Schema):
    id = fields.Integer(required=True)
    at = UTCDateTimeField(required=True)
    action = _str(metadata={"example": "case_opened"})
    text = _str()
    reason = _str()
    subject_type = _nullable_str()
    subject_id = fields.Integer(required=True, allow_none=True)
    subject_url = _nullable_url()


class ExportSchema(Schema):
    name = _str()
    format = fields.String(required=True, validate=validate.OneOf(["csv", "json"]))
    url = _url()


class ExportListSchema(Schema):
    exports = fields.List(fields.Nested(ExportSchema), required=True)
    licence = fields.Nested(LicenceSchema, required=True)


class ProblemSchema(Schema):
    """An error (RFC 9457)."""

    type = _str(metadata={"example": "about:blank"})
    title = _str(metadata={"example": "Not Found"})
    status = fields.Integer(required=True, metadata={"example": 404})
    detail = _str()
    instance = _str()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Which query parameters were wrong and why"},
    )


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The envelope of a list: one page of items with the links to its neighbours."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
            "next": _nullable_url(),
            "prev": _nullable_url(),
            "licence": fields.Nested(LicenceSchema, required=True),
        },
    )


RecommendationPageSchema = page_schema(RecommendationSummarySchema, "RecommendationPageSchema")
CasePageSchema = page_schema(CaseSummarySchema, "CasePageSchema")
MemberPageSchema = page_schema(MemberSchema, "MemberPageSchema")
LogPageSchema = page_schema(LogEventSchema, "LogPageSchema")
