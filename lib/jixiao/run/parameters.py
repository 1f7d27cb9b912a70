"""The year's parameters: ``parameters.toml``, ``-p`` overrides, and their type and path checks.

Parameters come from ``data/raw/<year>/parameters.toml`` (top-level keys go to every notebook
that declares them; a ``[sampling]`` table goes to ``02_sampling`` only) and are overridden by
the command line (``-p name value`` or ``-p sampling.name value``). Every check runs before any
notebook starts.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .. import paths
from ..case import CASE_FILE_KEYS, read_parameters_file
from ..errors import ParameterError
from ..schema import PARAMETERS_FILE

LAST_REGULAR_STEP = (
    89  # notebooks numbered 90+ (e.g. the year comparison) are not part of a year's run
)
# Parameters whose value is a path must stay inside these project folders.
PATH_PARAMETER_SUFFIXES = ("_dir", "_folder", "_path", "_file", "_workbook")
# Parameters the runner sets itself; taking them from the file or the command line would run one
# year's data into another year's folder, or write outside the staged run folder.
RUNNER_PARAMETERS = {
    "year": "年度只能用 --year 指定 / choose the year with --year",
    "output_dir": "输出目录由运行程序设定：先写入临时文件夹，全部成功后移至 reports/<year>/ / the runner sets it",
    "processed_root": "处理后数据的临时文件夹由运行程序设定 / the runner sets the staged processed folder",
    "project_dir": "评价项目文件夹用 --project-dir 或当前文件夹指定 / choose the engagement with --project-dir",
}


def year_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    folder = notebooks_dir or paths.NOTEBOOKS_DIR
    found = []
    for nb in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        if int(nb.name[:2]) <= LAST_REGULAR_STEP:
            found.append(nb)
    return found


def step_name(notebook: Path) -> str:
    """``02_sampling.ipynb`` → ``sampling``."""
    return notebook.stem.split("_", 1)[1]


def read_year_parameters(year: int) -> dict:
    return read_parameters_file(paths.raw_dir(year) / PARAMETERS_FILE)


def parse_cli_value(text: str):
    """Command-line values arrive as text: read numbers, booleans and lists (``[5000, 20000]``) as such."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if lowered.startswith("[") and lowered.endswith("]"):
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            raise ParameterError(
                f"无法读取列表参数 / not a list: {text!r} (write e.g. [5000, 20000])"
            ) from None
        if isinstance(value, list):
            return value
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def declared_parameters(notebook: Path) -> dict[str, dict]:
    import papermill

    return papermill.inspect_notebook(str(notebook))


_TYPE_CHECKS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
}


def _check_type(notebook: str, name: str, declared: dict, value) -> None:
    type_name = (declared.get("inferred_type_name") or "None").split("[")[0].strip().lower()
    default = declared.get("default")
    if type_name in ("none", ""):
        # papermill infers a type only from annotations; otherwise read it off the default literal
        try:
            type_name = (
                type(ast.literal_eval(default)).__name__ if default is not None else "nonetype"
            )
        except (ValueError, SyntaxError):
            return
    if type_name == "nonetype":
        return  # a None default accepts anything; the notebook checks it
    check = _TYPE_CHECKS.get(type_name)
    if check is not None and not check(value):
        raise ParameterError(
            f"参数类型错误 / wrong type: {notebook} 的参数 {name} 应为 {type_name}（默认值 {default}），"
            f"收到 {value!r}（{type(value).__name__}）"
        )


def _check_path(name: str, value) -> None:
    if not name.endswith(PATH_PARAMETER_SUFFIXES) or value is None:
        return
    if not isinstance(value, str):
        raise ParameterError(
            f"参数 {name} 应为路径（文字，如 data/raw/2017），收到 {value!r}（{type(value).__name__}）/ "
            f"{name} expects a path, got {value!r}"
        )
    resolved = paths.project_path(value).resolve()  # the notebooks open it the same way
    allowed = (paths.DATA_DIR.resolve(), paths.REPORTS_DIR.resolve())
    if not any(resolved == root or root in resolved.parents for root in allowed):
        raise ParameterError(
            f"路径超出项目数据与报告目录 / path outside the project's data and report folders: "
            f"{name} = {value} (allowed: {paths.DATA_DIR}, {paths.REPORTS_DIR})"
        )


def resolve_parameters(
    year: int,
    overrides: dict[str, object] | None = None,
    notebooks: list[Path] | None = None,
) -> dict[str, dict]:
    """Parameters per notebook, checked: unknown names, wrong types, bad paths → ParameterError."""
    notebooks = notebooks if notebooks is not None else year_notebooks()
    if not paths.raw_dir(year).is_dir():
        available = (
            sorted(p.name for p in paths.RAW_DIR.iterdir() if p.is_dir())
            if paths.RAW_DIR.is_dir()
            else []
        )
        raise ParameterError(
            f"没有 {year} 年的数据 / no data for year {year}: {paths.raw_dir(year)} does not exist (years found: {', '.join(available) or 'none'})"
        )
    declared = {nb.name: declared_parameters(nb) for nb in notebooks}
    steps = {step_name(nb): nb.name for nb in notebooks}
    file_values = read_year_parameters(year)
    layered: list[tuple[str, str | None, str, object]] = []  # (origin, step, name, value)
    for key, value in file_values.items():
        if key in CASE_FILE_KEYS:
            continue  # describes the case file; read by the step concerned, not a notebook parameter
        if isinstance(value, dict):
            layered.extend(("parameters.toml", key, name, v) for name, v in value.items())
        else:
            layered.append(("parameters.toml", None, key, value))
    for key, value in (overrides or {}).items():
        step, _, name = key.rpartition(".")
        if not step and name in CASE_FILE_KEYS:
            raise ParameterError(
                f"{name} 描述案例数据本身，只能写在 {paths.raw_dir(year) / PARAMETERS_FILE} 中，不能在命令行设置 / "
                f"{name} can only be declared in the year's parameters.toml"
            )
        layered.append(("command line", step or None, name, value))

    resolved: dict[str, dict] = {nb.name: {"year": year} for nb in notebooks}
    for origin, step, name, value in layered:
        if name in RUNNER_PARAMETERS:
            raise ParameterError(
                f"参数 {name} 由运行程序设定，不能在 {origin} 中指定 / runner-owned parameter '{name}' "
                f"cannot be set from {origin}: {RUNNER_PARAMETERS[name]}"
            )
        if step is not None and step not in steps:
            raise ParameterError(
                f"未知步骤 / unknown step '{step}' in {origin} (steps: {', '.join(steps)})"
            )
        targets = (
            [steps[step]] if step else [nb for nb, params in declared.items() if name in params]
        )
        if not targets or any(name not in declared[t] for t in targets):
            raise ParameterError(
                f"未知参数 / unknown parameter '{name}' from {origin}: no notebook"
                f"{' ' + steps[step] if step else ''} declares it"
            )
        _check_path(name, value)
        for target in targets:
            _check_type(target, name, declared[target][name], value)
            resolved[target][name] = value
    for nb, params in resolved.items():
        if "year" not in declared[nb]:
            params.pop("year")
    return resolved
