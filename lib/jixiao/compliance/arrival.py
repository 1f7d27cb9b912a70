"""Fund arrival: 资金到位率 and 到位及时率, per grant and overall, and the late grants as flags.

资金到位率 = money arrived by the evaluation date / money allocated.
到位及时率 = money arrived by its due date / money due by the evaluation date.
Both are computed on amounts (integer fen); a grant's arrival counts at most its allocation so an
over-payment elsewhere cannot hide a shortfall.

The due date is a parameter: ``"budget_year_end"`` (31 December of the budget year, the year the
grant was issued unless ``budget_year`` is given) or ``"days_after_issue"`` (``due_days`` after
the allocation document's date).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.errors import ParameterError

from .common import as_timestamp, date_text, empty_flags, make_flags, require_columns, yuan_text
from .keys import text_of

DUE_RULES = ("budget_year_end", "days_after_issue")

STATUS_ON_TIME = "按时到位"
STATUS_LATE = "逾期到位"
STATUS_MISSING = "逾期未到位"
STATUS_PARTIAL = "部分按时到位"
STATUS_NOT_DUE = "未到应到位日期"


@dataclass(frozen=True)
class ArrivalSummary:
    grants: int
    late_grants: int
    allocated_fen: int
    arrived_fen: int  # arrived by the evaluation date
    due_fen: int  # due by the evaluation date
    on_time_fen: int
    late_fen: int  # due but not arrived by its due date
    arrival_rate: float  # 资金到位率
    timely_rate: float  # 到位及时率 (NaN when nothing is due yet)
    as_of: pd.Timestamp
    due_rule: str

    def to_frame(self) -> pd.DataFrame:
        """The summary as a two-column Chinese table for display."""
        rows = [
            ("项目数", self.grants),
            ("逾期项目数", self.late_grants),
            ("下达金额（元）", self.allocated_fen / 100),
            ("截至评价日到位金额（元）", self.arrived_fen / 100),
            ("应到位金额（元）", self.due_fen / 100),
            ("按时到位金额（元）", self.on_time_fen / 100),
            ("未按时到位金额（元）", self.late_fen / 100),
            ("资金到位率", self.arrival_rate),
            ("到位及时率", self.timely_rate),
        ]
        return pd.DataFrame(rows, columns=["项目", "数值"])


@dataclass(frozen=True)
class ArrivalResult:
    grants: pd.DataFrame  # arrival_table()
    summary: ArrivalSummary
    flags: pd.DataFrame  # late_arrivals()


def due_dates(
    allocations: pd.DataFrame,
    *,
    due_rule: str = "budget_year_end",
    due_days: int | None = None,
    budget_year: int | None = None,
) -> pd.Series:
    """The date each grant should have arrived by, under the chosen rule."""
    issued = pd.to_datetime(allocations["issued_date"]).dt.normalize()
    if due_rule == "budget_year_end":
        if due_days is not None:
            raise ParameterError(
                "due_rule='budget_year_end' 不使用 due_days；按下达后天数计算请用 'days_after_issue'"
            )
        year = (
            issued.dt.year
            if budget_year is None
            else pd.Series(int(budget_year), index=allocations.index)
        )
        return pd.to_datetime(
            year.astype("Int64").astype("str") + "-12-31", errors="coerce"
        ).astype("datetime64[us]")
    if due_rule == "days_after_issue":
        if due_days is None or int(due_days) < 0:
            raise ParameterError(
                f"due_rule='days_after_issue' 需要非负的 due_days，收到 {due_days!r}"
            )
        return (issued + pd.Timedelta(days=int(due_days))).astype("datetime64[us]")
    raise ParameterError(f"未知的到位期限规则 due_rule={due_rule!r}，可选：{'、'.join(DUE_RULES)}")


def arrival_table(
    allocations: pd.DataFrame,
    *,
    as_of,
    due_rule: str = "budget_year_end",
    due_days: int | None = None,
    budget_year: int | None = None,
) -> pd.DataFrame:
    """One row per grant with its due date, amounts arrived / due / on time, days late, status.

    A grant with an arrival date but no arrival amount is taken as fully arrived; a grant with
    no arrival date has not arrived. ``days_late`` counts from the due date to the arrival date,
    or to ``as_of`` while the money is still outstanding.
    """
    require_columns(
        allocations,
        ("grant_id", "community", "grant_type", "issued_date", "amount_fen", "arrived_date"),
        "资金下达记录",
    )
    as_of = as_timestamp(as_of, "as_of")
    t = allocations.copy()
    t["issued_date"] = pd.to_datetime(t["issued_date"]).dt.normalize()
    t["arrived_date"] = pd.to_datetime(t["arrived_date"]).dt.normalize()
    t["due_date"] = due_dates(t, due_rule=due_rule, due_days=due_days, budget_year=budget_year)

    amount = t["amount_fen"].astype("int64")
    reported = t["arrived_fen"] if "arrived_fen" in t.columns else pd.Series(pd.NA, index=t.index)
    arrived_any = (
        pd.Series(reported, dtype="Int64")
        .fillna(amount)
        .where(t["arrived_date"].notna(), 0)
        .astype("int64")
    )
    t["arrived_fen"] = arrived_any
    capped = np.minimum(arrived_any, amount)

    arrived_by = t["arrived_date"].notna() & (t["arrived_date"] <= as_of)
    is_due = t["due_date"] <= as_of
    in_time = arrived_by & (t["arrived_date"] <= t["due_date"])

    t["arrived_by_as_of_fen"] = np.where(arrived_by, capped, 0).astype("int64")
    t["due_fen"] = np.where(is_due, amount, 0).astype("int64")
    t["on_time_fen"] = np.where(is_due & in_time, capped, 0).astype("int64")
    t["late_fen"] = (t["due_fen"] - t["on_time_fen"]).astype("int64")

    end = t["arrived_date"].where(arrived_by, as_of)
    late_days = (end - t["due_date"]).dt.days
    t["days_late"] = late_days.where(is_due & (late_days > 0), 0).astype("Int64")

    t["status"] = np.select(
        [~is_due, t["late_fen"] == 0, t["on_time_fen"] > 0, arrived_by],
        [STATUS_NOT_DUE, STATUS_ON_TIME, STATUS_PARTIAL, STATUS_LATE],
        default=STATUS_MISSING,
    )
    t["status"] = t["status"].astype("str")
    return t.sort_values(["issued_date", "grant_id"], kind="stable", ignore_index=True)


def arrival_summary(
    table: pd.DataFrame, *, as_of, due_rule: str = "budget_year_end"
) -> ArrivalSummary:
    """Overall 资金到位率 and 到位及时率 from :func:`arrival_table`."""
    allocated = int(table["amount_fen"].sum())
    arrived = int(table["arrived_by_as_of_fen"].sum())
    due = int(table["due_fen"].sum())
    on_time = int(table["on_time_fen"].sum())
    return ArrivalSummary(
        grants=len(table),
        late_grants=int((table["late_fen"] > 0).sum()),
        allocated_fen=allocated,
        arrived_fen=arrived,
        due_fen=due,
        on_time_fen=on_time,
        late_fen=due - on_time,
        arrival_rate=arrived / allocated if allocated else float("nan"),
        timely_rate=on_time / due if due else float("nan"),
        as_of=as_timestamp(as_of, "as_of"),
        due_rule=due_rule,
    )


def arrival_rates_by(table: pd.DataFrame, by: str | list[str] = "grant_type") -> pd.DataFrame:
    """到位率 and 到位及时率 per group (grant type, street, …)."""
    g = table.groupby(by, sort=True, dropna=False)[
        ["amount_fen", "arrived_by_as_of_fen", "due_fen", "on_time_fen"]
    ].sum()
    g["arrival_rate"] = g["arrived_by_as_of_fen"] / g["amount_fen"].where(g["amount_fen"] > 0)
    g["timely_rate"] = g["on_time_fen"] / g["due_fen"].where(g["due_fen"] > 0)
    return g.reset_index()


def late_arrivals(table: pd.DataFrame) -> pd.DataFrame:
    """Flagged rows (rule ARR-01) for grants not fully arrived by their due date."""
    late = table.loc[table["late_fen"] > 0].reset_index(drop=True)
    if late.empty:
        return empty_flags()
    head = (
        late["community"].astype("str")
        + late["grant_type"].astype("str")
        + "资金"
        + yuan_text(late["amount_fen"])
        + "元"
    )
    doc = (
        text_of(late["doc_number"]).fillna("")
        if "doc_number" in late.columns
        else pd.Series("", index=late.index)
    )
    head = head + ("（" + doc + "，" + date_text(late["issued_date"]) + "下达）").where(
        doc != "", "（" + date_text(late["issued_date"]) + "下达）"
    )
    due = "，应于" + date_text(late["due_date"]) + "前到位"
    days = "逾期" + late["days_late"].astype("str") + "天"
    arrived = late["arrived_by_as_of_fen"] > 0
    partial_on_time = late["on_time_fen"] > 0
    tail = pd.Series(
        np.select(
            [partial_on_time, arrived],
            [
                (
                    "，按时到位"
                    + yuan_text(late["on_time_fen"])
                    + "元，其余"
                    + yuan_text(late["late_fen"])
                    + "元未按时到位"
                ).to_numpy(),
                ("，" + date_text(late["arrived_date"]) + "方才到位，" + days).to_numpy(),
            ],
            default=("，截至评价日尚未到位，已" + days).to_numpy(),
        ),
        dtype="str",
    )
    reason = head + due + tail + "。"
    rows = late.assign(unit=late["community"], date=late["arrived_date"], voucher=doc)
    return make_flags(rows, "ARR-01", reason, late["late_fen"])


def arrival_timeline(table: pd.DataFrame) -> pd.DataFrame:
    """Data for the arrival timeline chart: allocation → due → arrival per grant."""
    cols = [
        "grant_id",
        "community",
        "grant_type",
        "issued_date",
        "arrived_date",
        "due_date",
        "days_late",
        "amount_fen",
        "status",
    ]
    return table.loc[:, cols].sort_values(
        ["issued_date", "grant_id"], kind="stable", ignore_index=True
    )


def check_arrival(
    allocations: pd.DataFrame,
    *,
    as_of,
    due_rule: str = "budget_year_end",
    due_days: int | None = None,
    budget_year: int | None = None,
) -> ArrivalResult:
    """Run the whole arrival check: per-grant table, overall summary and late-grant flags."""
    table = arrival_table(
        allocations, as_of=as_of, due_rule=due_rule, due_days=due_days, budget_year=budget_year
    )
    return ArrivalResult(
        table, arrival_summary(table, as_of=as_of, due_rule=due_rule), late_arrivals(table)
    )
