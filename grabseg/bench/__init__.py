"""Benchmark: native GrabCut against cv2.grabCut on datasets with ground truth.

``grabseg bench`` (``grabseg.commands.bench``) drives it. Modules:

- ``datasets``: load and check a dataset folder (images/, masks/, boxes.json);
- ``metrics``: IoU and error % with the ignored band, NoC;
- ``robot``: the robot user that places corrective disc scribbles;
- ``runner``: runs the engines, interleaved per image, with timings;
- ``summary``: per-engine summaries and native/opencv ratios;
- ``report``: JSON output, machine info and the markdown table.

The protocol is documented in ``docs/benchmarks.md``.
"""
