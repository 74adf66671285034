"""grabseg: cut objects out of photos with GrabCut and export datasets."""

__version__ = "0.1.0"
