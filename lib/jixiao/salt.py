"""The salt of the respondents' pseudonyms (``person_key``): a secret from the environment,
or — only for a reconstructed case of fictional people — a public one. Ingest asks for it before
it writes the survey and interview tables; the manifest records where it came from, never the
salt itself."""

from __future__ import annotations

import os
import re
from pathlib import Path

from jixiao import paths, schema
from jixiao.errors import ParameterError

SALT_ENVIRONMENT_VARIABLE = "JIXIAO_PRIVACY_SALT"
# Salt origins recorded in the manifest (never the salt itself).
SALT_FROM_ENVIRONMENT = "environment"
SALT_PUBLIC_FOR_RECONSTRUCTED_CASE = "public (reconstructed_case)"
SALT_NOT_NEEDED = "not needed (no respondents)"


def public_salt(year: int) -> str:
    """The salt a fictional or reconstructed case may use: printed here, so it protects nobody."""
    return f"jixiao-{year}"


MIN_SALT_LENGTH = 16


def check_salt_strength(secret: str) -> None:
    """A salt anyone could guess protects nobody: too short, or the public case pattern."""
    if len(secret.strip()) < MIN_SALT_LENGTH or re.fullmatch(r"\s*jixiao-\d{4}\s*", secret):
        raise ParameterError(
            f"隐私盐值 {SALT_ENVIRONMENT_VARIABLE} 太弱：至少 {MIN_SALT_LENGTH} 个字符，且不能是公开的案例盐值"
            "（jixiao-<年度>）。请改用一串只有评价组知道的随机文字，例如 "
            'python -c "import secrets; print(secrets.token_hex(16))" 生成的 32 位文字。'
        )


def privacy_salt(year: int, raw_folder: Path | None = None) -> tuple[str, str]:
    """The salt for the pseudonyms and where it came from (``environment`` or the public one).

    Real data must use a secret salt from ``JIXIAO_PRIVACY_SALT``: with the public one, anyone
    could try the 10,000 numbers a masked phone (156****6328) leaves open against
    ``person_key``. Only a case whose ``parameters.toml`` declares ``reconstructed_case = true``
    (fictional people) may go without it. Anything else is a :class:`ParameterError` that says
    how to set the variable.
    """
    from jixiao.case import RECONSTRUCTED_CASE, declares_reconstructed_case

    secret = os.environ.get(SALT_ENVIRONMENT_VARIABLE, "")
    if secret.strip():
        check_salt_strength(secret)
        return secret, SALT_FROM_ENVIRONMENT
    folder = Path(raw_folder) if raw_folder is not None else paths.raw_dir(year)
    if declares_reconstructed_case(folder):
        return public_salt(year), SALT_PUBLIC_FOR_RECONSTRUCTED_CASE
    raise ParameterError(
        f"未设置隐私盐值 {SALT_ENVIRONMENT_VARIABLE}：问卷和电话访谈含有姓名、手机号、身份证号，写出前要用只有评价组知道的"
        "盐值生成受访者代码（person_key）；没有它，凭脱敏后的手机号（如 156****6328）只需试 1 万个号码就能反推出完整号码。\n"
        f"请先设置环境变量 {SALT_ENVIRONMENT_VARIABLE} 为一串随机文字，再重新运行：\n"
        f"  Linux / macOS：export {SALT_ENVIRONMENT_VARIABLE}=\"$(python -c 'import secrets; print(secrets.token_hex(16))')\"\n"
        f'  Windows PowerShell：$env:{SALT_ENVIRONMENT_VARIABLE} = "<随机文字>"（可用 python -c "import secrets; print(secrets.token_hex(16))" 生成）\n'
        "盐值要妥善保管、不要写进项目文件或提交到代码库；同一盐值下各次运行、各台机器的受访者代码相同，换了盐值代码就全部改变。\n"
        f"只有虚构或重构的案例数据（人员信息均为虚构）才可以在 {folder / schema.PARAMETERS_FILE} 中写 "
        f"{RECONSTRUCTED_CASE} = true，改用公开的默认盐值。"
    )
