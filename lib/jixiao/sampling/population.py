"""The sampling frame: item ids from provenance and the canonical, validated population.

Every selection method starts from :func:`prepare_population`, so all of them see the same
rows in the same order (source file, sheet, row) whatever order the rows arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jixiao.account_codes import as_prefixes, closing_lines, on_accounts
from jixiao.errors import InputError, ParameterError
from jixiao.schema import PROVENANCE_COLUMNS

ID_COLUMN = "item_id"
AMOUNT_COLUMN = "amount_fen"


def item_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable item id from provenance: ``<source_file>|<source_sheet>|<source_row>``."""
    missing = [c for c in PROVENANCE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"缺少来源列 {', '.join(missing)}，无法识别项目 / missing provenance column(s) {missing}"
        )
    sheet = frame["source_sheet"].astype("str").fillna("")
    return (
        frame["source_file"].astype("str")
        + "|"
        + sheet
        + "|"
        + frame["source_row"].astype("int64").astype("str")
    )


def prepare_population(
    population: pd.DataFrame, amount_column: str = AMOUNT_COLUMN
) -> pd.DataFrame:
    """Validate a population and put it in canonical order (source file, sheet, row).

    Amounts must be whole fen (an integer column without blanks) and no source row may appear
    twice. Item ids are added to the selected rows only (building a million id strings would
    cost more than the whole selection).
    """
    missing = [c for c in (*PROVENANCE_COLUMNS, amount_column) if c not in population.columns]
    if missing:
        raise InputError(
            f"抽样总体缺少列：{', '.join(missing)} / the population lacks column(s) {missing}"
        )
    amounts = population[amount_column]
    if not pd.api.types.is_integer_dtype(amounts.dtype) or amounts.isna().any():
        raise InputError(
            f"金额列必须是不含空值的整数（分），实际类型 {amounts.dtype} / amounts must be whole fen without blanks",
            column=amount_column,
        )
    # Sorting on factorised codes (few distinct files and sheets) is several times faster than
    # sort_values on the strings, and gives the same code-point order.
    file_codes = pd.factorize(population["source_file"], sort=True)[0]
    sheet_codes = pd.factorize(population["source_sheet"], sort=True)[0]
    rows = population["source_row"].to_numpy(dtype=np.int64)
    order = np.lexsort((rows, sheet_codes, file_codes))
    file_codes, sheet_codes, rows = file_codes[order], sheet_codes[order], rows[order]
    repeated = (
        (file_codes[1:] == file_codes[:-1])
        & (sheet_codes[1:] == sheet_codes[:-1])
        & (rows[1:] == rows[:-1])
    )
    if repeated.any():
        first = population.iloc[order[int(np.argmax(repeated)) + 1]]
        raise InputError(
            "同一来源行在抽样总体中出现多次 / the same source row appears twice in the population",
            file=first["source_file"],
            sheet=first["source_sheet"],
            row=int(first["source_row"]),
        )
    frame = population.take(order).reset_index(drop=True)
    frame[amount_column] = frame[amount_column].astype("int64")
    return frame


def frame_ids(frame: pd.DataFrame) -> pd.Series:
    """The ``item_id`` column when the frame has one, else ids built from provenance."""
    return frame[ID_COLUMN] if ID_COLUMN in frame.columns else item_ids(frame)


def population_from_ledger(
    ledger: pd.DataFrame,
    account_prefixes: Iterable[str] = ("5001",),
    *,
    amount_column: str = AMOUNT_COLUMN,
) -> pd.DataFrame:
    """Ledger lines whose account code starts with one of the prefixes, amount = debit − credit (fen).

    The default (5001 事业支出) is the expenditure population the evaluators vouch. Codes are
    compared as keys (``5001.02`` and ``500102`` alike, :mod:`jixiao.account_codes`).
    """
    lines = ledger[on_accounts(ledger, as_prefixes(account_prefixes))]
    return lines.assign(
        **{amount_column: (lines["debit_fen"] - lines["credit_fen"]).astype("int64")}
    )


# --------------------------------------------------------------------------- the named populations

BASIS_COLUMN = "population_basis"  # why a line is in the population (纳入总体依据)
WHOLE_LEDGER, PROJECT_ACCOUNTS, SPECIAL_FUND = "全部支出明细", "项目支出科目", "专项资金相关"
# The population an evaluator names in parameters.toml ([sampling] population) and what it holds.
POPULATIONS = {
    WHOLE_LEDGER: "被评价单位明细账中支出类科目（{expense}）的全部分录",
    PROJECT_ACCOUNTS: "项目支出科目（{project}）的分录",
    SPECIAL_FUND: (
        "与专项资金相关的支出分录：项目支出科目（{project}）的分录、带项目辅助核算的支出分录，"
        "以及合规检查认定为专项资金支出但记入其他科目的分录"
    ),
}
_BASIS_PROJECT_ACCOUNT = "项目支出科目"
_BASIS_PROJECT_AUX = "项目辅助核算"
_BASIS_COMPLIANCE = "合规检查认定为专项资金支出"
_BASIS_EXPENSE = "支出类科目"


@dataclass(frozen=True)
class PopulationDefinition:
    """A named sampling population and the account prefixes (from the project profile) it uses."""

    name: str
    expense_accounts: tuple[str, ...]
    project_expense_accounts: tuple[str, ...]
    closing_accounts: tuple[str, ...] = ()  # lines of 期末结转 vouchers are not spending

    def __post_init__(self):
        if self.name not in POPULATIONS:
            raise ParameterError(
                f"parameters.toml [sampling] population（抽样总体）只能是 "
                f"{'、'.join(POPULATIONS)}，收到 {self.name!r} / unknown sampling population {self.name!r}"
            )
        needed = (
            ("expense", self.expense_accounts),
            ("project_expense", self.project_expense_accounts),
        )
        for role, prefixes in needed:
            if not prefixes:
                raise ParameterError(
                    f"抽样总体“{self.name}”需要项目概况 project.toml [accounts] 的 {role} 科目，未给出"
                )

    @property
    def description(self) -> str:
        return POPULATIONS[self.name].format(
            expense="、".join(self.expense_accounts),
            project="、".join(self.project_expense_accounts),
        )

    @property
    def needs_compliance_lines(self) -> bool:
        return self.name == SPECIAL_FUND


