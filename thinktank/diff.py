"""Readable word-level differences between two texts, as safe HTML with <del> and <ins>.

The diff is Google's diff-match-patch (Myers' O(ND) algorithm with common prefix, suffix
and half-match shortcuts), run on words instead of characters: every distinct word and
every run of whitespace becomes one character (the library's "lines to chars" trick), so
two 5,000-word texts are compared in milliseconds, where ``difflib.SequenceMatcher`` took
seconds. ``diff_cleanupSemantic`` then folds tiny equalities (a lone space between two
changed words) into the edits around them, so a rewritten sentence reads as one deletion
and one insertion rather than a word-by-word mix.

A diff between two stored versions never changes, so callers keep it in the cache with
``cached_diffs`` under a key of the two version ids and ``DIFF_VERSION``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from itertools import chain

from diff_match_patch import diff_match_patch
from flask import current_app
from markupsafe import Markup, escape
from redis.exceptions import RedisError

from thinktank.extensions import cache

# Raise when the output of diff_html changes, so cached diffs made by older code are not used.
DIFF_VERSION = 1

_TOKENS = re.compile(r"\s+|[^\s]+")
_LINES = re.compile(r"[^\n]*\n+|[^\n]+")
# Seconds one diff may take before the rest of it is shown as replaced whole.
TIME_BUDGET = 0.5
# Beyond this many distinct tokens the characters would leave Unicode; two texts that large
# are shown as replaced whole (never seen in practice).
_MAX_TOKENS = 0x10FFFF - 1
_DELETE, _EQUAL, _INSERT = diff_match_patch.DIFF_DELETE, diff_match_patch.DIFF_EQUAL, 1

# How long diffs are computed without the cache after it failed once.
CACHE_RETRY_SECONDS = 30
# What a cache backend raises when it is down (Redis refuses, times out, or the socket fails).
_CACHE_ERRORS = (RedisError, OSError)

log = logging.getLogger(__name__)


def diff_html(old: str, new: str, *, whole: bool = False) -> Markup:
    """``old`` → ``new`` with removed words in <del> and added words in <ins> (everything escaped).

    ``whole=True`` compares the values as wholes, which reads better for short choices
    ("No DPIA" → "A DPIA is under way") than a word-by-word mix.
    """
    old, new = old or "", new or ""
    if whole:
        operations = [(_EQUAL, old)] if old == new else [(_DELETE, old), (_INSERT, new)]
    else:
        operations = word_diff(old, new)
    parts: list[str] = []
    for operation, text in operations:
        if not text:
            continue
        if operation == _EQUAL:
            parts.append(str(escape(text)))
        elif operation == _DELETE:
            parts.append(f"<del>{escape(text)}</del>")
        else:
            parts.append(f"<ins>{escape(text)}</ins>")
    return Markup("".join(parts))  # noqa: S704 - every piece above is escaped


def word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """The operations (-1 delete, 0 equal, 1 insert) turning ``old`` into ``new``, word by word.

    Lines are compared first and words only inside changed lines, each changed line with
    the one that replaced it: the work grows with the changed lines, not the whole text.
    Past a time budget (pathological input) the rest is shown as replaced whole: a coarser
    diff, never a wrong one.
    """
    engine = diff_match_patch()
    deadline = time.time() + TIME_BUDGET
    operations: list[tuple[int, str]] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        pairs = zip(removed, added, strict=True) if len(removed) == len(added) else None
        for before, after in pairs or [("".join(removed), "".join(added))]:
            operations.extend(_token_diff(engine, _TOKENS, before, after, deadline))
        removed.clear()
        added.clear()

    for operation, lines in _token_diff(engine, _LINES, old, new, deadline, split=True):
        if operation == _EQUAL:
            flush()
            operations.append((_EQUAL, "".join(lines)))
        else:
            (removed if operation == _DELETE else added).extend(lines)
    flush()
    return _merged(operations)


def _token_diff(
    engine: diff_match_patch,
    pattern: re.Pattern[str],
    old: str,
    new: str,
    deadline: float,
    *,
    split: bool = False,
) -> list:
    """diff-match-patch over the tokens ``pattern`` finds, each encoded as one character."""
    old_tokens, new_tokens = pattern.findall(old), pattern.findall(new)
    # chr(0) is never used, as in diff-match-patch's own encoding.
    tokens = ["", *dict.fromkeys(chain(old_tokens, new_tokens))]
    if len(tokens) > _MAX_TOKENS:
        return [(_DELETE, old_tokens if split else old), (_INSERT, new_tokens if split else new)]
    vocabulary = {token: chr(number) for number, token in enumerate(tokens)}
    diffs = engine.diff_main(
        "".join(map(vocabulary.__getitem__, old_tokens)),
        "".join(map(vocabulary.__getitem__, new_tokens)),
        False,
        deadline,
    )
    if split:
        return [(operation, [tokens[ord(c)] for c in chars]) for operation, chars in diffs]
    engine.diff_cleanupSemantic(diffs)
    _slide_edits_left(diffs)
    return [
        (operation, "".join(map(tokens.__getitem__, map(ord, chars)))) for operation, chars in diffs
    ]


def _merged(operations: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Adjacent operations of one kind joined, empty ones dropped."""
    result: list[tuple[int, str]] = []
    for operation, text in operations:
        if not text:
            continue
        if result and result[-1][0] == operation:
            result[-1] = (operation, result[-1][1] + text)
        else:
            result.append((operation, text))
    return result


