"""The checks stay columnar: no Python-level loop over ledger rows (issue 16).

Scans the compliance package, the findings register and the per-distinct helpers for the
constructs that run Python once per row — ``iterrows`` / ``itertuples``, ``apply``, ``map``
with a lambda or function, and ``for`` loops over a frame's column — and fails on any that is
not over a small table named in ``ALLOWED`` (rule tables, a handful of grant types).
"""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib" / "jixiao"
SCANNED = sorted((LIB / "compliance").glob("*.py")) + [
    LIB / "findings.py",
    LIB / "distinct.py",
    LIB / "account_codes.py",
]
# (file, enclosing function): why a row-wise construct is fine there.
ALLOWED = {
    ("scope.py", "parse_scope_rules"): "the scope-rule table: one row per grant type",
    ("scope.py", "out_of_scope_spending"): "one pass per scope rule (grant type)",
    ("accounting.py", "_grant_types"): "the scope-rule table: one row per grant type",
    ("benford.py", "spike_digits"): "the first digits 1 … 9",
}
BUILTIN_FUNCTIONS = {"str", "len", "int", "float", "bool", "repr", "format"}
ROW_WISE_METHODS = {"iterrows", "itertuples", "apply"}


def _enclosing_functions(tree: ast.AST) -> dict[int, str]:
    """Line number → name of the innermost function defined around it."""
    owner: dict[int, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else name
            )
            for line in range(getattr(child, "lineno", 0), getattr(child, "end_lineno", 0) + 1):
                owner[line] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owner


def _row_wise(node: ast.AST, functions: set[str]) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = node.func.attr
        if method in ROW_WISE_METHODS:
            return f".{method}()"
        # ``map`` with a dict or Series is a lookup; with a function it calls Python per value.
        given = node.args[0] if method == "map" and node.args else None
        if isinstance(given, ast.Lambda) or (
            isinstance(given, ast.Name) and given.id in functions | BUILTIN_FUNCTIONS
        ):
            return ".map(function)"
    if isinstance(node, (ast.For, ast.comprehension)):
        target = node.iter
        if isinstance(target, ast.Call) and isinstance(target.func, ast.Name):
            if target.func.id == "zip":
                target = target.args[0] if target.args else target
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            return f"for … in frame[{target.slice.value!r}]"
    return None


def row_wise_constructs(path: Path) -> list[tuple[str, int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    owner = _enclosing_functions(tree)
    functions = {
        n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    found = []
    for node in ast.walk(tree):
        what = _row_wise(node, functions)
        if what:
            line = getattr(node, "lineno", getattr(getattr(node, "iter", None), "lineno", 0))
            found.append((path.name, line, owner.get(line, "<module>"), what))
    return found


def test_checks_have_no_row_wise_python():
    offending = [
        f"{name}:{line} in {function}: {what}"
        for path in SCANNED
        for name, line, function, what in row_wise_constructs(path)
        if (name, function) not in ALLOWED
    ]
    assert not offending, "row-wise Python in the checks:\n" + "\n".join(offending)
    used = {
        (name, function) for path in SCANNED for name, _, function, _ in row_wise_constructs(path)
    }
    assert set(ALLOWED) <= used, f"stale exceptions: {sorted(set(ALLOWED) - used)}"


def test_the_guard_catches_a_row_loop(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def check(ledger):\n"
        "    out = [r.amount for r in ledger.itertuples()]\n"
        "    flags = ledger['summary'].map(lambda s: s.strip())\n"
        "    kinds = ledger['kind'].map({'a': 1})\n"
        "    for unit in ledger['unit']:\n"
        "        pass\n"
        "    return ledger.apply(len, axis=1)\n",
        encoding="utf-8",
    )
    kinds = [what for *_, what in row_wise_constructs(sample)]
    assert sorted(kinds) == sorted(
        [".itertuples()", ".map(function)", "for … in frame['unit']", ".apply()"]
    )
