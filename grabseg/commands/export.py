"""``grabseg export``: write a project as a dataset (COCO, panoptic, VOC, YOLO, masks, labelme).

    grabseg export PROJECT --format coco --out DIR [--polygons] [--split 0.8] [--seed N]
                   [--overwrite] [--copy-images] [--voc-boundary W]

PROJECT is the project file or its folder. The dataset appears at DIR only
when complete; an existing non-empty DIR is refused unless --overwrite.
"""

from __future__ import annotations

import argparse
import sys

EXPORT_FORMATS = ("coco", "coco-panoptic", "voc", "yolo", "masks", "labelme")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT", help="project file or folder")
    parser.add_argument("--format", "-f", required=True, choices=EXPORT_FORMATS, dest="fmt")
    parser.add_argument("--out", "-o", required=True, metavar="DIR", help="dataset folder to write")
    parser.add_argument("--polygons", action="store_true",
                        help="COCO: polygons instead of RLE (instances with holes stay RLE)")
    parser.add_argument("--split", type=float, default=None, metavar="FRACTION",
                        help="put this fraction of images in train, the rest in val (e.g. 0.8)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the train/val split")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing DIR")
    parser.add_argument("--copy-images", action="store_true", help="copy image files into DIR")
    parser.add_argument("--voc-boundary", type=int, default=0, metavar="W",
                        help="VOC: mark W px along instance borders as 255 (void); default 0")


def run(args: argparse.Namespace) -> int:
    from grabseg.export import export_dataset
    from grabseg.project import Project, ProjectError

    options = {"boundary": args.voc_boundary} if args.fmt == "voc" and args.voc_boundary else None
    try:
        with Project.open(args.project) as project:
            report = export_dataset(
                project, args.fmt, args.out, polygons=args.polygons, split=args.split,
                seed=args.seed, copy_images=args.copy_images, overwrite=args.overwrite,
                options=options,
            )
    except (ProjectError, ValueError, OSError) as exc:
        print(f"grabseg export: error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0
