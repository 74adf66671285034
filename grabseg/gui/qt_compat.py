"""Quirks of the installed Qt binding, kept in one module.

PySide6 6.12's wheels (``cp310-abi3``) return ``None``/``True``/``False`` from some
wrappers without taking a new reference: every ``Signal.emit()`` drops one reference
to ``True`` and every void call (``processEvents()``, ``setVisible()``…) one to
``None``. On Python >= 3.12 these objects are immortal and nothing happens; on 3.11
the interpreter aborts ("bool_dealloc: deallocating True or False") after a few
hundred signal emits. PySide6 6.11 does not have the bug.

Until the dependency pin excludes 6.12 on Python < 3.12, :func:`protect_singletons`
gives the three singletons a reference count so large that the leak cannot use it
up, which is what Python 3.12 does for them.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

#: Extra references given to None, True and False (about 10^12 leaked calls).
RESERVE = 1 << 40


def affected(pyside_version: str, python: tuple[int, int] | None = None) -> bool:
    """True for PySide6 >= 6.12 on Python < 3.12 (non-immortal singletons)."""
    python = sys.version_info[:2] if python is None else python
    try:
        major, minor = (int(part) for part in pyside_version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (6, 12) and tuple(python) < (3, 12)


def protect_singletons() -> bool:
    """Apply the work-around if the installed PySide6 needs it; True if applied."""
    import PySide6

    if not affected(PySide6.__version__) or getattr(sys, "_grabseg_singletons_protected", False):
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
    sys._grabseg_singletons_protected = True  # type: ignore[attr-defined]
    log.warning("PySide6 %s on Python %d.%d leaks references to None/True/False; "
                "protected them (pin PySide6 < 6.12 or use Python >= 3.12)",
                PySide6.__version__, *sys.version_info[:2])
    return True
