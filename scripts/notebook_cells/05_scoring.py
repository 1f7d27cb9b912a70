CELLS = [
("md", """
# 05 指标体系与评分

评分按指标体系工作簿（`data/raw/<year>/指标体系_<year>.xlsx`）逐项进行：每个三级指标有分值、评价标准、规则类型和参数。
可计算的指标（资金到位率、到位及时率、资金使用合规性、实际完成率、满意度等）直接取自前面各步骤写出的指标数据；
定性指标取评价组在工作簿中填写的评价结论和评分理由；问题扣分类指标与问题清单中的问题编号挂钩。
每一分的得失都有扣分说明，可以追溯到数据或问题。
"""),
("params", """
year = 2017  # 评价年度
indicator_workbook = None  # 指标体系工作簿路径，相对路径从项目根目录算起；None 表示 data/raw/<year>/指标体系_<year>.xlsx
strict = False  # True：缺少任何指标数据即报错；False：列出缺少的指标，其余照常评分
output_dir = None  # 图表与 score.json 输出目录；None 表示 reports/<year>/
"""),
("code", """
import pandas as pd
from IPython.display import Markdown, display

from jixiao import charts, metrics, outputs, paths, processed, scoring
from jixiao.scoring import charts as scoring_charts

charts.use_chinese_font()
out = processed.output_folder(year, output_dir)
workbook = paths.project_path(indicator_workbook) if indicator_workbook else paths.raw_dir(year) / f"指标体系_{year}.xlsx"
"""),
("md", """
## 1 指标体系

载入时校验：分值合计为 100；每个三级指标都有规则；规则类型和参数可识别；专家评判必须写明评分理由。
"""),
("code", """
system = scoring.load_indicator_system(workbook)
print(system.summary())
system.to_frame()
"""),
("md", """
## 2 产出指标

实际完成率 = 各产出指标 min(实际数 ÷ 计划数, 1) 的平均数；完成及时率、质量达标率 = 按期完成、质量达标的指标所占比例。
"""),
("code", """
output_records = processed.read_table(year, "outputs")
metrics.write_metrics(year, "outputs", outputs.output_metrics(output_records))
output_records[["indicator", "measure_unit", "planned", "actual", "completed_on_time", "quality_passed"]].rename(
    columns={"indicator": "产出指标", "measure_unit": "计量单位", "planned": "计划数", "actual": "实际完成数",
             "completed_on_time": "按期完成", "quality_passed": "质量达标"})
"""),
("md", """
## 3 评分所用的指标数据与问题清单
"""),
("code", """
metric_table = metrics.read_metrics(year)
findings_file = paths.processed_dir(year) / "findings.parquet"
findings = pd.read_parquet(findings_file) if findings_file.is_file() else None
if findings is None:
    print("尚无问题清单（03_compliance 未运行）：问题扣分类指标将按无问题处理")
metric_table.rename(columns={"metric": "指标", "value": "数值", "label": "名称", "source": "来源步骤", "evidence": "依据"})
"""),
("md", """
## 4 评分表
"""),
("code", """
result = scoring.score(system, metric_table, findings, strict=strict)
if result.missing:
    print("以下指标缺少数据，未评分：")
    for gap in result.missing:
        print(f"  {gap}")
print(result.summary())
table = scoring.scoring_table(result)
processed.write_table(year, "scoring_table", table)
table
"""),
("code", """
scoring.write_score_json(result, out / "score.json", year=year)
result.subtotals()
"""),
("code", """
fig = scoring_charts.plot_dimension_scores(result)
charts.save_figure(fig, "score_by_dimension", out / "figures", show=True)
"""),
("code", """
fig = scoring_charts.plot_waterfall(result)
charts.save_figure(fig, "score_waterfall", out / "figures", show=True)
processed.write_table(year, "scoring_waterfall", scoring.waterfall_steps(result))  # 图表数据，供工作底稿
"""),
("md", """
## 5 敏感性分析

逐项假设某一扣分（或某一问题）不存在，得分和等级会如何变化；距上一等级还差多少分，距下一等级还有多少余地。
"""),
("code", """
if result.complete:
    sens = scoring.sensitivity(result)
    print(sens.summary())
    processed.write_table(year, "scoring_sensitivity", sens.table)
    display(sens.table)
else:
    print("评分不完整，暂不做敏感性分析。")
"""),
("md", """
## 6 评价结论
"""),
("code", """
if result.grade is not None:
    dims = "、".join(f"{row.dimension} {row.score} 分（满分 {row.weight} 分）" for row in result.subtotals().itertuples())
    display(Markdown(
        f"本次绩效评价从项目投入、过程、产出、效果四个维度开展，总分 100 分，"
        f"项目综合得分 **{result.total.normalize():f} 分**，评价等级为 **“{result.grade}”**。其中 {dims}。"
        if list(result.subtotals()["dimension"]) == ["投入", "过程", "产出", "效果"] else
        f"项目综合得分 **{result.total.normalize():f} 分**，评价等级为 **“{result.grade}”**。其中 {dims}。"
    ))
else:
    display(Markdown("评分不完整：请先运行缺少数据的步骤。"))
"""),
]
