"""The fixed vocabulary of finding categories (问题类别) and its order.

Every finding in the register belongs to one category; the report groups and orders problems
by it, indicator links may name it (``类别:资金使用``) and recommendations answer categories.
The order below is the order an evaluator reads a report in: money arriving, money spent,
books kept, controls, management, then what the project delivered and achieved.
"""

from __future__ import annotations

import pandas as pd

CATEGORIES: dict[str, str] = {
    "资金到位": "资金下达、拨付是否及时足额",
    "资金使用": "资金是否按规定用途、范围、期限和额度使用，预算是否执行",
    "会计核算": "是否单独核算、设置明细账，凭证是否齐全",
    "财务监控": "审批、记账与支付中的控制缺陷和异常迹象",
    "项目管理": "制度、组织、档案、监督等管理过程",
    "产出": "产出数量、质量、时效与成本",
    "效益": "社会效益、可持续影响与服务对象满意度",
}


def is_category(value: str) -> bool:
    return value in CATEGORIES


def category_rank(categories: pd.Series) -> pd.Series:
    """Position of each category in the vocabulary (unknown or blank last), for sorting."""
    order = {name: i for i, name in enumerate(CATEGORIES)}
    return categories.map(order).fillna(len(order)).astype("int64")
