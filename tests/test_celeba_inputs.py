"""Hostile CelebA inputs: every image mode Pillow opens becomes correct 8-bit RGB; metadata files
with bad lines are counted and named; unreadable metadata files raise naming the file."""

import io
import warnings

import numpy as np
import pytest
from PIL import Image

from nbhelpers.data import celeba
from nbhelpers.data.celeba import build_celeba_cache, load_image


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
        path = build_celeba_cache(folder, tmp_path / "cache", size=16, progress=False)
    return path, [str(w.message) for w in caught]


def test_bad_partition_lines_are_counted_and_named(tmp_path):
    lines = ["000001.jpg 0", "000002.jpg 0", "garbage", "000003.jpg", "000004.jpg x",
             "000005.jpg 7", "000006.jpg 0 extra", ""]
    folder = _folder(tmp_path, "\n".join(lines).encode())
    path, messages = _build(folder, tmp_path)
    assert np.load(path).shape[0] == 2
    [msg] = [m for m in messages if "did not parse" in m]
    assert "list_eval_partition.txt: 5 line(s) did not parse" in msg and "line 3: 'garbage'" in msg
    bad = celeba.load_cache_manifest(path)["bad_lines"]
    assert bad[0]["count"] == 5 and bad[0]["first"][-1] == "line 7: '000006.jpg 0 extra'"


def test_bad_attribute_lines_are_counted_and_named(tmp_path):
    attrs = b"6\nSmiling Eyeglasses\n" + b"".join(
        f"{i:06d}.jpg 1 -1\n".encode() for i in range(1, 5)) + b"000005.jpg 1\n000006.jpg 1 maybe\n"
    folder = _folder(tmp_path, b"".join(f"{i:06d}.jpg 0\n".encode() for i in range(1, 7)), attrs)
    path, messages = _build(folder, tmp_path)
    meta = celeba.load_cache_manifest(path)
    assert meta["attributes"] == ["Smiling", "Eyeglasses"]
    assert meta["bad_lines"][0]["count"] == 2 and "list_attr_celeba.txt" in meta["bad_lines"][0]["file"]
    assert any("2 line(s) did not parse" in m for m in messages)


@pytest.mark.parametrize("content,expected", [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"000001.jpg 0\n\xff\xfe000002.jpg 0\n", "not UTF-8 text (byte 13"),
])
def test_unreadable_partition_file_raises_naming_it(tmp_path, content, expected):
    folder = _folder(tmp_path, content)
    with pytest.raises(celeba.MetadataError) as err:
        build_celeba_cache(folder, tmp_path / "cache", size=16, progress=False)
    assert str(tmp_path / "list_eval_partition.txt") in str(err.value) and expected in str(err.value)
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("*.npy"))
