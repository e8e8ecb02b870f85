"""Small text helpers shared by the domains."""

from __future__ import annotations

import re
import unicodedata

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str, max_length: int = 60) -> str:
    """'Ledighedsprognose i jobcentret' -> 'ledighedsprognose-i-jobcentret' (Danish letters spelled out)."""
    text = unicodedata.normalize("NFKD", text.translate(_DANISH))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_length].rstrip("-")


_ITEM_START = re.compile(r"^(?:[-*+] |\d{1,9}[.)] )")
_BLOCK_START = re.compile(r"^(?:[-*+] |\d{1,9}[.)] |#|\||```|~~~| {4})")


def unwrap_paragraphs(text: str) -> str:
    """Join the lines of each paragraph (and quoted paragraph) that were wrapped in the source.

    A single line break is a line break on the page (as on GitHub), so texts written
    wrapped in code, like the demo texts, are unwrapped first. Lists, headings, tables
    and code keep their lines.
    """
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
            continue
        previous = out[-1] if out else ""
        quoted = line.startswith("> ") and previous.startswith("> ")
        body = line[2:] if quoted else line
        before = previous[2:] if quoted else previous
        continues_item = body.startswith("  ") and _ITEM_START.match(before.lstrip())
        joinable = (
            not fenced
            and previous.strip() not in ("", ">")
            and body.strip()
            and not _BLOCK_START.match(body.lstrip() if continues_item else body)
            and (continues_item or not _BLOCK_START.match(before))
            and (quoted or not (line.startswith(">") or previous.startswith(">")))
        )
        if joinable:
            out[-1] = f"{previous.rstrip()} {body.strip()}"
        else:
            out.append(line)
    return "\n".join(out)
