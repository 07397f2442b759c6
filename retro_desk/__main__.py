"""`python -m retro_desk` is the same program as `retro-desk`."""

import sys

from retro_desk.cli import main

sys.exit(main())
