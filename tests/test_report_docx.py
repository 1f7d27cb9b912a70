"""report.docx from the 2017 run: the seven parts of the 参考提纲, cover, signature and annexes,
a 评分表 that adds up to score.json, finding codes only in the annexes, hostile text kept literal."""

import json
import re
import shutil
import subprocess
import zipfile

import docx
import pandas as pd
import pytest

from jixiao import paths, processed, report
from jixiao.report import docx_styles

PARTS = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
)
ANNEXES = ("附件1  评分表", "附件2  问题清单", "附件3  满意度调查分析", "附件4  资金到位与执行明细")
FINDING_CODE = re.compile(r"\b(?:ARR|SEP|EVD|GL|OBS|CMP|SCP)-\d")


@pytest.fixture(scope="module")
def out(run_2017):
    return run_2017[1]


@pytest.fixture(scope="module")
def document(out):
    return docx.Document(str(out / "report.docx"))


def _body_paragraphs(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    return texts[: texts.index("附件")]


def test_report_has_the_seven_parts_cover_signature_and_annexes(document):
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in PARTS] == list(PARTS)
    assert all(a in headings for a in ANNEXES)
    texts = [p.text for p in document.paragraphs]
    assert "委托单位：荆门市财政局" in texts[:5]
    assert "评价机构：荆门乾正资产评估事务所" in texts[:5]
    assert any(t.startswith("主评人（签字）") for t in texts)
    assert "评价机构（盖章）：荆门乾正资产评估事务所" in texts
    assert len(document.inline_shapes) == 7  # every chart 2017 draws


