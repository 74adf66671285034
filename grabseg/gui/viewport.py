"""Qt-free pan/zoom state: the one mapping between widget and image coordinates.

``widget = image * scale + offset`` in logical (device-independent) pixels, so the
mapping is the same on HiDPI screens; Qt scales logical pixels to the device.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_SCALE, MAX_SCALE = 1 / 64, 64.0


@dataclass
class Viewport:
    """Scale and offset of the image inside the canvas widget."""

    scale: float = 1.0
    ox: float = 0.0
    oy: float = 0.0

    def to_image(self, wx: float, wy: float) -> tuple[float, float]:
        return (wx - self.ox) / self.scale, (wy - self.oy) / self.scale

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        return x * self.scale + self.ox, y * self.scale + self.oy

    def zoom_at(self, factor: float, wx: float, wy: float) -> None:
        """Multiply the scale by ``factor`` keeping the image point under ``(wx, wy)`` fixed."""
        if not factor > 0:
            raise ValueError(f"zoom factor must be positive, got {factor!r}")
        x, y = self.to_image(wx, wy)
        self.scale = min(max(self.scale * factor, MIN_SCALE), MAX_SCALE)
        self.ox, self.oy = wx - x * self.scale, wy - y * self.scale

    def pan(self, dx: float, dy: float) -> None:
        self.ox += dx
        self.oy += dy

    def fit(self, image_w: int, image_h: int, view_w: float, view_h: float, *,
            margin: float = 8.0) -> None:
        """Scale the whole image into the view and centre it."""
        if image_w < 1 or image_h < 1:
            raise ValueError(f"image size must be at least 1x1, got {image_w}x{image_h}")
        avail_w, avail_h = max(view_w - 2 * margin, 1.0), max(view_h - 2 * margin, 1.0)
        self.scale = min(max(min(avail_w / image_w, avail_h / image_h), MIN_SCALE), MAX_SCALE)
        self._centre(image_w, image_h, view_w, view_h)

    def actual_size(self, image_w: int, image_h: int, view_w: float, view_h: float,
                    *, device_pixel_ratio: float = 1.0) -> None:
        """One image pixel per device pixel, centred on the current view centre."""
        cx, cy = self.to_image(view_w / 2, view_h / 2)
        self.scale = 1.0 / device_pixel_ratio
        self.ox, self.oy = view_w / 2 - cx * self.scale, view_h / 2 - cy * self.scale

    def _centre(self, image_w: int, image_h: int, view_w: float, view_h: float) -> None:
        self.ox = (view_w - image_w * self.scale) / 2
        self.oy = (view_h - image_h * self.scale) / 2

    def visible_image_rect(self, image_w: int, image_h: int, view_w: float,
                           view_h: float) -> tuple[int, int, int, int] | None:
        """Integer image rect ``(x0, y0, x1, y1)`` visible in the view (None if off-screen)."""
        ax, ay = self.to_image(0, 0)
        bx, by = self.to_image(view_w, view_h)
        x0, y0 = max(int(ax) - 1, 0), max(int(ay) - 1, 0)
        x1, y1 = min(int(bx) + 2, image_w), min(int(by) + 2, image_h)
        if x1 <= x0 or y1 <= y0:
            return None
        return x0, y0, x1, y1
