"""Read a database's write-ahead log (`-wal`) to tell a crash's torn tail from damage.

SQLite replays the log's frames up to the first one whose checksum fails and drops the rest.
After a kill that is right: the rest is a transaction that never committed. But when a frame
in the middle is damaged, committed transactions after it are dropped too, and the first
checkpoint makes that loss permanent. `damage()` finds that case before SQLite is let near it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_MAGIC = (0x377F0682, 0x377F0683)  # the low bit: checksums over big-endian words
_HEADER = 32
_FRAME_HEADER = 24
_MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class WalDamage:
    """Where the log stops being readable, and what SQLite would drop from there."""

    frame: int
    lost_commits: int

    def describe(self, wal: Path) -> str:
        if self.frame == 0:
            return f"{wal.name} is not a write-ahead log SQLite can read"
        plural = "s" if self.lost_commits != 1 else ""
        return (f"{wal.name} is damaged at frame {self.frame}: {self.lost_commits} committed"
                f" transaction{plural} after it would be dropped")


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for index in range(0, len(words), 2):
        s0 = (s0 + words[index] + s1) & _MASK
        s1 = (s1 + words[index + 1] + s0) & _MASK
    return s0, s1


def damage(wal: Path) -> WalDamage | None:
    """None when SQLite would keep every committed transaction the log holds (or there is no
    log); otherwise where it is damaged. Reads the log only: nothing is changed."""
    try:
        with open(wal, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    if not data:
        return None
    if len(data) < _HEADER:
        return WalDamage(0, 0)
    magic, _version, page_size, _seq, salt1, salt2, c0, c1 = struct.unpack(">8I", data[:_HEADER])
    if magic not in _MAGIC or page_size & (page_size - 1) or not 512 <= page_size <= 65536:
        return WalDamage(0, 0)
    big_endian = bool(magic & 1)
    if _checksum(data[:24], big_endian, 0, 0) != (c0, c1):
        return WalDamage(0, 0)
    frame_size = _FRAME_HEADER + page_size
    count = (len(data) - _HEADER) // frame_size
    s0, s1 = c0, c1
    damaged_at = 0
    lost = 0
    for number in range(1, count + 1):
        start = _HEADER + (number - 1) * frame_size
        header = data[start:start + _FRAME_HEADER]
        _page, commit_size, f_salt1, f_salt2, f0, f1 = struct.unpack(">6I", header)
        if (f_salt1, f_salt2) != (salt1, salt2):
            break  # a frame of an earlier round of the log: the end of this one
        page = data[start + _FRAME_HEADER:start + frame_size]
        valid = _checksum(header[:8] + page, big_endian, s0, s1) == (f0, f1)
        if not valid and not damaged_at:
            damaged_at = number
        elif valid and damaged_at and commit_size:
            lost += 1
        elif not valid and damaged_at:
            break  # past the damage the chain no longer holds: a torn tail
        # Past a damaged frame, the next one was checksummed from what this one says.
        s0, s1 = f0, f1
    if damaged_at and lost:
        return WalDamage(damaged_at, lost)
    return None
