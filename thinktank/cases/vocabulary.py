"""The fixed vocabularies of a dilemma case, each value with its translated label."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from thinktank.models import LabelledEnum, set_labels


class CaseState(LabelledEnum):
    DRAFT = "draft"
    OPEN = "open"
    VOTING = "voting"
    CLOSED = "closed"
    RECOMMENDED = "recommended"
    ARCHIVED = "archived"


class Domain(LabelledEnum):
    EMPLOYMENT = "employment"
    SOCIAL_SERVICES = "social_services"
    HEALTH = "health_rehabilitation"
    ELDERLY_CARE = "elderly_care"
    CHILDREN = "children_young_people"
    SCHOOLS = "schools_education"
    CITIZEN_SERVICE = "citizen_service"
    ADMINISTRATION = "administration_finance"
    OTHER = "other"


class TechnologyKind(LabelledEnum):
    PREDICTION = "prediction_ml"
    RULE_BASED = "rule_based"
    CHATBOT = "chatbot_generative_ai"
    RPA = "robotic_process_automation"
    DATA_SHARING = "data_sharing"
    OTHER = "other_technology"


class AlgorithmRole(LabelledEnum):
    ADVISORY = "advisory"
    DECIDING = "deciding"


class HumanContact(LabelledEnum):
    KEPT = "kept"
    PARTLY = "partly"
    LOST = "lost"


class AiActRisk(LabelledEnum):
    PROHIBITED = "prohibited"
    HIGH = "high"
    LIMITED = "limited"
    MINIMAL = "minimal"
    NOT_AI = "not_ai"
    UNKNOWN = "unknown"


class Dpia(LabelledEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NONE = "none"
    UNKNOWN = "dpia_unknown"


class Visibility(LabelledEnum):
    MEMBERS = "members"
    PUBLIC = "public"


class PersonalData(LabelledEnum):
    IDENTITY = "identity"
    CPR = "cpr"
    FINANCES = "finances"
    EMPLOYMENT = "employment_data"
    EDUCATION = "education_data"
    FAMILY = "family_social"
    HEALTH = "health_data"
    SOCIAL_CASE = "social_case"
    CRIMINAL = "criminal"
    ETHNICITY = "ethnicity"
    BELIEFS = "beliefs"
    BIOMETRIC = "biometric"
    LOCATION = "location"
    OTHER = "other_data"


set_labels(
    CaseState,
    {
        # A state names where the case is ("Åben for drøftelse"); the move that leads there
        # is a command ("Åbn for drøftelse") with the same English words, hence the context.
        CaseState.DRAFT: lazy_pgettext("case state", "Draft"),
        CaseState.OPEN: lazy_pgettext("case state", "Open for discussion"),
        CaseState.VOTING: lazy_pgettext("case state", "Voting"),
        CaseState.CLOSED: lazy_pgettext("case state", "Voting closed"),
        CaseState.RECOMMENDED: lazy_pgettext("case state", "Recommendation published"),
        CaseState.ARCHIVED: lazy_pgettext("case state", "Archived"),
    },
)


set_labels(
    Domain,
    {
        Domain.EMPLOYMENT: _l("Employment"),
        Domain.SOCIAL_SERVICES: _l("Social services"),
        Domain.HEALTH: _l("Health and rehabilitation"),
        Domain.ELDERLY_CARE: _l("Elderly care"),
        Domain.CHILDREN: _l("Children and young people"),
        Domain.SCHOOLS: _l("Schools and education"),
        Domain.CITIZEN_SERVICE: _l("Citizen service"),
        Domain.ADMINISTRATION: _l("Administration and finance"),
        Domain.OTHER: _l("Other"),
    },
)


set_labels(
    TechnologyKind,
    {
        TechnologyKind.PREDICTION: _l("Prediction / machine learning"),
        TechnologyKind.RULE_BASED: _l("Rule-based automation"),
        TechnologyKind.CHATBOT: _l("Chatbot or generative AI"),
        TechnologyKind.RPA: _l("Robotic process automation"),
        TechnologyKind.DATA_SHARING: _l("Data sharing across sectors"),
        TechnologyKind.OTHER: _l("Other technology"),
    },
)


set_labels(
    AlgorithmRole,
    {
        AlgorithmRole.ADVISORY: _l("Advisory: supports a caseworker's decision"),
        AlgorithmRole.DECIDING: _l("Deciding: decides without a person"),
    },
)


set_labels(
    HumanContact,
    {
        HumanContact.KEPT: _l("Yes, citizens keep contact with a person"),
        HumanContact.PARTLY: _l("Partly"),
        HumanContact.LOST: _l("No, citizens no longer meet a person"),
    },
)


set_labels(
    AiActRisk,
    {
        AiActRisk.PROHIBITED: _l("Prohibited practice"),
        AiActRisk.HIGH: _l("High risk"),
        AiActRisk.LIMITED: _l("Limited risk"),
        AiActRisk.MINIMAL: _l("Minimal risk"),
        AiActRisk.NOT_AI: _l("Not an AI system"),
        AiActRisk.UNKNOWN: _l("Unknown"),
    },
)


set_labels(
    Dpia,
    {
        Dpia.DONE: _l("Yes, a DPIA has been made"),
        Dpia.IN_PROGRESS: _l("A DPIA is under way"),
        Dpia.NONE: _l("No DPIA"),
        Dpia.UNKNOWN: _l("Don't know"),
    },
)


set_labels(
    Visibility,
    {
        Visibility.MEMBERS: _l("Members only"),
        Visibility.PUBLIC: _l("Public"),
    },
)


set_labels(
    PersonalData,
    {
        PersonalData.IDENTITY: _l("Name, address and contact details"),
        PersonalData.CPR: _l("CPR number"),
        PersonalData.FINANCES: _l("Income and finances"),
        PersonalData.EMPLOYMENT: _l("Employment and unemployment"),
        PersonalData.EDUCATION: _l("Education"),
        PersonalData.FAMILY: _l("Family and social relations"),
        PersonalData.HEALTH: _l("Health"),
        PersonalData.SOCIAL_CASE: _l("Social case records"),
        PersonalData.CRIMINAL: _l("Criminal offences"),
        PersonalData.ETHNICITY: _l("Ethnic origin"),
        PersonalData.BELIEFS: _l("Religious or political beliefs"),
        PersonalData.BIOMETRIC: _l("Biometric data"),
        PersonalData.LOCATION: _l("Location"),
        PersonalData.OTHER: _l("Other personal data"),
    },
)
