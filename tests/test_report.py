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
    assert f"0 holds, 0 does not hold, {len(claims.CLAIMS)} not measured" in out
