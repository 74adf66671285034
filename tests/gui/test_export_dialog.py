"""File > Export dataset writes a dataset the format's reference reader accepts."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import copy_images

from grabseg.types import Instance

pytestmark = pytest.mark.gui


@pytest.mark.filterwarnings(  # pycocotools' own numpy 2 deprecation, not grabseg's
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
def test_export_dialog_writes_coco_that_pycocotools_reads(open_window, grabcut_dev, tmp_path,
                                                          qtbot):
    from pycocotools.coco import COCO
    from pycocotools.mask import decode

    from grabseg.gui.export_dialog import ExportDialog

    window = open_window(copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"]))
    mask = np.zeros((480, 640), bool)
    mask[100:200, 150:300] = True
    mask[140:160, 200:220] = False  # a hole: RLE keeps it
    class_id = window.project.classes()[0].id
    window.project.add_instance(window.image_id, Instance(class_id=class_id, mask=mask))
    dialog = ExportDialog(window.project, window)
    dialog.fmt.setCurrentText("coco")
    assert dialog.polygons.isEnabled()
    out = tmp_path / "dataset"
    dialog.out_dir.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.report is not None or "Error" in dialog.log.toPlainText(),
                    timeout=30_000)
    assert dialog.report is not None, dialog.log.toPlainText()
    assert "1 images" in dialog.log.toPlainText() and "1 instances" in dialog.log.toPlainText()
    (json_file,) = out.rglob("*.json")
    coco = COCO(str(json_file))
    (ann,) = coco.loadAnns(coco.getAnnIds())
    assert np.array_equal(decode(coco.annToRLE(ann)).astype(bool), mask)
    dialog.close()


def test_export_dialog_reports_an_error_and_keeps_going(open_window, grabcut_dev, tmp_path, qtbot):
    from grabseg.gui.export_dialog import ExportDialog

    window = open_window(copy_images(grabcut_dev, tmp_path / "imgs", ["banana1"]))
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("user file")
    dialog = ExportDialog(window.project, window)
    dialog.fmt.setCurrentText("voc")
    assert not dialog.polygons.isEnabled()
    dialog.out_dir.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=30_000)
    assert dialog.report is None
    assert str(out) in dialog.log.toPlainText() or "not empty" in dialog.log.toPlainText()
    assert (out / "keep.txt").read_text() == "user file"
    dialog.close()
