"""Dataset importers: COCO, labelme, VOC and binary-mask folders.

    from grabseg.io.importers import read_dataset
    data = read_dataset("path/to/coco", "coco")
    data.classes, data.records, data.warnings

Each reader returns an :class:`ImportedDataset` whose records' instances use
the class ids of ``data.classes``; mapping them onto a project's registry is
the caller's job (``grabseg import`` does it by class name).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from grabseg.io.importers.base import ImportedClass, ImportedDataset, ImportFormatError
from grabseg.io.importers.coco import read_coco
from grabseg.io.importers.instance_masks import read_masks
from grabseg.io.importers.labelme import read_labelme
from grabseg.io.importers.voc import read_voc

#: format name -> reader(source_path, **opts)
IMPORT_FORMATS: dict[str, Callable[..., ImportedDataset]] = {
    "coco": read_coco,
    "labelme": read_labelme,
    "voc": read_voc,
    "masks": read_masks,
}


def read_dataset(source_path: str | os.PathLike[str], fmt: str, **opts: Any) -> ImportedDataset:
    """Read the dataset at ``source_path`` in format ``fmt``.

    Options by format: coco ``images_dir``, ``crowd`` ("include" | "skip");
    labelme ``labels`` (labels.txt), ``image_dir`` (where embedded images are
    written); voc and masks none.

    Raises
    ------
    ValueError
        Unknown format or option; ``ImportFormatError`` (a ValueError) for
        malformed files, naming the file.
    FileNotFoundError
        ``source_path`` or the files the format needs are missing.
    """
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; choose one of {sorted(IMPORT_FORMATS)}")
    source = Path(source_path)
    if not source.exists():
        raise FileNotFoundError(f"import source not found: {source}")
    try:
        return IMPORT_FORMATS[fmt](source, **opts)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            raise ValueError(f"{fmt} import does not take option(s) {sorted(opts)}: {exc}") from exc
        raise


__all__ = [
    "IMPORT_FORMATS", "ImportFormatError", "ImportedClass", "ImportedDataset", "read_dataset",
]
