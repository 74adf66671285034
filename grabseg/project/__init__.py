"""Annotation projects: one SQLite file with the class registry, images and instances.

``Project.open(folder_or_file, create=True)`` is the entry point; every change
is one durable transaction. ``history`` holds the Qt-free undo/redo stack.
"""

from grabseg.project.history import History, MaskDelta, Step
from grabseg.project.images import ImageInfo
from grabseg.project.schema import CorruptProjectError, ProjectError, ProjectVersionError
from grabseg.project.store import Project, ProjectExistsError, ProjectNotFoundError

__all__ = [
    "CorruptProjectError",
    "History",
    "ImageInfo",
    "MaskDelta",
    "Project",
    "ProjectError",
    "ProjectExistsError",
    "ProjectNotFoundError",
    "ProjectVersionError",
    "Step",
]
