"""Blame highlighting per keystroke in a long note: a 5,000-word note, and a 1 MB paste.

    python benchmarks/bench_highlight.py [--words N] [--keys N]

A QPlainTextEdit with the blame highlighter attached (retro_desk/ui/blame_highlight.attach),
shown offscreen and filled with generated retro notes (about one blame phrase in ten
sentences). Each timed keystroke is a QTest key click at a random place in the text followed
by processEvents(): the edit, the highlighter's matching and the repaint. Prints median and
p99 per keystroke, and find_blame over the whole note for comparison; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_language import load_table, realistic_text  # noqa: E402
from common import median, percentile, table  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from retro_desk.language import find_blame  # noqa: E402
from retro_desk.ui.widgets.blame_highlight import BlameHighlighter, attach  # noqa: E402

KEYS = [Qt.Key.Key_A, Qt.Key.Key_E, Qt.Key.Key_Space, Qt.Key.Key_Backspace, Qt.Key.Key_S]


def keystrokes(text: str, keys: int, seed: int) -> tuple[list[float], int]:
    """Milliseconds per keystroke, and the findings shown at the end."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    edit = QPlainTextEdit()
    highlighter = attach(edit)
    assert isinstance(highlighter, BlameHighlighter)
    edit.resize(900, 700)
    edit.setPlainText(text)
    edit.show()
    edit.setFocus()
    app.processEvents()
    rng = random.Random(seed)
    timings = []
    for n in range(keys):
        if n % 20 == 0:
            # Typing runs on from where the cursor was put, as a person types a word or two.
            cursor = edit.textCursor()
            cursor.setPosition(rng.randrange(len(edit.document().toPlainText())))
            edit.setTextCursor(cursor)
            edit.ensureCursorVisible()
            app.processEvents()
        started = time.perf_counter()
        QTest.keyClick(edit, rng.choice(KEYS))
        app.processEvents()
        timings.append((time.perf_counter() - started) * 1000)
    edit.moveCursor(QTextCursor.MoveOperation.End)
    shown = len(highlighter.findings)
    edit.close()
    edit.deleteLater()
    return timings, shown


def whole_text_ms(text: str, runs: int = 5) -> float:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        find_blame(text)
        values.append((time.perf_counter() - started) * 1000)
    return median(values)


def paste_ms(text: str) -> float:
    """A paste of `text` into an empty highlighted note, until it is painted."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    edit = QPlainTextEdit()
    attach(edit)
    edit.resize(900, 700)
    edit.show()
    app.processEvents()
    started = time.perf_counter()
    edit.insertPlainText(text)
    app.processEvents()
    elapsed = (time.perf_counter() - started) * 1000
    edit.close()
    edit.deleteLater()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--keys", type=int, default=300)
    args = parser.parse_args()
    sentences = load_table()
    find_blame("warm up: compile the rules")
    note = realistic_text(args.words, sentences, seed=args.words)
    big = realistic_text(170_000, sentences, seed=1)[:1_000_000]
    rows: list[tuple[str, ...]] = [("note", "per keystroke median ms", "p99 ms",
                                    "find_blame on the whole note ms")]
    for label, text in ((f"{len(note.split()):,} words", note),
                        (f"1 MB ({len(big.split()):,} words)", big)):
        timings, _ = keystrokes(text, args.keys if text is note else args.keys // 3, seed=7)
        rows.append((label, f"{median(timings):.2f}", f"{percentile(timings, 0.99):.2f}",
                     f"{whole_text_ms(text):.1f}"))
    print(table(rows))
    print(f"\npasting 1 MB into an empty note, until painted: {paste_ms(big):.0f} ms")


if __name__ == "__main__":
    main()
