"""Race child: one writer of benchmarks/race_writers.py, holding the write lock up to a second.

    python benchmarks/race_child.py --db PATH --role cli|window --rounds N --seed S [--deferred]

`cli` opens the database afresh each round, as a command does, and imports a copy of the
sample retro; `window` keeps one store open, as the window does, and adds a parking-lot item.
Each write holds its transaction open for a random time up to 1 s (a large import, a slow
disk). Prints `ok ROUND MARKER SECONDS` once committed, `refused ROUND MESSAGE` if refused,
where SECONDS is how long the write waited for its turn.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retro_desk.editor import SessionEditor  # noqa: E402
from retro_desk.export import session_file  # noqa: E402
from retro_desk.model import ParkingItem  # noqa: E402
from retro_desk.paths import resource  # noqa: E402
from retro_desk.storage import StorageError, Store  # noqa: E402

HOLD = (0.0, 1.0)


def cli_round(path: Path, marker: str, hold: float) -> float:
    retro = session_file.read_file(resource("sample_retro.json"))
    retro.session.uuid = str(uuid.uuid4())
    retro.session.title = marker
    store = Store.open(path)
    try:
        asked = time.monotonic()
        with store.atomic():
            waited = time.monotonic() - asked
            store.create_retro(retro)
            time.sleep(hold)
    finally:
        store.close()
    return waited


def window_round(editor: SessionEditor, marker: str, hold: float) -> float:
    asked = time.monotonic()
    with editor.store.atomic():
        waited = time.monotonic() - asked
        editor.add(ParkingItem(marker))
        time.sleep(hold)
    return waited


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--role", choices=("cli", "window"), required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--deferred", action="store_true",
                        help="begin write transactions deferred, as before issue 14")
    args = parser.parse_args()
    if args.deferred:
        Store.begin_write = "BEGIN"
    rng = random.Random(f"{args.seed}-{args.role}")
    editor = None
    if args.role == "window":
        editor = SessionEditor(Store.open(args.db), 1)
    print("ready", flush=True)
    for number in range(1, args.rounds + 1):
        marker = f"race-{args.role}-{number}"
        hold = rng.uniform(*HOLD)
        try:
            if editor is None:
                waited = cli_round(args.db, marker, hold)
            else:
                waited = window_round(editor, marker, hold)
        except StorageError as error:
            print(f"refused {number} {' '.join(str(error).split())}", flush=True)
            continue
        print(f"ok {number} {marker} {waited:.3f}", flush=True)
        # A little time apart, so that rounds of the two writers overlap differently.
        time.sleep(rng.uniform(0.0, 0.2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
