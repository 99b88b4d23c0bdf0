"""Hostile photo inputs: every image mode Pillow opens becomes correct 8-bit RGB; metadata files
with bad lines are counted and named; unreadable metadata files raise naming the file."""

import io
import warnings

import numpy as np
import pytest
from PIL import Image

from nbhelpers.data import photos
from nbhelpers.data.photos import build_photo_cache, load_image


def _encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


GREY = np.linspace(0, 1, 16 * 16).reshape(16, 16)  # a ramp from black to white


@pytest.mark.parametrize("mode,pixels", [
    ("I;16", (GREY * 65535).astype(np.uint16)),
    ("I", (GREY * 65535).astype(np.int32)),
    ("F", GREY.astype(np.float32)),
])
def test_wide_modes_are_scaled_not_clipped(mode, pixels):
    img = Image.fromarray(pixels, mode if mode != "I;16" else None)
    if mode == "I;16":
        data = _encode(img)
        assert Image.open(io.BytesIO(data)).mode in ("I;16", "I")
    else:
        data = _encode(img, "TIFF")
        assert Image.open(io.BytesIO(data)).mode == mode
    out = load_image(data, 16)
    want = (GREY * 255 + 0.5).astype(np.uint8)
    assert np.abs(out[..., 0].astype(int) - want).max() <= 2  # bicubic resize of a ramp
    assert out[0, 0, 0] <= 2 and out[-1, -1, 0] >= 253 and abs(out.mean() - 127.5) < 3


def test_palette_transparency_grey_alpha_rgba_one_bit_and_cmyk():
    red = np.zeros((16, 16, 3), np.uint8)
    red[..., 0] = 200
    pal = Image.fromarray(red).convert("P", palette=Image.Palette.ADAPTIVE)
    assert load_image(_encode(pal), 16)[8, 8].tolist() == [200, 0, 0]
    pal_t = pal.copy()
    pal_t.info["transparency"] = pal.getpixel((0, 0))  # the only colour: fully transparent
    assert load_image(_encode(pal_t, transparency=pal.getpixel((0, 0))), 16)[8, 8].tolist() == [255] * 3
    la = Image.fromarray(np.dstack([np.full((16, 16), 100, np.uint8), np.zeros((16, 16), np.uint8)]), "LA")
    assert load_image(_encode(la), 16)[8, 8].tolist() == [255, 255, 255]  # transparent: white
    rgba = np.dstack([red, np.full((16, 16), 255, np.uint8)])
    assert load_image(_encode(Image.fromarray(rgba, "RGBA")), 16)[8, 8].tolist() == [200, 0, 0]
    one = Image.fromarray(np.eye(16, dtype=bool) | True)
    assert one.mode == "1" and load_image(_encode(one), 16).min() == 255
    cmyk = Image.fromarray(red).convert("CMYK")
    got = load_image(_encode(cmyk, "JPEG", quality=95), 16)[8, 8]
    assert abs(int(got[0]) - 200) < 12 and got[1] < 12 and got[2] < 12


def _folder(tmp_path, partition: bytes, attrs: bytes | None = None, n: int = 6):
    rng = np.random.default_rng(0)
    folder = tmp_path / "img_align_celeba"
    folder.mkdir()
    for i in range(1, n + 1):
        arr = rng.integers(0, 255, (40, 30, 3), dtype=np.uint8)
        (folder / f"{i:06d}.jpg").write_bytes(_encode(Image.fromarray(arr), "JPEG"))
    (tmp_path / "list_eval_partition.txt").write_bytes(partition)
    if attrs is not None:
        (tmp_path / "list_attr_celeba.txt").write_bytes(attrs)
    return folder


def _build(folder, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = build_photo_cache(folder, tmp_path / "cache", size=16, split="train",
                                 progress=False)
    return path, [str(w.message) for w in caught]


def test_bad_partition_lines_are_counted_and_named(tmp_path):
    lines = ["000001.jpg 0", "000002.jpg 0", "garbage", "000003.jpg", "000004.jpg x",
             "000005.jpg 7", "000006.jpg 0 extra", ""]
    folder = _folder(tmp_path, "\n".join(lines).encode())
    path, messages = _build(folder, tmp_path)
    assert np.load(path).shape[0] == 2
    [msg] = [m for m in messages if "did not parse" in m]
    assert "list_eval_partition.txt: 5 line(s) did not parse" in msg and "line 3: 'garbage'" in msg
    bad = photos.cache_manifest(path)["bad_lines"]
    assert bad[0]["count"] == 5 and bad[0]["first"][-1] == "line 7: '000006.jpg 0 extra'"


def test_bad_attribute_lines_are_refused_naming_the_file_and_lines(tmp_path):
    from nbhelpers.data.labels import LabelError, parse_celeba_attributes

    text = "6\nSmiling Eyeglasses\n" + "".join(f"{i:06d}.jpg 1 -1\n" for i in range(1, 5)) \
        + "000005.jpg 1\n000006.jpg 1 maybe\n"
    with pytest.raises(LabelError) as err:
        parse_celeba_attributes(text, "list_attr_celeba.txt", [f"{i:06d}.jpg" for i in range(1, 7)])
    msg = str(err.value)
    assert msg.startswith("list_attr_celeba.txt: 2 line(s)") and "line 7: '000005.jpg 1'" in msg
    assert "line 8: '000006.jpg 1 maybe'" in msg


@pytest.mark.parametrize("content,expected", [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"000001.jpg 0\n\xff\xfe000002.jpg 0\n", "not UTF-8 text (byte 13"),
])
def test_unreadable_partition_file_raises_naming_it(tmp_path, content, expected):
    folder = _folder(tmp_path, content)
    with pytest.raises(photos.MetadataError) as err:
        build_photo_cache(folder, tmp_path / "cache", size=16, split="train", progress=False)
    assert str(tmp_path / "list_eval_partition.txt") in str(err.value) and expected in str(err.value)
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("*.npy"))


