CELLS = [
("md", """
# 90 年度比较

同一项目连续几个年度的评价结果放在一起看：综合得分和各一级指标得分怎样变化，资金到位是否改善，
满意度是否变化、变化是否超出抽样误差，问题清单的数量和分布有何不同。

本笔记本只读取各年度评价运行后留下的结果（`reports/<年度>/score.json` 和 `data/processed/<年度>/` 中的数据表），
不重新计算任何年度的评分。某一年度尚未运行时，会提示先运行 `jixiao run --year <年度>`。
本笔记本编号为 90，不属于单个年度的评价流程，`jixiao run` 不会运行它；比较结果写入 `reports/comparison/`。
“变化”均指所选最后一个年度减去最早一个年度。
"""),
("params", """
years = [2017, 2018]  # 参与比较的评价年度（至少两个）
output_dir = None  # 图表与比较工作簿的输出目录；None 表示 reports/comparison/
processed_root = None  # 各年度处理后数据所在目录；None 表示 data/processed/
reports_root = None  # 各年度评价结果所在目录；None 表示 reports/
"""),
("code", """
import matplotlib.pyplot as plt
from IPython.display import Image, Markdown, display

from jixiao import charts, compare, export

charts.use_chinese_font()
out = compare.output_folder(output_dir)
summaries = compare.load_years(years, processed_root=processed_root, reports_root=reports_root)
first, last = summaries[0].year, summaries[-1].year
percent = "{:.1%}".format


def show(saved):
    # Show the saved PNG itself, so the notebook displays exactly the file handed on.
    display(Image(filename=str(saved["png"]), width=720))
"""),
("md", """
## 1 主要变化

下列文字由两个年度的结果自动生成，供撰写比较说明时参考。
"""),
("code", """
display(Markdown("\\n".join(f"- {line}" for line in compare.describe_changes(summaries))))
"""),
("md", """
## 2 综合得分与各一级指标得分

各年度按各自的指标体系工作簿评分。指标体系（分值、评价标准）在年度之间有调整时，得分的变化同时反映项目情况和评分口径的变化，
比较时应先核对两年的指标体系；分值不一致时下表按年度分列分值。合计行取各年度 `score.json` 中的综合得分。
"""),
("code", """
overview = compare.score_overview(summaries)
dimension_long = compare.dimension_scores(summaries)
dimensions = compare.dimension_comparison(summaries)
display(overview.style.hide(axis="index"))
display(dimensions.style.format(precision=1, na_rep="—").hide(axis="index"))
"""),
("code", """
fig = compare.plot_dimension_scores(dimension_long, overview)
show(charts.save_figure(fig, "compare_score_by_dimension", out / "figures"))
"""),
("md", """
## 3 资金到位率与到位及时率

资金到位率 = 截至评价基准日实际到位资金 ÷ 下达资金；到位及时率 = 在到位期限内到位的资金 ÷ 应到位资金。
两项比率取自各年度合规性检查写给评分的指标数据，金额按拨款明细汇总（元）。
"""),
("code", """
arrival = compare.arrival_rates(summaries)
display(arrival.style.format({"资金到位率": percent, "到位及时率": percent, "下达金额（元）": "{:,.2f}",
                              "到位金额（元）": "{:,.2f}", "未按时到位金额（元）": "{:,.2f}"}).hide(axis="index"))
fig = compare.plot_arrival_rates(arrival)
show(charts.save_figure(fig, "compare_arrival_rates", out / "figures"))
"""),
("md", """
## 4 满意度

满意率 = （非常满意＋满意）答案数 ÷ 有效答案数，区间为各年度问卷分析所用的置信区间。
两个年度满意率之差的区间按 Newcombe 方法由两年各自的区间合成：区间不含 0 时，才认为满意率确有上升或下降，
而不是抽样误差。同一受访者的多个答案相关，实际不确定性比区间所示略大；两个年度受访者不同、问卷题目可能调整，
比较时应一并说明。
"""),
("code", """
satisfaction = compare.satisfaction_by_group(summaries)
satisfaction_delta = compare.satisfaction_change(satisfaction)
rate_columns = [c for c in satisfaction_delta.columns if c.endswith("年满意率")]
change_columns = ["满意率变化", "变化区间下限", "变化区间上限"]
display(satisfaction_delta.style.format({c: percent for c in rate_columns} | {c: "{:+.1%}".format for c in change_columns})
        .hide(axis="index"))
"""),
("code", """
fig = compare.plot_satisfaction(satisfaction, confidence=summaries[-1].confidence)
show(charts.save_figure(fig, "compare_satisfaction", out / "figures"))
"""),
("md", """
## 5 问题清单

按问题所属一级指标统计各年度问题清单的条数。数据核查发现的问题按单位逐条列示，评价组观察记录按条列示，
条数多少与问题的严重程度不是一回事，应结合问题清单的内容阅读。
"""),
("code", """
findings_long = compare.findings_by_dimension(summaries)
findings_table = compare.findings_comparison(findings_long)
display(findings_table.style.hide(axis="index"))
fig = compare.plot_findings_by_dimension(findings_long)
show(charts.save_figure(fig, "compare_findings_by_dimension", out / "figures"))
"""),
("md", """
## 6 比较工作簿

上述各表（即各图表背后的数据）写入一个工作簿，便于随评价报告移交。
"""),
("code", """
workbook = export.write_workbook(
    out / "年度比较.xlsx",
    compare.workbook_sheets(overview, dimensions, arrival, satisfaction, satisfaction_delta, findings_table),
)
plt.close("all")
print(f"已写出：{workbook}")
print(f"图表：{out / 'figures'}")
"""),
]
