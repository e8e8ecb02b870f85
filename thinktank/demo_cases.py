"""The demo dilemma cases: realistic Danish cases from the think tank's agenda, as data.

Each case names its author (a demo member), its content as the author wrote it, an
optional correction saved as a second version, and the lifecycle steps it has been through.
``thinktank.demo`` creates them; the texts are content, so they are not translated.

A case with a past (it was voted on and led to a recommendation) says how many days ago each
step happened; :func:`dated` puts what a step adds during seeding on that day, so the case
page, the public log and the recommendation tell the story in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from textwrap import dedent

from sqlalchemy import func, select, update

from thinktank.audit.models import AuditEvent
from thinktank.cases.models import Case, CaseRevision, CaseTransition
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
from thinktank.extensions import db
from thinktank.frozen import rewriting
from thinktank.notifications.models import Notification
from thinktank.recommendations.models import (
    Adoption,
    Cosignature,
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
    ReviewResponse,
)
from thinktank.text import unwrap_paragraphs
from thinktank.voting.models import Ballot, BallotChange, Position


@dataclass(frozen=True)
class Step:
    """A lifecycle move; ``submit`` is made by the author, every other move by the secretariat.
    ``discuss`` is no move: the members post the case's demo discussion (while it is open)."""

    move: str
    note: str = ""
    days_ago: float | None = None  # when it happened; None: when the demo is seeded


@dataclass(frozen=True)
class DemoCase:
    author: str  # a demo member's e-mail
    content: CaseInput
    correction: dict[str, str] = field(default_factory=dict)  # saved by the author as version 2
    steps: tuple[Step, ...] = ()


def _md(text: str) -> str:
    return unwrap_paragraphs(dedent(text).strip())


#: The rows a demo step can add, with their time columns (those a row has set are dated).
_ADDED_ROWS = (
    (Case, "created_at", "updated_at", "last_activity_at"),
    (CaseRevision, "created_at"),
    (CaseTransition, "created_at"),
    (AuditEvent, "created_at"),
    (Notification, "created_at"),
    (Position, "created_at", "updated_at", "decided_at"),
    (Ballot, "cast_at", "updated_at"),
    (BallotChange, "created_at"),
    (Recommendation, "created_at", "updated_at"),
    (ReviewResponse, "created_at"),
    (MinorityOpinion, "created_at", "updated_at"),
    (Cosignature, "created_at"),
    (RecommendationVersion, "published_at"),
    (Adoption, "created_at"),
)


@contextmanager
def dated(when: datetime | None) -> Iterator[datetime | None]:
    """Put every row the block adds through the services on ``when`` (None: leave them).

    Only added rows are moved; times the block sets on existing rows (a case's submission, a
    recommendation's publication) are the caller's to set, inside the block.
    """
    if when is None:
        yield None
        return
    last_ids = {
        model: db.session.scalar(select(func.max(model.id))) or 0 for model, *_ in _ADDED_ROWS
    }
    yield when
    # The versions the block published are frozen: their publication date is all that moves.
    with rewriting(RecommendationVersion.published_at):
        for model, *columns in _ADDED_ROWS:
            for name in columns:
                column = getattr(model, name)
                db.session.execute(
                    update(model)
                    .where(model.id > last_ids[model], column.is_not(None))
                    .values({name: when})
                )
    db.session.commit()


def _data(*kinds: PersonalData) -> list[str]:
    return [kind.value for kind in kinds]


