"""Retro Desk: run and record blame-aware incident retrospectives."""

__version__ = "0.1.0"
