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