UNEMPLOYMENT = DemoCase(
    author="ekspert1@kl-demo.dk",
    content=CaseInput(
        title="Skal jobcentret bruge en model, der forudsiger risikoen for langtidsledighed?",
        summary=(
            "Et jobcenter vil give sagsbehandlerne en model, der før første samtale vurderer, "
            "hvor stor risikoen er for, at en nyledig borger bliver langtidsledig. Målet er en "
            "tidligere og mere målrettet indsats – men modellen bygger på følsomme oplysninger "
            "og kan sætte borgere i bås, før de har haft en chance."
        ),
        dilemma=_md("""
            Jobcentret i en mellemstor kommune har sammen med en leverandør udviklet en model,
            der ud fra registerdata beregner sandsynligheden for, at en nyledig borger stadig er
            ledig efter et år. Sagsbehandleren ser resultatet som en af tre kategorier før den
            første samtale:

            | Kategori | Beregnet risiko | Forslag til indsats |
            |---|---|---|
            | Lav | under 20 % | Selvbooking af samtaler og digitale jobtilbud |
            | Middel | 20–50 % | Almindeligt samtaleforløb |
            | Høj | over 50 % | Tidlig tværfaglig indsats, fx mentor eller virksomhedspraktik |

            Modellen er trænet på fem års forløb i kommunen. Tidligere ledighedsperioder
            forklarer mest, men også alder, uddannelse, sygedagpengeforløb og herkomst indgår.

            **Det, der trækker i hver sin retning:**

            - En tidlig indsats over for dem med størst risiko kan forkorte ledigheden mærkbart –
              og det er netop dem, sagsbehandleren har sværest ved at spotte ved første møde.
            - En etiket som »høj risiko« kan påvirke både sagsbehandlerens forventninger og
              borgerens tro på at komme i job. Erfaringer fra Østrig og Polen viser, at
              profileringsmodeller kan forstærke eksisterende skævheder.
            - Modellen er tænkt som *rådgivende*, men i en travl hverdag er der risiko for, at
              kategorien følges uden selvstændig vurdering (automation bias).
            - Borgeren har ret til en begrundelse, men en statistisk vægtning er svær at forklare.

            **Spørgsmål til tænketanken:** Hvilke betingelser skal være opfyldt, før en kommune
            tager sådan en model i brug – og skal borgeren kunne se og anfægte sin kategori?
            """),
        domain=Domain.EMPLOYMENT,
        tags=["profilering", "jobcenter", "langtidsledighed", "automation bias"],
        technology=TechnologyKind.PREDICTION,
        algorithm_role=AlgorithmRole.ADVISORY,
        ai_act_risk=AiActRisk.HIGH,
        personal_data=_data(
            PersonalData.CPR,
            PersonalData.EMPLOYMENT,
            PersonalData.EDUCATION,
            PersonalData.HEALTH,
            PersonalData.ETHNICITY,
        ),
        sensitive_data=True,
        cross_sector_data=False,
        data_sources=(
            "Jobcentrets fagsystem (forløb, samtaler og tilbud), DREAM-registeret med historik "
            "om offentlige ydelser, tidligere sygedagpengeforløb i kommunen og de oplysninger om "
            "uddannelse og erfaring, som borgeren selv har registreret på Jobnet."
        ),
        affected=(
            "Alle borgere, der melder sig ledige i kommunen – omkring 4.000 om året, både "
            "forsikrede ledige og modtagere af kontanthjælp – og jobcentrets ca. 60 "
            "sagsbehandlere, hvis arbejdsgang ændres."
        ),
        benefits=_md("""
            - Borgere med høj risiko får tilbudt en indsats uger tidligere end i dag.
            - Sagsbehandlerne får et fælles udgangspunkt og bruger tiden, hvor den gør mest gavn.
            - Kommunen kan systematisk følge op på, om indsatserne rammer de rigtige borgere.
            - Færre på langvarig offentlig forsørgelse – en menneskelig og økonomisk gevinst.
            """),
        risks=_md("""
            - **Diskrimination:** Herkomst, alder og helbred kan direkte eller via
              stedfortræder-variable give systematisk skæve vurderinger.
            - **Stigmatisering:** Kategorien følger borgeren og præger forventningerne i forløbet.
            - **Automation bias:** Den rådgivende model bliver i praksis den besluttende.
            - **Gennemsigtighed:** Det er svært at forstå og anfægte en statistisk vurdering.
            - **Datakvalitet:** Historiske data afspejler tidligere praksis – også dens fejl.
            """),
        human_contact=HumanContact.KEPT,
        legal_basis=(
            "Lov om en aktiv beskæftigelsesindsats (reglerne om kontaktforløb og samtaler). "
            "Databeskyttelsesforordningen art. 6, stk. 1, litra e, og art. 9, stk. 2, litra b, "
            "samt databeskyttelseslovens § 7; art. 22 om automatiske afgørelser, hvis modellen i "
            "praksis bliver afgørende. Forvaltningsloven §§ 19 og 22-24 (partshøring og "
            "begrundelse). Vurderes som højrisiko efter AI-forordningen (EU) 2024/1689, bilag III."
        ),
        dpia=Dpia.IN_PROGRESS,
        visibility=Visibility.PUBLIC,
    ),
    steps=(
        Step("submit"),
        Step(
            "open",
            "Åbnet til drøftelse. Jobcentret har stillet modellens dokumentation og en første "
            "analyse af skævheder til rådighed for medlemmerne.",
        ),
        Step(
            "start_voting",
            "Drøftelsen har samlet sig om tre positioner: ja med betingelser, kun som "
            "pilotforsøg, og nej. Afstemningen løber i 14 dage.",
        ),
    ),
)


