CELLS = [
("md", """
# 03 合规性检查与问题清单

评价报告第三部分“主要问题”中，问题 1（财政专项资金拨付滞后）和问题 3（专项资金未单独核算、会计科目混用）
在资金下达记录和明细账中可以直接看到。本笔记本用规则对数据逐项检查，列出每一个被标记的记录及其出处
（文件、工作表、Excel 行号），并与评价组的观察记录（问题 2、4、5、6）合并成本年度的问题清单。
检查结果同时生成评分所用的指标：资金到位率、到位及时率、未单独核算的单位数。

所有阈值和日期都是参数，可按年度调整。
"""),
("params", """
year = 2017  # 评价年度
evaluation_date = "2019-10-31"  # 评价基准日：计算资金到位率的截止日
due_rule = "budget_year_end"  # 应到位日期规则：budget_year_end（预算年度内到位）或 days_after_issue（下达后若干天内到位）
due_days = 30  # due_rule 为 days_after_issue 时的天数
grant_period_end = "2018-12-31"  # 专项资金使用期限截止日，其后的支出列为期外支出
use_holiday_calendar = True  # True：按法定节假日及调休判断非工作日；False：只看周末
duplicate_window_days = 7  # 疑似重复支付：同金额、同对象或摘要相隔天数上限
round_amount_yuan = 1000  # 整数金额：金额为该数的整数倍
round_min_yuan = 10000  # 整数金额：只看不低于此金额的支出
approval_threshold_yuan = 10000  # 审批限额：同日或同对象多笔均低于限额、合计超过限额视为疑似拆分
benford_min_count = 1000  # 首位数字检验所需的最少金额个数；金额不足时结论仅供参考，不列为问题
benford_z_critical = 1.96  # 首位数字检验：z 值超过此值的偏多数字，其分录列为疑点（1.96 对应 5% 显著性水平）
output_dir = None  # 图表输出目录；None 表示 reports/<year>/
"""),
("code", """
import pandas as pd
from IPython.display import display

from jixiao import charts, compliance, findings, metrics, paths, processed
from jixiao.compliance import charts as compliance_charts
from jixiao.export import yuan_to_fen

charts.use_chinese_font()
out = processed.output_folder(year, output_dir)
allocations = processed.read_table(year, "allocations")
ledger = processed.read_table(year, "ledger")
observations = processed.read_table(year, "observations")
scope_rules = compliance.load_scope_rules(year=year)
print(f"资金下达记录 {len(allocations)} 条，明细账分录 {len(ledger)} 行（{ledger['unit'].nunique()} 个核算单位），观察记录 {len(observations)} 条")
"""),
("md", """
## 1 资金到位情况

资金到位率 = 评价基准日前实际到位资金 ÷ 下达资金；到位及时率 = 按应到位日期及时到位的资金 ÷ 应到位资金。
"""),
("code", """
arrival = compliance.check_arrival(
    allocations, as_of=evaluation_date, due_rule=due_rule,
    due_days=due_days if due_rule == "days_after_issue" else None, budget_year=year,
)
display(arrival.summary.to_frame())
arrival.flags[["community", "grant_type", "amount_fen", "reason", "source_file", "source_row"]]
"""),
("code", """
timeline = compliance.arrival_timeline(arrival.grants)
fig = compliance_charts.plot_arrival_timeline(timeline)
charts.save_figure(fig, "arrival_timeline", out / "figures", show=True)
"""),
("md", """
## 2 专款专用：专项资金是否单独核算

检查四种情形：专项资金支出（摘要含用途关键词）记入基本支出科目；专项资金收入记入基本支出收入；获得专项资金的单位没有项目明细账；
按单位和资金类型核对专项资金收支是否相符。
"""),
("code", """
separate = compliance.check_separate_accounting(ledger, allocations, scope_rules)
mixing = compliance.account_mixing_by_unit(separate)
print("未单独核算的单位：", "、".join(findings.separate_accounting_units(separate)) or "无")
mixing.assign(**{c: mixing[c] / 100 for c in compliance_charts.MIXING_LABELS if c in mixing}).rename(
    columns={"community": "社区", **compliance_charts.MIXING_LABELS, "flags": "标记行数"})
"""),
("code", """
fig = compliance_charts.plot_account_mixing(mixing)
charts.save_figure(fig, "account_mixing", out / "figures", show=True)
"""),
("md", """
## 3 用途范围与金额

按资金类型的用途规则（可编辑的规则表）检查超范围支出、超过下达金额的支出和项目期限外的支出。
"""),
("code", """
scope = compliance.check_scope(ledger, allocations, scope_rules, period_end=grant_period_end)
print(f"用途范围与金额检查标记 {len(scope)} 行")
scope.head(20)
"""),
("md", """
## 4 明细账通用分析

疑似重复支付、凭证号不连续、非工作日记账（考虑法定节假日与调休）、大额整数金额、疑似拆分支付、借贷不平衡，以及首位数字（本福特）检验。
这些是审计常用的疑点筛查，标记的记录需要结合凭证核实，不等同于问题。

首位数字检验按 Nigrini 的平均绝对偏差（MAD）分级：不超过 0.006 紧密符合，0.012 可接受，0.015 勉强可接受，超过即“不符合”。
结论为“不符合”且金额个数不少于 `benford_min_count` 时，首位数字显著偏多（z 值超过 `benford_z_critical`）的分录列入问题清单（GL-07），
逐笔注明出处供核实；金额个数不足时样本量太小，结论仅供参考，不列为问题。
"""),
("code", """
analytics = compliance.run_ledger_analytics(
    ledger,
    window_days=duplicate_window_days,
    use_holidays=use_holiday_calendar,
    round_multiple_fen=yuan_to_fen(round_amount_yuan, "round_amount_yuan"),
    round_min_fen=yuan_to_fen(round_min_yuan, "round_min_yuan"),
    approval_threshold_fen=yuan_to_fen(approval_threshold_yuan, "approval_threshold_yuan"),
    benford_min_count=benford_min_count,
    benford_z_critical=benford_z_critical,
    allocations=allocations,
)
print(analytics.benford.summary())
benford_lines = int(analytics.flags["rule"].eq("GL-07").sum())
print(f"首位数字异常列入问题清单的分录：{benford_lines} 笔" if benford_lines else "首位数字检验未列为问题（结论不是“不符合”，或金额个数不足）")
display(analytics.benford.table.rename(columns={"digit": "首位数字", "count": "个数", "observed": "实际占比", "expected": "理论占比", "deviation": "偏差", "z": "z 值"}))
analytics.flags.groupby("rule_name").size().rename("标记行数").to_frame()
"""),
("md", """
## 5 凭证抽查结果

抽样步骤（02_sampling）读回的凭证抽查表中，缺少原始凭证、未经审批或经判断不合规的凭证列为问题（EVD-01、EVD-03、EVD-02）。
金额为凭证的记账金额，差错金额另行写明；凭证以“月份 + 凭证字号”标明（凭证号每月重编）；证据为抽样清单中的行，并注明对应的明细账行。
核算单位按资金下达记录对应到社区，与专款专用检查的口径一致。
"""),
("code", """
fieldwork_file = paths.processed_dir(year) / "fieldwork_results.parquet"
if fieldwork_file.is_file():
    evidence = compliance.voucher_evidence_findings(pd.read_parquet(fieldwork_file), allocations)
    print(f"凭证抽查发现 {len(evidence)} 项")
else:
    evidence = None
    print("尚无凭证抽查结果（02_sampling 未读回填写后的抽样清单）")
"""),
("md", """
## 6 问题清单

数据检查发现的问题按“规则 × 单位”归并，附证据行；评价组观察到的问题保留其编号和证据来源。
"""),
("code", """
register = findings.build_register(arrival, separate, scope, analytics.flags, *([evidence] if evidence is not None else []), observations=observations)
findings.save_register(register, year)
all_flags = compliance.concat_flags([arrival.flags, separate, scope, analytics.flags] + ([evidence] if evidence is not None else []))
processed.write_table(year, "compliance_flags", all_flags)
processed.write_table(year, "arrival_grants", arrival.grants)
processed.write_table(year, "account_mixing", mixing)
metrics.write_metrics(year, "compliance", findings.compliance_metrics(arrival.summary, separate))
findings.register_to_chinese(register)
"""),
]
