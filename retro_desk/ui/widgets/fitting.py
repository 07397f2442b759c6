"""Long text in a fixed room: as much as fits, cut at a word, quickly however long it is."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def fit_text(label: QLabel, text: str, height: int, keep_end: bool = False) -> None:
    """Show as much of `text` as fits `height` at the label's width, cut at a word with an
    ellipsis: its start, or with `keep_end` its end (the words being typed right now).

    Only the words that could fit are laid out (no line holds more characters than the
    narrowest character allows), and how many of them fit is found by halving, so a
    5,000-word answer costs a few layouts of a screenful, not thousands of the whole."""
    width = max(label.width(), 1)
    metrics = label.fontMetrics()
    lines = max(height // max(metrics.lineSpacing(), 1), 1)
    most = (lines + 1) * (width // max(metrics.horizontalAdvance("."), 1) + 1)
    if len(text) <= most:
        label.setText(text)
        if label.heightForWidth(width) <= height:
            return
    part = text[-most:] if keep_end else text[:most]
    words = part.split(" ")
    if len(part) < len(text) and len(words) > 1:
        # The word cut by the slice is not whole: leave it out.
        words = words[1:] if keep_end else words[:-1]

    def shown(count: int) -> str:
        kept = words[len(words) - count:] if keep_end else words[:count]
        return f"… {' '.join(kept)}" if keep_end else f"{' '.join(kept)} …"

    low, high = 1, len(words)  # `low` words always shown; find the most that fit
    while low < high:
        middle = (low + high + 1) // 2
        label.setText(shown(middle))
        if label.heightForWidth(width) <= height:
            low = middle
        else:
            high = middle - 1
    label.setText(shown(low))
