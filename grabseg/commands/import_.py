"""``grabseg import``: add a dataset's images, classes and instances to a project.

    grabseg import PROJECT SOURCE --format {coco,labelme,voc,masks}
                   [--labels labels.txt] [--images-dir DIR] [--skip-crowd]

PROJECT is the project file or its folder (created when missing). Classes
are matched by name; new ones keep the source's id when it is free. Instances
go on top of what an image already has, in the source's order. Images
embedded in labelme JSON are written under ``PROJECT_FOLDER/imported/<source>/``.
Everything is one transaction: on error nothing is added.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

IMPORT_FORMATS = ("coco", "labelme", "voc", "masks")
MAX_WARNINGS = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", metavar="PROJECT", help="project file or folder (created if missing)"
    )
    parser.add_argument("source", metavar="SOURCE", help="dataset file or folder")
    parser.add_argument("--format", "-f", required=True, choices=IMPORT_FORMATS, dest="fmt")
    parser.add_argument("--labels", default=None, help="labelme: labels.txt giving class ids")
    parser.add_argument("--images-dir", default=None, help="COCO: folder holding the images")
    parser.add_argument(
        "--skip-crowd", action="store_true", help="COCO: leave out iscrowd=1 regions"
    )


def _options(args: argparse.Namespace, root: Path) -> dict:
    from grabseg.export.context import safe_name

    if args.fmt == "labelme":
        image_dir = root / "imported" / safe_name(Path(args.source).resolve().name)
        return {"labels": args.labels, "image_dir": image_dir}
    if args.fmt == "coco":
        return {"images_dir": args.images_dir, "crowd": "skip" if args.skip_crowd else "include"}
    return {}


def import_into(project, data) -> tuple[int, int, int, list[str]]:
    """Add ``data`` (an ImportedDataset) to ``project``.

    Returns ``(images, instances, new classes, warnings)``.
    """
    from grabseg.types import Instance

    warnings = list(data.warnings)
    ids, new = {}, 0
    with project.transaction():
        taken = {c.id for c in project.classes()}
        for c in data.classes:
            try:
                ids[c.id] = project.get_class(c.name).id
            except KeyError:
                keep = c.id if c.id >= 1 and c.id not in taken else None
                made = project.add_class(c.name, color=c.color, isthing=c.isthing, id=keep)
                taken.add(made.id)
                ids[c.id], new = made.id, new + 1
        images = instances = 0
        for rec in data.records:
            if rec.abs_path is None:
                warnings.append(f"{rec.path}: image file not found; skipped")
                continue
            image_id = project.add_image(rec.abs_path)
            info = project.image(image_id)
            if (info.width, info.height) != (rec.width, rec.height):
                warnings.append(f"{rec.path}: image is {info.width}x{info.height} but the "
                                f"annotations say {rec.width}x{rec.height}; skipped")
                continue
            for inst in sorted(rec.instances, key=lambda i: i.z):
                mapped = Instance(class_id=ids[inst.class_id], mask=inst.mask)
                project.add_instance(image_id, mapped)
                instances += 1
            images += 1
    return images, instances, new, warnings


def run(args: argparse.Namespace) -> int:
    from grabseg.io.importers import read_dataset
    from grabseg.project import Project, ProjectError

    try:
        root = Project.resolve_file(args.project).parent
        data = read_dataset(args.source, args.fmt, **_options(args, root))
        with Project.open(args.project, create=True) as project:
            images, instances, new, warnings = import_into(project, data)
            where = project.file
    except (ProjectError, ValueError, OSError) as exc:
        print(f"grabseg import: error: {exc}", file=sys.stderr)
        return 2
    print(f"imported {images} images, {instances} instances, {len(data.classes)} classes "
          f"({new} new) from {args.source} into {where}")
    for w in warnings[:MAX_WARNINGS]:
        print(f"warning: {w}")
    if len(warnings) > MAX_WARNINGS:
        print(f"... and {len(warnings) - MAX_WARNINGS} more warnings")
    return 0
