"""Demo positions, votes and declared interests, as data, and the functions that load them.

The long-term unemployment case is in voting with hidden results and some ballots; the
chatbot case has a frozen result with reasons, an abstention and a recusal (a member from
a company that sells chatbots to municipalities); the daycare subsidy case has a frozen
result split three ways. Texts are content, so not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from textwrap import dedent

from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.demo_cases import CHATBOT, DAYCARE_SUBSIDY, UNEMPLOYMENT
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.members.models import Interest, InterestKind
from thinktank.members.service import InterestInput, declare_interest
from thinktank.models import utcnow
from thinktank.text import unwrap_paragraphs
from thinktank.voting import ballots, service
from thinktank.voting.models import BallotChoice, VoteResult, VotingRound

ABSTAIN, RECUSE = "abstain", "recuse"


@dataclass(frozen=True)
class DemoPosition:
    title: str
    explanation: str
    proposer: str | None = None  # a member's e-mail: proposed, then approved by the secretariat


@dataclass(frozen=True)
class DemoBallot:
    voter: str  # e-mail
    choice: int | str  # index into the positions, ABSTAIN or RECUSE
    reason: str = ""
    earlier: int | None = None  # a first vote, changed before closing


@dataclass(frozen=True)
class DemoVote:
    positions: tuple[DemoPosition, ...]
    ballots: tuple[DemoBallot, ...]
    rejected: tuple[tuple[str, DemoPosition, str], ...] = ()  # (proposer, proposal, reason)
    days_open: int | None = None
    min_turnout: int = 0  # per cent; closing below it asks the secretariat for a reason


def _md(text: str) -> str:
    return unwrap_paragraphs(dedent(text).strip())


DEMO_VOTES = {
    UNEMPLOYMENT.content.title: DemoVote(
        days_open=14,
        min_turnout=50,
        positions=(
            DemoPosition(
                "Ja, på klare betingelser",
                _md("""
                    Modellen kan bruges som **rådgivende** støtte, hvis:

                    - der er lavet og offentliggjort en analyse af skævheder,
                    - borgeren kan se sin kategori og få den forklaret og anfægtet,
                    - sagsbehandleren altid selv begrunder den indsats, der vælges.
                    """),
            ),
            DemoPosition(
                "Kun som et afgrænset pilotforsøg",
                "Et års forsøg med uafhængig evaluering, før modellen kan tages i brug i drift.",
                proposer="ekspert2@kl-demo.dk",
            ),
            DemoPosition(
                "Nej, ledige skal ikke profileres",
                "Gevinsten står ikke mål med risikoen for at sætte borgere i bås.",
            ),
        ),
        ballots=(
            DemoBallot(
                "ekspert2@kl-demo.dk",
                1,
                "Vi ved for lidt om, hvordan kategorierne påvirker sagsbehandlerne i praksis. "
                "Det skal et forsøg med en kontrolgruppe vise.",
            ),
            DemoBallot("ekspert3@kl-demo.dk", 0),
            DemoBallot(
                "ekspert6@kl-demo.dk",
                2,
                "Socialrådgivere ser hver dag, hvordan etiketter følger borgerne. "
                "En score før første samtale gør mere skade end gavn.",
            ),
            DemoBallot(
                "ekspert4@kl-demo.dk",
                0,
                "Betingelserne i position 1 dækker det, et pilotforsøg skulle afdække.",
                earlier=1,
            ),
        ),
    ),
    CHATBOT.content.title: DemoVote(
        positions=(
            DemoPosition(
                "Menneskelig kontakt skal være en ret",
                "Borgeren skal altid kunne komme igennem til en medarbejder – i chatten, i "
                "telefonen og ved skranken – og telefontiden må ikke skæres ned.",
            ),
            DemoPosition(
                "Chatbot som supplement med klare grænser",
                _md("""
                    Chatbotten må bruges, når:

                    1. den siger tydeligt, at den er en chatbot,
                    2. der er en knap til »Tal med et menneske« i hver samtale,
                    3. den aldrig svarer på spørgsmål om borgerens egen sag.
                    """),
            ),
            DemoPosition(
                "Chatbot kun til generel vejledning",
                "Chatbotten henviser kun til sider og selvbetjening og formulerer ikke egne svar.",
                proposer="ekspert1@kl-demo.dk",
            ),
        ),
        rejected=(
            (
                "ekspert6@kl-demo.dk",
                DemoPosition(
                    "Ingen chatbots i borgerservice",
                    "Generativ AI er for upålidelig til at tale med borgerne på kommunens vegne.",
                ),
                "Forslaget dækkes i praksis af position 1 og 3; vi vil undgå at dele "
                "stemmerne på næsten enslydende positioner.",
            ),
        ),
        ballots=(
            DemoBallot(
                "ekspert1@kl-demo.dk",
                1,
                "Med knappen til et menneske og forbuddet mod svar om egen sag er risikoen "
                "til at styre. Aarhus har gode erfaringer med en lignende løsning.",
            ),
            DemoBallot(
                "ekspert2@kl-demo.dk",
                0,
                "Forkerte svar rammer skævt: de borgere, der har sværest ved at opdage fejlen, "
                "er også dem, der har mest brug for et menneske.",
            ),
            DemoBallot("ekspert3@kl-demo.dk", 1, earlier=2),
            DemoBallot(
                "ekspert5@kl-demo.dk",
                1,
                "Grænserne skal stå i kommunens udbudsmateriale, så de også gælder, når "
                "leverandøren opdaterer sprogmodellen.",
            ),
            DemoBallot(
                "ekspert6@kl-demo.dk",
                0,
                "**Mindretalsudtalelse:** Uden en ret til menneskelig kontakt bliver "
                "besparelsen hentet hos de borgere, der har færrest alternativer.",
            ),
            DemoBallot(
                "ekspert4@kl-demo.dk",
                RECUSE,
                "Netcompany leverer chatbotløsninger til kommuner og deltager i udbud på "
                "netop den slags løsning. Jeg stemmer derfor ikke.",
            ),
            DemoBallot(
                "sekretariat@kl-demo.dk",
                ABSTAIN,
                "Sekretariatet skriver anbefalingen og undlader derfor at stemme.",
            ),
        ),
    ),
    DAYCARE_SUBSIDY.content.title: DemoVote(
        positions=(
            DemoPosition(
                "Robotten må bevilge – et menneske ser afslag og krav",
                _md("""
                    Robotten må beregne tilskuddet og træffe afgørelsen, når familien får det,
                    den har søgt om. **Afslag, nedsættelser og tilbagebetalingskrav** ses af en
                    sagsbehandler, før de sendes.
                    """),
            ),
            DemoPosition(
                "Fuld automatisering med skærpede garantier",
                _md("""
                    Robotten må træffe alle afgørelser, også om krav, hvis:

                    - familien varsles og kan gøre indsigelse, før et krav sendes,
                    - afgørelsen viser beregningen med familiens egne tal,
                    - en sagsbehandler hver måned gennemgår en stikprøve af afgørelserne.
                    """),
            ),
            DemoPosition(
                "Et menneske godkender hver afgørelse",
                "Robotten forbereder sagen og regner tilskuddet ud, men en sagsbehandler "
                "godkender og sender hver afgørelse.",
                proposer="ekspert6@kl-demo.dk",
            ),
        ),
        ballots=(
            DemoBallot(
                "ekspert1@kl-demo.dk",
                0,
                "Omkring tre ud af fire ansøgninger ender med fuld bevilling. Dem kan robotten "
                "trygt klare, og så har sagsbehandlerne tid til de sager, der kan gå galt.",
            ),
            DemoBallot(
                "ekspert2@kl-demo.dk",
                0,
                "Fejlene er ikke lige dyre: En for stor bevilling koster kommunen penge, et "
                "forkert krav koster en familie sin økonomiske tryghed.",
            ),
            DemoBallot(
                "ekspert3@kl-demo.dk",
                1,
                "Varsel, beregning og stikprøver kan bygges ind i løsningen. At lade et "
                "menneske se alle krav giver en falsk tryghed, når der er mange hundrede.",
                earlier=0,
            ),
            DemoBallot(
                "ekspert4@kl-demo.dk",
                1,
                "Teknisk er garantierne billige at bygge. Det dyre er en manuel kontrol, der "
                "med tiden bliver et klik uden eftertanke.",
            ),
            DemoBallot(
                "ekspert5@kl-demo.dk",
                0,
                "Det svarer til god praksis for digitaliseringsklar lovgivning: automatisér det "
                "enkle og begunstigende, og bevar det skønsmæssige og bebyrdende hos mennesker.",
            ),
            DemoBallot(
                "ekspert6@kl-demo.dk",
                2,
                "Familier med lav indkomst skal ikke være prøveklude for en robot. Et menneske "
                "skal stå bag hver afgørelse, der handler om deres økonomi.",
            ),
            DemoBallot(
                "sekretariat@kl-demo.dk",
                ABSTAIN,
                "Sekretariatet skriver anbefalingen og undlader derfor at stemme.",
            ),
        ),
    ),
}


@dataclass(frozen=True)
class DemoInterest:
    kind: InterestKind
    organisation: str
    description: str
    starts_on: date | None = None
    ends_on: date | None = None


DEMO_INTERESTS = {
    "sekretariat@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "KL",
            "Chefkonsulent i KL's digitaliseringsenhed.",
            date(2018, 8, 1),
        ),
    ),
    "ekspert1@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "Aarhus Kommune",
            "Digitaliseringschef i Beskæftigelsesforvaltningen.",
            date(2019, 3, 1),
        ),
    ),
    "ekspert2@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "Københavns Universitet",
            "Lektor i algoritmisk retfærdighed.",
            date(2017, 9, 1),
        ),
        DemoInterest(
            InterestKind.ADVISORY,
            "Innovationsfonden",
            "Forskningsprojekt om profilering i den offentlige sektor, finansieret af fonden.",
            date(2020, 1, 1),
            date(2023, 12, 31),
        ),
    ),
    "ekspert3@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "Region Midtjylland",
            "Jurist og databeskyttelsesrådgiver (DPO).",
            date(2016, 2, 1),
        ),
    ),
    "ekspert4@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "Netcompany",
            "Partner med ansvar for AI-løsninger til den offentlige sektor.",
            date(2015, 5, 1),
        ),
        DemoInterest(
            InterestKind.OWNERSHIP,
            "Netcompany Group A/S",
            "Medarbejderaktier (under 0,1 % af selskabet).",
            date(2019, 1, 1),
        ),
    ),
    "ekspert5@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "Digitaliseringsstyrelsen",
            "Kontorchef for offentlig AI og datadeling.",
            date(2021, 4, 1),
        ),
    ),
    "ekspert6@kl-demo.dk": (
        DemoInterest(
            InterestKind.EMPLOYMENT,
            "Dansk Socialrådgiverforening",
            "Faglig konsulent om digitalisering i socialt arbejde.",
            date(2020, 8, 1),
        ),
        DemoInterest(
            InterestKind.BOARD_SEAT,
            "Foreningen for Digital Inklusion",
            "Ulønnet bestyrelsesmedlem.",
            date(2022, 6, 1),
        ),
    ),
}


def seed_interests(users: dict[str, User]) -> int:
    """Declare the demo interests of accounts that have declared none; returns how many."""
    declared = set(
        db.session.scalars(
            select(Interest.user_id).where(
                Interest.user_id.in_([users[email].id for email in DEMO_INTERESTS])
            )
        )
    )
    count = 0
    for email, interests in DEMO_INTERESTS.items():
        if users[email].id in declared:
            continue
        for item in interests:
            data = InterestInput(
                item.kind, item.organisation, item.description, item.starts_on, item.ends_on
            )
            declare_interest(users[email], data)
            count += 1
    return count


def _cast(users: dict[str, User], case: Case, positions: list, ballot: DemoBallot) -> None:
    def choose(choice):
        if choice in (ABSTAIN, RECUSE):
            return BallotChoice(choice), None
        return BallotChoice.POSITION, positions[choice].id

    if ballot.earlier is not None:
        ballots.cast_ballot(users[ballot.voter], case.id, *choose(ballot.earlier))
    ballots.cast_ballot(users[ballot.voter], case.id, *choose(ballot.choice), ballot.reason)


def start_demo_vote(case: Case, users: dict[str, User], secretariat: User, note: str) -> None:
    """Add the case's positions (proposals approved or rejected), start voting, cast ballots."""
    vote = DEMO_VOTES[case.title]
    positions = []
    for item in vote.positions:
        data = service.PositionInput(item.title, item.explanation)
        if item.proposer:
            proposal = service.add_position(users[item.proposer], case, data)
            positions.append(service.approve_position(secretariat, case, proposal.id))
        else:
            positions.append(service.add_position(secretariat, case, data))
    for proposer, item, reason in vote.rejected:
        proposal = service.add_position(
            users[proposer], case, service.PositionInput(item.title, item.explanation)
        )
        service.reject_position(secretariat, case, proposal.id, reason)
    closes_at = utcnow() + timedelta(days=vote.days_open) if vote.days_open else None
    service.start_voting(
        secretariat,
        case,
        closes_at=closes_at,
        open_results=False,
        note=note,
        min_turnout=vote.min_turnout,
    )
    for ballot in vote.ballots:
        _cast(users, case, positions, ballot)


def date_vote(case: Case, move: str, when: datetime) -> None:
    """Put a demo vote's start or close on the day it happened in the case's story (the
    positions and ballots it added are dated with the step)."""
    if move == "start_voting":
        db.session.get(VotingRound, case.id).started_at = when
    elif move == "close_voting":
        db.session.get(VotingRound, case.id).closed_at = when
        # A frozen result is never rewritten by the app; the demo only moves it into its past.
        with rewriting(VoteResult.frozen_at, VoteResult.snapshot):
            result = db.session.get(VoteResult, case.id)
            result.frozen_at = when
            result.snapshot = result.snapshot | {"at": when.isoformat()}