REHABILITATION_AIDS = DemoCase(
    author="ekspert6@kl-demo.dk",
    content=CaseInput(
        title="Hvem skal først have sit hjælpemiddel? Et pointsystem til ventelisten",
        summary=(
            "Kommunens hjælpemiddelafdeling vil lade et pointsystem beslutte rækkefølgen på "
            "ventelisten til hjælpemidler og boligindretning ud fra borgerens behov og risiko "
            "for fald. Det kan gøre prioriteringen mere ensartet – men et pointsystem ser kun "
            "det, der kan tælles."
        ),
        dilemma=_md("""
            Ventetiden på hjælpemidler og mindre boligændringer efter **serviceloven §§ 112 og
            116** er i mange kommuner flere måneder. I dag prioriterer visitatorerne ventelisten
            efter et fagligt skøn, og to borgere med samme behov kan derfor vente meget
            forskelligt, alt efter hvem der har sagen.

            Kommunen har udviklet et enkelt pointsystem, der ud fra ansøgningen og journalen
            beregner en prioritetsscore:

            | Forhold | Point |
            |---|---|
            | Udskrevet fra hospital inden for de sidste 14 dage | 30 |
            | Faldet i hjemmet inden for det seneste halve år | 25 |
            | Bor alene uden netværk | 15 |
            | Pårørende er nedslidte eller selv syge | 10 |
            | Hjælpemidlet er nødvendigt for at passe arbejde eller uddannelse | 10 |
            | Hver påbegyndt uges ventetid | 2 |

            Systemet er regelbaseret, ikke »lærende«, og hver regel kan forklares. Alligevel:

            1. Det belønner dem, der har gode oplysninger i journalen – ikke nødvendigvis dem
               med det største behov.
            2. Borgere med kognitive vanskeligheder eller uden pårørende, der hjælper med
               ansøgningen, risikerer at få færre point.
            3. Ergoterapeuten kan rykke en borger frem, men hvor ofte sker det, når listen ser
               objektiv ud?
            4. Er et pointsystem overhovedet et AI-system efter AI-forordningen – og betyder
               svaret noget for, hvor grundigt det skal kontrolleres?

            **Spørgsmål til tænketanken:** Hvordan sikrer kommunen, at et gennemsigtigt
            pointsystem også er retfærdigt – og hvem skal kunne se og udfordre scoren?
            """),
        domain=Domain.HEALTH,
        tags=["hjælpemidler", "prioritering", "pointsystem", "venteliste", "rehabilitering"],
        technology=TechnologyKind.RULE_BASED,
        algorithm_role=AlgorithmRole.ADVISORY,
        ai_act_risk=AiActRisk.NOT_AI,
        personal_data=_data(
            PersonalData.IDENTITY, PersonalData.CPR, PersonalData.HEALTH, PersonalData.FAMILY
        ),
        sensitive_data=True,
        cross_sector_data=True,
        data_sources=(
            "Ansøgninger om hjælpemidler og boligindretning i kommunens omsorgssystem, "
            "udskrivningsbreve (epikriser) fra hospitalet, faldregistreringer fra hjemmeplejen "
            "og visitatorernes notater fra hjemmebesøg."
        ),
        affected=(
            "Omkring 2.500 borgere om året, der søger om hjælpemidler eller boligindretning – "
            "mest ældre og borgere med varigt nedsat funktionsevne – deres pårørende samt "
            "kommunens visitatorer og ergoterapeuter."
        ),
        benefits=_md("""
            - Mere ensartet prioritering på tværs af visitatorer og distrikter.
            - Borgere med akut behov efter udskrivelse eller fald får hurtigere hjælp, så nye
              fald og genindlæggelser kan forebygges.
            - Borgeren kan få at vide, hvilke forhold der har givet point.
            - Visitatorerne bruger mindre tid på at sortere ventelisten og mere på hjemmebesøg.
            """),
        risks=_md("""
            - Det, der ikke står i journalen, tæller ikke – fx ensomhed eller en pårørende, der
              er ved at give op.
            - Vægtningen er et politisk valg forklædt som teknik; den bør besluttes åbent.
            - Point for ventetid kan gøre prioriteringen til en almindelig kø.
            - Klager bliver sværere at behandle, hvis begrundelsen bare er »systemet«.
            """),
        human_contact=HumanContact.KEPT,
        legal_basis=(
            "Serviceloven § 112 (hjælpemidler) og § 116 (boligindretning). Retssikkerhedsloven "
            "§ 3 (sagsbehandlingsfrister) og § 5 (vurdering efter alle relevante regler). "
            "Forvaltningsloven §§ 22-24 (begrundelse). Databeskyttelsesforordningen art. 6, "
            "stk. 1, litra e, og art. 9, stk. 2, litra h. Vurderet som uden for AI-forordningens "
            "definition af et AI-system (art. 3, nr. 1)."
        ),
        dpia=Dpia.DONE,
        visibility=Visibility.PUBLIC,
    ),
    correction={
        "summary": (
            "Kommunens hjælpemiddelafdeling vil lade et pointsystem foreslå rækkefølgen på "
            "ventelisten til hjælpemidler og boligindretning ud fra borgerens behov og risiko "
            "for fald; ergoterapeuten kan altid rykke en borger frem. Det kan gøre "
            "prioriteringen mere ensartet – men et pointsystem ser kun det, der kan tælles."
        ),
    },
    steps=(
        Step("submit"),
        Step(
            "open",
            "Åbnet til drøftelse efter en rettelse af resuméet: pointsystemet foreslår "
            "rækkefølgen, og ergoterapeuten kan altid rykke en borger frem.",
        ),
    ),
)


