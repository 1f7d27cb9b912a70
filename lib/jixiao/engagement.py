"""Engagement folders: one evaluation's data and reports, outside the suite's repository.

``jixiao new PATH --year Y`` makes one (:func:`create_engagement`): the marker ``jixiao.toml``,
``data/raw/<Y>/`` with the blank templates, profile and parameters, ``data/processed/``,
``reports/`` and a Chinese ``README.md`` saying what to fill, in order. :func:`resolve_engagement`
finds the engagement a command works on (``--project-dir``, else the working folder or a parent
holding the marker, else the repository itself when started inside it — the reference
engagement). :func:`sync_notebooks` gives JupyterLab the suite's notebooks inside the engagement.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from . import paths
from .errors import ParameterError

README_FILE = "README.md"


def _marker_text(year: int) -> str:
    return (
        "# jixiao 评价项目文件夹（engagement）。此文件标记项目根目录，请勿删除。\n"
        "# jixiao run / template / lab 在此文件夹或其子文件夹中运行时，处理本项目的数据。\n"
        f'created = "{dt.date.today().isoformat()}"\n'
        f"first_year = {int(year)}\n"
    )


def _readme_text(folder: Path, year: int) -> str:
    raw = f"data/raw/{year}"
    return f"""# 评价项目：{folder.name}

本文件夹由 `jixiao new` 创建，是一个独立的评价项目（engagement）：原始资料、处理后数据和评价结果
都在这里，与 jixiao 程序本身分开。在本文件夹（或其子文件夹）中运行 `jixiao run`、`jixiao template`、
`jixiao lab` 即处理本项目；在别处运行时加 `--project-dir {folder}`。

## 按顺序填写

1. **项目概况 `{raw}/project.toml`**（最先填写）：项目名称、委托方、评价机构、评价组、评价期间与
   基准日、指标框架（2013 / 2020）、资金类型（`[[grant_types]]`：到账摘要关键词、允许科目、允许与禁止的
   摘要用词）、会计制度（`[accounts] preset`：事业单位会计制度 / 政府会计制度 / 民间非营利组织会计制度）、
   问卷的受访者类别（`[survey] respondent_groups`，以及计入满意度的服务对象 `service_groups`）。
2. **重新生成空白表**：`jixiao template --year {year} --force`。已填数据的表格不会被覆盖；资金下达表的
   「资金类型」和问卷表的「受访者类别」随之提供下拉选项。
3. **资金下达明细 `{raw}/资金下达明细_{year}.xlsx`**：每笔下达一行。
4. **明细账**：每个单位一个文件，复制 `明细账_模板.xlsx` 为 `明细账_<单位>.xlsx`，或直接放入财务软件
   导出的 `.xlsx` / `.xls` / `.csv` / `.txt`。
5. **产出完成情况 `{raw}/产出完成情况_{year}.xlsx`**：产出指标的目标值与实际值。
6. **问卷调查 `{raw}/问卷调查_{year}.xlsx`**：题目、抽样计划（每个受访者类别一行）和问卷数据。
7. **电话访谈记录、评价组观察记录**（可选）。
8. **指标体系 `{raw}/指标体系_{year}.xlsx`**：指标、权重、计分规则，以及评价组判断的得分与理由。
9. **运行参数 `{raw}/parameters.toml`**：抽样参数、随机种子等（可保留默认值）。

`data/raw/` 中的文件只读：程序从不修改它们。

## 运行与查看结果

```
jixiao run --year {year}
```

真实问卷需先设置评价组的保密盐值 `JIXIAO_PRIVACY_SALT`。结果写入 `reports/{year}/`：评分表与
`score.json`、`workpapers.xlsx`（工作底稿）、`report.html` 与 `report.docx`（评价报告）、图表和执行后的
笔记本；处理后的数据在 `data/processed/{year}/`。用 `jixiao lab` 在 JupyterLab 中逐步查看各笔记本。
"""


def create_engagement(folder: str | Path, year: int) -> list[Path]:
    """Make a new engagement at ``folder`` for ``year``; refuse a folder that exists and is not empty."""
    from . import year_templates

    folder = Path(folder).resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ParameterError(
            f"{folder} 已存在且不是空文件夹，未创建评价项目 / exists and is not empty: "
            "请指定一个新的或空的文件夹"
        )
    suite = paths.SUITE_ROOT.resolve()
    if folder == suite or suite in folder.parents:
        raise ParameterError(
            f"{folder} 在 jixiao 程序的仓库内：评价项目文件夹请建在仓库以外 / "
            "create engagements outside the suite's repository"
        )
    if not 2000 <= int(year) <= 2100:
        raise ParameterError(
            f"年度应在 2000–2100 之间 / year must be between 2000 and 2100: {year}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / paths.ENGAGEMENT_MARKER
    marker.write_text(_marker_text(year), encoding="utf-8")
    for sub in ("data/raw", "data/processed", "reports"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    written = [marker]
    written += year_templates.write_year_templates(year, folder=folder / "data" / "raw" / str(year))
    readme = folder / README_FILE
    readme.write_text(_readme_text(folder, year), encoding="utf-8")
    written.append(readme)
    return written


def resolve_engagement(project_dir: str | Path | None = None, cwd: Path | None = None) -> Path:
    """The engagement a command works on; a clear Chinese error when there is none."""
    if project_dir is not None:
        folder = Path(project_dir).resolve()
        if folder == paths.SUITE_ROOT.resolve() or (folder / paths.ENGAGEMENT_MARKER).is_file():
            return folder
        raise ParameterError(
            f"--project-dir {folder} 不是评价项目文件夹（缺少 {paths.ENGAGEMENT_MARKER}）："
            "请先用 jixiao new 创建 / not an engagement folder"
        )
    here = Path(cwd or Path.cwd()).resolve()
    found = paths.find_engagement(here)
    if found is not None:
        return found
    suite = paths.SUITE_ROOT.resolve()
    if here == suite or suite in here.parents:
        return suite  # inside the repository: its own data/ is the reference engagement
    raise ParameterError(
        f"当前文件夹 {here} 不在任何评价项目中（本文件夹及上级文件夹都没有 {paths.ENGAGEMENT_MARKER}）："
        "请进入用 jixiao new 创建的项目文件夹运行，或用 --project-dir 指定 / no engagement found"
    )


def sync_notebooks(engagement: Path) -> tuple[list[Path], list[Path]]:
    """Copy the suite's notebooks into ``<engagement>/notebooks/`` for JupyterLab.

    Missing ones are copied; a copy that differs from the suite's (edited, or from an older
    version) is left as it is and returned in the second list, so nothing the evaluator wrote is
    lost. The repository's own notebooks are used as they are for the reference engagement.
    """
    if Path(engagement).resolve() == paths.SUITE_ROOT.resolve():
        return [], []
    target = Path(engagement) / "notebooks"
    target.mkdir(exist_ok=True)
    copied, kept = [], []
    for source in sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        copy = target / source.name
        if not copy.exists():
            shutil.copyfile(source, copy)
            copied.append(copy)
        elif copy.read_bytes() != source.read_bytes():
            kept.append(copy)
    return copied, kept
