"""The report's value tables and findings section."""

from nbhelpers import claims, report


def test_nested_values_render_as_tables_without_cutting_anything():
    rows = [{"n": i, "input": "raw z", "void": {"ratio": 1.5 + i}} for i in range(40)]
    out = report.value_html(rows)
    assert out.startswith("<table class='inner'>") and out.count("<td>raw z</td>") == 40
    assert "<code>" not in out and "..." not in out and "41.5" not in out and "40.5" in out
    nested = report.value_html({"ae/mvn": {"precision": 0.926, "recall": 0.66}})
    assert "<th>precision</th>" in nested and "0.926" in nested
    assert report.value_html([1, 2.5, "a"]) == "1, 2.5, a"
    assert "<th>k</th><td>1</td>" in report.value_html({"k": 1})


def test_findings_table_lists_every_claim_with_its_status():
    rows = claims.evaluate({})
    out = report.findings_html(rows)
    assert out.count("<tr class='unmeasured'>") == len(claims.CLAIMS)
    assert f"0 holds, 0 does not hold, 0 within noise, {len(claims.CLAIMS)} not measured" in out


def test_every_saved_figure_is_in_the_report_even_when_its_cell_shows_none(tmp_path):
    """A cell that saves two figures and ends with a print displays neither; the report reads
    them from figures/. A cell that saves none (an explorer's static view) keeps its output."""
    import base64
    import json

    from nbhelpers import report

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "figures").mkdir()
    pngs = {name: bytes([137, 80, 78, 71]) + name.encode() for name in ("09_a", "09_b")}
    for name, data in pngs.items():
        (tmp_path / "figures" / f"{name}.png").write_bytes(data)
    shown = base64.b64encode(b"explorer").decode()
    cells = [{"cell_type": "markdown", "source": ["# 09 · A test"]},
             {"cell_type": "code", "source": ['run.save_figure(f(), "09_a")\n',
                                              'run.save_figure(g(), "09_b")\n', 'print(1)'],
              "outputs": [{"output_type": "stream", "text": "1"}]},
             {"cell_type": "code", "source": ["explorer()"],
              "outputs": [{"output_type": "display_data", "data": {"image/png": shown}}]}]
    (tmp_path / "notebooks" / "09_test.ipynb").write_text(json.dumps({"cells": cells}))
    title, images = report._notebook_parts(tmp_path / "notebooks" / "09_test.ipynb",
                                           tmp_path / "figures")
    assert title == "09 · A test"
    assert images == [base64.b64encode(pngs["09_a"]).decode(),
                      base64.b64encode(pngs["09_b"]).decode(), shown]
