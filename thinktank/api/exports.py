"""Bulk exports: every published recommendation with its vote result, and the member
register with declared interests, as CSV (UTF-8 with BOM, ``;``, for Excel in Danish) and
JSON. Streamed in batches read by keyset, so memory and queries per batch stay fixed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Response, stream_with_context, url_for
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.api import reading, serialise
from thinktank.api import schemas as s
from thinktank.api.conventions import respond
from thinktank.cases.models import Case
from thinktank.errors import NotFound
from thinktank.extensions import db
from thinktank.members.policies import participants_clause
from thinktank.members.service import interests_of
from thinktank.models import local_today, utcnow
from thinktank.recommendations import adoptions, portal
from thinktank.recommendations.models import Recommendation, RecommendationVersion

#: Rows read per query: an export of any size runs a few queries per batch, never per row.
BATCH = 200
LICENCE_LINK = f'<{s.LICENCE["url"]}>; rel="license"'


class RecommendationExportSchema(s.RecommendationSummarySchema):
    vote_result = s.fields.Nested(s.VoteResultSchema, required=True, allow_none=True)


RECOMMENDATION_COLUMNS = [
    "id",
    "title",
    "version",
    "status",
    "published_at",
    "first_published_at",
    "domain",
    "technology",
    "algorithm_role",
    "review_by",
    "adoptions",
    "vote_frozen_at",
    "participants",
    "eligible",
    "ballots",
    "turnout",
    "abstentions",
    "recusals",
    "positions",
    "url",
    "licence",
]
MEMBER_COLUMNS = [
    "id",
    "name",
    "organisation",
    "sector",
    "affiliation",
    "role",
    "current_interests",
    "past_interests",
    "url",
    "licence",
]


# --- reading in batches ------------------------------------------------------------------


def recommendation_batches() -> Iterator[list[dict[str, Any]]]:
    """Every published recommendation's latest version with its frozen result, by id."""
    last = 0
    while True:
        versions: list[RecommendationVersion] = list(
            db.session.scalars(
                portal.portal({})
                .order_by(None)
                .where(Recommendation.id > last)
                .order_by(Recommendation.id)
                .limit(BATCH)
            )
        )
        if not versions:
            return
        last = versions[-1].recommendation_id
        case_ids = [v.recommendation.case_id for v in versions]
        results = reading.frozen_results(case_ids)
        cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(case_ids)))}
        counts = adoptions.counts([v.recommendation_id for v in versions])
        batch = []
        for version in versions:
            result = results.get(version.recommendation.case_id)
            item = serialise.recommendation_summary(
                version, counts.get(version.recommendation_id, 0)
            )
            item["vote_result"] = (
                serialise.vote_result(
                    result.snapshot, result.frozen_at, cases.get(version.recommendation.case_id)
                )
                if result
                else None
            )
            batch.append(RecommendationExportSchema().dump(item))
        yield batch


def member_batches() -> Iterator[list[dict[str, Any]]]:
    """The member register with every declared interest, by id."""
    last = 0
    today = local_today()
    while True:
        users = list(
            db.session.scalars(
                select(User)
                .where(participants_clause(), User.active.is_(True), User.id > last)
                .order_by(User.id)
                .limit(BATCH)
            )
        )
        if not users:
            return
        last = users[-1].id
        declared = interests_of(user.id for user in users)
        yield [
            s.MemberSchema().dump(serialise.member(user, declared.get(user.id, []), today))
            for user in users
        ]


# --- rows --------------------------------------------------------------------------------


def _share(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def recommendation_row(item: dict[str, Any]) -> list[Any]:
    result = item["vote_result"] or {}
    positions = " | ".join(
        f"{p['title']}: {p['count']} ({_share(p['share'])})" for p in result.get("positions", [])
    )
    return [
        item["id"],
        item["title"],
        item["current_version"],
        item["status"],
        item["last_published_at"],
        item["first_published_at"],
        item["domain"],
        item["technology"],
        item["algorithm_role"],
        item["review_by"] or "",
        item["adoption_count"],
        result.get("frozen_at", ""),
        result.get("participants", ""),
        result.get("eligible", ""),
        result.get("ballots", ""),
        _share(result.get("turnout")) if result else "",
        result.get("abstentions", ""),
        result.get("recusals", ""),
        positions,
        item["url"],
        s.LICENCE["name"],
    ]


def _interest_text(interest: dict[str, Any]) -> str:
    text = f"{interest['kind_label']}: {interest['organisation']}"
    if interest["description"]:
        text += f" ({interest['description']})"
    dates = " – ".join(filter(None, [interest["starts_on"], interest["ends_on"]]))
    return f"{text} [{dates}]" if dates else text


def member_row(item: dict[str, Any]) -> list[Any]:
    current = [i for i in item["interests"] if i["current"]]
    past = [i for i in item["interests"] if not i["current"]]
    return [
        item["id"],
        item["name"],
        item["organisation"],
        item["sector"] or "",
        item["affiliation"],
        item["role"],
        " | ".join(_interest_text(i) for i in current),
        " | ".join(_interest_text(i) for i in past),
        item["url"],
        s.LICENCE["name"],
    ]


# --- streaming ---------------------------------------------------------------------------


def _csv_lines(columns: list[str], batches, row: Callable) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()  # the BOM: Excel then reads the file as UTF-8
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        for item in batch:
            writer.writerow(row(item))
        yield buffer.getvalue()


def _json_chunks(name: str, batches) -> Iterator[str]:
    head = {
        "export": name,
        "generated_at": utcnow().isoformat(timespec="seconds").replace("+00:00", "Z"),
        "licence": s.LICENCE,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    first = True
    for batch in batches:
        for item in batch:
            yield ("" if first else ",") + json.dumps(item, ensure_ascii=False)
            first = False
    yield "]}"


EXPORTS: dict[str, tuple[Callable, list[str], Callable]] = {
    "recommendations": (recommendation_batches, RECOMMENDATION_COLUMNS, recommendation_row),
    "members": (member_batches, MEMBER_COLUMNS, member_row),
}


def register(bp: Blueprint) -> None:
    @bp.get("/api/v1/exports/")
    def exports():
        body = {
            "exports": [
                {
                    "name": name,
                    "format": fmt,
                    "url": url_for("api.export", name=name, fmt=fmt, _external=True),
                }
                for name in EXPORTS
                for fmt in ("csv", "json")
            ],
            "licence": s.LICENCE,
        }
        return respond(s.ExportListSchema(), body)

    @bp.get("/api/v1/exports/<name>.<fmt>")
    def export(name: str, fmt: str):
        if name not in EXPORTS or fmt not in ("csv", "json"):
            raise NotFound()
        batches, columns, row = EXPORTS[name]
        if fmt == "csv":
            chunks = _csv_lines(columns, batches(), row)
            mimetype = "text/csv"
        else:
            chunks = _json_chunks(name, batches())
            mimetype = "application/json"
        response = Response(
            stream_with_context(chunks),
            mimetype=mimetype,
            content_type=f"{mimetype}; charset=utf-8",
        )
        response.headers["Content-Disposition"] = (
            f'attachment; filename="taenketanken-{name}.{fmt}"'
        )
        response.headers["Link"] = LICENCE_LINK
        return response
