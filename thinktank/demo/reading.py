"""Read the demo data files (``accounts.yaml`` and ``cases/*.yaml``) into plain values.

The files are checked as they are read: a missing or misspelt field, an unknown choice from
a vocabulary, an e-mail that is no demo account or a reply to a remark that does not exist
raises :class:`DemoDataError` naming the file and the field, before anything is seeded.

Texts are Markdown written wrapped, as an editor would: a line break inside a paragraph is
joined (:func:`thinktank.text.unwrap_paragraphs`), as it was when the texts were code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from thinktank.accounts.roles import Role, Sector
from thinktank.cases.lifecycle import MOVES
from thinktank.cases.service import CaseInput
from thinktank.cases.vocabulary import (
    AiActRisk,
    AlgorithmRole,
    Domain,
    Dpia,
    HumanContact,
    PersonalData,
    TechnologyKind,
    Visibility,
)
from thinktank.members.models import InterestKind
from thinktank.recommendations.models import Recommends, ReportVisibility, Response
from thinktank.text import unwrap_paragraphs

DATA = Path(__file__).parent
ABSTAIN, RECUSE = "abstain", "recuse"
DISCUSS, START_VOTING = "discuss", "start_voting"


class DemoDataError(ValueError):
    """A demo data file is malformed; the message names the file and the field."""

    def __init__(self, file: Path | str, where: str, problem: str) -> None:
        self.file, self.field = str(file), where
        super().__init__(f"{file}: {where}: {problem}")


# --- what the files hold --------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInterest:
    kind: InterestKind
    organisation: str
    description: str
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    organisation: str
    sector: Sector
    interests: tuple[DemoInterest, ...] = ()


@dataclass(frozen=True)
class Step:
    """A lifecycle move; ``submit`` is made by the author, every other move by the secretariat.
    ``discuss`` is no move: the members post the case's demo discussion (while it is open)."""

    move: str
    note: str = ""
    days_ago: float | None = None  # when it happened; None: when the demo is seeded


@dataclass(frozen=True)
class DemoPosition:
    title: str
    explanation: str
    proposer: str | None = None  # a member's e-mail: proposed, then approved by the secretariat


@dataclass(frozen=True)
class DemoBallot:
    voter: str  # e-mail
    choice: int | str  # index into the positions (from 0), ABSTAIN or RECUSE
    reason: str = ""
    earlier: int | None = None  # a first vote, changed before closing
    conditions: str = ""  # a vote "yes, on conditions" (for a position only)


@dataclass(frozen=True)
class DemoVote:
    positions: tuple[DemoPosition, ...]
    ballots: tuple[DemoBallot, ...]
    rejected: tuple[tuple[str, DemoPosition, str], ...] = ()  # (proposer, proposal, reason)
    days_open: int | None = None
    min_turnout: int = 0  # per cent; closing below it asks the secretariat for a reason


@dataclass(frozen=True)
class Remark:
    key: str
    author: str  # a demo account's e-mail
    hours_ago: int  # how long before the discussion's end it was written
    body: str
    reply_to: str | None = None  # the key of the remark it answers
    edited: str = ""  # the text its author changed it to afterwards
    removed_for: str = ""  # the secretariat's reason for removing it
    flag: tuple[str, str, str] | None = None  # flagger's e-mail, reason, note (left open)


@dataclass(frozen=True)
class Text:
    title: str
    summary: str  # what a busy municipal director reads
    body: str
    cites: tuple[str, ...]  # keys of the case's demo remarks it rests on
    easy_read: str = ""  # the plain-language (letlæst) version, Markdown; optional


@dataclass(frozen=True)
class Answer:
    member: str  # e-mail
    response: Response
    days_ago: float
    reason: str = ""


@dataclass(frozen=True)
class Opinion:
    author: str  # e-mail
    body: str
    days_ago: float
    cosigners: tuple[str, ...]  # they co-sign a day later


@dataclass(frozen=True)
class Revision:
    text: Text
    change_note: str
    days_ago: float


@dataclass(frozen=True)
class DemoConditionGroup:
    title: str
    voters: tuple[str, ...]  # e-mails of voters whose conditions say the same
    cited: bool = False


