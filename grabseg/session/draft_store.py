"""Crash recovery: the current draft of an image, saved beside the project after each change.

The file is ``<project root>/.grabseg/drafts/<image_id>.npz`` holding the prompts
(JSON), the editing id, the class and the mask (bbox + packed bits). It is written
atomically (temp file + ``os.replace``) and removed when the draft is accepted or
dropped. A damaged file is ignored (logged), never an error for the user.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from grabseg.project.codec import mask_bbox, pack_bits
from grabseg.project.history import MaskDelta
from grabseg.session.prompts import Draft, prompts_from_dict, prompts_to_dict

log = logging.getLogger(__name__)

#: Format tag written into every draft file.
DRAFT_FORMAT = "grabseg-draft-1"


class DraftStore:
    """Draft files of one project, one per image."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.folder = Path(root) / ".grabseg" / "drafts"

    def path(self, image_id: int) -> Path:
        return self.folder / f"{int(image_id)}.npz"

    def save(self, image_id: int, draft: Draft) -> None:
        """Write ``draft`` (or remove the file if the draft is empty)."""
        if draft.is_empty:
            self.remove(image_id)
            return
        meta = {"format": DRAFT_FORMAT, "class_id": draft.class_id, "editing_id": draft.editing_id,
                "prompts": prompts_to_dict(draft.box, draft.strokes)}
        arrays: dict[str, np.ndarray] = {"meta": np.array(json.dumps(meta))}
        if draft.mask is not None:
            bbox = mask_bbox(draft.mask)  # the delta from an empty mask, without building one
            arrays["shape"] = np.array(draft.mask.shape, np.int64)
            arrays["bbox"] = np.array(bbox if bbox is not None else (), np.int64)
            if bbox is not None:
                x0, y0, x1, y1 = bbox
                arrays["bits"] = np.frombuffer(pack_bits(draft.mask[y0:y1, x0:x1]), np.uint8)
            else:
                arrays["bits"] = np.zeros(0, np.uint8)
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{int(image_id)}-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, self.path(image_id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, image_id: int, shape: tuple[int, int]) -> Draft | None:
        """The saved draft of an image of ``shape`` (H, W), or None if none or unusable."""
        path = self.path(image_id)
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format") != DRAFT_FORMAT:
                    raise ValueError(f"unknown format {meta.get('format')!r}")
                mask = _unpack(data, shape) if "bits" in data else None
            box, strokes = prompts_from_dict(meta["prompts"])
            editing = meta.get("editing_id")
            return Draft(class_id=int(meta["class_id"]), box=box, strokes=strokes, mask=mask,
                         editing_id=None if editing is None else int(editing))
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("ignoring unreadable draft %s: %s", path, exc)
            return None

    def remove(self, image_id: int) -> None:
        self.path(image_id).unlink(missing_ok=True)


def _unpack(data: Any, shape: tuple[int, int]) -> np.ndarray:
    saved = tuple(int(v) for v in data["shape"])
    if saved != tuple(shape):
        raise ValueError(f"draft mask has shape {saved}, the image is {tuple(shape)}")
    bbox = tuple(int(v) for v in data["bbox"]) or None
    delta = MaskDelta(shape=saved, bbox=bbox, bits=data["bits"].tobytes())
    return delta.apply(np.zeros(saved, bool))
