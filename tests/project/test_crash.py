"""A writer process SIGKILLed at random moments never loses an acknowledged instance.

The writer creates/opens the project, adds instances in a loop and prints
``<instance id> <seed>`` after each ``add_instance`` returns (i.e. after its
COMMIT). The test kills it at random points -- during start-up and creation,
mid-commit, mid-checkpoint -- then reopens the project and checks: integrity,
every acknowledged instance present with its exact mask, and every stored
instance whole (its mask is exactly the one its seed makes).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from grabseg.project import Project

from ._helpers import write_image

REPO = Path(__file__).resolve().parents[2]
SHAPE = (120, 200)

MASK_SOURCE = f"""
import numpy as np
def crash_mask(seed):
    rng = np.random.default_rng(seed)
    mask = rng.random({SHAPE}) < 0.3
    mask[seed % {SHAPE[0]}, seed % {SHAPE[1]}] = True
    return mask
"""

WRITER = MASK_SOURCE + """
import sys
from grabseg.project import Project
from grabseg.types import Instance
folder, seed = sys.argv[1], int(sys.argv[2])
print("imported", flush=True)
with Project.open(folder, create=True) as project:
    with project.transaction() as conn:  # checkpoint often, so kills land in checkpoints too
        conn.execute("PRAGMA wal_autocheckpoint = 40")
    cls = project.ensure_class("thing")
    image_id = project.images()[0].id
    print("ready", flush=True)
    while True:
        instance = Instance(cls.id, crash_mask(seed), prompts={"seed": seed})
        iid = project.add_instance(image_id, instance)
        sys.stdout.write(f"{iid} {seed}\\n")
        sys.stdout.flush()
        seed += 1
"""

_namespace: dict = {}
exec(MASK_SOURCE, _namespace)
crash_mask = _namespace["crash_mask"]
_digests: dict[int, str] = {}


def digest(mask: np.ndarray) -> str:
    return hashlib.sha1(np.packbits(mask).tobytes() + str(mask.shape).encode()).hexdigest()


def expected_digest(seed: int) -> str:
    if seed not in _digests:
        _digests[seed] = digest(crash_mask(seed))
    return _digests[seed]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_never_loses_acknowledged_instances(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    write_image(folder / "only.png", SHAPE, seed=0)
    rng = np.random.default_rng(20240611)
    acknowledged: dict[int, int] = {}
    rounds = 20
    for round_ in range(rounds):
        pairs = run_writer(folder, round_ * 100_000, rng)
        for iid, seed in pairs:
            assert iid not in acknowledged, f"id {iid} acknowledged twice"
            acknowledged[iid] = seed
        verify(folder, acknowledged)
    assert len(acknowledged) > rounds * 10, "the writer hardly ever committed"


def run_writer(folder: Path, seed: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Start a writer, SIGKILL it at a random point; return the (id, seed) pairs it acknowledged."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), str(seed)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
    )
    lines: list[bytes] = []
    try:
        if rng.random() < 0.3:  # while opening (recovering the WAL) or in the first commits
            lines.append(proc.stdout.readline())
            time.sleep(rng.uniform(0.0, 0.03))
        else:  # after some acknowledged commits, at a random moment inside the next one
            for _ in range(int(rng.integers(1, 80))):
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(line)
            time.sleep(rng.uniform(0.0, 0.004))
        proc.send_signal(signal.SIGKILL)
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err.decode()
    lines += out.splitlines(keepends=True)
    # a line cut short by the kill is not an acknowledgement
    done = [line for line in lines if line.endswith(b"\n") and line[:1].isdigit()]
    return [(int(a), int(b)) for a, b in (line.split() for line in done)]


def verify(folder: Path, acknowledged: dict[int, int]) -> None:
    file = folder / Project.FILENAME
    if not file.exists():
        assert not acknowledged, "acknowledged instances but no project file"
        return
    with Project.open(folder) as project:
        project.check()  # PRAGMA integrity_check
        stored = project.instances(project.images()[0].id)
    seeds = {inst.id: inst.prompts["seed"] for inst in stored}
    missing = sorted(set(acknowledged) - set(seeds))
    assert not missing, f"acknowledged instances lost: {missing[:10]}"
    for inst in stored:
        assert digest(inst.mask) == expected_digest(inst.prompts["seed"]), inst.id
        if inst.id in acknowledged:
            assert acknowledged[inst.id] == inst.prompts["seed"]
    assert len(seeds) == len(stored)


CREATOR = """
import sys, time
from grabseg.project import Project
print("imported", flush=True)
Project.open(sys.argv[1], create=True).close()
print("created", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_during_creation_leaves_no_half_project(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    for round_ in range(6):
        folder = tmp_path / f"photos{round_}"
        for i in range(20):
            write_image(folder / f"img{i:02d}.png", (60, 80), seed=i)
        proc = subprocess.Popen(
            [sys.executable, "-c", CREATOR, str(folder)], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=REPO,
        )
        try:
            assert proc.stdout.readline() == b"imported\n"
            time.sleep(rng.uniform(0.0, 0.012))  # creating 20 images takes ~10 ms here
            proc.send_signal(signal.SIGKILL)
        finally:
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err.decode()
        file = folder / Project.FILENAME
        assert file.exists() or b"created" not in out
        with Project.open(folder, create=True) as project:
            project.check()
            assert [i.path for i in project.images()] == [f"img{i:02d}.png" for i in range(20)]
        names = sorted(p.name for p in folder.iterdir())  # no temp debris left
        assert names == sorted([Project.FILENAME] + [f"img{i:02d}.png" for i in range(20)])
