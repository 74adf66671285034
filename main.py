"""grabseg desktop app entry point: ``python main.py [PROJECT_OR_FOLDER]``."""

import sys

from grabseg.cli import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))