def test_scoring_annex_adds_up_to_the_score_json_total(document, out):
    score = json.loads((out / "score.json").read_text(encoding="utf-8"))
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["指标", "分值", "评分标准", "计分方式", "评价意见/扣分说明", "得分"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows[-1][0] == "合计" and float(rows[-1][-1]) == score["total"] == 86.5
    assert sum(float(r[-1]) for r in rows[:-1]) == pytest.approx(86.5)
    assert {r[3] for r in rows[:-1]} == {"数据计算", "评价组判断"}


def test_finding_codes_appear_only_in_the_annexes(document):
    body = _body_paragraphs(document)
    assert not [t for t in body if FINDING_CODE.search(t)]
    assert any("见附件2第1、2项" in t for t in body)  # 到位及时率 points at the late grants
    annex = "\n".join(c.text for r in document.tables[1].rows for c in r.cells)
    assert "ARR-01-沿河社区" in annex and "SEP-01-中天社区" in annex


def test_the_reconstruction_is_disclosed_and_double_deductions_are_listed(document):
    other = _body_paragraphs(document)
    start = other.index("七、其他需要说明的问题")
    part_seven = "\n".join(other[start:])
    assert "重构" in part_seven and "86.5" in part_seven  # the 2017 case file's own notice
    assert "可能的重复扣分" in part_seven and "绩效目标合理性、绩效指标明确性" in part_seven


def test_template_gives_a4_page_numbers_and_the_official_fonts(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml
    east_asian = {
        name: document.styles[name].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        for name in ("Normal", "Title", "Heading 1")
    }
    assert east_asian == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体"}


def test_shipped_template_is_exactly_what_the_script_writes(tmp_path):
    written = docx_styles.build_template(tmp_path / "t.docx")
    assert (
        written.read_bytes()
        == (paths.PACKAGE_DIR / "templates" / "report_template.docx").read_bytes()
    )


def test_hostile_observation_text_stays_literal(out, tmp_path, monkeypatch):
    hostile = '<script>alert(1)</script> =HYPERLINK("http://x.example","点我")'
    real = processed.read_table

    def with_hostile(year, name, **kwargs):
        table = real(year, name, **kwargs)
        if name == "findings":
            table = table.copy()
            table.loc[table["finding_id"] == "OBS-04", "description"] = hostile
        return table

    monkeypatch.setattr(processed, "read_table", with_hostile)
    model = report.build_report(2017, output_dir=out)
    target = report.render_docx(model, tmp_path / "report.docx")
    document = docx.Document(str(target))
    assert any(hostile in p.text for p in document.paragraphs)
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert "w:hyperlink" not in xml and "HYPERLINK" not in re.findall(
        r"<w:instrText[^>]*>([^<]*)", xml
    )


def test_same_results_give_the_same_docx_bytes(out, tmp_path):
    first = report.render_docx(report.build_report(2017, output_dir=out), tmp_path / "a.docx")
    second = report.render_docx(report.build_report(2017, output_dir=out), tmp_path / "b.docx")
    assert first.read_bytes() == second.read_bytes()


def test_report_text_of_a_year_overrides_the_shipped_template(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "2017").mkdir(parents=True)
    (raw / "2017" / "report_text.toml").write_text(
        '[experience]\nparagraphs = ["一是制定实施方案。"]\n', encoding="utf-8"
    )
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    text = report.load_report_text(2017)
    assert text["experience"]["paragraphs"] == ["一是制定实施方案。"]
    assert text["cover"]["title"].startswith("{year}")  # the rest stays the shipped text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_report_renders_to_pdf_with_libreoffice(out, tmp_path):
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out / "report.docx"),
        ],
        check=True,
        timeout=300,
    )
    pdf = (tmp_path / "report.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 8


def test_outputs_table_feeds_the_performance_targets(document, out):
    outputs = pd.read_parquet(paths.processed_dir(2017) / "outputs.parquet")
    body = _body_paragraphs(document)
    assert sum(t.startswith(tuple(outputs["indicator"].astype(str))) for t in body) == len(outputs)


def test_codes_typed_into_a_judgement_reason_become_cross_references():
    from jixiao.report.model import without_codes

    items = {"OBS-04": 9, "OBS-04b": 10}
    assert without_codes("场地不足（OBS-04），另见OBS-04b。", items) == (
        "场地不足（见附件2第9项），另见见附件2第10项。"
    )


def test_the_report_states_the_sample_population_and_the_projected_misstatement(document):
    from jixiao.metrics import read_metrics

    evidence = read_metrics(2017).set_index("metric")["evidence"]
    body = "\n".join(_body_paragraphs(document))
    for metric in ("sampling_population_amount", "voucher_projected_misstatement"):
        assert evidence[metric].rstrip("。") in body, metric
    assert "专项资金相关" in body and "错报上限" in body


def test_the_2017_readme_states_the_team_set_points_the_run_deducts(out):
    """The case README's reconstruction statement is computed from the indicator workbook: every
    indicator it lists lost exactly those points in the run, and every judgement indicator that
    lost points is listed."""
    readme = (paths.raw_dir(2017) / "README.md").read_text(encoding="utf-8")
    assert "重构" in readme and "86.5" in readme
    listed = {
        code: float(lost)
        for code, lost in re.findall(r"^  - (\S+?)「[^」]+」.*失([\d.]+)分$", readme, flags=re.M)
    }
    score = json.loads((out / "score.json").read_text(encoding="utf-8"))
    deductions = {i["code"]: float(i["deduction"]) for i in score["indicators"]}
    assert listed and all(deductions[code] == lost for code, lost in listed.items())
    judged = {
        i["code"] for i in score["indicators"] if i["method"] == "judgement" and i["deduction"]
    }
    assert judged <= set(listed)
    stated = re.search(r"下列 (\d+) 项指标的 ([\d.]+) 分由评价组", readme)
    assert (int(stated[1]), float(stated[2])) == (len(listed), sum(listed.values()))
    assert sum(listed.values()) == 8  # the review's count: 8 of the 13.5 points lost


def test_the_judgement_share_in_part_seven_adds_up_from_score_json(document, out):
    """Part 七 states the points the team set as the case README does: judgements plus the typed
    deductions for the team's own observations (the review's 8 of 13.5 for 2017)."""
    score = json.loads((out / "score.json").read_text(encoding="utf-8"))
    judged = {i["code"]: i["deduction"] for i in score["indicators"] if i["method"] == "judgement"}
    assert all(
        i["team_set_loss"] == judged[i["code"]] for i in score["indicators"] if i["code"] in judged
    )
    team_set = sum(i["team_set_loss"] for i in score["indicators"])
    lost = sum(i["deduction"] for i in score["indicators"])
    assert (lost, team_set) == (13.5, 8)
    body = _body_paragraphs(document)
    part_seven = "\n".join(body[body.index("七、其他需要说明的问题") :])
    assert f"在失分的{lost:g}分中，{lost - team_set:g}分由指标数据" in part_seven
    assert f"{team_set:g}分为评价组判断评定" in part_seven


def test_report_cites_the_workpaper_index_behind_each_annex_and_figure(document, out):
    import openpyxl

    book = openpyxl.load_workbook(out / "workpapers.xlsx", read_only=True)
    names_by_index = {}
    for sheet in book.worksheets:
        rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=1, max_row=7, values_only=True)}
        names_by_index[rows["索引号"]] = rows["底稿名称"]
    texts = [p.text for p in document.paragraphs]

    def cited_after(heading):
        note = texts[texts.index(heading) + 1]
        return [names_by_index[i] for i in re.findall(r"JX2017-\d\d", note)]

    assert cited_after("附件1  评分表") == ["评分表"]
    assert cited_after("附件2  问题清单") == ["问题清单"]
    assert cited_after("附件4  资金到位与执行明细") == ["资金到位"]
    captions = [t for t in texts if t.startswith("图") and "底稿索引号" in t]
    assert len(captions) == 7
    assert names_by_index[re.search(r"JX2017-\d\d", captions[0])[0]] == "图表数据_维度得分"
    body = _body_paragraphs(document)
    conclusion = next(t for t in body if t.startswith("项目综合得分"))
    assert [names_by_index[i] for i in re.findall(r"JX2017-\d\d", conclusion)] == ["评分表"]
    timely = next(t for t in body if t.startswith("到位及时率："))
    assert {names_by_index[i] for i in re.findall(r"JX2017-\d\d", timely)} == {
        "资金到位",
        "问题清单",
    }


