"""The photo loader on a small CelebA-shaped fixture made here (no download)."""

import io
import warnings
import zipfile

import numpy as np
import pytest
from PIL import Image

from nbhelpers.data import photos
from nbhelpers.data.photos import UnsafeArchiveError, build_photo_cache

N_GOOD = 30  # good colour JPEGs; plus a grey one, a corrupt, a truncated and an empty file


def _jpeg(rng, mode="RGB") -> bytes:
    arr = rng.integers(0, 255, (218, 178, 3), dtype=np.uint8)
    img = Image.fromarray(arr)
    if mode != "RGB":
        img = img.convert(mode)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


@pytest.fixture(scope="module")
def celeba_files(tmp_path_factory):
    """{name: bytes} of an img_align_celeba folder plus partition and attribute files."""
    rng = np.random.default_rng(0)
    files = {f"{i:06d}.jpg": _jpeg(rng) for i in range(1, N_GOOD + 1)}
    files[f"{N_GOOD + 1:06d}.jpg"] = _jpeg(rng, "L")  # grey
    files[f"{N_GOOD + 2:06d}.jpg"] = b"this is not a jpeg at all"  # corrupt
    files[f"{N_GOOD + 3:06d}.jpg"] = _jpeg(rng)[:2000]  # truncated
    files[f"{N_GOOD + 4:06d}.jpg"] = b""  # empty
    names = sorted(files)
    # partition: 0-19 train (with the four bad files among them), 20-27 val, rest test
    part = {n: (0 if i < 20 else 1 if i < 28 else 2) for i, n in enumerate(names)}
    for bad in names[-4:]:
        part[bad] = 0
    partition = "".join(f"{n} {p}\n" for n, p in part.items())
    attrs = f"{len(names)}\nSmiling Eyeglasses\n" + "".join(
        f"{n} {1 if i % 2 else -1} {1 if i % 3 == 0 else -1}\n" for i, n in enumerate(names))
    root = tmp_path_factory.mktemp("celeba")
    folder = root / "img_align_celeba"
    folder.mkdir()
    for n, b in files.items():
        (folder / n).write_bytes(b)
    (root / "list_eval_partition.txt").write_text(partition)
    (root / "list_attr_celeba.txt").write_text(attrs)
    zpath = root / "zipped" / "img_align_celeba.zip"
    zpath.parent.mkdir()
    with zipfile.ZipFile(zpath, "w") as zf:
        for n, b in files.items():
            zf.writestr(f"img_align_celeba/{n}", b)
        zf.writestr("list_eval_partition.csv", "image_id,partition\n" +
                    partition.replace(" ", ","))
    train = sum(1 for p in part.values() if p == 0)
    return {"folder": folder, "zip": zpath, "part": part, "train": train, "root": root}


def _build(src, tmp_path, **kw):
    kw.setdefault("split", "train")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = build_photo_cache(src, tmp_path / "cache", progress=False, **kw)
    return path, caught


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_train_split_shape_and_skipped_files(celeba_files, tmp_path, kind):
    path, caught = _build(celeba_files[kind], tmp_path, size=32)
    arr = np.load(path, mmap_mode="r")
    assert arr.shape == (celeba_files["train"] - 3, 32, 32, 3) and arr.dtype == np.uint8
    meta = photos.cache_manifest(path)
    assert sorted(meta["skipped"]) == [f"{N_GOOD + k:06d}.jpg" for k in (2, 3, 4)]
    assert meta["count"] == arr.shape[0] and f"{N_GOOD + 1:06d}.jpg" in meta["files"]  # grey kept
    bad = [w for w in caught if "skipped 3 unreadable" in str(w.message)]
    assert len(bad) == 1


