CELLS = [
("md", """
# 02 审计抽样：计划、选取、评价

评价组遵循相关性、完整性、经济性原则，采用统计抽样和非统计抽样相结合的方法抽取项目支出，查看记账凭证和原始凭证，
审核支出的合规性、真实性。本笔记本按审计人员的工作顺序：

1. **计划**：根据置信水平、可容忍错报（偏差）率确定统计样本量（货币单位抽样按泊松分布；属性抽样按超几何分布）；
2. **选取**：关键项目（金额不低于阈值的支出）全部检查；合规检查标记的支出全部检查；其余支出按统计方法随机选取；三者合并且不重复，每一项写明选取理由；
3. **导出抽样清单**，供现场填写“原始凭证是否齐全、是否经审批、是否合规、差错金额”；
4. **读回填写后的抽样清单**，评价：偏差率上限与可容忍偏差率比较，错报按 Stringer 界限推断总体错报上限。

同一数据、同一参数和随机种子，在任何机器上选出的样本相同。方法说明见 `docs/sampling.md`。
"""),
("params", """
year = 2017  # 评价年度
seed = 20171231  # 随机种子
method = "mus"  # 统计抽样方法：mus（货币单位抽样）、mus_cell（单元格货币单位抽样）、random、systematic、stratified
confidence = 0.95  # 置信水平
tolerable_rate = 0.05  # 可容忍偏差率（属性抽样及抽查结论）
expected_rate = 0.0  # 预计偏差率
tolerable_misstatement_ratio = 0.05  # 可容忍错报占抽样总体账面金额的比例
expected_misstatement_ratio = 0.0  # 预计错报占抽样总体账面金额的比例（货币单位抽样）
key_item_threshold_yuan = 50000  # 关键项目阈值（元）：不低于此金额的支出全部检查
include_flagged = True  # 合规检查标记的支出是否全部检查
strata_by = None  # 分层抽样的分层列，例如 unit（核算单位）、community；与 strata_bands 二选一
strata_bands_yuan = None  # 按金额分层的界限（元），例如 [5000, 20000]；与 strata_by 二选一
allocation = "proportional"  # 分层样本分配：proportional（按项目数）、equal（平均）、neyman（按项目数 × 金额标准差）
fieldwork_file = None  # 填写后的抽样清单；None 表示 data/raw/<year>/抽样清单_已填_<year>.xlsx
output_dir = None  # 抽样清单与图表输出目录；None 表示 reports/<year>/
"""),
("code", """
import pandas as pd
from IPython.display import Markdown, display

from jixiao import charts, compliance, metrics, paths, processed, sampling
from jixiao.metrics import Metric
from jixiao.sampling import charts as sampling_charts
from jixiao.sampling.workflow import (
    evaluate_selection, fieldwork_for_compliance, filled_sheet_path, plan_and_select, plan_and_select_allocations,
    settings_from_parameters,
)

charts.use_chinese_font()
out = processed.output_folder(year, output_dir)
settings = settings_from_parameters(
    seed=seed, method=method, confidence=confidence, tolerable_rate=tolerable_rate, expected_rate=expected_rate,
    tolerable_misstatement_ratio=tolerable_misstatement_ratio, expected_misstatement_ratio=expected_misstatement_ratio,
    key_item_threshold_yuan=key_item_threshold_yuan, include_flagged=include_flagged,
    strata_by=strata_by, strata_bands_yuan=strata_bands_yuan, allocation=allocation,
)
ledger = processed.read_table(year, "ledger")
allocations = processed.read_table(year, "allocations")
"""),
("md", """
## 1 抽样总体与样本量

抽样总体为明细账中的事业支出（科目 5001 及其明细）分录，金额为借方减贷方。负数和零金额不进入货币单位抽样（另行记录）。
"""),
("code", """
flags = compliance.check_separate_accounting(ledger, allocations, compliance.load_scope_rules(year=year))
population, plan, selection = plan_and_select(ledger, settings, flags)
print(plan)
print(f"抽样总体：{len(population):,} 笔，金额 {population['amount_fen'].sum() / 100:,.2f} 元")
"""),
("md", """
## 2 选取结果

关键项目和重点关注项目属于非统计抽样（全部检查），不参与统计推断；统计样本从其余支出中选取。
"""),
("code", """
print(selection)
display(selection.summary())
if not selection.excluded.empty:
    print(f"未进入货币单位抽样的负数或零金额分录 {len(selection.excluded)} 笔（已记录）")
"""),
("code", """
strata = sampling_charts.strata_table(population, selection.sample, by="unit")
fig = sampling_charts.plot_strata(strata)
charts.save_figure(fig, "sampling_strata", out / "figures", show=True)
"""),
("md", """
## 3 导出抽样清单

抽样清单列出每一项的凭证信息、选取方法和理由，并留出“原始凭证是否齐全、是否经审批、是否合规、审定金额、差错金额、备注”供现场填写（是/否为下拉选择）。
"""),
("code", """
blank_sheet = sampling.export_fieldwork(selection, out / f"抽样清单_{year}.xlsx")
print(f"已导出：{blank_sheet}")
"""),
("md", """
## 3.1 资金下达记录的抽查

资金下达记录（拨款文件、到账凭据）按属性抽样确定样本量：总体只有几十笔，按超几何分布计算；
样本量达到总体时全部核对。抽查清单单独导出，与支出抽样清单格式相同。
"""),
("code", """
allocation_plan, allocation_selection = plan_and_select_allocations(allocations, settings)
print(allocation_plan)
print(allocation_selection)
allocation_sheet = sampling.export_fieldwork(allocation_selection, out / f"抽样清单_资金下达_{year}.xlsx")
print(f"已导出：{allocation_sheet}")
"""),
("md", """
## 4 读回填写后的抽样清单并评价

填写后的抽样清单与其他原始资料一样校验：是/否以外的取值、无法识别的金额均列入剔除清单。
偏差 = 原始凭证不齐全、未经审批或不合规（是否经审批未填写的，在评价中说明）；偏差率上限超过可容忍偏差率时，相关内部控制不能信赖。
"""),
("code", """
filled_path = filled_sheet_path(year, fieldwork_file)
filled = evaluation = None
if filled_path.is_file():
    filled = sampling.read_fieldwork(filled_path)
    print(f"读回 {filled.counts}")
    evaluation, differences = evaluate_selection(filled, selection, plan, settings)
    if not differences.empty:
        display(Markdown(
            f"**注意：填写后的抽样清单与本次选取不一致（{len(differences)} 项不符）。** 本次参数或随机种子与现场抽样时不同："
            "下面按抽样清单自身的抽样设计（抽样参数表中的方法、总体和样本量）评价已检查的样本；本次新选取的项目尚未现场检查，"
            "如需检查，请用本次导出的抽样清单到现场填写。"
        ))
        display(differences.head(20))
    if evaluation is not None:
        display(Markdown(evaluation._repr_markdown_()))
    else:
        display(Markdown("抽样清单没有抽样参数表，且与本次选取不一致，无法评价。"))
else:
    print(f"尚无填写后的抽样清单：{filled_path}")
"""),
("code", """
processed.write_table(year, "sampling_selection", selection.sample.drop(columns=["statistical"]))
processed.write_table(year, "sampling_strata", strata)
processed.write_table(year, "sampling_allocations", allocation_selection.sample.drop(columns=["statistical"]))
if filled is not None:
    processed.write_table(year, "fieldwork_results", fieldwork_for_compliance(filled.data))
    if not filled.rejects.empty:
        display(filled.rejects)
rows = evaluation.report_rows() if evaluation is not None else [("评价", "未作统计推断（抽样清单与本次选取不一致或尚未填写）")]
processed.write_table(year, "sampling_evaluation", pd.DataFrame(rows, columns=["项目", "结果"]))
# Always rewritten, so a metric from an earlier run never outlives the evaluation behind it.
metrics.write_metrics(year, "sampling", [Metric(
    "voucher_deviation_upper_limit", evaluation.attribute.upper_limit, "凭证抽查偏差率上限", "sampling",
    evaluation.attribute.conclusion)] if evaluation is not None and evaluation.attribute is not None else [])
"""),
]
