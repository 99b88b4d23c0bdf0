"""colab_setup.py and nbhelpers.colab, end to end, with a fake google.colab and a local MyDrive."""

import importlib.util
import io
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nbhelpers import colab

ROOT = Path(__file__).resolve().parents[1]


def _load_setup():
    spec = importlib.util.spec_from_file_location("colab_setup", ROOT / "colab_setup.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _jpeg(seed) -> bytes:
    buf = io.BytesIO()
    arr = np.random.default_rng(seed).integers(0, 255, (218, 178, 3), dtype=np.uint8)
    Image.fromarray(arr).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def drive(tmp_path, monkeypatch):
    """A Drive with MyDrive/celeba/{img_align_celeba.zip, list_eval_partition.txt}, mounted by a
    fake google.colab.drive.mount that links the mount point to it."""
    root = tmp_path / "gdrive"
    celeba = root / "MyDrive" / "celeba"
    celeba.mkdir(parents=True)
    with zipfile.ZipFile(celeba / "img_align_celeba.zip", "w") as zf:
        for i in range(1, 7):
            zf.writestr(f"img_align_celeba/{i:06d}.jpg", _jpeg(i))
    (celeba / "list_eval_partition.txt").write_text("".join(f"{i:06d}.jpg {int(i > 4)}\n"
                                                            for i in range(1, 7)))
    mounted = []

    def mount(mountpoint):
        Path(mountpoint).mkdir(parents=True, exist_ok=True)
        link = Path(mountpoint) / "MyDrive"
        if not link.exists():
            link.symlink_to(root / "MyDrive")
        mounted.append(mountpoint)

    google = types.ModuleType("google")
    gcolab = types.ModuleType("google.colab")
    gcolab.drive = types.SimpleNamespace(mount=mount)
    google.colab = gcolab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", gcolab)
    return {"root": root, "mounted": mounted, "tmp": tmp_path}


def _args(d, data="MyDrive/celeba/img_align_celeba.zip"):
    t = d["tmp"]
    return ["--data", data, "--local-dir", str(t / "local"), "--runs", str(t / "runs"),
            "--mount-point", str(t / "mnt"), "--no-install"]


def test_setup_copies_extracts_and_skips_on_second_run(drive, capsys):
    setup = _load_setup()
    assert colab.in_colab()
    assert setup.main(_args(drive)) == 0
    local = drive["tmp"] / "local"
    zcopy = local / "img_align_celeba.zip"
    images = sorted((local / "img_align_celeba").glob("*.jpg"))
    assert zcopy.exists() and len(images) == 6 and (local / "list_eval_partition.txt").exists()
    assert drive["mounted"] == [str(drive["tmp"] / "mnt")]
    out = capsys.readouterr().out
    assert f"--data {local / 'img_align_celeba'}" in out and "python -m nbhelpers run" in out
    stamps = {p: p.stat().st_mtime_ns for p in [zcopy, *images]}
    assert setup.main(_args(drive)) == 0  # safe to run twice: nothing copied or extracted again
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    again = capsys.readouterr().out
    assert f"skipped, unchanged: {zcopy}" in again
    assert f"skipped, unchanged: {local / 'list_eval_partition.txt'}" in again
    # the copied data feed the photo loader, with CelebA's partition file beside them
    from nbhelpers.data.photos import build_photo_cache

    cache = build_photo_cache(local / "img_align_celeba", drive["tmp"] / "cache", size=16,
                              split="train", progress=False)
    assert np.load(cache).shape == (4, 16, 16, 3)


def test_setup_refuses_zip_with_traversal_member(drive, capsys):
    evil = drive["root"] / "MyDrive" / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("img/000001.jpg", _jpeg(1))
        zf.writestr("../escaped.txt", "gotcha")
    setup = _load_setup()
    assert setup.main(_args(drive, "MyDrive/evil.zip")) == 2
    assert "refusing zip member '../escaped.txt'" in capsys.readouterr().err
    assert not list(drive["tmp"].rglob("escaped.txt"))
    assert not (drive["tmp"] / "local" / "img").exists()


def test_sync_back_copies_only_changes_and_restores_next_session(drive, tmp_path):
    run = tmp_path / "runs" / "celeba"
    (run / "models" / "ae_backup").mkdir(parents=True)
    (run / "models" / "ae_backup" / "latest.weights.h5").write_bytes(b"w" * 100)
    (run / "models" / "ae.keras").write_bytes(b"m" * 50)
    (run / "latent").mkdir()
    (run / "latent" / "z_ae.npy").write_bytes(b"z" * 80)
    (run / "results.json").write_text("{}")
    (run / "scratch.tmp").write_text("not synced")
    target = drive["root"] / "MyDrive" / "nbhelpers_runs" / "celeba"
    first = colab.sync_to_drive(run, target, progress=False)
    assert len(first) == 4 and (target / "models" / "ae_backup" / "latest.weights.h5").exists()
    assert not (target / "scratch.tmp").exists()
    assert colab.sync_to_drive(run, target, progress=False) == []  # nothing changed
    (run / "results.json").write_text('{"01": {"loss": 0.5}}')
    assert colab.sync_to_drive(run, target, progress=False) == [target / "results.json"]
    # a new session: colab_setup restores the run, BackupAndRestore folder included
    setup = _load_setup()
    assert setup.main(["--runs", str(tmp_path / "fresh"), "--mount-point",
                       str(tmp_path / "mnt"), "--no-install"]) == 0
    restored = tmp_path / "fresh" / "celeba"
    assert (restored / "models" / "ae_backup" / "latest.weights.h5").read_bytes() == b"w" * 100
    assert (restored / "results.json").read_text() == '{"01": {"loss": 0.5}}'


def test_outside_colab_it_says_what_it_would_do_and_writes_nothing(tmp_path):
    before = sorted(p.relative_to(ROOT) for p in ROOT.iterdir())
    proc = subprocess.run([sys.executable, str(ROOT / "colab_setup.py"), "--data",
                           "MyDrive/x.zip", "--local-dir", str(tmp_path / "data"), "--runs",
                           str(tmp_path / "runs")], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 0
    assert list(tmp_path.iterdir()) == [] and sorted(p.relative_to(ROOT) for p in ROOT.iterdir()) == before
    assert "Not on Google Colab" in proc.stdout and "would run:" in proc.stdout
    assert "nothing preinstalled changes" in proc.stdout


def test_mount_drive_outside_colab_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(colab, "in_colab", lambda: False)
    with pytest.raises(RuntimeError, match="needs Google Colab.*--local-drive"):
        colab.mount_drive()


def test_copy_checks_size_and_is_atomic(tmp_path):
    src = tmp_path / "a.bin"
    src.write_bytes(b"x" * 1000)
    dst = tmp_path / "out" / "a.bin"
    assert colab.copy_file(src, dst) and dst.read_bytes() == src.read_bytes()
    assert not colab.copy_file(src, dst)  # same size and mtime: skipped
    assert [p.name for p in dst.parent.iterdir()] == ["a.bin"]


def test_every_notebook_opens_with_one_guarded_setup_cell_and_a_colab_badge():
    """The cell before each notebook's parameters clones the one repository (pyproject's
    [project.urls] = colab_setup.REPOSITORY) and calls colab_setup on Colab or Kaggle only; the
    title cell and the README's table link the notebook's "Open in Colab" page."""
    import json
    import re

    repo = re.search(r'^Repository = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert _load_setup().REPOSITORY == repo
    path = repo.removeprefix("https://github.com/")
    readme = (ROOT / "README.md").read_text()
    cells = set()
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text())
        params = next(i for i, c in enumerate(nb["cells"])
                      if "parameters" in c["metadata"].get("tags", []))
        setup = "".join(nb["cells"][params - 1]["source"])
        cells.add(setup)
        assert 'if "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ:' in setup
        assert f'"{repo}"' in setup and "colab_setup.notebook_setup(" in setup
        badge = f"colab.research.google.com/github/{path}/blob/main/notebooks/{nb_path.name}"
        assert badge in "".join(nb["cells"][0]["source"]) and badge in readme, nb_path.name
    assert len(cells) == 1  # one setup, the same in every notebook
    exec(compile(cells.pop(), "setup cell", "exec"), {})  # here (not Colab): does nothing


def test_on_a_fake_kaggle_celeba_is_found_and_runs_go_to_working(tmp_path, shared_faces):
    """Kaggle's most used CelebA copy, laid out as Kaggle does (img_align_celeba twice, the side
    files as .csv beside the outer folder), made here from 300 of the shared faces: the setup
    finds the photos, the photo loader reads their partition and attributes, runs go to
    /kaggle/working."""
    import shutil

    from nbhelpers.data.labels import parse_celeba_attributes
    from nbhelpers.data.photos import ATTRIBUTE_FILES, PhotoSource, select

    dataset = tmp_path / "kaggle" / "input" / "celeba-dataset"
    photos = dataset / "img_align_celeba" / "img_align_celeba"
    photos.mkdir(parents=True)
    names = [p.name for p in sorted(shared_faces.glob("*.jpg"))[:300]]
    for n in names:
        shutil.copy(shared_faces / n, photos / n)
    (dataset / "list_eval_partition.csv").write_text(
        "image_id,partition\n" + "".join(f"{n},{0 if i < 250 else 1}\n" for i, n in enumerate(names)))
    rows = (shared_faces.parent / "list_attr_celeba.txt").read_text().splitlines()
    header = "image_id," + ",".join(rows[1].split())
    (dataset / "list_attr_celeba.csv").write_text(
        header + "\n" + "".join(",".join(r.split()) + "\n" for r in rows[2:302]))
    setup = _load_setup()
    env, done = setup.setup(setup.parse(["--kaggle-root", str(tmp_path / "kaggle"),
                                         "--no-install"]))
    assert env["NBHELPERS_DATA"] == str(photos)
    assert env["NBHELPERS_RUNS"] == str(tmp_path / "kaggle" / "working" / "runs")
    src = PhotoSource(env["NBHELPERS_DATA"])
    assert len(select(src, "train").names) == 250  # the .csv partition beside the outer folder
    where, text = src.find_text(ATTRIBUTE_FILES)
    assert where.endswith("list_attr_celeba.csv")
    table = parse_celeba_attributes(text, where, src.images)
    assert len(table.names) == 40 and table.aligned(src.images).shape == (300, 40)
