"""The ``jixiao`` command: ``jixiao run --year 2017 [-p name value …]``, ``jixiao template --year 2019``."""

from __future__ import annotations

import argparse
import sys

from .errors import InputError, ParameterError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao", description="财政支出绩效评价 notebooks: run a year's evaluation."
    )
    commands = parser.add_subparsers(dest="command", required=True)

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

    template = commands.add_parser("template", help="write blank raw workbooks for a new year")
    template.add_argument("--year", type=int, required=True)
    template.add_argument(
        "--force", action="store_true", help="overwrite workbooks that already exist"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
    return 2


if __name__ == "__main__":
    sys.exit(main())