@dataclass(frozen=True)
class DemoAdoption:
    user: str  # e-mail of a registered reader or member from the municipality
    municipality: str  # official municipality code
    note: str
    days_ago: float


@dataclass(frozen=True)
class DemoExperience:
    user: str  # e-mail of the demo account that recorded the municipality's adoption
    municipality: str  # official municipality code
    done: str
    worked: str
    failed: str
    recommends: str  # yes, partly or no
    visibility: str  # public or internal
    days_ago: float


@dataclass(frozen=True)
class DemoRecommendation:
    draft: Text
    drafted_days_ago: float
    review_days_ago: float  # sent to member review
    review_in_days: int  # the review date, from the day the demo is seeded
    review_deadline_days: int = 14  # the review deadline, from the day it was sent to review
    answers: tuple[Answer, ...] = ()
    opinions: tuple[Opinion, ...] = ()
    published_days_ago: float | None = None  # None: still in member review
    publish_reason: str = ""  # needed when published over objections or before the deadline
    revisions: tuple[Revision, ...] = ()
    adoptions: tuple[DemoAdoption, ...] = ()
    condition_groups: tuple[DemoConditionGroup, ...] = ()  # grouped before publishing
    experience: tuple[DemoExperience, ...] = ()  # reported after the adoptions


@dataclass(frozen=True)
class DemoCase:
    key: str  # the file's name without its number: "daycare_subsidy"
    author: str  # a demo member's e-mail
    content: CaseInput
    correction: dict[str, str] = field(default_factory=dict)  # saved by the author as version 2
    steps: tuple[Step, ...] = ()
    vote: DemoVote | None = None  # positions and ballots, when a step starts voting
    remarks: tuple[Remark, ...] = ()  # in the order they were written: replies follow parents
    recommendation: DemoRecommendation | None = None


@dataclass(frozen=True)
class DemoDiscussion:
    case: DemoCase
    remarks: tuple[Remark, ...]


@dataclass(frozen=True)
class DemoContent:
    password: str
    secretariat: str  # makes every demo case's lifecycle moves but submit
    accounts: tuple[DemoAccount, ...]
    cases: tuple[DemoCase, ...]

    @property
    def discussions(self) -> tuple[DemoDiscussion, ...]:
        return tuple(DemoDiscussion(case, case.remarks) for case in self.cases if case.remarks)


@cache
def demo_content() -> DemoContent:
    """The demo data files shipped with the package, read and checked once."""
    return read_content(DATA)


def read_content(directory: Path) -> DemoContent:
    """Read and check ``accounts.yaml`` and ``cases/*.yaml`` (in the order of their numbers)."""
    path = directory / "accounts.yaml"
    top = _Fields(path, "", _load(path))
    password = top.text("password", unwrap=False)
    secretariat = top.text("secretariat", unwrap=False)
    accounts = tuple(_account(item) for item in top.items("accounts"))
    emails = {account.email for account in accounts}
    if secretariat not in emails:
        top.fail("secretariat", f"{secretariat!r} is none of the accounts")
    top.done()
    files = sorted((directory / "cases").glob("*.yaml"), key=_number)
    cases = tuple(_case(path, emails) for path in files)
    seen: set[str] = set()
    for path, case in zip(files, cases, strict=True):
        if case.content.title in seen:
            raise DemoDataError(path, "case.title", "another case has the same title")
        seen.add(case.content.title)
    return DemoContent(password, secretariat, accounts, cases)


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DemoDataError(path, "(file)", f"cannot be read as YAML: {error}") from None


def _number(path: Path) -> tuple[int, str]:
    found = re.match(r"(\d+)-", path.name)
    if found is None:
        raise DemoDataError(path, "(file name)", "must start with its number, e.g. 7-name.yaml")
    return int(found.group(1)), path.name


# --- checking fields ------------------------------------------------------------------------


