"""``grabseg gui [PROJECT_OR_FOLDER]``: open the annotation window."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target", nargs="?", default=None, metavar="PROJECT_OR_FOLDER",
        help="a project file (*.grabseg), or a folder of images (a project is created there); "
             "without it the bundled demo images open",
    )


def run(args: argparse.Namespace) -> int:
    from grabseg.gui.app import main

    return main(args.target)