def test_an_image_replaced_in_place_invalidates_the_cache(tmp_path):
    import os

    folder = _folder(tmp_path, b"".join(f"{i:06d}.jpg 0\n".encode() for i in range(1, 7)))
    first, _ = _build(folder, tmp_path)
    before = np.load(first).copy()
    st = folder.stat()
    white = np.full((40, 30, 3), 255, np.uint8)
    (folder / "000003.jpg").write_bytes(_encode(Image.fromarray(white), "JPEG"))
    os.utime(folder, ns=(st.st_atime_ns, st.st_mtime_ns))  # the folder's mtime does not change
    second, _ = _build(folder, tmp_path)
    after = np.load(second)
    assert not np.array_equal(before[2], after[2]) and after[2].min() > 240
    np.testing.assert_array_equal(before[0], after[0])


def _zip_with(tmp_path, members: dict):
    import zipfile

    rng = np.random.default_rng(1)
    z = tmp_path / "img_align_celeba.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(1, 4):
            arr = rng.integers(0, 255, (40, 30, 3), dtype=np.uint8)
            zf.writestr(f"img_align_celeba/{i:06d}.jpg", _encode(Image.fromarray(arr), "JPEG"))
        for name, data in members.items():
            zf.writestr(f"img_align_celeba/{name}", data)
    return z


def test_zip_members_no_face_image_has_are_refused_by_name_without_being_read(tmp_path, monkeypatch):
    z = _zip_with(tmp_path, {"bomb.jpg": bytes(60 * 2**20), "flat.png": bytes(2**20)})
    read = []
    real = photos.PhotoSource.read
    monkeypatch.setattr(photos.PhotoSource, "read", lambda self, n: read.append(n) or real(self, n))
    path, messages = _build(z, tmp_path)
    assert np.load(path).shape[0] == 3 and "bomb.jpg" not in read and "flat.png" not in read
    skipped = photos.cache_manifest(path)["skipped"]
    assert "more than the 52,428,800 any face image needs" in skipped["bomb.jpg"]
    assert "compression ratio" in skipped["flat.png"]


def test_safe_extract_refuses_bombs_and_a_too_small_disk(tmp_path, monkeypatch):
    import shutil

    from nbhelpers import colab

    bomb = _zip_with(tmp_path, {"bomb.jpg": bytes(60 * 2**20)})
    with pytest.raises(ValueError, match=r"img_align_celeba/bomb.jpg: declares 62,914,560 bytes"):
        colab.safe_extract(bomb, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()
    (tmp_path / "ok").mkdir()
    ok = _zip_with(tmp_path / "ok", {})

    class Tiny:
        free = 100

    monkeypatch.setattr(shutil, "disk_usage", lambda p: Tiny)
    with pytest.raises(OSError, match=r"needs [\d,]+ bytes but .* has 100 free"):
        colab.safe_extract(ok, tmp_path / "out2", progress=False)
    assert not (tmp_path / "out2").exists()


def test_symlinks_out_of_the_folder_are_not_followed(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = np.full((40, 30, 3), 7, np.uint8)
    (outside / "secret.jpg").write_bytes(_encode(Image.fromarray(secret), "JPEG"))
    folder = _folder(tmp_path, b"".join(f"{i:06d}.jpg 0\n".encode() for i in range(1, 8)))
    (folder / "000007.jpg").symlink_to(outside / "secret.jpg")
    path, _ = _build(folder, tmp_path)
    meta = photos.cache_manifest(path)
    assert meta["count"] == 6 and "000007.jpg" not in meta["files"]
    assert "symlink pointing outside" in meta["skipped"]["000007.jpg"]


def test_sync_to_drive_skips_symlinks_out_of_the_run(tmp_path, capsys):
    from nbhelpers import colab

    run = tmp_path / "run"
    (run / "latent").mkdir(parents=True)
    (run / "results.json").write_text("{}")
    (tmp_path / "private.txt").write_text("not yours")
    (run / "latent" / "z_ae.npy").symlink_to(tmp_path / "private.txt")
    copied = colab.sync_to_drive(run, tmp_path / "drive", progress=False)
    assert [p.name for p in copied] == ["results.json"]
    assert not (tmp_path / "drive" / "latent" / "z_ae.npy").exists()
    assert "skipped, a symlink pointing outside" in capsys.readouterr().out