class _Fields:
    """One mapping of a file, read field by field; an unknown field is an error too."""

    def __init__(self, path: Path, where: str, data: Any) -> None:
        self.path, self.where = path, where
        if not isinstance(data, dict):
            self.fail("", "must be a mapping of fields")
        self.data: dict = data
        self.read: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, problem: str):
        raise DemoDataError(self.path, self.name(key) if key else self.where or "(top)", problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        self.read.add(key)
        if key not in self.data or self.data[key] is None:
            if default is ...:
                self.fail(key, "is missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in kinds):
            self.fail(key, f"must be {_kind_name(kind)}, not {value!r}")
        return value

    def text(self, key: str, default: Any = ..., *, unwrap: bool = True) -> str:
        value = self.get(key, str, default)
        if value is default and default is not ...:
            return value
        if not value.strip():
            self.fail(key, "is empty")
        return unwrap_paragraphs(value.strip()) if unwrap else value

    def number(self, key: str, default: Any = ...) -> Any:
        value = self.get(key, (int, float), default)
        if value is not None and value is not default and value < 0:
            self.fail(key, "must not be negative")
        return value

    def choice(self, key: str, vocabulary: type[Enum]) -> Any:
        value = self.get(key, str)
        try:
            return vocabulary(value)
        except ValueError:
            allowed = ", ".join(item.value for item in vocabulary)
            self.fail(key, f"{value!r} is not one of: {allowed}")

    def email(self, key: str, emails: set[str], default: Any = ...) -> Any:
        value = self.get(key, str, default)
        if value is not None and value is not default and value not in emails:
            self.fail(key, f"{value!r} is not a demo account in accounts.yaml")
        return value

    def items(self, key: str, required: bool = True) -> list[_Fields]:
        values = self.get(key, list, ... if required else [])
        return [_Fields(self.path, f"{self.name(key)}[{n}]", v) for n, v in enumerate(values)]

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            self.fail(unknown[0], "is not a known field (misspelt?)")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", list: "a list"}
    names |= {dict: "a mapping", bool: "yes or no", date: "a date (YYYY-MM-DD)"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


# --- accounts.yaml --------------------------------------------------------------------------


def _account(item: _Fields) -> DemoAccount:
    account = DemoAccount(
        email=item.text("email", unwrap=False),
        name=item.text("name", unwrap=False),
        role=item.choice("role", Role),
        organisation=item.text("organisation", unwrap=False),
        sector=item.choice("sector", Sector),
        interests=tuple(_interest(one) for one in item.items("interests", required=False)),
    )
    item.done()
    return account


def _interest(item: _Fields) -> DemoInterest:
    interest = DemoInterest(
        kind=item.choice("kind", InterestKind),
        organisation=item.text("organisation"),
        description=item.text("description"),
        starts_on=item.get("starts_on", date, None),
        ends_on=item.get("ends_on", date, None),
    )
    item.done()
    return interest


# --- cases/*.yaml ---------------------------------------------------------------------------

_VOCABULARIES = {
    "domain": Domain,
    "technology": TechnologyKind,
    "algorithm_role": AlgorithmRole,
    "ai_act_risk": AiActRisk,
    "human_contact": HumanContact,
    "dpia": Dpia,
    "visibility": Visibility,
}
_TEXTS = ("summary", "dilemma", "data_sources", "affected", "benefits", "risks", "legal_basis")


def _case(path: Path, emails: set[str]) -> DemoCase:
    top = _Fields(path, "", _load(path))
    key = re.sub(r"^\d+-", "", path.stem).replace("-", "_")
    author = top.email("author", emails)
    content = _content(_Fields(path, "case", top.get("case", dict)))
    correction = _correction(_Fields(path, "correction", top.get("correction", dict, {})))
    steps = tuple(_step(item) for item in top.items("steps"))
    moves = [step.move for step in steps]
    voting = top.get("voting", dict, None)
    if (voting is not None) != (START_VOTING in moves):
        top.fail("voting", "is needed exactly when a step is start_voting")
    vote = _vote(_Fields(path, "voting", voting), emails) if voting is not None else None
    remarks = _remarks(top, emails)
    recommendation = top.get("recommendation", dict, None)
    if recommendation is not None:
        if not remarks:
            top.fail("recommendation", "needs a discussion for its texts to cite")
        keys = {remark.key for remark in remarks}
        fields = _Fields(path, "recommendation", recommendation)
        recommendation = _recommendation(fields, emails, keys)
    top.done()
    return DemoCase(key, author, content, correction, steps, vote, remarks, recommendation)


def _content(item: _Fields) -> CaseInput:
    values: dict[str, Any] = {"title": item.text("title", unwrap=False)}
    values |= {name: item.text(name) for name in _TEXTS}
    values |= {name: item.choice(name, kind) for name, kind in _VOCABULARIES.items()}
    values["tags"] = _strings(item, "tags")
    values["personal_data"] = _strings(item, "personal_data")
    allowed = {kind.value for kind in PersonalData}
    for value in values["personal_data"]:
        if value not in allowed:
            item.fail("personal_data", f"{value!r} is not one of: {', '.join(sorted(allowed))}")
    values["sensitive_data"] = item.get("sensitive_data", bool)
    values["cross_sector_data"] = item.get("cross_sector_data", bool)
    values["chatham_house"] = item.get("chatham_house", bool, False)
    item.done()
    return CaseInput(**values)


def _strings(item: _Fields, key: str) -> list[str]:
    values = item.get(key, list)
    if not all(isinstance(value, str) and value.strip() for value in values):
        item.fail(key, "must be a list of texts")
    return values


def _correction(item: _Fields) -> dict[str, str]:
    allowed = ("title", *_TEXTS)
    correction = {key: item.text(key) for key in allowed if key in item.data}
    item.done()
    return correction


def _step(item: _Fields) -> Step:
    move = item.text("move", unwrap=False)
    if move != DISCUSS and move not in MOVES:
        item.fail("move", f"{move!r} is not one of: {DISCUSS}, {', '.join(MOVES)}")
    step = Step(move, item.text("note", ""), item.number("days_ago", None))
    item.done()
    return step


def _vote(item: _Fields, emails: set[str]) -> DemoVote:
    positions = tuple(_position(one, emails) for one in item.items("positions"))
    rejected = []
    for one in item.items("rejected", required=False):
        proposal = _position(one, emails, done=False)
        rejected.append((one.email("proposed_by", emails), proposal, one.text("reason")))
        one.done()
    ballots = tuple(_ballot(one, emails, len(positions)) for one in item.items("ballots"))
    vote = DemoVote(
        positions=positions,
        ballots=ballots,
        rejected=tuple(rejected),
        days_open=item.get("days_open", int, None),
        min_turnout=item.get("min_turnout", int, 0),
    )
    item.done()
    return vote


def _position(item: _Fields, emails: set[str], done: bool = True) -> DemoPosition:
    position = DemoPosition(
        item.text("title", unwrap=False),
        item.text("explanation"),
        None if not done else item.email("proposed_by", emails, None),
    )
    if done:
        item.done()
    return position


def _ballot(item: _Fields, emails: set[str], count: int) -> DemoBallot:
    def choice(key: str, default: Any = ...) -> Any:
        value = item.get(key, (int, str), default)
        if value is None or value in (ABSTAIN, RECUSE) and key == "choice":
            return value
        if not isinstance(value, int) or not 1 <= value <= count:
            item.fail(key, f"must be a position's number (1 to {count}), {ABSTAIN} or {RECUSE}")
        return value - 1

    ballot = DemoBallot(
        voter=item.email("voter", emails),
        choice=choice("choice"),
        reason=item.text("reason", ""),
        earlier=choice("earlier", None),
        conditions=item.text("conditions", ""),
    )
    if ballot.conditions and not isinstance(ballot.choice, int):
        item.fail("conditions", "go only with a vote for a position")
    item.done()
    return ballot


def _remarks(top: _Fields, emails: set[str]) -> tuple[Remark, ...]:
    """The discussion's remarks, replies nested under what they answer, in the order they
    were written (the longest ago first): so every reply is posted after its parent."""
    found: list[Remark] = []
    keys: set[str] = set()

    def walk(items: list[_Fields], parent: Remark | None) -> None:
        for item in items:
            remark = _remark(item, emails, parent)
            if remark.key in keys:
                item.fail("key", f"{remark.key!r} is used twice")
            if parent is not None and remark.hours_ago >= parent.hours_ago:
                item.fail("hours_ago", "a reply must be written after what it answers")
            keys.add(remark.key)
            found.append(remark)
            walk(item.items("replies", required=False), remark)
            item.done()

    walk(top.items("discussion", required=False), None)
    return tuple(sorted(found, key=lambda remark: -remark.hours_ago))


def _remark(item: _Fields, emails: set[str], parent: Remark | None) -> Remark:
    flag = item.get("flag", dict, None)
    if flag is not None:
        fields = _Fields(item.path, item.name("flag"), flag)
        flag = (fields.email("by", emails), fields.text("reason"), fields.text("note"))
        fields.done()
    return Remark(
        key=item.text("key", unwrap=False),
        author=item.email("author", emails),
        hours_ago=item.get("hours_ago", int),
        body=item.text("body"),
        reply_to=parent.key if parent else None,
        edited=item.text("edited", ""),
        removed_for=item.text("removed_for", ""),
        flag=flag,
    )


def _text(item: _Fields, keys: set[str]) -> Text:
    cites = tuple(_strings(item, "cites"))
    for key in cites:
        if key not in keys:
            item.fail("cites", f"{key!r} is no remark in the case's discussion")
    title, summary, body = item.text("title", unwrap=False), item.text("summary"), item.text("body")
    return Text(title, summary, body, cites, item.text("easy_read", ""))


def _recommendation(item: _Fields, emails: set[str], keys: set[str]) -> DemoRecommendation:
    draft = _Fields(item.path, item.name("draft"), item.get("draft", dict))
    text = _text(draft, keys)
    draft.done()
    answers = []
    for one in item.items("answers", required=False):
        answers.append(
            Answer(
                one.email("member", emails),
                one.choice("response", Response),
                one.number("days_ago"),
                one.text("reason", ""),
            )
        )
        one.done()
    opinions = []
    for one in item.items("opinions", required=False):
        cosigners = tuple(_strings(one, "cosigners")) if "cosigners" in one.data else ()
        for email in cosigners:
            if email not in emails:
                one.fail("cosigners", f"{email!r} is not a demo account in accounts.yaml")
        opinions.append(
            Opinion(
                one.email("author", emails), one.text("body"), one.number("days_ago"), cosigners
            )
        )
        one.done()
    revisions = []
    for one in item.items("revisions", required=False):
        revisions.append(
            Revision(_text(one, keys), one.text("change_note"), one.number("days_ago"))
        )
        one.done()
    adoptions = []
    for one in item.items("adoptions", required=False):
        adoptions.append(
            DemoAdoption(
                one.email("user", emails),
                one.text("municipality", unwrap=False),
                one.text("note"),
                one.number("days_ago"),
            )
        )
        one.done()
    groups = []
    for one in item.items("condition_groups", required=False):
        voters = tuple(_strings(one, "voters"))
        for email in voters:
            if email not in emails:
                one.fail("voters", f"{email!r} is not a demo account in accounts.yaml")
        groups.append(
            DemoConditionGroup(one.text("title"), voters, bool(one.get("cited", bool, False)))
        )
        one.done()
    experience = []
    for one in item.items("experience", required=False):
        experience.append(
            DemoExperience(
                one.email("user", emails),
                one.text("municipality", unwrap=False),
                one.text("done"),
                one.text("worked"),
                one.text("failed"),
                one.choice("recommends", Recommends).value,
                one.choice("visibility", ReportVisibility).value,
                one.number("days_ago"),
            )
        )
        one.done()
    published = item.number("published_days_ago", None)
    if published is None and (revisions or adoptions):
        item.fail("published_days_ago", "is needed for revisions and adoptions")
    recommendation = DemoRecommendation(
        draft=text,
        drafted_days_ago=item.number("drafted_days_ago"),
        review_days_ago=item.number("review_days_ago"),
        review_in_days=item.get("review_in_days", int),
        review_deadline_days=item.get("review_deadline_days", int, 14),
        answers=tuple(answers),
        opinions=tuple(opinions),
        published_days_ago=published,
        publish_reason=item.text("publish_reason", ""),
        revisions=tuple(revisions),
        adoptions=tuple(adoptions),
        condition_groups=tuple(groups),
        experience=tuple(experience),
    )
    item.done()
    return recommendation
