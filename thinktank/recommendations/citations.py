"""How to cite a published version ("Citér"): BibTeX, RIS and CSL-JSON, for Zotero or a
report, and the ``citation_*`` meta tags that Google Scholar reads on the version page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from thinktank.models import LOCAL_TIMEZONE
from thinktank.recommendations.models import RecommendationVersion

#: The author of every recommendation: the think tank itself, not the secretariat's staff.
AUTHOR = "KL's tænketank om data og AI"
PUBLISHER = "KL (Kommunernes Landsforening)"


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    version: int
    issued: date
    url: str
    abstract: str


def reference(version: RecommendationVersion, url: str) -> Reference:
    """What a citation of ``version`` says; ``url`` is its permanent address."""
    return Reference(
        key=f"taenketanken{version.recommendation_id}v{version.number}",
        title=version.title,
        version=version.number,
        issued=version.published_at.astimezone(LOCAL_TIMEZONE).date(),
        url=url,
        abstract=version.summary,
    )


def _bibtex_text(value: str) -> str:
    # braces keep capitals and protect the characters BibTeX treats specially
    escaped = value.replace("\\", "\\textbackslash{}")
    for char in "{}":
        escaped = escaped.replace(char, "\\" + char)
    for char in "&%$#_":
        escaped = escaped.replace(char, "\\" + char)
    return "{" + escaped + "}"


def bibtex(ref: Reference) -> str:
    fields = {
        "author": "{" + _bibtex_text(AUTHOR) + "}",  # one corporate author, not split by "and"
        "title": "{" + _bibtex_text(ref.title) + "}",
        "version": "{" + str(ref.version) + "}",
        "year": "{" + str(ref.issued.year) + "}",
        "month": "{" + str(ref.issued.month) + "}",
        "date": "{" + ref.issued.isoformat() + "}",
        "publisher": "{" + _bibtex_text(PUBLISHER) + "}",
        "url": "{" + ref.url + "}",
        "abstract": "{" + _bibtex_text(ref.abstract) + "}",
    }
    lines = [f"  {name} = {value}," for name, value in fields.items()]
    return "@misc{" + ref.key + ",\n" + "\n".join(lines) + "\n}\n"


def ris(ref: Reference) -> str:
    def one_line(value: str) -> str:
        return " ".join(value.split())

    lines = [
        ("TY", "GEN"),
        ("AU", AUTHOR),
        ("TI", one_line(ref.title)),
        ("ET", str(ref.version)),
        ("PY", str(ref.issued.year)),
        ("DA", ref.issued.strftime("%Y/%m/%d")),
        ("PB", PUBLISHER),
        ("UR", ref.url),
        ("AB", one_line(ref.abstract)),
        ("ID", ref.key),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def csl_json(ref: Reference) -> str:
    item = {
        "id": ref.key,
        "type": "report",
        "title": ref.title,
        "author": [{"literal": AUTHOR}],
        "publisher": PUBLISHER,
        "version": str(ref.version),
        "issued": {"date-parts": [[ref.issued.year, ref.issued.month, ref.issued.day]]},
        "URL": ref.url,
        "abstract": ref.abstract,
        "language": "da",
    }
    return json.dumps([item], ensure_ascii=False, indent=2)


#: format in the address: (writer, media type)
FORMATS = {
    "bib": (bibtex, "application/x-bibtex"),
    "ris": (ris, "application/x-research-info-systems"),
    "json": (csl_json, "application/vnd.citationstyles.csl+json"),
}


def meta_tags(ref: Reference) -> list[tuple[str, str]]:
    """The ``<meta name="citation_*">`` pairs of the version page."""
    return [
        ("citation_title", ref.title),
        ("citation_author", AUTHOR),
        ("citation_publication_date", ref.issued.strftime("%Y/%m/%d")),
        ("citation_publisher", PUBLISHER),
        ("citation_technical_report_institution", PUBLISHER),
        ("citation_technical_report_number", f"{ref.key}"),
        ("citation_public_url", ref.url),
        ("citation_abstract_html_url", ref.url),
        ("citation_language", "da"),
    ]
