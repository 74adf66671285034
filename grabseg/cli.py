"""The ``grabseg`` command: dispatches verbs to ``grabseg.commands.<verb>``.

Each verb module exposes ``add_arguments(parser)`` and ``run(args) -> int``.
Modules are imported lazily so ``grabseg export`` never loads Qt or torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: verb -> (module, one-line help)
VERBS: dict[str, tuple[str, str]] = {
    "gui": ("grabseg.commands.gui", "open the annotation window on a project or image folder"),
    "demo": ("grabseg.commands.demo", "run the engine on the bundled demo images (headless)"),
    "bench": ("grabseg.commands.bench", "benchmark native GrabCut against cv2.grabCut on a dataset"),
    "export": ("grabseg.commands.export", "export a project as a dataset"),
    "import": ("grabseg.commands.import_", "import a dataset into a project"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grabseg", description=__doc__.splitlines()[0])
    from grabseg import __version__

    parser.add_argument("--version", action="version", version=f"grabseg {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb, (module_name, help_text) in VERBS.items():
        p = sub.add_parser(verb, help=help_text, description=help_text)
        p.set_defaults(_module=module_name)
        module = importlib.import_module(module_name)
        module.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not getattr(args, "verb", None):
        parser.print_help()
        return 2
    module = importlib.import_module(args._module)
    return int(module.run(args) or 0)