def _slide_edits_left(diffs: list[tuple[int, str]]) -> None:
    """Move each lone insertion or deletion as far left as its neighbours allow.

    An edit between two equalities can often sit in several places ("a <ins>b a</ins> c" is
    "<ins>a b</ins> a c"); the library picks one by character classes, which mean nothing in
    the word encoding, so the position is made predictable instead: the leftmost, where
    difflib put it too ("Brug<ins> kun rådgivende</ins> modeller").
    """
    for index in range(1, len(diffs) - 1):
        before, (operation, edit), after = diffs[index - 1], diffs[index], diffs[index + 1]
        if before[0] != _EQUAL or after[0] != _EQUAL or operation == _EQUAL:
            continue
        left, right = before[1], after[1]
        while left and edit and left[-1] == edit[-1]:
            left, edit, right = left[:-1], left[-1] + edit[:-1], edit[-1] + right
        diffs[index - 1], diffs[index], diffs[index + 1] = (
            (_EQUAL, left),
            (operation, edit),
            (_EQUAL, right),
        )


def fingerprint(*texts: str) -> str:
    """A short digest of the compared texts, part of a cache key beside the version ids.

    Ids alone can come back with other texts (a database restored or reset while Redis keeps
    its keys, SQLite reusing the ids of deleted rows); hashing is cheap next to a diff.
    """
    digest = hashlib.blake2b(digest_size=8)
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def cached_diffs(key: str, compute: Callable[[], dict[str, Markup]]) -> dict[str, Markup]:
    """``compute()``'s diffs, kept in the cache under ``key`` (with DIFF_VERSION added).

    The cache only saves time: when it cannot be reached the diffs are computed, a warning
    is logged, and the page is shown all the same. After a failure the app leaves the cache
    alone for CACHE_RETRY_SECONDS, so a Redis that hangs costs one timeout, not one per diff.
    """
    state = current_app.extensions.setdefault("diff_cache", {"down_until": 0.0})
    if time.monotonic() < state["down_until"]:
        return compute()
    full_key = f"diff:{DIFF_VERSION}:{key}"
    try:
        stored = cache.get(full_key)
    except _CACHE_ERRORS as error:
        _cache_failed(state, error)
        return compute()
    if stored is not None:
        return {name: Markup(html) for name, html in stored.items()}  # noqa: S704 - stored escaped
    diffs = compute()
    try:
        cache.set(full_key, {name: str(html) for name, html in diffs.items()})
    except _CACHE_ERRORS as error:
        _cache_failed(state, error)
    return diffs


def _cache_failed(state: dict, error: Exception) -> None:
    log.warning(
        "Diff cache unavailable (%s); computing diffs without it for %d s",
        error,
        CACHE_RETRY_SECONDS,
    )
    state["down_until"] = time.monotonic() + CACHE_RETRY_SECONDS
