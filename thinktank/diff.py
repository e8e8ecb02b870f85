"""Readable word-level differences between two texts, as safe HTML with <del> and <ins>."""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|[^\s]+")


def diff_html(old: str, new: str, *, whole: bool = False) -> Markup:
    """``old`` → ``new`` with removed words in <del> and added words in <ins> (everything escaped).

    ``whole=True`` compares the values as wholes, which reads better for short choices
    ("No DPIA" → "A DPIA is under way") than a word-by-word mix.
    """
    if whole:
        before, after = [old or ""], [new or ""]
    else:
        before, after = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(str(escape("".join(before[a1:a2]))))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return Markup("".join(parts))  # noqa: S704 - every piece above is escaped