SEED_FACTS = (
    "荆门市财政局",
    "荆门乾正资产评估事务所",
    "全省市州唯一",
    "社区社会组织不低于10个、其他社区社会组织不低于5个",
    "每个社区有1-2名社会工作者",
    "东宝区达到了1社区3社工",
    "2018年5月",
)


def test_facts_the_seed_states_appear_in_the_report(document):
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert [f for f in SEED_FACTS if f not in text] == []
    process = next(p.text for p in document.paragraphs if p.text.startswith("受荆门市财政局委托"))
    assert "荆门乾正资产评估事务所" in process


def test_problems_are_grouped_by_finding_category_and_quote_the_late_arrival_dates(document, out):
    """存在的问题: one numbered group per category in the vocabulary's order; the late grants'
    own description (arrived in May 2018, as the published problem 1 says) is in the body."""
    from jixiao.finding_categories import CATEGORIES

    body = _body_paragraphs(document)
    section = body[body.index("（二）存在的问题及原因分析") : body.index("六、有关建议")]
    groups = [re.match(r"\d+．(\S+?)方面：", t) for t in section]
    names = [g[1] for g in groups if g]
    assert names == [c for c in CATEGORIES if c in names]
    assert names[:3] == ["资金到位", "资金使用", "会计核算"] and "效益" in names
    late = [t for t in section if "拨付滞后" in t and "2018年5月" in t and "方才到位" in t]
    assert len(late) == 2 and all("见附件2第" in t for t in late)
    advice = body[body.index("六、有关建议") + 1 : body.index("七、其他需要说明的问题")]
    assert [t.split("．")[1].split("。")[0] for t in advice] == [
        "规范专项资金管理",
        "建立绩效评价指标体系",
        "拓宽资金来源、形成多元投入",
        "加强社区工作者和社工培训",
        "加强社会组织能力建设",
    ]
    assert all("针对问题见附件2第" in t for t in advice)


def test_the_satisfaction_annex_states_the_respondent_interval_the_summary_quotes(document, out):
    """附件3 and report.html give the same interval: computed over respondents, wider than the
    answers' Wilson interval (429 respondents of 8 items are not 3,418 independent answers)."""
    overall = pd.read_parquet(paths.processed_dir(2017) / "survey_satisfaction_overall.parquet")
    row = overall.iloc[0]
    assert row["cluster_lower"] < row["lower"] and row["cluster_upper"] > row["upper"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "统计口径")
    header = [c.text for c in table.rows[0].cells]
    first = dict(zip(header, [c.text for c in table.rows[1].cells], strict=True))
    assert first["受访者"] == str(int(row["n_respondents"])) == "429"
    shown = f"{row['cluster_lower']:.2%}–{row['cluster_upper']:.2%}"
    assert first["95%置信区间（按受访者）"] == shown
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"{row['cluster_lower']:.1%}–{row['cluster_upper']:.1%}，按受访者计算" in page
