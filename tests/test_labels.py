"""Labels of photos (``data.labels``): a labels CSV and CelebA's attribute file, read and checked
against the photos, on small files written here."""

import numpy as np
import pytest

from nbhelpers.data.labels import LabelError, parse_celeba_attributes, read_label_csv

PHOTOS = ["a/1.jpg", "a/2.jpg", "b/3.png", "b/10.png"]


def _csv(tmp_path, text: str):
    p = tmp_path / "labels.csv"
    p.write_text(text)
    return p


def test_a_labels_csv_is_read_binary_as_zero_one_and_aligned(tmp_path):
    p = _csv(tmp_path, "file,smile,male,age\nb/10.png,1,-1,31.5\na/1.jpg,0,1,20\n"
                       "./a/2.jpg,1,1,44\nb\\3.png,0,-1,52\n")
    t = read_label_csv(p, PHOTOS)
    assert t.names == ("smile", "male", "age") and t.binary == (True, True, False)
    v = t.aligned(["b/10.png", "a/1.jpg"])
    np.testing.assert_array_equal(v, [[1, 0, 31.5], [0, 1, 20]])
    assert v.dtype == np.float32 and t.summary()["binary"] == [True, True, False]


@pytest.mark.parametrize("text,expected", [
    ("name,smile\na/1.jpg,1\n", "has no 'file' column (found ['name', 'smile'])"),
    ("file\na/1.jpg\n", "only the 'file' column"),
    ("file,x,x\na/1.jpg,1,1\n", "column names repeat: ['x']"),
    ("file,x\na/1.jpg,1\na/2.jpg,1,2\nb/3.png,0\nb/10.png,1\n", "line 3 (3 fields)"),
    ("file,x\na/1.jpg,1\na/2.jpg,nan\nb/3.png,\nb/10.png,1\n",
     "column 'x' holds 2 cell(s) that are not finite numbers: line 3 ('nan'), line 4 ('')"),
    ("file,x\na/1.jpg,1\na/1.jpg,0\nb/3.png,0\nb/10.png,1\n",
     "photo 'a/1.jpg' has two rows, lines 2 and 3"),
    ("file,x\na/1.jpg,1\n", "3 of the 4 photos have no row, e.g. 'a/2.jpg', 'b/3.png', 'b/10.png'"),
    ("", "the file is empty"),
])
def test_a_bad_labels_csv_is_refused_naming_file_column_and_rows(tmp_path, text, expected):
    p = _csv(tmp_path, text)
    with pytest.raises(LabelError) as err:
        read_label_csv(p, PHOTOS)
    assert str(err.value).startswith(str(p)) and expected in str(err.value)


def test_celeba_attributes_match_by_file_name_and_allow_rows_of_other_images():
    text = ("4\nSmiling Male\n000001.jpg 1 -1\n000002.jpg -1 1\n000003.jpg 1 1\n"
            "000004.jpg -1 -1\n")
    t = parse_celeba_attributes(text, "attrs.txt", ["x/000002.jpg", "000003.jpg"])
    np.testing.assert_array_equal(t.aligned(["x/000002.jpg", "000003.jpg"]), [[0, 1], [1, 1]])
    csv = "image_id,Smiling,Male\n000001.jpg,1,-1\n"
    assert parse_celeba_attributes(csv, "attrs.csv", ["000001.jpg"]).names == ("Smiling", "Male")
    with pytest.raises(LabelError, match=r"attrs.txt: 1 of the 2 photos have no row, e\.g\. "
                                         r"'000009.jpg'; .* by its file name"):
        parse_celeba_attributes(text, "attrs.txt", ["000001.jpg", "000009.jpg"])
