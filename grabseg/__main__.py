"""``python -m grabseg`` runs the command-line interface."""

import sys

from grabseg.cli import main

sys.exit(main())
