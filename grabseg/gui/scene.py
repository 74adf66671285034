"""What the canvas paints on top of the image, rebuilt from the session once per change.

Instance layers are cached per instance and rebuilt only when that instance's
mask, colour or the opacity changes; the draft and scribble layers are rebuilt
when the draft changes.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from grabseg.gui.overlay import Layer, mask_layer, scribble_layer

DEFAULT_COLOR = (255, 200, 0)


class OverlayScene:
    """Layers for instances (z-ascending), the draft and its scribbles."""

    def __init__(self) -> None:
        self.instance_layers: list[tuple[int, Layer]] = []
        self.draft_layer: Layer | None = None
        self.scribble_layer: Layer | None = None
        self.draft_box: tuple[int, int, int, int] | None = None
        self.selected_id: int | None = None
        self._cache: dict[int, tuple[object, tuple, float, Layer | None]] = {}
        self._draft_key: tuple | None = None
        self._scribbles: np.ndarray | None = None

    def clear(self) -> None:
        self.__init__()

    def update_instances(self, instances: Sequence, colors: dict[int, tuple[int, int, int]],
                         *, hidden: set[int], opacity: float, editing_id: int | None) -> None:
        """Rebuild the instance layers that changed; skip hidden and edited instances."""
        cache: dict[int, tuple[object, tuple, float, Layer | None]] = {}
        layers: list[tuple[int, Layer]] = []
        for inst in sorted(instances, key=lambda it: it.z):
            color = colors.get(inst.class_id, DEFAULT_COLOR)
            old = self._cache.get(inst.id)
            if old is not None and old[0] is inst.mask and old[1] == color and old[2] == opacity:
                layer = old[3]
            else:
                layer = mask_layer(np.asarray(inst.mask, bool), color, opacity=opacity)
            cache[inst.id] = (inst.mask, color, opacity, layer)
            if layer is not None and inst.id not in hidden and inst.id != editing_id:
                layers.append((inst.id, layer))
        self._cache, self.instance_layers = cache, layers

    def update_draft(self, draft, scribbles: np.ndarray | None,
                     colors: dict[int, tuple[int, int, int]], *, opacity: float) -> None:
        """Rebuild the draft mask layer and the scribble layer if their arrays changed."""
        color = colors.get(draft.class_id, DEFAULT_COLOR)
        key = (draft.mask, color, opacity)
        old = self._draft_key
        if old is None or key[0] is not old[0] or key[1:] != old[1:]:
            mask = draft.mask
            self.draft_layer = (mask_layer(np.asarray(mask, bool), color,
                                           opacity=min(1.0, opacity + 0.15))
                                if mask is not None else None)
            self._draft_key = key
        if scribbles is not self._scribbles:
            self.scribble_layer = scribble_layer(scribbles) if scribbles is not None else None
            self._scribbles = scribbles
        self.draft_box = draft.box
