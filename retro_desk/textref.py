"""Where a text lives in a retro (Place) and the stable name of a text without a key (text_ref)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """Where a text lives in a retro: enough to jump there and to name it to a person."""

    part: str
    ref: str
    field: str
    phase: str
    label: str


def text_ref(text: str) -> str:
    """Items without a key of their own are named by their text, which survives export and
    import (row ids do not); an edited text is a new finding, so its mark rightly lapses."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
