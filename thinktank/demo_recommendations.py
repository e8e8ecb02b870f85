"""The demo recommendations: one published in two versions, one in member review.

The chatbot case's recommendation was drafted after its vote, reviewed by the members (a
minority opinion was written and co-signed), published, sharpened in a second version and
adopted by two municipalities. The daycare subsidy case's draft is in member review with a
consent and an objection. Everything goes through the recommendation service, on the days it
happened in the cases' story (:func:`thinktank.demo_cases.dated`). The texts are content, in
KL's voice, so they are not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.demo_cases import _md, dated
from thinktank.demo_discussion import (
    ANDERS,
    CHATBOT_DISCUSSION,
    DAYCARE_SUBSIDY_DISCUSSION,
    FATIMA,
    JENS,
    KARIN,
    METTE,
    PETER,
    SOFIE,
    DemoDiscussion,
)
from thinktank.extensions import db
from thinktank.models import LOCAL_TIMEZONE, local_today, utcnow
from thinktank.recommendations import adoptions, service
from thinktank.recommendations.models import Recommendation, Response


@dataclass(frozen=True)
class Text:
    title: str
    summary: str  # what a busy municipal director reads
    body: str
    cites: tuple[str, ...]  # keys of the case's demo remarks it rests on


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
class DemoAdoption:
    user: str  # e-mail of a registered reader or member from the municipality
    municipality: str  # official municipality code
    note: str
    days_ago: float


@dataclass(frozen=True)
class DemoRecommendation:
    discussion: DemoDiscussion  # the case, and the remarks the texts may cite
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


# --- the chatbot case: published, two versions ---------------------------------------------

_CHATBOT_INTRO = _md("""
    ## Anbefalingen kort

    En chatbot kan give borgerne hurtige svar på enkle spørgsmål om pas, flytning og
    sundhedskort – døgnet rundt og på flere sprog. Men generativ AI kan give svar, der lyder
    rigtige og er forkerte, og de borgere, der har sværest ved at opdage fejlen, er ofte dem,
    der har mest brug for en medarbejder. Tænketanken anbefaler derfor, at kommunerne kun
    bruger chatbots som et **supplement** til telefon, skranke og selvbetjening, og med klare
    grænser.

    ## Anbefalinger til kommunerne

    ### 1. Sig, at det er en chatbot

    - Chatbotten siger i sit første svar, at den er en chatbot og ikke en medarbejder
      (AI-forordningens art. 50).
    - Den har ikke et menneskenavn og udgiver sig ikke for at være en person.

    ### 2. En synlig vej til en medarbejder i hver samtale

    - Knappen »Tal med en medarbejder« er synlig fra det første svar – ikke først, når
      borgeren har spurgt flere gange.
    - Knappen fører til en medarbejder i chatten eller til en opringning samme dag i
      åbningstiden, ikke til en formular.
    - Telefon og skranke har samme åbningstider som før chatbotten, indtil kommunen har målt,
      at ingen grupper af borgere får ringere service.

    ### 3. Kun generel vejledning – aldrig borgerens egen sag

    - Chatbotten svarer kun ud fra kommunens egne sider og borger.dk, og hvert svar viser den
      side, det bygger på.
    - Finder den ikke svaret i kilderne, siger den det og tilbyder en medarbejder.
    - Spørger borgeren om sin egen sag, sender chatbotten borgeren videre til en medarbejder.

    ### 4. Beskyt det, borgerne skriver

    - Cpr-numre og andre åbenlyse personoplysninger fjernes automatisk, før teksten sendes til
      sprogmodellen.
    - Samtalerne behandles i EU, bruges ikke til at træne leverandørens modeller og slettes
      efter højst 30 dage.

    ### 5. Mål kvaliteten – og offentliggør den

    - Medarbejderne gennemgår hver måned en tilfældig stikprøve på mindst 100 samtaler og
      tæller de forkerte og de ufuldstændige svar.
    - Resultaterne opdeles på sprog og emne og offentliggøres mindst hvert kvartal sammen med
      andelen af borgere, der valgte en medarbejder.
    """)

_CHATBOT_CONTRACT = _md("""
    ### 6. Skriv kravene ind i kontrakten

    Leverandørerne opdaterer sprogmodellerne flere gange om året, og en chatbot kan svare
    anderledes efter en opdatering. Kommunen bør derfor i kontrakten sikre sig ret til at

    - få besked, før en ny sprogmodel tages i brug,
    - teste den nye model på sine egne spørgsmål, før den sættes i drift,
    - stoppe chatbotten, hvis kvaliteten falder under det aftalte niveau.

    Vejledningspligten efter forvaltningslovens § 7 er kommunens og kan ikke overlades til
    leverandøren.
    """)

_CHATBOT_SCOPE = _md("""
    ## Det, anbefalingen ikke siger

    Anbefalingen tager ikke stilling til, om en kommune skal have en chatbot. Den siger, hvilke
    grænser der skal gælde, hvis kommunen vælger at få en. Et mindretal mener, at adgangen til
    en medarbejder skal være en ret; se mindretalsudtalelsen.
    """)

_CHATBOT_TITLE = (
    "Chatbots i borgerservice: et supplement med klare grænser – aldrig en mur af robotter"
)

CHATBOT_RECOMMENDATION = DemoRecommendation(
    discussion=CHATBOT_DISCUSSION,
    draft=Text(
        title=_CHATBOT_TITLE,
        summary=(
            "Kommuner kan bruge en chatbot med generativ AI i borgerservice som et supplement "
            "til telefon, skranke og selvbetjening. Chatbotten skal sige, at den er en chatbot, "
            "svare ud fra kommunens egne sider og borger.dk og aldrig svare på spørgsmål om "
            "borgerens egen sag. Der skal være en synlig vej til en medarbejder i hver samtale, "
            "og kvaliteten af svarene skal måles hver måned."
        ),
        body=f"{_CHATBOT_INTRO}\n\n{_CHATBOT_SCOPE}",
        cites=("first_answer", "quality", "free_text"),
    ),
    drafted_days_ago=46,
    review_days_ago=44,
    review_in_days=330,
    answers=(
        Answer(ANDERS, Response.CONSENT, 43),
        Answer(
            JENS,
            Response.CONSENT,
            42,
            "Afsnittet om personoplysninger dækker det, vi drøftede. Fristen på 30 dage bør "
            "stå i databehandleraftalen.",
        ),
        Answer(PETER, Response.CONSENT, 41),
        Answer(
            SOFIE,
            Response.OBJECTION,
            40,
            "Anbefalingen gør adgangen til en medarbejder til noget, kommunen tilbyder, ikke en "
            "ret. Jeg har skrevet en mindretalsudtalelse.",
        ),
    ),
    opinions=(
        Opinion(
            SOFIE,
            _md("""
                Vi står bag anbefalingens krav til chatbotten, men ikke bag, at adgangen til en
                medarbejder kun er noget, kommunen *tilbyder*. Den bør være en **ret**, som står
                i kommunens servicemål:

                - Telefontid og åbningstid i borgerservice må ikke skæres ned som følge af
                  chatbotten.
                - En borger, der møder op eller ringer, skal ikke først henvises til chatten.
                - En besparelse i borgerservice bør ikke indregnes i budgettet, før kommunen
                  har målt, hvem der bruger chatten – og hvem der ikke gør.

                Forkerte svar rammer skævt. De borgere, der har sværest ved at opdage, at
                chatbotten tager fejl, er de samme, som har færrest alternativer, når telefonen
                lukker.
                """),
            40,
            cosigners=(FATIMA,),
        ),
    ),
    review_deadline_days=7,
    published_days_ago=35,
    publish_reason=(
        "Indsigelsen er drøftet med Sofie Lund. Tænketanken står bag anbefalingen, og "
        "mindretalsudtalelsen udgives sammen med den, så begge synspunkter kan læses."
    ),
    revisions=(
        Revision(
            Text(
                title=_CHATBOT_TITLE,
                summary=(
                    "Kommuner bør kun bruge en chatbot med generativ AI i borgerservice som et "
                    "supplement til telefon, skranke og selvbetjening – aldrig som en mur foran "
                    "medarbejderne. Chatbotten skal sige, at den er en chatbot, svare med "
                    "kildehenvisning ud fra kommunens egne sider og borger.dk og aldrig svare på "
                    "spørgsmål om borgerens egen sag. Der skal være en synlig vej til en "
                    "medarbejder i hver samtale, telefon og skranke må ikke skæres ned, før "
                    "kommunen har målt, at ingen grupper får ringere service, og kvaliteten af "
                    "svarene skal måles hver måned. Kravene skal stå i kontrakten med "
                    "leverandøren."
                ),
                body=f"{_CHATBOT_INTRO}\n\n{_CHATBOT_CONTRACT}\n\n{_CHATBOT_SCOPE}",
                cites=("first_answer", "quality", "free_text", "contract"),
            ),
            "Resuméet er skærpet, og anbefaling 6 om at skrive kravene ind i kontrakten med "
            "leverandøren er tilføjet, så de også gælder, når sprogmodellen opdateres. Peter "
            "Nielsens indlæg om kontrakten er føjet til de argumenter, anbefalingen bygger på.",
            9,
        ),
    ),
    adoptions=(
        DemoAdoption(
            KARIN,
            "791",
            "Viborg Kommune bruger anbefalingen som kravspecifikation i udbuddet af en ny "
            "chatbot til borgerservice.",
            24,
        ),
        DemoAdoption(
            ANDERS,
            "751",
            "Aarhus Kommune har flyttet knappen til en medarbejder op i chatbottens første svar "
            "og offentliggør fremover stikprøverne hvert kvartal.",
            4,
        ),
    ),
)


# --- the daycare subsidy case: a draft in member review -------------------------------------

DAYCARE_SUBSIDY_RECOMMENDATION = DemoRecommendation(
    discussion=DAYCARE_SUBSIDY_DISCUSSION,
    draft=Text(
        title=(
            "Robotter og hverdagsydelser: automatisér bevillinger – lad et menneske se afslag "
            "og krav"
        ),
        summary=(
            "Kommuner kan lade en softwarerobot beregne og bevilge økonomisk friplads og "
            "lignende ydelser efter faste regler, når familien får det, den har søgt om. "
            "Afslag, nedsættelser og tilbagebetalingskrav skal ses af en sagsbehandler, før de "
            "sendes, og familien skal varsles og kunne se beregningen med sine egne tal. "
            "Robotten skal køre parallelt med sagsbehandlerne, før den træffer afgørelser, og "
            "kommunen skal følge op på klager og fejl."
        ),
        body=_md("""
            ## Anbefalingen kort

            Økonomisk friplads er et eksempel på en ydelse, hvor reglerne er faste, og hvor en
            softwarerobot kan give familierne svar på dage i stedet for uger. Men fejlene er
            ikke lige dyre: En for stor bevilling bliver rettet ved efterreguleringen, mens et
            forkert krav kan vælte økonomien i en familie med lav indkomst. Tænketanken
            anbefaler derfor, at kommunerne automatiserer det, der er til borgerens fordel, og
            lader et menneske se det, der er til ugunst.

            ## Anbefalinger til kommunerne

            ### 1. Automatisér bevillinger efter faste regler

            - Robotten må beregne tilskuddet og sende afgørelsen, når familien får det, den har
              søgt om.
            - Sager med selvstændige, delt bopæl eller manglende oplysninger går altid til en
              sagsbehandler.

            ### 2. Et menneske ser afslag, nedsættelser og krav

            - En sagsbehandler ser hver afgørelse, der er til ugunst for familien, før den
              sendes.
            - Sagsbehandleren kan se i robottens log, hvilke oplysninger afgørelsen bygger på.

            ### 3. Varsl, før et krav sendes

            - Bygger et krav på oplysninger om husstand eller indkomst, som familien ikke selv
              har givet, varsles familien med en frist på mindst 14 dage (partshøring efter
              forvaltningslovens § 19).
            - Varslet forklarer, hvordan familien gør indsigelse, og tilbyder en afdragsordning.

            ### 4. Vis beregningen

            - Hver afgørelse viser beregningen med familiens egne tal: indkomst, husstand og
              tilskud.
            - Familien får at vide, at afgørelsen er truffet automatisk, og hvordan den får en
              sagsbehandler til at se på sagen (databeskyttelsesforordningens art. 13 og 22).

            ### 5. Test, før robotten træffer afgørelser

            - Robotten kører parallelt med sagsbehandlerne i mindst tre måneder, og
              resultaterne sammenlignes, før den sender afgørelser.
            - Konsekvensanalysen tager stilling til, om CPR-adressen er et godt nok grundlag for
              at afgøre, hvem der hører til husstanden.

            ### 6. Følg op – og offentliggør det

            - Kommunen opgør hvert halve år, hvor mange automatiske afgørelser der ændres efter
              en klage eller en henvendelse, og om nogle familier klager oftere end andre.
            - Opgørelsen forelægges det politiske udvalg og offentliggøres.

            ## Gælder også andre ydelser

            Anbefalingerne gælder også andre ydelser efter faste regler, hvor en kommune
            overvejer automatiske afgørelser, fx befordringsgodtgørelse og refusion af
            sygedagpenge til arbejdsgivere.
            """),
        cites=("notice", "asymmetry"),
    ),
    drafted_days_ago=12,
    review_days_ago=10,
    review_in_days=720,
    answers=(
        Answer(
            ANDERS,
            Response.CONSENT,
            8,
            "Det er den arbejdsdeling, vi kan bygge i pladsanvisningen – og varslet løser det "
            "meste af problemet med husstanden.",
        ),
        Answer(
            SOFIE,
            Response.OBJECTION,
            6,
            "Anbefaling 1 lader robotten sende bevillinger, som intet menneske har set, og en "
            "bevilling på et forkert grundlag bliver til et krav ved efterreguleringen. Jeg kan "
            "tiltræde, hvis en sagsbehandler også ser en stikprøve af bevillingerne, før de "
            "sendes.",
        ),
    ),
)

DEMO_RECOMMENDATIONS = (CHATBOT_RECOMMENDATION, DAYCARE_SUBSIDY_RECOMMENDATION)


def seed_recommendations(users: dict[str, User]) -> int:
    """Draft, review and publish the recommendations of the closed demo cases that have none
    yet; return how many were created."""
    # The services build links with url_for, which outside a request needs SERVER_NAME.
    with current_app.test_request_context("/"):
        return sum(seed_recommendation(demo, users) for demo in DEMO_RECOMMENDATIONS)


def seed_recommendation(demo: DemoRecommendation, users: dict[str, User]) -> int:
    """Take one recommendation through its story, each step on its day; 1 if created."""
    title = demo.discussion.case.content.title
    case = db.session.scalar(select(Case).where(Case.title == title))
    if case is None or case.state != CaseState.CLOSED or _has_recommendation(case):
        return 0
    comments = _demo_comments(demo.discussion, case)
    if comments is None:  # the case was seeded before it had a discussion: nothing to cite
        return 0
    now = utcnow()
    staff = users[METTE]
    with dated(_ago(now, demo.drafted_days_ago)):
        recommendation = service.create(staff, case.id, _input(demo, demo.draft, comments))
    with dated(_ago(now, demo.review_days_ago)) as when:
        service.send_to_review(staff, recommendation, deadline=service.default_review_deadline())
        recommendation.review_started_at = when
        started = when.astimezone(LOCAL_TIMEZONE).date()
        recommendation.review_deadline = started + timedelta(days=demo.review_deadline_days)
    for answer in demo.answers:
        with dated(_ago(now, answer.days_ago)):
            member = users[answer.member]
            service.respond(member, recommendation, answer.response.value, answer.reason)
    for opinion in demo.opinions:
        with dated(_ago(now, opinion.days_ago)):
            written = service.write_opinion(users[opinion.author], recommendation, opinion.body)
        with dated(_ago(now, opinion.days_ago - 1)):
            for signer in opinion.cosigners:
                service.cosign(users[signer], written.id)
    if demo.published_days_ago is not None:
        _publish(demo, recommendation, users, comments, now)
    return 1


def _publish(
    demo: DemoRecommendation,
    recommendation: Recommendation,
    users: dict[str, User],
    comments: dict[str, int],
    now: datetime,
) -> None:
    """Publish version 1 (the case becomes 'recommended') and each revision after it, then
    record the municipalities that adopted it, each on the day it did."""
    staff = users[METTE]
    with dated(_ago(now, demo.published_days_ago)) as when:
        service.publish(staff, recommendation, reason=demo.publish_reason)
        recommendation.first_published_at = recommendation.last_published_at = when
        db.session.get(Case, recommendation.case_id).last_activity_at = when
    for revision in demo.revisions:
        with dated(_ago(now, revision.days_ago)) as when:
            service.update(staff, recommendation, _input(demo, revision.text, comments))
            service.publish(staff, recommendation, revision.change_note)
            recommendation.updated_at = recommendation.last_published_at = when
    for adoption in demo.adoptions:
        with dated(_ago(now, adoption.days_ago)):
            user = users[adoption.user]
            recorded = adoptions.adopt(user, recommendation, adoption.municipality, adoption.note)
            if recorded.is_pending:  # demo addresses are not municipal: the secretariat confirms
                adoptions.decide(staff, recorded.id, confirm=True)


def _input(demo: DemoRecommendation, text: Text, comments: dict[str, int]) -> service.DraftInput:
    review_by = local_today() + timedelta(days=demo.review_in_days)
    cited = [comments[key] for key in text.cites]
    return service.DraftInput(text.title, text.summary, text.body, review_by, cited)


def _ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def _has_recommendation(case: Case) -> bool:
    found = select(Recommendation.id).where(Recommendation.case_id == case.id).limit(1)
    return db.session.scalar(found) is not None


def _demo_comments(discussion: DemoDiscussion, case: Case) -> dict[str, int] | None:
    """The ids of the case's demo comments by remark key; None unless all are there."""
    ids = {comment.body: comment.id for comment in service.citable_comments(case.id)}
    found = {remark.key: ids.get(remark.body) for remark in discussion.remarks}
    return found if all(found.values()) else None
