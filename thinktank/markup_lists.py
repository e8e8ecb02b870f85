"""Lists as members type them on GitHub or Discourse, for Python-Markdown.

Python-Markdown follows the original Markdown.pl: a list needs a blank line before it and
nested items need four spaces. CommonMark readers expect more, and no kept extension does
it, so this preprocessor rewrites the source lines before the block parser sees them:

- a list right after a line of text (``Punkter:\\n- data``) gets the blank line it needs;
- nested items indented by two or three spaces (``- a\\n  - b``) are re-indented by four
  per level.

It runs after fenced code has been stashed, and leaves indented code blocks alone.
(``1)`` lists come from pymdownx.fancylists.)
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +)(?=\S)")
_CODE_INDENT = 4


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _can_interrupt(match: re.Match) -> bool:
    """CommonMark: a list interrupts a paragraph, an ordered one only when it starts at 1."""
    marker = match.group(2)
    return not marker[0].isdigit() or marker[:-1].lstrip("0") == "1"


class ListLines(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        levels: list[int] = []  # the source indent of each open list level
        previous = ""  # "", "text", "item", "code"
        for line in lines:
            line = line.expandtabs(_CODE_INDENT)
            if not line.strip():
                out.append(line)
                previous = "" if previous != "code" else "code-blank"
                continue
            item = _ITEM.match(line)
            if _indent(line) >= _CODE_INDENT and (
                previous in ("code", "code-blank") or (previous == "" and not levels)
            ):
                out.append(line)  # an indented code block
                previous = "code"
                continue
            if item and (levels or previous != "text" or _can_interrupt(item)):
                if previous == "text" and not levels:
                    out.append("")
                out.append(self._nested(item, line, levels))
                previous = "item"
                continue
            if levels and previous == "" and _indent(line) == 0:
                levels.clear()  # a paragraph after a blank line ends the list
            out.append(line)
            previous = "text" if not levels else "item"
        return out

    @staticmethod
    def _nested(item: re.Match, line: str, levels: list[int]) -> str:
        indent = len(item.group(1))
        while levels and indent < levels[-1]:
            levels.pop()
        if not levels or indent > levels[-1]:
            levels.append(indent)
        depth = len(levels) - 1
        return " " * (_CODE_INDENT * depth) + line[indent:]


class ListLinesExtension(Extension):
    def extendMarkdown(self, md) -> None:
        # After "fenced_code_block" (25), which stashes fenced code, and "normalize_whitespace" (30).
        md.preprocessors.register(ListLines(md), "list_lines", 20)
