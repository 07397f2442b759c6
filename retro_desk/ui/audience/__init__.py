"""The audience window, shared in the call, and its per-phase views."""
