"""The report cites each workpaper by the 索引号 of its place in the workbook the run wrote."""

import zipfile

from openpyxl import Workbook

from jixiao.report._citations import read_citations


def _workbook(path, names, *, hidden=()):
    book = Workbook()
    book.active.title = names[0]
    for name in names[1:]:
        book.create_sheet(name)
    for name in hidden:
        book[name].sheet_state = "hidden"
    book.save(path)
    return path


def test_citations_number_the_sheets_in_workbook_order_hidden_ones_included(tmp_path):
    names = ["评分表", "抽样清单", "问题清单", "检查标记明细", "说明"]
    _workbook(tmp_path / "workpapers.xlsx", names, hidden=["问题清单"])
    cite = read_citations(2017, tmp_path)
    assert cite.indexes == {name: f"JX2017-{n:02d}" for n, name in enumerate(names, start=1)}
    assert cite("检查标记明细", "评分表", "没有的表") == "（底稿索引号 JX2017-04、JX2017-01）"


def test_citations_read_the_list_of_sheets_not_the_sheets(tmp_path):
    # A sheet part that is not XML at all: reading it (as openpyxl's read-only mode does to
    # size every sheet, minutes for a 300,000-row flag sheet) would fail.
    book = _workbook(tmp_path / "built.xlsx", ["评分表", "检查标记明细"])
    target = tmp_path / "workpapers.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = b"<worksheet not closed"
            out.writestr(info, data)
    assert read_citations(2017, tmp_path).indexes == {
        "评分表": "JX2017-01",
        "检查标记明细": "JX2017-02",
    }


def test_no_workbook_no_citations(tmp_path):
    assert read_citations(2017, tmp_path)("评分表") == ""