def sampling_population(
    ledger: pd.DataFrame,
    definition: PopulationDefinition,
    fund_lines: pd.DataFrame | None = None,
    *,
    amount_column: str = AMOUNT_COLUMN,
) -> pd.DataFrame:
    """The ledger lines of the named population, amount = debit − credit (fen), with the reason
    each line is in it (``population_basis``).

    专项资金相关 needs ``fund_lines``: the lines (``source_file`` / ``source_sheet`` /
    ``source_row``) the compliance step found to be the special fund's spending booked elsewhere;
    they must lie on expense accounts to enter (receipts are not spending).
    """
    expense = on_accounts(ledger, definition.expense_accounts) & ~closing_lines(
        ledger, definition.closing_accounts
    )
    project_account = (on_accounts(ledger, definition.project_expense_accounts) & expense).to_numpy(
        dtype=bool
    )
    expense = expense.to_numpy(dtype=bool)
    if definition.name == WHOLE_LEDGER:
        keep = expense
        basis = np.where(project_account[keep], _BASIS_PROJECT_ACCOUNT, _BASIS_EXPENSE)
    elif definition.name == PROJECT_ACCOUNTS:
        keep = project_account
        basis = np.full(int(keep.sum()), _BASIS_PROJECT_ACCOUNT)
    else:
        if fund_lines is None:
            raise ParameterError(
                f"抽样总体“{SPECIAL_FUND}”需要合规检查认定的专项资金支出分录（专项支出记入基本支出），未给出"
            )
        aux = expense & (
            ~(
                ledger["project"].isna() | (ledger["project"].astype("str").str.strip() == "")
            ).to_numpy(dtype=bool)
            if "project" in ledger.columns
            else np.zeros(len(ledger), dtype=bool)
        )
        # Only expense lines not in the population already are looked up among the fund lines.
        compliance = np.zeros(len(ledger), dtype=bool)
        candidates = np.flatnonzero(expense & ~project_account & ~aux)
        if len(candidates) and len(fund_lines):
            keys = list(PROVENANCE_COLUMNS)
            found = fund_lines.loc[:, keys].drop_duplicates().assign(_fund=True)
            looked_up = ledger.iloc[candidates].loc[:, keys].merge(found, how="left", on=keys)
            compliance[candidates] = looked_up["_fund"].eq(True).to_numpy()
        keep = project_account | aux | compliance
        basis = np.where(
            project_account[keep],
            _BASIS_PROJECT_ACCOUNT,
            np.where(aux[keep], _BASIS_PROJECT_AUX, _BASIS_COMPLIANCE),
        )
    lines = ledger[keep]
    return lines.assign(
        **{
            amount_column: (lines["debit_fen"] - lines["credit_fen"]).astype("int64"),
            BASIS_COLUMN: pd.Series(basis.astype(object), index=lines.index, dtype="str"),
        }
    )


@dataclass(frozen=True)
class PopulationSummary:
    """The population as the 抽样清单 and the report state it: what, how many lines, how much,
    and how much of it the selection (statistical and non-statistical items) covers."""

    name: str
    description: str
    lines: int
    amount_fen: int  # sum of the lines' net amounts
    selected_lines: int
    selected_amount_fen: int

    @property
    def line_share(self) -> float:
        return self.selected_lines / self.lines if self.lines else 0.0

    @property
    def amount_share(self) -> float:
        return self.selected_amount_fen / self.amount_fen if self.amount_fen > 0 else 0.0

    def rows(self) -> list[tuple[str, object]]:
        """Label / value rows in 元 and %, for the 抽样参数 sheet and the 抽样评价 workpaper."""
        return [
            ("抽样总体口径", self.name),
            ("抽样总体定义", self.description),
            ("总体分录笔数", self.lines),
            ("总体分录金额（元）", self.amount_fen / 100),
            ("选取笔数", self.selected_lines),
            ("选取金额（元）", self.selected_amount_fen / 100),
            ("笔数覆盖率", f"{self.line_share:.2%}"),
            ("金额覆盖率", f"{self.amount_share:.2%}"),
        ]

    @property
    def sentence(self) -> str:
        """One sentence for the report's sampling text."""
        return (
            f"抽样总体为{self.description}（{self.name}），共{self.lines:,}笔、金额{self.amount_fen / 100:,.2f}元；"
            f"选取{self.selected_lines:,}笔、金额{self.selected_amount_fen / 100:,.2f}元，"
            f"占总体笔数的{self.line_share:.2%}、金额的{self.amount_share:.2%}"
        )


def summarise_population(
    population: pd.DataFrame,
    sample: pd.DataFrame,
    definition: PopulationDefinition,
    amount_column: str = AMOUNT_COLUMN,
) -> PopulationSummary:
    """Size, amount and the selection's coverage of a named population (``sample``: the
    selected rows, every one from ``population``)."""
    return PopulationSummary(
        name=definition.name,
        description=definition.description,
        lines=int(len(population)),
        amount_fen=int(population[amount_column].sum()),
        selected_lines=int(len(sample)),
        selected_amount_fen=int(sample[amount_column].sum()),
    )
