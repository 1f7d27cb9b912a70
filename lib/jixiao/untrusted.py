"""Text read from raw files stays text wherever it is rendered.

Observations, 摘要, 往来单位, unit names, indicator texts and interview notes come from files
the evaluator received; a title such as ``<script>…`` or ``[点此](javascript:…)`` must show as
those characters, never become markup. Excel and CSV cells are neutralised separately in
:mod:`jixiao.export` (no formulas, no links).
"""

from __future__ import annotations

import html
import re

import pandas as pd

# Markdown's punctuation that can start emphasis, links, images, code, tables, headings or lists;
# '&' is left alone because html.escape has already turned it into an entity.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\](){}#+\-.!|~>])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value) -> str:
    """A cell as one line of text: NA as empty, line breaks and control characters as spaces."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _CONTROL.sub(" ", _LINE_BREAKS.sub(" ", str(value)))


def escape_html(value) -> str:
    """Text for an HTML element or attribute: ``& < > " '`` as entities."""
    return html.escape(plain(value), quote=True)


def escape_markdown(value) -> str:
    """Text for Markdown that renders as exactly these characters (no tags, links or emphasis)."""
    text = html.escape(plain(value), quote=False)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
