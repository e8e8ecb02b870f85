"""The demo discussions: argued Danish threads on the cases, as the members wrote them.

Each remark names its author (a demo account), what it answers and how long before the end
of the discussion it was written. Everything goes through the discussion service, so
mentions notify, the edit keeps its revision, the removal keeps the thread's shape and the
flag waits in the moderation queue. The texts are content, so they are not translated.

A case that has moved past discussion (the chatbot and daycare subsidy cases are closed)
takes no comments, so its discussion is posted while it is open, by the ``discuss`` step of
its walk through the lifecycle (:func:`discuss`); the other discussions are posted on the
open and voting cases afterwards, by :func:`seed_discussions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.demo_cases import (
    CHATBOT,
    DAYCARE_SUBSIDY,
    REHABILITATION_AIDS,
    UNEMPLOYMENT,
    DemoCase,
    _md,
)
from thinktank.discussion import service, subjects
from thinktank.discussion.models import Comment, Discussion
from thinktank.extensions import db
from thinktank.models import utcnow

ANDERS = "ekspert1@kl-demo.dk"  # Aarhus Kommune: the jobcentre and visitation in practice
FATIMA = "ekspert2@kl-demo.dk"  # Københavns Universitet: research on algorithms and bias
JENS = "ekspert3@kl-demo.dk"  # Region Midtjylland: the hospitals' side
LOUISE = "ekspert4@kl-demo.dk"  # Netcompany: a vendor that builds such systems
PETER = "ekspert5@kl-demo.dk"  # Digitaliseringsstyrelsen: law and national frameworks
SOFIE = "ekspert6@kl-demo.dk"  # Dansk Socialrådgiverforening: the caseworkers' union
METTE = "sekretariat@kl-demo.dk"  # the secretariat: sums up, moderates
KARIN = "laeser@kl-demo.dk"  # a registered reader: may flag, not write


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
class DemoDiscussion:
    case: DemoCase
    remarks: tuple[Remark, ...]  # in the order they were written, so replies follow parents


_BIAS = _md("""
    Jeg har læst dokumentationen og den første analyse af skævheder. Modellen rammer
    overordnet set rimeligt, men det siger ikke meget om, hvem den rammer *forkert*.

    To ting bør være på plads, før modellen bruges i drift:

    1. **Fejlrater pr. gruppe** – hvor mange får »høj risiko« uden at blive langtidsledige,
       opdelt på alder, køn og herkomst?
    2. **Ekstern validering** – på data fra et andet år end dem, modellen er trænet på.

    Selv hvis herkomst tages ud af modellen, kan postnummer og sygedagpengehistorik fungere
    som stedfortrædere.
    """)

UNEMPLOYMENT_DISCUSSION = DemoDiscussion(
    case=UNEMPLOYMENT,
    remarks=(
        Remark(
            "bias",
            FATIMA,
            236,
            _BIAS,
            edited=_BIAS
            + "\n\n"
            + _md("""
                **Tilføjet:** Og et tredje krav, som jeg glemte: Modellen skal være
                *kalibreret*. Når den siger 60 %, skal omkring 60 % af borgerne i gruppen også
                blive langtidsledige – ellers giver kategorierne en falsk præcision.
                """),
        ),
        Remark(
            "practice",
            ANDERS,
            220,
            reply_to="bias",
            body=_md("""
            Enig i begge krav. Men lad os huske, hvad alternativet er: I dag sorterer
            sagsbehandlerne også borgerne ved første samtale – bare på mavefornemmelse, og
            uden at nogen kan se, hvor skævt det sker.

            > Alternativet til modellen er ikke ingen vurdering, men en vurdering, der ikke
            > bliver dokumenteret.

            En model kan vi i det mindste måle på. Det kan vi ikke med 60 forskellige
            mavefornemmelser.
            """),
        ),
        Remark(
            "small_groups",
            LOUISE,
            210,
            reply_to="bias",
            body=_md("""
            Fejlrater pr. gruppe kan sagtens beregnes, men i en mellemstor kommune bliver
            grupperne hurtigt små. Med 4.000 nyledige om året er der måske 150 i en given
            aldersgruppe med ikke-vestlig baggrund, og så er usikkerheden på fejlraten stor.

            Det taler for, at flere kommuner validerer den slags modeller **i fællesskab** på
            et større datagrundlag, frem for at hver kommune gør det alene.
            """),
        ),
        Remark(
            "timing",
            SOFIE,
            200,
            reply_to="practice",
            body=_md("""
            Forskellen er, at en mavefornemmelse opstår i mødet med borgeren og kan ændre sig
            undervejs i samtalen. En kategori på skærmen *før* mødet sætter tonen, inden
            borgeren har sagt et ord.

            Vores medlemmer i jobcentrene fortæller, at det er svært at se bort fra et tal, når
            man har ti samtaler på en dag. Mit forslag er derfor enkelt: **vis kategorien efter
            den første samtale, ikke før.**
            """),
        ),
        Remark(
            "framework",
            PETER,
            190,
            reply_to="small_groups",
            body=_md("""
            Det er også dér, AI-forordningen peger hen. Som anvender af et højrisikosystem skal
            kommunen bl.a. sikre menneskeligt tilsyn, gemme logs og – som offentlig myndighed –
            vurdere konsekvenserne for grundlæggende rettigheder, før systemet tages i brug.

            Den vurdering bliver ikke bedre af, at 98 kommuner skriver den hver for sig. En
            fælles testramme med fælles testdata ville være en oplagt opgave for staten og KL.
            """),
        ),
        Remark(
            "own_view_first",
            ANDERS,
            180,
            reply_to="timing",
            body=_md("""
            Det har vi faktisk drøftet med sagsbehandlerne. Ulempen er, at borgere med høj
            risiko så først får tilbudt en tidlig indsats ved anden samtale – typisk tre-fire
            uger senere.

            Et kompromis kunne være, at sagsbehandleren

            - noterer sin egen vurdering i samtalen,
            - først derefter ser modellens kategori,
            - og kort begrunder det, hvis de to er uenige.

            Så bevarer vi den faglige vurdering og får alligevel modellens blik med.
            """),
        ),
        Remark(
            "measure_bias",
            FATIMA,
            160,
            reply_to="own_view_first",
            body=_md("""
            Det er et godt design, og det har en sidegevinst: Uenighederne mellem
            sagsbehandler og model er præcis de data, vi mangler for at måle automation bias.

            Falder andelen af uenigheder markant i løbet af det første år, uden at modellen er
            blevet bedre, er det et tegn på, at sagsbehandlerne er begyndt at følge den
            blindt. Det bør kommunen følge og offentliggøre.
            """),
        ),
        Remark(
            "decision",
            PETER,
            150,
            body=_md("""
            Et juridisk spørgsmål, som afgør meget: Er kategorien blot et internt
            arbejdsredskab, eller er den i praksis en del af grundlaget for en afgørelse?

            Styrer kategorien, hvilke tilbud borgeren får, nærmer vi os
            **databeskyttelsesforordningens art. 22** og forvaltningslovens krav om
            begrundelse. Så skal borgeren have at vide, at modellen er brugt, og hvad der
            trak i retning af kategorien.

            @AndersHolm – ved I, hvor ofte sagsbehandlerne i testperioden har valgt en anden
            indsats end den, kategorien foreslår?
            """),
        ),
        Remark(
            "figures",
            ANDERS,
            140,
            reply_to="decision",
            body=_md("""
            Vi har tal fra de første tre måneder med modellen i test hos to teams:

            | Kategori | Samtaler | Anden indsats end foreslået |
            |---|---|---|
            | Lav | 412 | 9 % |
            | Middel | 538 | 21 % |
            | Høj | 187 | 26 % |

            Sagsbehandlerne afviger altså oftest, hvor risikoen er højest – typisk fordi
            borgeren har et konkret jobtilbud på hånden, som modellen ikke kender.
            """),
        ),
        Remark(
            "habit",
            JENS,
            120,
            reply_to="figures",
            body=_md("""
            Vi har set det samme mønster i regionen med en risikoscore for genindlæggelse:
            Det første halve år afveg personalet ofte. Efter et år var afvigelserne næsten
            væk – ikke fordi scoren var blevet bedre, men fordi den var blevet en vane.

            Så afvigelser på 20 % i en testperiode er ingen garanti for, at det fortsætter.
            Det skal måles løbende, ikke kun i piloten.
            """),
        ),
        Remark(
            "citizen",
            SOFIE,
            100,
            body=_md("""
            Uanset hvordan modellen ender, må borgerens retsstilling ikke blive svagere end i
            dag. Jeg foreslår tre betingelser, der bør stå i en anbefaling:

            - **Ret til indsigt:** Borgeren kan se sin kategori og de forhold, der trak mest.
            - **Ret til en ny vurdering:** Borgeren kan bede sagsbehandleren vurdere igen, og
              kategorien følger ikke med til næste ledighedsforløb.
            - **Ingen automatik:** Kategorien udløser aldrig i sig selv et tilbud eller en
              sanktion.
            """),
        ),
        Remark(
            "explanation",
            LOUISE,
            80,
            reply_to="citizen",
            flag=(
                KARIN,
                "other",
                "Det lyder som reklame for leverandørens eget produkt. Bør det ikke stå, at "
                "skribenten har en kommerciel interesse i sagen?",
            ),
            body=_md("""
                Indsigt er teknisk overkommeligt. Vi har i andre projekter bygget et
                forklaringsmodul, der viser de tre forhold, der vejede tungest, i et sprog,
                borgeren kan forstå – og det kan sættes på en eksisterende model på få uger.

                Det svære er ikke teknikken, men at skrive forklaringen, så »tidligere
                sygedagpengeforløb« ikke lyder som en anklage.
                """),
        ),
        Remark(
            "summary",
            METTE,
            30,
            body=_md("""
            Tak for en grundig drøftelse. Afstemningen er åben, og positionerne er **ja med
            betingelser**, **kun som pilotforsøg** og **nej**.

            Sekretariatet tager disse betingelser med i udkastet til anbefaling, uanset
            udfaldet:

            1. Sagsbehandlerens egen vurdering noteres, før kategorien vises.
            2. Fejlrater pr. gruppe og løbende måling af afvigelser – gerne i en fælles ramme
               på tværs af kommuner.
            3. Borgerens ret til indsigt i og en ny vurdering af sin kategori.

            Skriv gerne, hvis vi har overset noget væsentligt.
            """),
        ),
    ),
)

REHABILITATION_AIDS_DISCUSSION = DemoDiscussion(
    case=REHABILITATION_AIDS,
    remarks=(
        Remark(
            "records",
            ANDERS,
            140,
            body=_md("""
            Fra visitationen kan jeg genkende problemet: To visitatorer kan prioritere den
            samme ansøgning vidt forskelligt, og nye medarbejdere har svært ved at vide, hvad
            der er »normal« praksis. Et pointsystem kan hjælpe.

            Men pointene for fald forudsætter, at faldet er **registreret**. Hjemmeplejen
            registrerer de fald, de ser – ikke dem, borgeren ikke fortæller om, og slet ikke
            hos borgere uden hjemmepleje.
            """),
        ),
        Remark(
            "sample",
            FATIMA,
            128,
            reply_to="records",
            body=_md("""
            Det er et klassisk måleproblem: Systemet belønner det, der bliver dokumenteret, og
            dokumentationen er ujævnt fordelt. Borgere med demens eller kognitive
            vanskeligheder fortæller typisk om færre af deres fald.

            Et enkelt værn: Tag hvert kvartal en tilfældig stikprøve på fx 50 ansøgninger, og
            lad en ergoterapeut prioritere dem uden at kende scoren. Afviger de to
            rækkefølger systematisk for bestemte grupper, skal reglerne justeres.
            """),
        ),
        Remark(
            "weights",
            SOFIE,
            110,
            reply_to="sample",
            body=_md("""
            Enig. Og læg mærke til vægtene i tabellen:

            > Bor alene uden netværk: 15 point. Pårørende er nedslidte eller selv syge: 10 point.

            Hvorfor er det ene 5 point mere værd end det andet? Det er ikke et teknisk
            spørgsmål, men en **prioritering af, hvem der skal vente**. Den slags bør afgøres
            politisk og ikke i et regneark i hjælpemiddelafdelingen.
            """),
        ),
        Remark(
            "service_level",
            PETER,
            96,
            reply_to="weights",
            body=_md("""
            Præcis. Pointtabellen er i praksis et serviceniveau og bør behandles sådan:
            vedtages i det politiske udvalg, offentliggøres sammen med kommunens øvrige
            kvalitetsstandarder og revideres, når der er data om, hvordan den virker.

            Så kan borgeren også læse, hvorfor man står, hvor man står på listen – uden at
            skulle søge aktindsigt i et it-system.
            """),
        ),
        Remark(
            "discharge_letters",
            JENS,
            90,
            body=_md("""
            Set fra regionen er jeg bekymret for de 30 point for udskrivelse inden for 14
            dage. De afhænger af, at udskrivningsbrevet når frem til kommunen i tide, og det
            gør det ikke altid – især ikke, når borgeren udskrives en fredag.

            Samtidig får den borger, der langsomt bliver dårligere hjemme uden kontakt med
            hospitalet, ingen af de 30 point. Systemet prioriterer dermed efter, hvor borgeren
            har været – ikke efter behovet.

            @LouiseBrandt – kan et system som dette vise, hvornår hver oplysning er kommet
            ind, så visitator kan se, at en score mangler data?
            """),
        ),
        Remark(
            "rule_versions",
            LOUISE,
            84,
            reply_to="service_level",
            body=_md("""
            Teknisk er det ligetil, hvis reglerne ligger som konfiguration og ikke i koden.
            Hver score gemmes med den version af reglerne, den er beregnet efter, så man altid
            kan se, hvad der ændrede sig, og hvornår.

            Det gør det også muligt at regne ventelisten om efter de nye regler, før udvalget
            beslutter dem – så politikerne ser konsekvensen, inden de vælger.
            """),
        ),
        Remark(
            "sources",
            LOUISE,
            75,
            reply_to="discharge_letters",
            body=_md("""
            Ja, og det bør være et krav. Hver oplysning kan vises med dato og kilde, og scoren
            beregnes igen, når et udskrivningsbrev kommer ind. Mangler en forventet
            oplysning, kan sagen markeres til manuel vurdering i stedet for at få 0 point.

            Point for ventetid er desuden tænkt som en sikkerhedsventil, så ingen bliver
            liggende i bunden for altid.
            """),
        ),
        Remark(
            "waiting_time",
            SOFIE,
            60,
            reply_to="sources",
            body=_md("""
            Sikkerhedsventilen virker bare meget langsomt. Med 2 point om ugen skal en borger
            med 0 point vente **15 uger** for at nå de 30 point, som en nyudskrevet får på
            dag ét.

            Jeg vil hellere have en maksimal ventetid for alle – fx 8 uger – og så lade
            pointene afgøre rækkefølgen inden for den ramme.
            """),
        ),
        Remark(
            "named_citizen",
            ANDERS,
            50,
            removed_for=(
                "Kommentaren indeholdt navn, alder, adresse og helbredsoplysninger om en "
                "borger. Eksempler fra praksis skal anonymiseres, før de deles i tænketanken."
            ),
            body=_md("""
                Et eksempel fra sidste uge viser problemet: Else Marie Kjær, 87 år, Birkevej
                12, bor alene og ventede fire måneder på en badebænk. Hun fik kun 4 point,
                fordi hendes fald ikke var registreret – hun havde kun fortalt om dem til sin
                datter. I fredags faldt hun i badet og brækkede hoften.
                """),
        ),
        Remark(
            "prevention",
            JENS,
            46,
            reply_to="named_citizen",
            body=_md("""
            Et stærkt eksempel på, at faldregistreringen kun fanger de fald, en medarbejder
            ser. Og et fald, der kunne have været forebygget, koster både borgeren og
            samfundet langt mere end hjælpemidlet.
            """),
        ),
        Remark(
            "positions",
            METTE,
            20,
            body=_md("""
            Tak for mange konkrete input. Sekretariatet ser foreløbig tre mulige positioner:

            1. Pointsystemet kan bruges, hvis vægtene vedtages politisk og offentliggøres.
            2. Pointsystemet kan bruges, men kun med en maksimal ventetid for alle.
            3. Prioriteringen forbliver et fagligt skøn, som pointene støtter, men ikke styrer.

            Skriv gerne, hvis en position mangler, før vi går videre til afstemning. Og husk,
            at eksempler fra praksis skal være anonymiserede.
            """),
        ),
    ),
)

CHATBOT_DISCUSSION = DemoDiscussion(
    case=CHATBOT,
    remarks=(
        Remark(
            "first_answer",
            SOFIE,
            290,
            body=_md("""
            Princippet om, at ingen borger må møde en mur af robotter, skal kunne ses på
            skærmen. I mange af de chatbots, vi har set, dukker muligheden for at tale med en
            medarbejder først op, når borgeren har skrevet »menneske« tre gange.

            Knappen til en medarbejder skal være synlig **fra det første svar** – og den skal
            føre til en medarbejder i dag, ikke til en formular, der bliver besvaret om en uge.
            """),
        ),
        Remark(
            "aarhus",
            ANDERS,
            262,
            reply_to="first_answer",
            body=_md("""
            Enig, og det kan lade sig gøre. I Aarhus har vi haft en chatbot i borgerservice i
            et år. Et par tal fra det seneste kvartal:

            | | Andel af samtalerne |
            |---|---|
            | Borgeren fik svar uden at kontakte os igen | 61 % |
            | Borgeren valgte »Tal med en medarbejder« | 9 % |
            | Spørgsmålet handlede om borgerens egen sag | 14 % |

            Telefonen har været åben som før hele tiden. Opkaldene om pas og flytning er
            faldet med en fjerdedel – uden at vi har skåret ned på telefontiden.
            """),
        ),
        Remark(
            "quality",
            FATIMA,
            236,
            reply_to="aarhus",
            body=_md("""
            Tallene siger noget om, hvor mange der fik *et* svar – ikke om svaret var rigtigt.
            En borger, der har fået en forkert frist for at melde flytning, kontakter jo ikke
            kommunen igen; han tror, han har fået svar.

            Kvaliteten skal måles for sig: Lad medarbejderne gennemgå en tilfældig stikprøve
            af samtaler hver måned, tæl de forkerte og de ufuldstændige svar, og del tallene
            op på sprog og emne. Det er dér, det viser sig, om chatbotten svigter nogle
            grupper mere end andre.
            """),
        ),
        Remark(
            "sources",
            LOUISE,
            212,
            reply_to="quality",
            body=_md("""
            Teknisk kan man gøre det meget sværere for sprogmodellen at opfinde et svar:
            Den må kun svare ud fra kommunens egne sider og borger.dk, og hvert svar viser
            den side, det bygger på. Finder den ingen side, der dækker spørgsmålet, siger den
            det og tilbyder en medarbejder i stedet for at gætte.

            Det fjerner ikke fejlene, men det gør dem til at finde – både for borgeren og for
            den, der gennemgår stikprøven.
            """),
        ),
        Remark(
            "free_text",
            JENS,
            180,
            body=_md("""
            Set med databeskyttelsesbriller er det største problem det, borgerne selv
            skriver. De skriver cpr-nummer, diagnoser og navne på deres børn i chatten, uanset
            hvad vi beder dem om.

            Før en kommune går i gang, bør den sikre, at

            - cpr-numre og andre åbenlyse personoplysninger fjernes automatisk, før teksten
              sendes til sprogmodellen,
            - samtalerne behandles i EU og ikke bruges til at træne leverandørens modeller,
            - samtalerne slettes efter en kort, fast frist.
            """),
        ),
        Remark(
            "contract",
            PETER,
            160,
            reply_to="free_text",
            body=_md("""
            Og kravene skal stå i **kontrakten**. Leverandørerne opdaterer sprogmodellerne
            flere gange om året, og en chatbot, der opførte sig pænt ved idriftsættelsen, kan
            svare anderledes efter en opdatering.

            Kommunen bør derfor kunne kræve at få besked før hver ny model, teste den på sine
            egne spørgsmål, før den tages i brug, og stoppe den, hvis kvaliteten falder. Husk
            også, at kommunen har vejledningspligten efter forvaltningslovens § 7 – den kan
            ikke overlades til leverandøren.
            """),
        ),
        Remark(
            "before_vote",
            METTE,
            26,
            body=_md("""
            Tak for en skarp drøftelse. Sekretariatet har samlet den i tre positioner til
            afstemningen:

            1. Menneskelig kontakt skal være en ret.
            2. Chatbot som supplement med klare grænser.
            3. Chatbot kun til generel vejledning.

            Uanset udfaldet tager vi kravene om en synlig vej til en medarbejder, svar med
            kildehenvisning, månedlige stikprøver og beskyttelse af det, borgerne skriver,
            med i udkastet til anbefaling.
            """),
        ),
    ),
)

DAYCARE_SUBSIDY_DISCUSSION = DemoDiscussion(
    case=DAYCARE_SUBSIDY,
    remarks=(
        Remark(
            "claims",
            SOFIE,
            250,
            body=_md("""
            Det er efterreguleringen, der bekymrer mig. Socialrådgivere møder hvert år
            familier, der har fået et krav på 8.000-12.000 kr. for fripladstilskud, de fik
            for halvandet år siden – ofte lige efter et samlivsbrud eller et jobskifte.

            Når et menneske sender kravet, bliver der tid til at se, om der er en
            forklaring, og til at tilbyde en afdragsordning. Når en robot sender det en
            fredag i Digital Post, opdager nogle familier det først, når det er sendt til
            inddrivelse.
            """),
        ),
        Remark(
            "figures",
            ANDERS,
            226,
            reply_to="claims",
            body=_md("""
            Her er pladsanvisningens tal fra sidste år, så vi taler om det samme:

            - 3.412 ansøgninger, heraf fik 74 % fuldt tilskud som søgt.
            - Efterreguleringen gav 640 krav; 85 af dem var på over 10.000 kr.
            - I omkring fire ud af ti af kravene var årsagen en ændret husstand – typisk en ny
              samlever – ikke en ændret indkomst.

            Så de store krav handler mest om husstanden, og den kan robotten kun se gennem
            CPR-adressen.
            """),
        ),
        Remark(
            "notice",
            PETER,
            204,
            reply_to="figures",
            body=_md("""
            Juridisk må en kommune gerne træffe afgørelser helt automatisk, når reglerne er
            faste – men forvaltningslovens krav gælder stadig. To ting er afgørende her:

            1. **Partshøring:** Bygger et krav på oplysninger om husstanden, som familien ikke
               selv har givet, skal familien høres, før kravet sendes. Et varsel med 14 dages
               frist kan sagtens sendes automatisk.
            2. **Begrundelse:** Afgørelsen skal vise beregningen med familiens egne tal – ikke
               kun henvise til reglerne.

            Varslet er også det bedste værn mod fejl: Familien kender sin husstand bedre end
            CPR gør.
            """),
        ),
        Remark(
            "asymmetry",
            FATIMA,
            186,
            reply_to="notice",
            body=_md("""
            Jeg vil tilføje, at fejlene ikke er lige dyre. En bevilling, der er lidt for stor,
            koster kommunen penge, som efterreguleringen alligevel retter. Et forkert krav
            kan vælte økonomien i en familie, der i forvejen har svært ved at få den til at
            hænge sammen.

            Derfor giver det mening at automatisere det, der er til familiens fordel, og lade
            et menneske se det, der er til ugunst. Og mål det: Hvor mange automatiske
            afgørelser ændres efter en klage, og er der grupper, der klager oftere end andre?
            """),
        ),
        Remark(
            "parallel_run",
            LOUISE,
            170,
            body=_md("""
            Et par erfaringer fra den tekniske side: En softwarerobot arbejder i de samme
            skærmbilleder som sagsbehandleren, og den går i stå eller læser forkert, når et
            system bliver opdateret. Derfor bør kommunen

            - lade robotten køre parallelt med sagsbehandlerne i mindst tre måneder og
              sammenligne resultaterne, før den sender afgørelser,
            - logge hvert trin, så det kan ses, hvilke oplysninger en afgørelse bygger på,
            - lade robotten stoppe og sende sagen til en sagsbehandler, når en oplysning
              mangler eller ser usædvanlig ud.
            """),
        ),
        Remark(
            "information",
            JENS,
            150,
            reply_to="parallel_run",
            body=_md("""
            Enig, og så skal familierne vide det. Når en afgørelse alene bygger på automatisk
            behandling, skal kommunen oplyse om det allerede i ansøgningen, efter
            databeskyttelsesforordningens art. 13 og 22, og fortælle, hvordan man får en
            sagsbehandler til at se på sagen.

            Og konsekvensanalysen bør tage stilling til, om CPR-adressen overhovedet er et
            godt nok grundlag for at afgøre, hvem der er en husstand.
            """),
        ),
        Remark(
            "before_vote",
            METTE,
            20,
            body=_md("""
            Tak for input. Drøftelsen peger på tre positioner, som vi sætter til afstemning:

            1. Robotten må bevilge – et menneske ser afslag og krav.
            2. Fuld automatisering med skærpede garantier.
            3. Et menneske godkender hver afgørelse.

            Varsel før krav, en begrundelse med familiens egne tal og en parallelkørsel før
            idriftsættelsen ser ud til at have bred opbakning, uanset udfaldet.
            """),
        ),
    ),
)

DEMO_DISCUSSIONS = (
    UNEMPLOYMENT_DISCUSSION,
    REHABILITATION_AIDS_DISCUSSION,
    CHATBOT_DISCUSSION,
    DAYCARE_SUBSIDY_DISCUSSION,
)


def seed_discussions(users: dict[str, User]) -> int:
    """Post the demo discussions of open and voting cases that have no comments yet (the
    others were posted by their case's ``discuss`` step); return how many comments."""
    # The service builds permalinks with url_for, which outside a request needs SERVER_NAME;
    # seed-demo runs in a bare app context, and the links it stores are relative anyway.
    with current_app.test_request_context("/"):
        return sum(
            seed_discussion(demo, users) for demo in DEMO_DISCUSSIONS if not _posted_by_step(demo)
        )


def discuss(case: Case, users: dict[str, User], at: datetime) -> None:
    """The ``discuss`` step: post the case's demo discussion, which ended at ``at``."""
    demo = next(demo for demo in DEMO_DISCUSSIONS if demo.case.content.title == case.title)
    with current_app.test_request_context("/"):
        _post(demo, case, users, at)


def seed_discussion(demo: DemoDiscussion, users: dict[str, User]) -> int:
    """Write one case's discussion as its members did, then edit, flag and remove."""
    case = db.session.scalar(select(Case).where(Case.title == demo.case.content.title))
    if case is None or _has_comments(case) or _closed_to(users[demo.case.author], case):
        return 0
    posted = _post(demo, case, users, utcnow())
    for remark in demo.remarks:
        comment_id = posted[remark.key]
        if remark.edited:
            service.edit(users[remark.author], comment_id, remark.edited)
        if remark.flag:
            flagger, reason, note = remark.flag
            service.flag(users[flagger], comment_id, reason, note)
        if remark.removed_for:
            service.remove(users[METTE], comment_id, remark.removed_for)
    return len(demo.remarks)


def _post(
    demo: DemoDiscussion, case: Case, users: dict[str, User], end: datetime
) -> dict[str, int]:
    """Post the remarks, each dated as it was written; returns the comment ids by key."""
    posted: dict[str, int] = {}
    for remark in demo.remarks:
        parent_id = posted[remark.reply_to] if remark.reply_to else None
        comment, _link = service.post(
            users[remark.author], "case", case.id, remark.body, parent_id=parent_id
        )
        # Spread the thread over the days before its end; replies follow what they answer.
        comment.created_at = end - timedelta(hours=remark.hours_ago)
        posted[remark.key] = comment.id
    db.session.commit()
    return posted


def _posted_by_step(demo: DemoDiscussion) -> bool:
    return any(step.move == "discuss" for step in demo.case.steps)


def _has_comments(case: Case) -> bool:
    return (
        db.session.scalar(
            select(Comment.id)
            .join(Discussion, Discussion.id == Comment.discussion_id)
            .where(Discussion.subject_type == "case", Discussion.subject_id == case.id)
            .limit(1)
        )
        is not None
    )


def _closed_to(author: User, case: Case) -> bool:
    """The case has moved past discussion (e.g. someone closed it in the demo)."""
    return subjects.get("case").why_not_post(author, case) is not None
