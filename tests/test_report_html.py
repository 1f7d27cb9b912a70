"""report.html: the report model's summary in the published summary's shape, every text escaped,
the Chinese font embedded as a subset, the same bytes on every run."""

import html
import re

import pandas as pd

from jixiao import report
from jixiao.report import ReportModel
from jixiao.report._blocks import Block


def _scoring_table():
    return pd.DataFrame(
        {
            "一级指标": ["投入", "合计"],
            "三级指标": ["项目立项规范性", None],
            "分值": [4.0, 100.0],
            "得分": pd.array([3.5, 86.5], dtype="Float64"),
            "扣分说明": ["OBS-02a 扣0.5分", ""],
        }
    )


def test_scores_are_written_without_trailing_zeros():
    assert [report.plain_number(v) for v in (4.0, 86.5, 86.50, 0.25, 100, -0.0, 19.25)] == [
        "4",
        "86.5",
        "86.5",
        "0.25",
        "100",
        "0",
        "19.25",
    ]
    assert (
        report.plain_number(None)
        == report.plain_number(float("nan"))
        == report.plain_number(pd.NA)
        == ""
    )


def test_scoring_table_in_the_report_shows_4_and_86_5_not_4_000000():
    table = _scoring_table()
    table.loc[2] = ["产出", "实际完成率", 10.0, pd.NA, ""]  # an indicator not yet scored
    html = report.scoring_table_styler(table).to_html()
    assert "4.000000" not in html and "86.500000" not in html and ">nan<" not in html
    cells = _column_cells(html, list(table.columns))
    assert cells["分值"] == ["4", "100", "10"]
    assert cells["得分"] == ["3.5", "86.5", ""]
    assert cells["扣分说明"][0] == "OBS-02a 扣0.5分"  # text is left as written
    assert cells["三级指标"] == ["项目立项规范性", "", "实际完成率"]


def _column_cells(html: str, columns: list[str]) -> dict[str, list[str]]:
    """The body cells of a Styler table, by column (Styler marks each <td> with row/col classes)."""
    found = re.findall(r'<td[^>]*class="data row(\d+) col(\d+)"[^>]*>([^<]*)</td>', html)
    by_column: dict[str, list[str]] = {c: [] for c in columns}
    for _row, col, text in sorted(found, key=lambda f: (int(f[0]), int(f[1]))):
        by_column[columns[int(col)]].append(text.strip())
    return by_column


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> & "引号"'


def _model(tmp_path, text=HOSTILE):
    """A report model whose summary carries ``text`` in every kind of block."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = tmp_path / "chart.png"
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    fig.savefig(figure, metadata={"Software": None})
    plt.close(fig)
    summary = (
        Block("heading", text=f"评价情况报告{text}", style="title"),
        Block("heading", text="一、基本情况", level=1),
        Block("paragraph", text=f"观察记录：{text}"),
        Block("heading", text=f"1．{text}", level=3),
        Block("table", headers=("指标", "得分"), rows=((text, "86.5"),)),
        Block("figure", text=f"图1  {text}", path=str(figure)),
    )
    return ReportModel(
        year=2017,
        title=f"2017年评价报告{text}",
        cover=(),
        body=(),
        signature=(),
        annexes=(),
        summary=summary,
    )


def test_every_text_from_the_data_is_escaped_in_report_html(tmp_path):
    page = report.render_html(_model(tmp_path))
    assert "<script>" not in page
    assert "<img src=x" not in page  # the hostile tag is text, not an element
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7  # title, 4 blocks, caption+alt
    assert "&quot;引号&quot;" in page and "&amp; " in page


def test_the_same_model_gives_byte_identical_html(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    model = _model(tmp_path)
    first = report.write_report_html(model, tmp_path / "a")
    second = report.write_report_html(model, tmp_path / "b")
    assert first.name == second.name == "report.html"
    assert first.read_bytes() == second.read_bytes()


def test_the_embedded_font_has_every_chinese_character_of_the_page_and_is_a_subset(tmp_path):
    import base64
    import io

    from fontTools.ttLib import TTFont

    from jixiao.charts import FONT_FILE

    page = report.render_html(_model(tmp_path, text="社区公共服务站满意率"))
    encoded = re.search(r"url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    font_bytes = base64.b64decode(encoded)
    covered = set(TTFont(io.BytesIO(font_bytes)).getBestCmap())
    body = page[page.index("<body>") :]
    chinese = {ord(ch) for ch in body if "\u4e00" <= ch <= "\u9fff"}
    assert chinese and chinese <= covered
    assert len(font_bytes) < FONT_FILE.stat().st_size / 20
    assert "font-family:'JixiaoCJK'" in page


PUBLISHED_SHAPE = ("一、基本情况", "二、项目成效", "三、主要问题", "四、工作建议")
FINDING_CODE = re.compile(r"\b(?:ARR|SEP|EVD|GL|OBS|CMP|SCP)-\d")


def _paragraph_texts(fragment: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<p>(.*?)</p>", fragment, flags=re.S)]


def test_2017_report_html_is_the_published_summary_from_the_docx_model(run_2017):
    import docx

    out = run_2017[1]
    page = (out / "report.html").read_text(encoding="utf-8")
    headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]
    assert headings == [*PUBLISHED_SHAPE, "附件"]
    summary, annexes = page.split("<h2>附件</h2>")
    assert "86.5" in summary and "“良”" in summary
    assert not FINDING_CODE.search(re.sub(r"<(style|figure)>.*?</\1>", "", summary, flags=re.S))
    assert "SEP-01-中天社区" in annexes  # the codes stay in 附件2, which the text points to
    assert "jp-" not in page and "<script" not in page  # no notebook cells, no scripts
    assert page.count('<img src="data:image/png;base64,') == 2
    # One model feeds both documents: the problems part is the docx's 五（二） word for word.
    texts = [p.text for p in docx.Document(str(out / "report.docx")).paragraphs]
    start = texts.index("（二）存在的问题及原因分析") + 1
    docx_problems = [t for t in texts[start : texts.index("六、有关建议")] if t]
    problems = summary.split("<h2>三、主要问题</h2>")[1].split("<h2>四、工作建议</h2>")[0]
    html_problems = _paragraph_texts(problems) + [
        html.unescape(h) for h in re.findall(r"<h4>(.*?)</h4>", problems)
    ]
    assert sorted(html_problems) == sorted(docx_problems)