CHATBOT = DemoCase(
    author="ekspert5@kl-demo.dk",
    content=CaseInput(
        title="En chatbot i borgerservice – uden at borgeren møder en mur af robotter",
        summary=(
            "Borgerservice vil lade en chatbot med generativ AI besvare spørgsmål om pas, "
            "flytning, sundhedskort og lignende døgnet rundt. Den kan aflaste telefonerne, men "
            "ingen borger må møde en mur af robotter, når de har brug for et menneske."
        ),
        dilemma=_md("""
            Borgerservice får hvert år omkring 120.000 opkald og henvendelser, og mange handler
            om det samme: Hvordan bestiller jeg et nyt pas? Hvornår kommer mit sundhedskort?
            Hvordan melder jeg flytning? Kommunen vil derfor indføre en chatbot, der bygger på
            en stor sprogmodel og svarer ud fra kommunens egne sider og borger.dk.

            Chatbotten skal:

            - svare på almindelige spørgsmål døgnet rundt og på flere sprog,
            - henvise til de rigtige selvbetjeningsløsninger,
            - sende borgeren videre til en medarbejder, når spørgsmålet handler om en konkret sag.

            Men generativ AI kan »hallucinere« og give et svar, der lyder rigtigt, men er
            forkert – og et forkert svar om fx fristen for at melde flytning kan få reelle
            konsekvenser. De borgere, der har sværest ved selvbetjening – ældre, borgere med
            handicap, borgere med et andet modersmål – har ofte også sværest ved at se, hvornår
            chatbotten tager fejl.

            Medlemmerne har foreslået princippet om, at **ingen borger skal møde en mur af
            robotter**. Men hvad betyder det i praksis?

            | Mulig garanti | Fordel | Omkostning |
            |---|---|---|
            | »Tal med et menneske« i hver samtale | Borgeren har altid en udvej | Færre opkald sparet |
            | Telefonen åben som i dag | Ingen mister adgang | Mindre besparelse |
            | Kun generelle svar, aldrig om egen sag | Færre forkerte svar om rettigheder | Mindre nytte |

            **Spørgsmål til tænketanken:** Hvilke garantier skal følge med, når en kommune
            sætter en chatbot foran borgerservice?
            """),
        domain=Domain.CITIZEN_SERVICE,
        tags=["chatbot", "generativ ai", "borgerservice", "menneskelig kontakt", "inklusion"],
        technology=TechnologyKind.CHATBOT,
        algorithm_role=AlgorithmRole.ADVISORY,
        ai_act_risk=AiActRisk.LIMITED,
        personal_data=_data(PersonalData.IDENTITY, PersonalData.OTHER),
        sensitive_data=False,
        cross_sector_data=False,
        data_sources=(
            "Kommunens hjemmeside og de relevante sider på borger.dk som vidensgrundlag. "
            "Borgernes egne spørgsmål i chatten, som gemmes i 30 dage til kvalitetssikring. "
            "Ingen opslag i CPR eller kommunens fagsystemer."
        ),
        affected=(
            "Alle borgere, der henvender sig til borgerservice – særligt ældre, borgere med "
            "handicap og borgere med et andet modersmål end dansk – og de ca. 35 medarbejdere i "
            "borgerservice og kontaktcentret."
        ),
        benefits=_md("""
            - Svar på enkle spørgsmål hele døgnet, også på engelsk og andre sprog.
            - Kortere ventetid i telefonen for dem, der har brug for en medarbejder.
            - Medarbejderne får mere tid til de komplekse sager og til hjælp ved skranken.
            - Kommunen lærer, hvad borgerne spørger om, og kan skrive bedre tekster.
            """),
        risks=_md("""
            - **Forkerte svar:** Generativ AI kan opfinde regler, frister eller beløb.
            - **Digital eksklusion:** Borgere, der ikke kan bruge chatten, får ringere service,
              hvis telefontiden skæres ned.
            - **Personoplysninger i fritekst:** Borgere skriver cpr-nummer og helbredsoplysninger
              i chatten, selv om de bliver bedt om at lade være.
            - **Leverandørafhængighed:** Hvor behandles data, og hvad bruger leverandøren dem til?
            - **Ansvar:** Hvem står på mål for et forkert svar – kommunen eller leverandøren?
            """),
        human_contact=HumanContact.PARTLY,
        legal_basis=(
            "Forvaltningsloven § 7 (vejledning og bistand). Databeskyttelsesforordningen art. 6, "
            "stk. 1, litra e, art. 28 (databehandleraftale) og kapitel V (overførsel til "
            "tredjelande). AI-forordningen (EU) 2024/1689 art. 50 om pligt til at oplyse, at "
            "borgeren taler med et AI-system. Lov om tilgængelighed af offentlige organers "
            "websteder og mobilapplikationer."
        ),
        dpia=Dpia.DONE,
        visibility=Visibility.PUBLIC,
    ),
    steps=(
        Step("submit", days_ago=84),
        Step(
            "open",
            "Åbnet til drøftelse. To borgerservicechefer er inviteret til at kommentere de tre "
            "mulige garantier.",
            days_ago=81,
        ),
        Step("discuss", days_ago=67),
        Step(
            "start_voting",
            "Positionerne er godkendt: menneskelig kontakt som en ret, chatbot som supplement "
            "med klare grænser, og chatbot kun til generel vejledning.",
            days_ago=66,
        ),
        Step(
            "close_voting",
            "Afstemningen er lukket efter 14 dage. Sekretariatet skriver et udkast til "
            "anbefaling på grundlag af resultatet og drøftelsen.",
            days_ago=52,
        ),
    ),
)


