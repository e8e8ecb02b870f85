"""Each benchmark writes its own section of results.md (a "# " heading and what follows it),
leaving the other benchmarks' sections as they are."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("results.md")


def write_section(lines: list[str]) -> None:
    """Replace the section whose heading is ``lines[0]`` (or add it at the end)."""
    heading = lines[0]
    kept: list[str] = []
    skipping = False
    old = RESULTS.read_text().splitlines() if RESULTS.exists() else []
    for line in old:
        if line.startswith("# "):
            skipping = line == heading
        if not skipping:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    RESULTS.write_text("\n".join([*kept, *([""] if kept else []), *lines]) + "\n")
