"""`python -m retro_desk` is the same program as `retro-desk`."""

import sys

from retro_desk.launch import run

sys.exit(run())