CROSS_SECTOR_DATA = DemoCase(
    author="ekspert3@kl-demo.dk",
    content=CaseInput(
        title="Datadeling på tværs af kommune og region om ældre borgere efter udskrivelse",
        summary=(
            "Region og kommuner vil give hjemmesygeplejen og hospitalets udskrivningskoordinatorer "
            "et fælles overblik over ældre med mange indlæggelser. Det kan forebygge "
            "genindlæggelser og dobbeltarbejde, men kræver, at helbreds- og sociale oplysninger "
            "deles på tværs af sektorer – ofte uden at borgeren ved det."
        ),
        dilemma=_md("""
            Når en ældre borger udskrives, går vigtig viden ofte tabt i overgangen til kommunen.
            Hjemmesygeplejersken kender ikke altid den nye medicinering, og hospitalet ved ikke,
            at borgeren er faldet tre gange i hjemmet den seneste måned. Regionen og kommunerne
            vil derfor samle oplysninger fra begge sektorer på en fælles platform om borgere
            over 65 år med mindst to indlæggelser på et halvt år.

            Platformen skal vise:

            - aktuelle diagnoser fra hospitalet og medicin fra Det Fælles Medicinkort,
            - kommunale ydelser som hjemmepleje, hjemmesygepleje og genoptræning,
            - observationer fra hjemmeplejen, fx vægttab, fald og ændret adfærd,
            - planlagte aftaler i begge sektorer.

            På sigt ønsker regionen at tilføje en beregnet risiko for genindlæggelse, men det er
            ikke en del af første fase.

            **Dilemmaet:** Bedre sammenhæng forudsætter, at mange fagpersoner får adgang til mange
            oplysninger om borgere, der ikke selv har bedt om det. Samtykke er den klassiske vej,
            men mange af borgerne er svækkede eller demente og kan ikke give et informeret
            samtykke. Deling uden samtykke kan omvendt svække tilliden til både hjemmeplejen og
            hospitalet.

            Der er også et spørgsmål om **dataminimering**: Skal hjemmehjælperen kunne se
            diagnoser, eller kun det, opgaven kræver? Og hvem har ansvaret – kommunen, regionen
            eller begge som fælles dataansvarlige?

            **Spørgsmål til tænketanken:** Hvornår er datadeling uden samtykke på tværs af
            sektorer acceptabel, og hvordan kan borgeren se, hvem der har set oplysningerne?
            """),
        domain=Domain.ELDERLY_CARE,
        tags=["datadeling", "tværsektorielt", "ældre", "samtykke", "sundhedsdata"],
        technology=TechnologyKind.DATA_SHARING,
        algorithm_role=AlgorithmRole.ADVISORY,
        ai_act_risk=AiActRisk.NOT_AI,
        personal_data=_data(
            PersonalData.IDENTITY,
            PersonalData.CPR,
            PersonalData.HEALTH,
            PersonalData.FAMILY,
            PersonalData.SOCIAL_CASE,
        ),
        sensitive_data=True,
        cross_sector_data=True,
        data_sources=(
            "Regionens elektroniske patientjournal (epikriser og diagnoser), Det Fælles "
            "Medicinkort, kommunens omsorgsjournal (hjemmepleje, hjemmesygepleje og "
            "genoptræning) og aftaler fra begge sektorers bookingsystemer."
        ),
        affected=(
            "Omkring 6.000 ældre borgere i regionen med gentagne indlæggelser og deres pårørende; "
            "medarbejdere i hjemmeplejen, hjemmesygeplejen og på hospitalernes medicinske "
            "afdelinger."
        ),
        benefits=_md("""
            - Færre genindlæggelser og færre fejl med medicin ved udskrivelse.
            - Mindre dobbeltregistrering og færre opkald mellem sektorerne.
            - Borgeren og de pårørende skal ikke fortælle den samme historie igen og igen.
            - Et bedre grundlag for at planlægge det nære sundhedsvæsen.
            """),
        risks=_md("""
            - Mange medarbejdere får adgang til følsomme oplysninger; risikoen for snagen og
              sikkerhedsbrud vokser.
            - Uklart dataansvar gør det svært for borgeren at bruge sine rettigheder.
            - Borgere, der ikke kan give samtykke, får mindst indflydelse på, hvad der deles.
            - En risikoscore kan senere glide ind uden en ny, åben drøftelse.
            """),
        human_contact=HumanContact.KEPT,
        legal_basis=(
            "Sundhedsloven §§ 41-43 (videregivelse af helbredsoplysninger, også uden samtykke) og "
            "§ 205 (sundhedsaftaler). Serviceloven § 83 (personlig og praktisk hjælp) og § 83 a "
            "(rehabiliteringsforløb). Forvaltningsloven § 28 (videregivelse mellem myndigheder). "
            "Databeskyttelsesforordningen art. 6, stk. 1, litra e, art. 9, stk. 2, litra h, og "
            "art. 26 (fælles dataansvar)."
        ),
        dpia=Dpia.IN_PROGRESS,
        visibility=Visibility.MEMBERS,
    ),
    steps=(Step("submit", "Regionens jurist kan deltage, når sagen drøftes."),),
)


