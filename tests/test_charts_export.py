"""Charts render Chinese with the shipped font; workbooks and CSV never carry live formulas."""

import re
import zipfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest

from jixiao import charts, concurrency, export


@pytest.fixture(scope="module")
def chinese_figure():
    charts.use_chinese_font()
    fig, ax = plt.subplots()
    ax.bar(["投入", "过程", "产出", "效果"], [14, 19.5, 25, 28])
    ax.set_title("各维度得分（良）")
    yield fig
    plt.close(fig)


def test_shipped_font_is_an_ofl_licensed_cjk_font():
    assert charts.FONT_FILE.is_file()
    licence = (charts.FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert charts.use_chinese_font() == "Noto Sans CJK SC"


def test_figure_is_saved_as_png_svg_pdf_with_the_cjk_font_embedded(tmp_path, chinese_figure):
    written = charts.save_figure(chinese_figure, "dimensions", tmp_path)
    assert set(written) == {"png", "svg", "pdf"}
    from PIL import Image

    with Image.open(written["png"]) as png:
        dpi = png.info["dpi"][0]
    assert dpi >= 199.5
    pdf = written["pdf"].read_bytes()
    assert re.search(rb"/BaseFont /(?:[A-Z]{6}\+)?NotoSansCJKsc", pdf)
    svg = written["svg"].read_text(encoding="utf-8")
    assert "<text" not in svg  # text drawn as paths: viewable with no font installed


def test_the_png_written_beside_the_vector_drawings_is_the_one_written_alone(
    tmp_path, chinese_figure, monkeypatch
):
    """The PNG is compressed on a second thread while SVG and PDF are drawn: once save_figure
    returns it is complete, and byte for byte the file JIXIAO_THREADS=1 writes before them."""
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "2")
    together = charts.save_figure(chinese_figure, "a", tmp_path / "2")
    monkeypatch.setenv(concurrency.THREADS_VARIABLE, "1")
    alone = charts.save_figure(chinese_figure, "a", tmp_path / "1")
    assert list(together) == list(alone) == ["png", "svg", "pdf"]
    for fmt in together:
        assert together[fmt].read_bytes() == alone[fmt].read_bytes()
    assert together["png"].read_bytes().endswith(b"IEND\xaeB`\x82")


def test_a_character_outside_the_font_is_refused_not_drawn_as_a_box(tmp_path):
    charts.use_chinese_font()
    fig, ax = plt.subplots()
    ax.set_title("\U0001f600")  # an emoji no CJK text font carries
    with pytest.raises(charts.MissingGlyphError):
        charts.save_figure(fig, "bad", tmp_path, formats=("png",))
    plt.close(fig)
    assert not (tmp_path / "bad.png").exists()


def test_saving_the_same_chart_twice_gives_identical_svg_and_pdf(tmp_path, chinese_figure):
    first = charts.save_figure(chinese_figure, "a", tmp_path / "1", formats=("svg", "pdf"))
    second = charts.save_figure(chinese_figure, "a", tmp_path / "2", formats=("svg", "pdf"))
    for fmt in ("svg", "pdf"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()


def test_workbook_text_beginning_with_formula_characters_is_stored_as_text(tmp_path):
    frame = pd.DataFrame(
        {
            "摘要": ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "正常摘要"],
            "金额（元）": [1.5, 2.0, -3.0, 4.0, 5.25],
        }
    )
    path = export.write_workbook(
        tmp_path / "w.xlsx", {"问题清单": export.Sheet(frame, money=("金额（元）",))}
    )
    sheet = openpyxl.load_workbook(path)["问题清单"]
    values = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in values] == frame["摘要"].tolist()
    assert all(c.data_type == "s" for c in values)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml  # no formula element anywhere
    assert sheet.cell(row=2, column=2).number_format == export.MONEY_FORMAT
    assert sheet.cell(row=4, column=2).value == -3.0  # numbers stay numbers
    assert sheet.freeze_panes == "A2"


