"""The compliance rule catalogue: each check's stable id, the finding it raises, the category
(问题类别) the finding belongs to and where its evidence points."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckRule:
    """One compliance check: its stable id, the finding it raises and where its evidence points."""

    rule: str  # stable id, e.g. "ARR-01"
    name: str  # Chinese name shown to the evaluator
    problem_no: int | None  # always None here: a project numbers its report's problems in
    # project.toml [findings] problem_numbers (jixiao.findings.build_register)
    dimension: str
    indicator: str
    title: str  # finding title in the register
    severity: str  # 高 / 中 / 低
    source_kind: str  # which records the evidence rows point into
    category: str  # 问题类别, one of jixiao.finding_categories.CATEGORIES


# Order matters: the register numbers findings in this order within a problem.
RULES: dict[str, CheckRule] = {
    r.rule: r
    for r in (
        CheckRule(
            "ARR-01",
            "专项资金到位不及时",
            None,
            "投入",
            "到位及时率",
            "财政专项资金拨付滞后",
            "中",
            "资金下达记录",
            "资金到位",
        ),
        CheckRule(
            "SEP-01",
            "专项支出记入基本支出",
            None,
            "过程",
            "资金使用合规性",
            "专项资金未单独核算：项目支出记入基本支出科目",
            "中",
            "明细账",
            "会计核算",
        ),
        CheckRule(
            "SEP-02",
            "专项资金收入记入基本支出收入",
            None,
            "过程",
            "资金使用合规性",
            "专项资金未单独核算：专项收入记入基本支出收入科目",
            "中",
            "明细账",
            "会计核算",
        ),
        CheckRule(
            "SEP-03",
            "未设置项目明细账",
            None,
            "过程",
            "财务管理",
            "专项资金未单独核算：未设置项目支出明细账",
            "高",
            "资金下达记录、明细账",
            "会计核算",
        ),
        CheckRule(
            "EXE-01",
            "项目资金结余较大",
            None,
            "过程",
            "预算执行率",
            "项目资金执行进度慢，结余资金较大",
            "中",
            "资金下达记录、明细账",
            "资金使用",
        ),
        CheckRule(
            "SEP-04",
            "专项资金收支不符",
            None,
            "过程",
            "资金使用合规性",
            "专项资金收支与下达到位金额不符",
            "中",
            "资金下达记录、明细账",
            "会计核算",
        ),
        CheckRule(
            "SCP-01",
            "超范围使用专项资金",
            None,
            "过程",
            "资金使用合规性",
            "专项资金支出超出规定用途",
            "中",
            "明细账",
            "资金使用",
        ),
        CheckRule(
            "SCP-02",
            "项目支出超过下达金额",
            None,
            "过程",
            "资金使用合规性",
            "项目支出超过下达资金",
            "高",
            "明细账",
            "资金使用",
        ),
        CheckRule(
            "SCP-03",
            "项目期外支出",
            None,
            "过程",
            "资金使用合规性",
            "专项资金在项目期限外支出",
            "中",
            "明细账",
            "资金使用",
        ),
        CheckRule(
            "EVD-01",
            "缺少原始凭证",
            None,
            "过程",
            "财务监控有效性",
            "记账凭证缺少原始凭证",
            "中",
            "凭证抽查表",
            "会计核算",
        ),
        CheckRule(
            "EVD-02",
            "凭证不合规",
            None,
            "过程",
            "资金使用合规性",
            "抽查凭证不合规",
            "中",
            "凭证抽查表",
            "资金使用",
        ),
        CheckRule(
            "EVD-03",
            "凭证未经审批",
            None,
            "过程",
            "财务监控有效性",
            "记账凭证未经审批",
            "中",
            "凭证抽查表",
            "财务监控",
        ),
        CheckRule(
            "SEP-00",
            "未提供明细账",
            None,
            "过程",
            "财务管理",
            "获得专项资金的单位未提供明细账",
            "中",
            "资金下达记录",
            "会计核算",
        ),
        CheckRule(
            "GL-01",
            "疑似重复支付",
            None,
            "过程",
            "财务监控有效性",
            "疑似重复支付",
            "中",
            "明细账",
            "财务监控",
        ),
        CheckRule(
            "GL-02",
            "凭证号不连续",
            None,
            "过程",
            "财务监控有效性",
            "凭证号不连续",
            "低",
            "明细账",
            "财务监控",
        ),
        CheckRule(
            "GL-03",
            "非工作日记账",
            None,
            "过程",
            "财务监控有效性",
            "节假日、周末记账",
            "低",
            "明细账",
            "财务监控",
        ),
        CheckRule(
            "GL-04",
            "整数金额",
            None,
            "过程",
            "财务监控有效性",
            "大额整数金额支出",
            "低",
            "明细账",
            "财务监控",
        ),
        CheckRule(
            "GL-05",
            "疑似拆分支付",
            None,
            "过程",
            "财务监控有效性",
            "疑似拆分支付规避审批",
            "中",
            "明细账",
            "财务监控",
        ),
        CheckRule(
            "GL-06",
            "凭证借贷不平衡",
            None,
            "过程",
            "财务监控有效性",
            "记账凭证借贷不平衡",
            "中",
            "明细账",
            "财务监控",
        ),
        CheckRule(
            "GL-07",
            "首位数字分布异常",
            None,
            "过程",
            "财务监控有效性",
            "金额首位数字不符合本福特定律",
            "低",
            "明细账",
            "财务监控",
        ),
    )
}
