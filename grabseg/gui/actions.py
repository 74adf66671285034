"""The shortcut table: one source for the window's actions, Help > Shortcuts and docs/gui.md.

Single-letter keys follow labelme/CVAT habits (D/A next/previous, N new, digits
pick classes) and never clash with each other; Space is kept for pan (hold),
so Enter accepts an instance.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    keys: tuple[str, ...]
    tip: str = ""
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("tool_box", "&Box tool", ("B",), "Drag a box around the object to cut it out", True),
    ActionSpec("tool_fg", "&Foreground scribble", ("G",),
               "Paint pixels that belong to the object (right button: background)", True),
    ActionSpec("tool_bg", "Bac&kground scribble", ("H",),
               "Paint pixels that are not the object (right button: foreground)", True),
    ActionSpec("tool_eraser", "Scribble &eraser", ("E",), "Erase scribbles", True),
    ActionSpec("brush_smaller", "Smaller brush", ("[",), "Shrink the brush by 20 %"),
    ActionSpec("brush_larger", "Larger brush", ("]",), "Grow the brush by 25 %"),
    ActionSpec("accept", "&Accept instance", ("Return", "Enter"),
               "Save the draft as an instance (autosaved)"),
    ActionSpec("new_instance", "&New instance", ("N",), "Drop the draft and start a new instance"),
    ActionSpec("delete_instance", "&Delete instance", ("Delete", "Backspace"),
               "Delete the selected instance"),
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "Undo the last box, scribble or instance change"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    ActionSpec("next_image", "&Next unfinished image", ("D", "PgDown"),
               "Go to the next image that is not done or skipped"),
    ActionSpec("prev_image", "&Previous unfinished image", ("A", "PgUp"),
               "Go to the previous image that is not done or skipped"),
    ActionSpec("mark_done", "Mark image d&one", ("Ctrl+D",), "Set the image status to done"),
    ActionSpec("mark_skipped", "&Skip image", ("Ctrl+K",), "Set the image status to skipped"),
    ActionSpec("fit", "&Fit image", ("F", "Ctrl+0"), "Fit the whole image in the view"),
    ActionSpec("actual_size", "Actual pi&xels (1:1)", ("Ctrl+1",),
               "One image pixel per screen pixel"),
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl+=", "Ctrl++", "+"), "Zoom in (or use the wheel)"),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-", "-"), "Zoom out (or use the wheel)"),
    ActionSpec("toggle_overlay", "Show &overlay", ("Tab",),
               "Show or hide masks to compare with the raw image (hold ` to peek)", True),
    ActionSpec("open", "&Open project or folder…", ("Ctrl+O",),
               "Open a project file, or a folder of images (a project is created there)"),
    ActionSpec("save", "&Save", ("Ctrl+S",), "Everything is saved as you work; this confirms it"),
    ActionSpec("export", "&Export dataset…", ("Ctrl+E",), "Write the project as a dataset"),
    ActionSpec("preferences", "&Preferences…", ("Ctrl+,",), "Engine, brush, overlay and theme"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "List every shortcut"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "Close grabseg"),
)

#: Keys handled by the canvas itself (not actions), for the help table.
CANVAS_KEYS: tuple[tuple[str, str], ...] = (
    ("1 … 9", "Pick class 1 … 9 for the draft (or the selected instance)"),
    ("Wheel", "Zoom at the cursor"),
    ("Middle-drag, Space + drag", "Pan"),
    ("Hold ` (backtick)", "Peek at the raw image without the overlay"),
    ("Right-drag (scribble tools)", "Paint the opposite scribble label"),
    ("Click an instance (box tool)", "Select it to refine (boxes, scribbles)"),
    ("Esc", "Cancel the drag in progress"),
)


def shortcut_rows() -> list[tuple[str, str]]:
    """``(keys, what it does)`` rows for Help > Shortcuts and docs/gui.md."""
    rows = [(", ".join(spec.keys), spec.text.replace("&", "").rstrip("…")) for spec in ACTIONS]
    return rows + list(CANVAS_KEYS)


def markdown_table() -> str:
    lines = ["| keys | action |", "| --- | --- |"]
    for keys, text in shortcut_rows():
        lines.append("| " + keys.replace("|", "\\|") + f" | {text} |")
    return "\n".join(lines)
