"""The ``jixiao`` command.

``jixiao new PATH --year Y`` creates an engagement folder; ``jixiao run --year Y``,
``jixiao template --year Y`` and ``jixiao lab`` work on the engagement they are started in (a
folder holding ``jixiao.toml``, or a parent of it), or on ``--project-dir PATH``; started inside
the suite's repository they work on its own ``data/`` (the reference engagement).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from .errors import InputError, ParameterError

PROJECT_DIR_HELP = (
    "评价项目文件夹（jixiao new 创建）；默认为当前文件夹所在的项目 / the engagement folder"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao", description="财政支出绩效评价 notebooks: run a year's evaluation."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    new = commands.add_parser("new", help="create an engagement folder for a new evaluation")
    new.add_argument("path", help="新的（或空的）文件夹 / a new or empty folder")
    new.add_argument("--year", type=int, required=True)

    run = commands.add_parser(
        "run", help="run every numbered notebook for a year through papermill"
    )
    run.add_argument("--year", type=int, required=True)
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="override a parameter (NAME or step.NAME, e.g. -p seed 7 -p sampling.confidence 0.9)",
    )
    run.add_argument("--project-dir", help=PROJECT_DIR_HELP)

    template = commands.add_parser("template", help="write blank raw workbooks for a new year")
    template.add_argument("--year", type=int, required=True)
    template.add_argument(
        "--force", action="store_true", help="overwrite workbooks that already exist"
    )
    template.add_argument("--project-dir", help=PROJECT_DIR_HELP)

    lab = commands.add_parser("lab", help="open JupyterLab on the engagement's notebooks")
    lab.add_argument("--project-dir", help=PROJECT_DIR_HELP)
    lab.add_argument(
        "--no-browser", action="store_true", help="start the server without opening a browser"
    )
    return parser


def _use_engagement(project_dir) -> Path:
    """Point jixiao.paths at the engagement the command works on (left as is when it already is)."""
    from . import engagement, paths

    folder = engagement.resolve_engagement(project_dir)
    if folder != paths.ROOT.resolve() and folder != paths.SUITE_ROOT.resolve():
        paths.use_project_dir(folder)
    return folder


def _err(text: str) -> int:
    from .run.execute import console_print_err

    console_print_err(text)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "new":
        from . import engagement
        from .run import console_print

        try:
            written = engagement.create_engagement(args.path, args.year)
        except (InputError, ParameterError) as exc:
            return _err(str(exc))
        folder = written[0].parent
        for path in written:
            console_print(str(path))
        console_print(
            f"已创建评价项目 / engagement created: {folder}\n"
            f"下一步：阅读 {folder / engagement.README_FILE}，先填写 "
            f"data/raw/{args.year}/project.toml"
        )
        return 0
    try:
        folder = _use_engagement(args.project_dir)
    except ParameterError as exc:
        return _err(str(exc))
    if args.command == "run":
        from . import run as runner

        overrides = {name: runner.parse_cli_value(value) for name, value in args.parameter}
        return runner.main_run(args.year, overrides)
    if args.command == "template":
        from . import year_templates

        try:
            kept: dict = {}
            written = year_templates.write_year_templates(
                args.year, overwrite=args.force, kept_out=kept
            )
        except (InputError, ParameterError, FileExistsError) as exc:
            print(str(exc), file=sys.stderr)
            return 2
        for path in written:
            print(path)
        for path, reason in kept.items():
            print(f"保留未覆盖 / left untouched: {path.name}（{reason}）")
        return 0
    if args.command == "lab":
        return _lab(folder, args.no_browser)
    return 2


def _lab(folder: Path, no_browser: bool) -> int:
    """JupyterLab rooted at the engagement; its kernels find the engagement from their folder."""
    from . import engagement, paths
    from .run import console_print

    copied, kept = engagement.sync_notebooks(folder)
    for path in copied:
        console_print(f"复制笔记本 / copied: {path}")
    for path in kept:
        console_print(
            f"保留已有笔记本（与程序自带的不同；删除后重新运行 jixiao lab 可更新）/ kept: {path}"
        )
    reference = folder == paths.SUITE_ROOT.resolve()
    root = (
        paths.NOTEBOOKS_DIR if reference else folder
    )  # an engagement: notebooks/, data/, reports/
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}"]
    if no_browser:
        command.append("--no-browser")
    return subprocess.call(command, cwd=str(root))


if __name__ == "__main__":
    sys.exit(main())
