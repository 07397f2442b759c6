"""The `retro-desk` program: the command line, started with Python's garbage collector paused.

Opening the window builds a few hundred thousand objects that live as long as it does (the
modules, Qt's classes and their enums, the retro). Collecting garbage among them while they are
being made found none and cost about 15 ms of the start, in some 65 collections. The window
turns collection back on once it has been painted (`ui.app.run_app`), every other command
straight away (`cli.main`).
"""

from __future__ import annotations

import gc


def run() -> int:
    gc.disable()
    from retro_desk.cli import main

    return main()
