"""What the canvas paints on top of the image, rebuilt from the session once per change.

Every layer is a :class:`~grabseg.gui.tiles.TiledLayer`: a changed mask rebuilds only
the tiles where it differs from the one shown before (a stroke's result on a 12 MP
image touches a few tiles, not the whole mask). Instance layers are cached per
instance and updated only when that instance's mask, colour or the opacity changes;
the draft and scribble layers are updated when the draft's arrays change.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PySide6.QtGui import QColor

from grabseg.gui.overlay import SCRIBBLE_COLORS, premultiplied
from grabseg.gui.tiles import TiledLayer

DEFAULT_COLOR = (255, 200, 0)


def mask_lut(color: tuple[int, int, int], opacity: float) -> np.ndarray:
    """Colour table of a mask layer: 0 transparent, 1 ``color`` at ``opacity``."""
    return np.array([0, premultiplied((*color, round(255 * opacity)))], np.uint32)


def scribble_lut(opacity: float = 0.85) -> np.ndarray:
    """Colour table of the scribble layer: 1 foreground green, 2 background red."""
    lut = np.zeros(256, np.uint32)
    for value, color in SCRIBBLE_COLORS.items():
        lut[value] = premultiplied((*color, round(255 * opacity)))
    return lut


def _show(layer: TiledLayer | None, array: np.ndarray | None, lut: np.ndarray,
          color: tuple[int, int, int]) -> TiledLayer | None:
    """``layer`` updated to show ``array`` (a new layer if the colour table changed);
    None when there is nothing to show."""
    if array is None:
        return None
    if layer is None or not np.array_equal(layer.lut, lut):
        layer = TiledLayer(lut, QColor(*color))
    layer.update(array)
    return None if layer.is_empty else layer


class OverlayScene:
    """Layers for instances (z-ascending), the draft and its scribbles."""

    def __init__(self) -> None:
        self.instance_layers: list[tuple[int, TiledLayer]] = []
        self.draft_layer: TiledLayer | None = None
        self.scribble_layer: TiledLayer | None = None
        self.draft_box: tuple[int, int, int, int] | None = None
        self.selected_id: int | None = None
        self._cache: dict[int, tuple[object, tuple, float, TiledLayer | None]] = {}
        self._draft_key: tuple | None = None
        self._draft_tiles: TiledLayer | None = None
        self._scribbles: np.ndarray | None = None
        self._scribble_tiles: TiledLayer | None = None

    def clear(self) -> None:
        self.__init__()

    def update_instances(self, instances: Sequence, colors: dict[int, tuple[int, int, int]],
                         *, hidden: set[int], opacity: float, editing_id: int | None) -> None:
        """Update the instance layers that changed; skip hidden and edited instances."""
        cache: dict[int, tuple[object, tuple, float, TiledLayer | None]] = {}
        layers: list[tuple[int, TiledLayer]] = []
        for inst in sorted(instances, key=lambda it: it.z):
            color = colors.get(inst.class_id, DEFAULT_COLOR)
            old = self._cache.get(inst.id)
            if old is not None and old[0] is inst.mask and old[1] == color and old[2] == opacity:
                layer = old[3]
            else:
                previous = old[3] if old is not None else None
                layer = _show(previous, np.asarray(inst.mask, bool), mask_lut(color, opacity),
                              color)
            cache[inst.id] = (inst.mask, color, opacity, layer)
            if layer is not None and inst.id not in hidden and inst.id != editing_id:
                layers.append((inst.id, layer))
        self._cache, self.instance_layers = cache, layers

    def update_draft(self, draft, scribbles: np.ndarray | None,
                     colors: dict[int, tuple[int, int, int]], *, opacity: float) -> None:
        """Update the draft mask layer and the scribble layer if their arrays changed
        (only the changed tiles are rebuilt)."""
        color = colors.get(draft.class_id, DEFAULT_COLOR)
        key = (draft.mask, color, opacity)
        old = self._draft_key
        if old is None or key[0] is not old[0] or key[1:] != old[1:]:
            lut = mask_lut(color, min(1.0, opacity + 0.15))
            if draft.mask is None:
                self.draft_layer = None  # keep the tiles: the next mask is diffed against them
            else:
                self._draft_tiles = _show(self._draft_tiles, draft.mask, lut, color)
                self.draft_layer = self._draft_tiles
            self._draft_key = key
        if scribbles is not self._scribbles:
            if scribbles is None:
                self.scribble_layer = None
            else:
                self._scribble_tiles = _show(self._scribble_tiles, scribbles, scribble_lut(),
                                             (255, 255, 255))
                self.scribble_layer = self._scribble_tiles
            self._scribbles = scribbles
        self.draft_box = draft.box