CHILD_WELFARE = DemoCase(
    author="ekspert2@kl-demo.dk",
    content=CaseInput(
        title="Tidlig opsporing af børn i mistrivsel ved samkøring af kommunale data",
        summary=(
            "En kommune overvejede at samkøre oplysninger om ledighed, tandpleje, skolefravær "
            "og forældres helbred for at finde børn i risiko for mistrivsel, før der kommer en "
            "underretning. Idéen var at hjælpe tidligere, men den rejste grundlæggende "
            "spørgsmål om overvågning af familier."
        ),
        dilemma=_md("""
            Med debatten om den såkaldte Gladsaxe-model fra 2018 som inspiration undersøgte en
            kommune, om en pointmodel på eksisterende data kan pege på familier, hvor børn er i
            risiko for mistrivsel. Socialrådgiverne skulle have en liste over familier, de kunne
            kontakte med tilbud om forebyggende støtte.

            Indikatorer, der blev overvejet:

            - forældres ledighed og psykiske sygdom,
            - udeblivelser fra tandpleje og børneundersøgelser,
            - højt skolefravær,
            - skilsmisse og hyppige flytninger.

            Tilhængerne pegede på, at kommunen allerede har oplysningerne, og at det er et svigt
            ikke at bruge dem, når børn lider. Modstanderne pegede på, at samkøringen behandler
            alle familier som mistænkte, at de fleste familier på listen ikke har brug for hjælp,
            og at tilliden mellem borgere og velfærdsmedarbejdere kan tage varig skade.
            """),
        domain=Domain.CHILDREN,
        tags=["børn og unge", "opsporing", "samkøring", "profilering", "gladsaxe-modellen"],
        technology=TechnologyKind.PREDICTION,
        algorithm_role=AlgorithmRole.ADVISORY,
        ai_act_risk=AiActRisk.HIGH,
        personal_data=_data(
            PersonalData.CPR,
            PersonalData.FINANCES,
            PersonalData.EMPLOYMENT,
            PersonalData.FAMILY,
            PersonalData.HEALTH,
            PersonalData.SOCIAL_CASE,
        ),
        sensitive_data=True,
        cross_sector_data=False,
        data_sources=(
            "Kommunens ydelsessystemer, den kommunale tandpleje, skolernes fraværsregistrering, "
            "sundhedsplejens journaler og oplysninger fra CPR om flytninger og civilstand."
        ),
        affected=(
            "Alle børnefamilier i kommunen – omkring 12.000 børn – og især de familier, der ville "
            "blive kontaktet; socialrådgivere, sundhedsplejersker og lærere."
        ),
        benefits=_md("""
            - Børn kan få hjælp, før mistrivslen bliver alvorlig.
            - Forebyggende støtte er mindre indgribende end senere foranstaltninger.
            """),
        risks=_md("""
            - Mange familier markeres uden grund (falske positive).
            - Hele befolkningsgrupper overvåges med data, der er indsamlet til andre formål.
            - Tilliden til fx tandpleje og sundhedspleje kan blive svækket.
            - Uklar hjemmel til at genbruge oplysningerne til et nyt formål.
            """),
        human_contact=HumanContact.KEPT,
        legal_basis=(
            "Barnets Lov (forebyggende indsatser og underretningspligt). "
            "Databeskyttelsesforordningen art. 6, stk. 1, litra e, og art. 9, stk. 2, litra g. "
            "Databeskyttelseslovens § 5, stk. 3 (ny anvendelse af oplysninger efter regler "
            "fastsat af en minister). Forvaltningsloven § 28."
        ),
        dpia=Dpia.NONE,
        visibility=Visibility.PUBLIC,
    ),
    steps=(
        Step("submit"),
        Step("open", "Åbnet til drøftelse som baggrund for tænketankens arbejde med profilering."),
        Step(
            "archive",
            "Arkiveret: kommunen har opgivet projektet, før sagen kom til afstemning. Sagen "
            "bevares som eksempel i drøftelserne om profilering.",
        ),
    ),
)


