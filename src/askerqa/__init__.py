"""askerqa: quoted answers from Asker kommune's 4-årsrapport 2020–2023.

>>> from askerqa import Engine
>>> engine = Engine.load()                      # doctest: +SKIP
>>> engine.ask("Hvor høyt var sykefraværet i 2022?").text   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Engine", "AskerQAError", "Answer", "Passage", "__version__"]

if TYPE_CHECKING:
    from .errors import AskerQAError
    from .search import Engine
    from .types import Answer, Passage


def __getattr__(name: str):  # lazy: `import askerqa` stays cheap; torch loads with the Engine
    if name == "Engine":
        from .search import Engine

        return Engine
    if name == "AskerQAError":
        from .errors import AskerQAError

        return AskerQAError
    if name in ("Answer", "Passage"):
        from . import types

        return getattr(types, name)
    raise AttributeError(name)
