CELLS = [
("md", """
# 绩效评价情况报告

本报告由各评价步骤的数据和评分结果自动生成，结构与公开发布的评价报告一致：基本情况、项目成效、主要问题、工作建议。
导出的 HTML 报告不含代码。
"""),
("params", """
year = 2017  # 评价年度
project_name = "社区公共服务站和“三社联动”试点建设项目"  # 项目名称
output_dir = None  # 输出目录；None 表示 reports/<year>/
"""),
("code", """
from IPython.display import Markdown, display

from jixiao import charts, processed, report, workpapers

out = processed.output_folder(year, output_dir)
score = report.read_score(out / "score.json")
register = processed.read_table(year, "findings")
display(Markdown(f"## {year}年{project_name}绩效评价情况报告\\n\\n" + report.overall_conclusion(score)))
"""),
("code", """
display(Markdown("### 一、基本情况\\n\\n" + report.basic_situation(processed.read_table(year, "allocations"), year)))
"""),
("code", """
outputs = processed.read_table(year, "outputs")
overall = processed.read_table(year, "survey_satisfaction_overall")
coverage = processed.read_table(year, "survey_coverage")
display(Markdown("### 二、项目成效\\n\\n" + report.effects_text(outputs, overall, coverage)))
display(report.outputs_table_styler(outputs))
"""),
("code", """
for name in ("score_by_dimension", "survey_satisfaction_by_community"):
    charts.show_file(out / "figures" / f"{name}.png", width=640, optional=True)
"""),
("code", """
display(Markdown("### 三、主要问题\\n\\n" + report.problems_markdown(register)))
"""),
("code", """
advice = report.recommendations(register)
display(Markdown("### 四、工作建议\\n\\n" + report.recommendations_markdown(advice)))
_ = processed.write_table(year, "recommendations", advice)
"""),
("code", """
display(Markdown("### 附：评分表"))
display(report.scoring_table_styler(processed.read_table(year, "scoring_table")))
book = workpapers.build_workpapers(year, out / "workpapers.xlsx", csv_folder=out / "csv")
"""),
]
