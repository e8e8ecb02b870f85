"""The demo: realistic Danish demo data so a new user sees the whole flow at once.

The texts are data, in ``accounts.yaml`` and ``cases/*.yaml`` beside this file (README.md
says how to edit them); :mod:`thinktank.demo.reading` reads and checks them and
:func:`seed_demo` (``flask seed-demo``) loads them through the services.

The content is also reachable by name, for tests: ``DEMO_PASSWORD``, ``DEMO_ACCOUNTS``,
``DEMO_CASES``, ``DEMO_DISCUSSIONS``, ``DEMO_RECOMMENDATIONS``, each case by its file's name
(``cases/3-chatbot.yaml`` is ``CHATBOT``) and its recommendation as ``CHATBOT_RECOMMENDATION``.
The files are read on first use, not on import.
"""

from __future__ import annotations

from typing import Any

from thinktank.demo.loader import seed_demo
from thinktank.demo.reading import DemoDataError, demo_content, read_content

__all__ = ["DemoDataError", "demo_content", "read_content", "seed_demo"]


def __getattr__(name: str) -> Any:
    content = demo_content()
    named = {
        "DEMO_PASSWORD": content.password,
        "DEMO_ACCOUNTS": content.accounts,
        "DEMO_CASES": content.cases,
        "DEMO_DISCUSSIONS": content.discussions,
        "DEMO_RECOMMENDATIONS": tuple(c.recommendation for c in content.cases if c.recommendation),
    }
    for case in content.cases:
        named[case.key.upper()] = case
        if case.recommendation:
            named[f"{case.key.upper()}_RECOMMENDATION"] = case.recommendation
    if name in named:
        return named[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
