CELLS = [
("md", """
# 04 问卷调查与电话访谈分析

评价组通过问卷调查和电话访谈了解社会公众和服务对象对项目的满意程度，结果用于
“社会公众或服务对象满意度”指标评分。本笔记本：

1. 按李克特量表校验每一份问卷的每一个答案（超出量表、空白、无法识别、重复问卷编号、同一受访者以不同编号重复作答均列入剔除清单，注明文件、工作表、行号、列）；
2. 计算各题、各社区、各类受访者及总体的满意率（非常满意＋满意 / 有效答案）及其置信区间，以及加权满意度指数；
3. 对照抽样计划检查样本量是否足以支撑所述误差范围（“样本不足、代表性不强”是常见的评价质疑）；
4. 用文字解读以上结果（数字均由数据计算）；
5. 汇总电话访谈的编码答案（按问题、按社区）并保留访谈摘要；
6. 输出评分所用的满意度指标。

问卷中的姓名、电话、身份证号在数据导入时已脱敏，这里只使用受访者代码。
"""),
("params", """
year = 2017  # 评价年度
satisfied_levels = [5, 4]  # 计为“满意”的等级：5 为非常满意，4 为满意
weights = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}  # 加权满意度指数中各等级的分值
confidence = 0.95  # 置信水平
interval_method = "wilson"  # 置信区间方法：wilson（Wilson 得分区间）或 exact（Clopper–Pearson 精确区间）
margin = 0.05  # 抽样计划要求的误差范围（±）
output_dir = None  # 图表与工作底稿输出目录；None 表示 reports/<year>/
"""),
("code", """
import pandas as pd
from IPython.display import Markdown, display

from jixiao import charts, metrics, processed, schema, survey, survey_charts

charts.use_chinese_font()
out = processed.output_folder(year, output_dir)
weights = {int(k): float(v) for k, v in weights.items()}  # TOML keys arrive as text
satisfied_levels = tuple(int(x) for x in satisfied_levels)
settings = dict(satisfied_levels=satisfied_levels, confidence=confidence, method=interval_method)
"""),
("md", """
## 1 问卷校验

每个答案单元格逐一对照量表：文字（非常满意 … 非常不满意）与数字 1–5 均可识别；反向题按 6−分值 转换，使 5 分始终代表最满意。
同一问卷编号出现两次，或同一受访者（联系电话或身份证号相同，以受访者代码识别）以不同问卷编号再次作答，只保留第一份。
"""),
("code", """
responses = processed.read_table(year, "survey")
items = processed.read_table(year, "survey_items")
plan = processed.read_table(year, "survey_plan")
validation = survey.validate_responses(responses, items)
print(validation.summary())
validation.counts_table()
"""),
("code", """
validation.rejects.rename(columns=schema.REJECT_HEADERS).head(30)
"""),
("md", """
## 2 满意率及置信区间

满意率 = （非常满意＋满意）答案数 ÷ 有效答案数。区间方法见参数 `interval_method`；区间按答案相互独立计算，同一受访者的多个答案相关，实际不确定性略大。
"""),
("code", """
overall = survey.satisfaction(validation.answers, **settings)
by_group = survey.satisfaction(validation.answers, "group", **settings)
by_item = survey.satisfaction(validation.answers, "item_id", **settings).merge(items[["item_id", "item"]], on="item_id", how="left")
by_community = survey.satisfaction(validation.answers, "community", **settings)
index = survey.weighted_index(validation.answers, weights)
pd.concat([overall.assign(group="全部"), by_group], ignore_index=True).rename(columns=survey.SATISFACTION_HEADERS)
"""),
("code", """
by_item.rename(columns=survey.SATISFACTION_HEADERS)
"""),
("md", """
下图中反向题的条形是转换后的满意程度（“非常满意”表示最不认同题目中的负面说法），题目标注“（反向题，已转换）”。
"""),
("code", """
fig = survey_charts.plot_likert(survey.likert_chart_data(validation.answers))
charts.save_figure(fig, "survey_likert_items", out / "figures", show=True)
"""),
("code", """
fig = survey_charts.plot_satisfaction_by_community(survey.community_chart_data(validation.answers, **settings))
charts.save_figure(fig, "survey_satisfaction_by_community", out / "figures", show=True)
"""),
("md", """
## 3 样本量是否充足

所需样本量 n = z²·p(1−p)/e²（p = 0.5），按总体数量做有限总体校正。实际样本不足时，满意度结论的代表性有限，应在报告中说明。
"""),
("code", """
coverage = survey.response_coverage(validation.answers, plan, margin=margin, confidence=confidence)
for statement in coverage["statement"]:
    print(statement)
coverage.rename(columns=survey.COVERAGE_HEADERS)
"""),
("md", """
## 4 结果解读

以下文字由上面的数据计算生成：总体与各类受访者的满意率及区间、未达到计划样本量或误差要求的受访者类别和社区，以及对满意度指标评分的含义。
"""),
("code", """
display(Markdown(survey.results_reading(validation.answers, plan, margin=margin, **settings)))
"""),
("md", """
## 5 电话访谈

编码答案按问题汇总，再按社区展开；访谈摘要保留原话，其中的姓名、电话、身份证号已脱敏，受访者只以受访者代码标识。
"""),
("code", """
interviews = processed.read_table(year, "interviews")
talks = survey.summarise_interviews(interviews)
print(talks.summary())
talks.by_question.rename(columns=survey.INTERVIEW_HEADERS)
"""),
("code", """
talks.community_table()
"""),
("code", """
talks.notes.rename(columns=survey.INTERVIEW_HEADERS)
"""),
("md", """
## 6 评分所用指标
"""),
("code", """
survey_metrics = survey.satisfaction_metrics(validation.answers, weights=weights, **settings)
metrics.write_metrics(year, "survey", survey_metrics)
for table_name, frame in {
    "survey_satisfaction_overall": overall,
    "survey_satisfaction_group": by_group,
    "survey_satisfaction_item": by_item,
    "survey_satisfaction_community": by_community,
    "survey_coverage": coverage,
    "survey_rejects": validation.rejects,
    "interview_summary": talks.by_question,
    "interview_summary_community": talks.by_community,
    "interview_notes": talks.notes,
}.items():
    processed.write_table(year, table_name, frame)
pd.DataFrame([vars(m) for m in survey_metrics]).rename(columns={"metric": "指标", "value": "数值", "label": "名称", "source": "来源", "evidence": "依据"})
"""),
]
