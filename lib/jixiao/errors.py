"""Errors that speak to the evaluator: they name the file, sheet, row and column."""

from __future__ import annotations


class InputError(ValueError):
    """A raw input the library cannot use as it stands.

    Raised for structural problems (missing file or sheet, required column missing,
    unreadable or encrypted workbook). Row-level problems never raise: they go to the
    rejects table instead.
    """

    def __init__(self, message: str, *, file=None, sheet=None, row=None, column=None):
        self.file = None if file is None else str(file)
        self.sheet = sheet
        self.row = row
        self.column = column
        where = ", ".join(
            part
            for part in (
                self.file and f"{self.file}",
                sheet and f"sheet {sheet}",
                row is not None and f"row {row}",
                column and f"column {column}",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class ParameterError(ValueError):
    """A parameter outside what the method allows (confidence 1.2, negative rates, …)."""
