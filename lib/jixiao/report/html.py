"""The report notebook as a standalone HTML page: no code cells, the Chinese font embedded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class HtmlExportTools:
    """What the HTML export needs before it sees the report: nbconvert's exporter with its templates
    compiled, and the CJK font read for subsetting. The font is changed by one subsetting, so a
    set of tools serves one export."""

    exporter: object
    font: object
    options: object


def prepare_html_export() -> HtmlExportTools:
    """Import nbconvert, compile its templates and read the shipped font (≈ 1 s of a run).

    None of it depends on the report, so a caller exporting several reports can prepare the next
    set while it waits for a notebook.
    """
    import nbformat
    from fontTools import subset
    from nbconvert import HTMLExporter

    from jixiao.charts import FONT_FILE

    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    exporter.from_notebook_node(nbformat.v4.new_notebook())  # loads and compiles the templates
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Horizontal Chinese text needs no OpenType layout features; keeping them triples the time.
    options.layout_features = []
    font = subset.load_font(str(FONT_FILE), options)
    for tag in font.keys():
        font[tag]  # fontTools reads tables on first use: read them now
    return HtmlExportTools(exporter=exporter, font=font, options=options)


def export_html(
    executed_notebook: Path, target: Path, tools: HtmlExportTools | None = None
) -> Path:
    """The executed report notebook as HTML without code cells, with a Chinese font embedded.

    Deterministic: cell ids are renumbered by position and the report's tables use fixed
    element ids (``scoring_table_styler``, ``outputs_table_styler`` in :mod:`.sections`), so two runs on the
    same inputs give the same bytes.

    The font is the shipped Noto Sans CJK SC cut down to the characters the page uses, so the
    report shows Chinese on a machine without CJK fonts and stays small. ``tools`` come from
    :func:`prepare_html_export` (prepared here when not given) and are used up by the export.
    """
    import base64
    import io

    import nbformat
    from fontTools import subset

    tools = tools if tools is not None else prepare_html_export()
    notebook = nbformat.read(executed_notebook, as_version=4)
    for index, cell in enumerate(notebook.cells):
        # papermill gives its injected-parameters cell a random id, which the HTML carries.
        cell["id"] = f"cell-{index:02d}"
    body, _ = tools.exporter.from_notebook_node(notebook)
    font = tools.font
    tools.font = None  # subsetting changes the font: it cannot serve a second export
    if font is None:
        raise ValueError(
            "these export tools were used already; prepare_html_export() gives new ones"
        )
    subsetter = subset.Subsetter(tools.options)
    subsetter.populate(unicodes={ord(ch) for ch in body if ord(ch) > 0x7F} | set(range(0x20, 0x7F)))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    style = (
        "<style>@font-face{font-family:'JixiaoCJK';src:url(data:font/otf;base64,"
        + encoded
        + ") format('opentype');}"
        "body,.jp-RenderedHTMLCommon,.jp-RenderedHTMLCommon table{font-family:'JixiaoCJK',sans-serif !important;}</style>"
    )
    Path(target).write_text(body.replace("</head>", style + "</head>", 1), encoding="utf-8")
    return Path(target)
