"""Find moved image files again by their SHA-256 (size first, so few files are hashed).

Pure file-system logic, no database: ``Project.relink`` stores what this finds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from pathlib import Path

from grabseg.io.images import file_sha256, list_images

#: One missing image: (image id, sha256 hex, file size in bytes, file name).
Wanted = tuple[int, str, int, str]


def find_moved(
    wanted: Sequence[Wanted],
    search_root: Path,
    *,
    exclude: Collection[Path] = (),
) -> dict[int, Path]:
    """Map each wanted image id to a file under ``search_root`` with the same bytes.

    Parameters
    ----------
    wanted : sequence of (image_id, sha256, file_size, file_name)
        The missing images.
    search_root : Path
        Folder searched recursively (hidden folders skipped, as ``list_images``).
    exclude : collection of Path
        Files already used by other images of the project; never proposed.

    Returns
    -------
    dict
        ``{image_id: absolute path}`` for the images found. Each file is given to
        at most one image; among equal copies, one with the image's old file name
        is preferred, then the shortest path. Images not found are left out.

    Raises
    ------
    NotADirectoryError
        If ``search_root`` is not a folder.
    """
    if not wanted:
        return {}
    sizes = {size for _, _, size, _ in wanted}
    hashes = {sha for _, sha, _, _ in wanted}
    excluded = {Path(p).resolve() for p in exclude}
    by_hash: dict[str, list[Path]] = defaultdict(list)
    for file in list_images(search_root):
        try:
            if file.stat().st_size not in sizes or file.resolve() in excluded:
                continue
            sha = file_sha256(file)
        except OSError:
            continue  # unreadable or vanished while scanning: not a candidate
        if sha in hashes:
            by_hash[sha].append(file.absolute())
    found: dict[int, Path] = {}
    used: set[Path] = set()
    for image_id, sha, _, name in wanted:
        candidates = [p for p in by_hash.get(sha, ()) if p not in used]
        if not candidates:
            continue
        best = min(candidates, key=lambda p: (p.name != name, len(p.parts), str(p)))
        found[image_id] = best
        used.add(best)
    return found


def scan_summary(found: dict[int, Path], wanted: Sequence[Wanted]) -> str:
    """A one-line report of a relink: how many images were found, and which ids were not."""
    lost = [image_id for image_id, *_ in wanted if image_id not in found]
    text = f"relinked {len(found)} of {len(wanted)} missing images"
    if lost:
        shown = ", ".join(str(i) for i in lost[:10])
        text += f"; not found: ids {shown}" + (" ..." if len(lost) > 10 else "")
    return text
