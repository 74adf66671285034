"""Running segmentation off the UI thread.

PyMaxflow holds the GIL for the whole solve, so the engine runs in a warm worker
*process*; the caller snapshots a request, keeps working, and applies only the
newest result. ``InlineRunner`` runs requests synchronously (tests, CLI).
"""

from grabseg.jobs.requests import SegmentRequest, SegmentResult
from grabseg.jobs.runner import InlineRunner, ProcessRunner, Runner

__all__ = ["InlineRunner", "ProcessRunner", "Runner", "SegmentRequest", "SegmentResult"]