@pytest.mark.parametrize("split", ["val", "test", "train+val", "all"])
def test_split_counts(celeba_files, tmp_path, split):
    path, _ = _build(celeba_files["folder"], tmp_path, size=16, split=split)
    part = celeba_files["part"]
    codes = {"val": {1}, "test": {2}, "train+val": {0, 1}}.get(split)
    expected = N_GOOD + 1 if split == "all" else sum(
        1 for p in part.values() if p in codes) - (3 if split == "train+val" else 0)  # 3 unreadable
    assert expected > 0
    assert np.load(path, mmap_mode="r").shape[0] == expected


def test_grey_image_becomes_rgb_and_crop_is_central(celeba_files, tmp_path):
    path, _ = _build(celeba_files["folder"], tmp_path, size=32)
    meta = photos.cache_manifest(path)
    grey = np.load(path)[meta["files"].index(f"{N_GOOD + 1:06d}.jpg")]
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])
    # a 178x218 image with a bright square band in its centre: the crop keeps the band central
    img = np.zeros((218, 178, 3), np.uint8)
    img[20:198, :, :] = 100
    img[99:119, 79:99] = 255
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    out = photos.load_image(buf.getvalue(), 32)
    assert out.shape == (32, 32, 3)
    yy, xx = np.nonzero(out[..., 0] > 200)
    assert abs(yy.mean() - 15.5) < 1.5 and abs(xx.mean() - 15.5) < 1.5


def test_attributes_are_matched_by_file_name_as_zero_one_labels(celeba_files, tmp_path):
    from nbhelpers.data.labels import parse_celeba_attributes

    path, _ = _build(celeba_files["folder"], tmp_path, size=16, split="val")
    meta = photos.cache_manifest(path)
    root = celeba_files["root"]
    table = parse_celeba_attributes((root / "list_attr_celeba.txt").read_text(), "attrs",
                                    meta["files"])
    assert table.names == ("Smiling", "Eyeglasses") and table.binary == (True, True)
    attrs = table.aligned(meta["files"])
    assert attrs.shape == (8, 2) and set(np.unique(attrs)) <= {0.0, 1.0}
    names = sorted(celeba_files["part"])
    i = names.index(meta["files"][0])
    assert attrs[0, 0] == (1 if i % 2 else 0)


def test_without_partition_file_all_images_and_the_manifest_says_so(celeba_files, tmp_path):
    folder = tmp_path / "lonely" / "img_align_celeba"
    folder.mkdir(parents=True)
    for p in sorted(celeba_files["folder"].iterdir())[:5]:
        (folder / p.name).write_bytes(p.read_bytes())
    path, caught = _build(folder, tmp_path, size=16)
    assert np.load(path).shape[0] == 5
    assert "no list_eval_partition.txt" in photos.cache_manifest(path)["selection"]


def test_zip_traversal_member_refused_before_anything_is_written(celeba_files, tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("img_align_celeba/000001.jpg", (celeba_files["folder"] / "000001.jpg").read_bytes())
        zf.writestr("../../outside.jpg", b"x")
    cache = tmp_path / "cache"
    with pytest.raises(UnsafeArchiveError, match=r"'\.\./\.\./outside\.jpg'"):
        build_photo_cache(evil, cache, size=16, progress=False)
    assert not cache.exists() and not (tmp_path.parent / "outside.jpg").exists()
    with pytest.raises(UnsafeArchiveError):
        photos.check_zip_members(["/etc/passwd"])


def test_second_call_reuses_the_cache(celeba_files, tmp_path):
    path, _ = _build(celeba_files["folder"], tmp_path, size=16)
    stamp = path.stat().st_mtime_ns
    again, _ = _build(celeba_files["folder"], tmp_path, size=16)
    assert again == path and path.stat().st_mtime_ns == stamp
    other, _ = _build(celeba_files["folder"], tmp_path, size=32)
    assert other != path


def test_not_a_photo_source(tmp_path):
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(ValueError, match="not a zip archive"):
        build_photo_cache(tmp_path / "x.txt", tmp_path / "c")
    with pytest.raises(FileNotFoundError, match="expected a folder of JPEG or PNG face photos"):
        build_photo_cache(tmp_path / "nope", tmp_path / "c")