DAYCARE_SUBSIDY = DemoCase(
    author="ekspert1@kl-demo.dk",
    content=CaseInput(
        title="Må en softwarerobot afgøre økonomisk friplads – og kræve pengene tilbage?",
        summary=(
            "Pladsanvisningen vil lade en softwarerobot træffe afgørelser om økonomisk friplads "
            "i dagtilbud ud fra familiens indkomst i eIndkomst og selv sende et krav, når "
            "tilskuddet efterreguleres. Familierne får svar på få dage i stedet for seks uger, "
            "men en fejl i indkomst eller husstand kan give en familie med lidt luft i "
            "økonomien et krav på flere tusind kroner – uden at et menneske har set sagen."
        ),
        dilemma=_md("""
            Forældre med lav indkomst kan søge om **økonomisk fripladstilskud** til deres barns
            plads i vuggestue, børnehave eller dagpleje. Tilskuddet afhænger af husstandens
            samlede indkomst, antallet af børn og om forælderen er enlig. I dag indhenter seks
            sagsbehandlere i pladsanvisningen indkomsten, regner tilskuddet ud og sender
            afgørelsen – omkring 3.400 ansøgninger om året, med op til seks ugers ventetid.
            Når årsopgørelserne foreligger, efterregulerer kommunen tilskuddet, og familier,
            der har fået for meget, skal betale forskellen tilbage.

            Kommunen vil nu lade en softwarerobot (RPA) overtage arbejdet efter faste regler:

            | Opgave | I dag | Med robotten |
            |---|---|---|
            | Indhente indkomst og husstand | Sagsbehandler | Robot: eIndkomst og CPR |
            | Beregne tilskuddet | Sagsbehandler | Robot, efter den årlige indkomsttabel |
            | Afgørelse ved ansøgning | Sagsbehandler | Robot, sendt i Digital Post |
            | Efterregulering og krav | Sagsbehandler, med stikprøver | Robot: alle familier, krav sendes automatisk |
            | Selvstændige, delt bopæl og andre særlige forhold | Sagsbehandler | Sendes til sagsbehandler |

            Robotten er ikke »intelligent«: Den følger de samme regler hver gang og regner
            ikke forkert. Men den er aldrig bedre end de data, den får:

            - **Husstanden** læses af CPR-adressen. Er en ny kæreste flyttet ind, eller er
              forældrene gået fra hinanden uden at flytte, er grundlaget forkert.
            - **Indkomsten** i eIndkomst kan være foreløbig, og selvstændiges indkomst kendes
              først, når årsopgørelsen er færdig.
            - **Kravene** ved efterregulering kan være på 10.000 kr. eller mere og rammer ofte
              familier, hvis økonomi netop har ændret sig.

            En afgørelse, der træffes helt uden et menneske, skal stadig opfylde
            forvaltningslovens krav til partshøring og begrundelse, og
            databeskyttelsesforordningens art. 22 stiller særlige krav til afgørelser, der
            alene bygger på automatisk behandling.

            **Spørgsmål til tænketanken:** Hvilke afgørelser om en hverdagsydelse må en robot
            træffe alene – og hvad skal der til, før et automatisk tilbagebetalingskrav sendes
            til en familie?
            """),
        domain=Domain.CHILDREN,
        tags=[
            "rpa",
            "automatiske afgørelser",
            "økonomisk friplads",
            "dagtilbud",
            "efterregulering",
        ],
        technology=TechnologyKind.RPA,
        algorithm_role=AlgorithmRole.DECIDING,
        ai_act_risk=AiActRisk.NOT_AI,
        personal_data=_data(
            PersonalData.IDENTITY, PersonalData.CPR, PersonalData.FINANCES, PersonalData.FAMILY
        ),
        sensitive_data=False,
        cross_sector_data=True,
        data_sources=(
            "Ansøgninger i kommunens pladsanvisningssystem, indkomstoplysninger fra eIndkomst, "
            "årsopgørelser fra Skatteforvaltningen ved efterreguleringen og husstandens "
            "sammensætning fra CPR."
        ),
        affected=(
            "Omkring 3.400 familier om året, der søger økonomisk friplads – mange af dem enlige "
            "forsørgere og familier med lav eller svingende indkomst – og pladsanvisningens seks "
            "sagsbehandlere, hvis opgaver ændres fra beregning til kontrol og vejledning."
        ),
        benefits=_md("""
            - Svar på ansøgningen på få dage i stedet for op til seks uger.
            - Ens beregning for alle familier og færre regnefejl.
            - Efterreguleringen sker hurtigere, så kravene bliver mindre.
            - Sagsbehandlerne får tid til de familier, der har brug for vejledning.
            """),
        risks=_md("""
            - **Forkert husstand:** CPR-adressen viser ikke altid, hvem der reelt bor sammen.
            - **Store krav uden varsel:** Et automatisk krav kan komme bag på en familie, der
              ikke vidste, at indkomsten var ændret.
            - **Manglende begrundelse:** En standardtekst forklarer ikke, hvordan netop denne
              families tilskud er regnet ud.
            - **Skjulte fejl:** Når ingen ser afgørelserne, opdages en fejl i reglerne først,
              når mange familier har klaget.
            - **Digital Post:** Familier, der ikke læser deres digitale post, opdager først
              kravet, når det er sendt til inddrivelse.
            """),
        human_contact=HumanContact.PARTLY,
        legal_basis=(
            "Dagtilbudsloven (reglerne om økonomisk fripladstilskud) og bekendtgørelsen om "
            "tilskud til dagtilbud. Forvaltningsloven §§ 19 og 22-24 (partshøring og "
            "begrundelse). Databeskyttelsesforordningen art. 6, stk. 1, litra c og e, og art. "
            "22 om afgørelser, der alene bygger på automatisk behandling; databeskyttelseslovens "
            "§ 11 om cpr-nummer. Lov om inddrivelse af gæld til det offentlige, hvis et krav ikke "
            "betales."
        ),
        dpia=Dpia.DONE,
        visibility=Visibility.PUBLIC,
    ),
    steps=(
        Step("submit", days_ago=50),
        Step(
            "open",
            "Åbnet til drøftelse. Pladsanvisningen har delt sine tal for ansøgninger og krav ved "
            "efterreguleringen i det seneste år.",
            days_ago=48,
        ),
        Step("discuss", days_ago=37),
        Step(
            "start_voting",
            "Tre positioner til afstemning: robotten må bevilge, men et menneske ser afslag og "
            "krav; fuld automatisering med skærpede garantier; og et menneske godkender hver "
            "afgørelse.",
            days_ago=36,
        ),
        Step(
            "close_voting",
            "Afstemningen er lukket efter 14 dage. Sekretariatet skriver et udkast til "
            "anbefaling, der sendes i høring blandt medlemmerne.",
            days_ago=22,
        ),
    ),
)


DEMO_CASES = (
    UNEMPLOYMENT,
    REHABILITATION_AIDS,
    CHATBOT,
    CROSS_SECTOR_DATA,
    CHILD_WELFARE,
    DAYCARE_SUBSIDY,
)