def test_csv_text_beginning_with_formula_characters_is_prefixed(tmp_path):
    frame = pd.DataFrame({"摘要": ["=1+1", "@x", "办公用品"], "金额": [-5.0, 1.0, 2.0]})
    text = export.write_csv(frame, tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["摘要,金额", "'=1+1,-5.0", "'@x,1.0", "办公用品,2.0"]


def test_same_frames_give_byte_identical_workbooks(tmp_path):
    import time

    frame = pd.DataFrame({"社区": ["浏河社区"], "比例": [0.865]})
    a = export.write_workbook(tmp_path / "a.xlsx", {"表": export.Sheet(frame, percent=("比例",))})
    time.sleep(2.1)  # ZIP timestamps have 2-second resolution: a later save must not differ
    b = export.write_workbook(tmp_path / "b.xlsx", {"表": export.Sheet(frame, percent=("比例",))})
    assert a.read_bytes() == b.read_bytes()


def test_fen_to_yuan_is_exact_to_the_fen():
    assert export.fen_to_yuan(pd.Series([1, 12345, -270000000])).tolist() == [
        0.01,
        123.45,
        -2700000.0,
    ]


def test_yuan_parameters_become_whole_fen_exactly():
    # 0.295 元 is 29.4999… in binary floating point; read as written it is 29.5 fen → 30 (half to even).
    assert [export.yuan_to_fen(v, "x") for v in (1000, 0.29, "50,000", "0.295", "0.285", None)] == [
        100000,
        29,
        5000000,
        30,
        28,
        None,
    ]
    with pytest.raises(export.ParameterError, match="approval_threshold_yuan 应为金额"):
        export.yuan_to_fen("一万", "approval_threshold_yuan")


def _png_size(path):
    from PIL import Image

    with Image.open(path) as png:
        return png.size


def test_png_is_cropped_to_the_same_tight_box_as_matplotlib(tmp_path, chinese_figure):
    ours = charts.save_figure(chinese_figure, "dims", tmp_path, formats=("png",))["png"]
    chinese_figure.savefig(tmp_path / "reference.png", dpi=charts.MIN_DPI, bbox_inches="tight")
    width, height = _png_size(ours)
    ref_width, ref_height = _png_size(tmp_path / "reference.png")
    assert abs(width - ref_width) <= 2 and abs(height - ref_height) <= 2


def test_png_keeps_a_label_that_reaches_past_the_canvas(tmp_path):
    charts.use_chinese_font()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(1.3, 0.5, "超出画布的说明文字", transform=ax.transAxes)
    canvas_width = 4 * charts.MIN_DPI
    written = charts.save_figure(fig, "wide", tmp_path, formats=("png",))
    plt.close(fig)
    assert _png_size(written["png"])[0] > canvas_width  # the text is in the file, not cut off


def test_a_table_longer_than_a_worksheet_is_cut_with_a_note_and_spilled_whole_to_csv(tmp_path):
    frame = pd.DataFrame({"序号": range(25), "摘要": ['=HYPERLINK("x")'] + ["购办公用品"] * 24})
    sheet = export.Sheet(frame, header=(("被评价项目", "测试"), ("索引号", "C-1")))
    path = export.write_workbook(tmp_path / "底稿.xlsx", {"标记": sheet}, max_rows=10)
    rows = list(openpyxl.load_workbook(path)["标记"].iter_rows(values_only=True))
    assert len(rows) == 10  # the cap holds: 2 header lines, the note, the table header, 6 rows
    assert "本表共25行" in rows[2][0] and "前6行" in rows[2][0] and "底稿_标记.csv" in rows[2][0]
    assert rows[3] == ("序号", "摘要")
    assert [r[0] for r in rows[4:]] == [0, 1, 2, 3, 4, 5]
    spilled = pd.read_csv(tmp_path / "底稿_标记.csv", encoding="utf-8-sig")
    assert len(spilled) == 25 and spilled["序号"].tolist() == list(range(25))
    assert spilled["摘要"].iloc[0].startswith("'=")  # neutralised in the CSV too
    cell = openpyxl.load_workbook(path)["标记"]["B5"]
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a live formula


def test_a_table_that_fits_is_written_whole_without_a_note(tmp_path):
    frame = pd.DataFrame({"序号": range(6)})
    path = export.write_workbook(tmp_path / "底稿.xlsx", {"标记": frame}, max_rows=7)
    rows = list(openpyxl.load_workbook(path)["标记"].iter_rows(values_only=True))
    assert rows == [("序号",), *[(i,) for i in range(6)]]
    assert not (tmp_path / "底稿_标记.csv").exists()


def test_an_opaque_chart_is_stored_as_rgb_with_the_drawn_pixels_a_transparent_one_keeps_alpha(
    tmp_path, chinese_figure
):
    import numpy as np
    from PIL import Image

    _, pixels = charts._draw(chinese_figure, charts.MIN_DPI)
    opaque = charts.save_figure(chinese_figure, "opaque", tmp_path, formats=("png",))["png"]
    with Image.open(opaque) as png:
        assert png.mode == "RGB"
        assert np.array_equal(np.asarray(png), pixels[..., :3])  # lossless: the same colours
    chinese_figure.patch.set_alpha(0.0)
    clear = charts.save_figure(chinese_figure, "clear", tmp_path, formats=("png",))["png"]
    with Image.open(clear) as png:
        assert png.mode == "RGBA"
