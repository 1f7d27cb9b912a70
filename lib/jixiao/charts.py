"""Chart set-up shared by every step: the shipped Chinese font and saving figures.

Charts must show Chinese on a fresh machine with no system CJK fonts. The project ships
Noto Sans CJK SC (SIL OFL 1.1, ``lib/jixiao/fonts/``); ``use_chinese_font`` registers it with
matplotlib. ``save_figure`` writes PNG (≥ 200 dpi), SVG (text as paths, so no font is needed to
view it) and PDF (glyphs embedded), and refuses a figure that drew a missing glyph. It always
draws in the kernel, under ``jixiao run`` as in JupyterLab.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import matplotlib

from . import paths
from .concurrency import thread_count

FONT_FILE = paths.FONTS_DIR / "NotoSansCJKsc-Regular.otf"
FORMATS = ("png", "svg", "pdf")
MIN_DPI = 200
TIGHT_PAD_INCHES = 0.1  # matplotlib's own pad for bbox_inches="tight"

_font_name: str | None = None


class MissingGlyphError(RuntimeError):
    """A chart drew a character the font does not have (it would show as a box)."""


def use_chinese_font() -> str:
    """Register the shipped CJK font and make it matplotlib's default; return its family name."""
    global _font_name
    from matplotlib import font_manager

    if _font_name is None:
        if not FONT_FILE.is_file():
            raise FileNotFoundError(f"The shipped Chinese font is missing: {FONT_FILE}")
        font_manager.fontManager.addfont(str(FONT_FILE))
        _font_name = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [_font_name, "DejaVu Sans"]
    # The CJK font's minus sign is fine, but keep ASCII hyphen-minus for axis labels anyway.
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.fonttype"] = "path"
    # Type 3 embeds the CFF outlines cleanly; Type 42 would mislabel them as TrueType.
    matplotlib.rcParams["pdf.fonttype"] = 3
    matplotlib.rcParams["figure.dpi"] = 100
    matplotlib.rcParams["savefig.bbox"] = "tight"
    # Fixed metadata so the same chart gives the same SVG/PDF bytes on every run.
    matplotlib.rcParams["svg.hashsalt"] = "jixiao"
    return _font_name


def yuan_tick(value, _position=None) -> str:
    """Axis label for an amount in 元: thousands separated, no decimals."""
    return f"{value:,.0f}"


def save_figure(
    fig,
    name: str,
    folder: Path,
    *,
    formats=FORMATS,
    dpi: int = MIN_DPI,
    show: bool = False,
    width: int = 720,
) -> dict[str, Path]:
    """Save ``fig`` as ``folder/name.<fmt>`` for each format; raise if a glyph is missing.

    With ``show=True`` the saved PNG is displayed in the notebook (``width`` pixels wide).
    """
    if dpi < MIN_DPI:
        raise ValueError(f"dpi must be at least {MIN_DPI} for hand-on charts, got {dpi}")
    missing = missing_glyphs(fig)
    if missing:
        raise MissingGlyphError(f"{name}: the font has no glyph for {''.join(missing)!r}")
    written = write_figure_files(fig, name, folder, formats=formats, dpi=dpi)
    if show and "png" in written:
        show_file(written["png"], width=width)
    return written


def write_figure_files(
    fig, name: str, folder: Path, *, formats=FORMATS, dpi: int = MIN_DPI
) -> dict[str, Path]:
    """Draw ``fig`` into ``folder/name.<fmt>`` for each format; raise if a glyph is missing.

    The figure is drawn once at ``dpi``: that drawing gives the tight bounding box used by every
    format and, cropped to it, the PNG itself, so only SVG and PDF draw again.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    engine = fig.get_layout_engine()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bbox, pixels = _draw(fig, dpi)  # a layout engine ("tight") lays the figure out here
        if engine is not None:
            fig.set_layout_engine("none")  # SVG and PDF keep that layout instead of redoing it
        try:
            _write_formats(fig, name, folder, formats, dpi, bbox, pixels, written)
        finally:
            if engine is not None:
                fig.set_layout_engine(engine)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    if missing:
        for target in written.values():
            target.unlink(missing_ok=True)
        raise MissingGlyphError(f"{name}: {missing[0]}")
    return written


def _write_formats(
    fig, name: str, folder: Path, formats, dpi: int, bbox, pixels, written: dict
) -> None:
    """Write each format from the one drawing (PNG) or with its bounding box (SVG, PDF).

    The PNG of the drawing is compressed on a second thread (Pillow's encoder releases the GIL)
    while this one draws the SVG and the PDF; it is on disk when this returns.
    """
    from_drawing = "png" in formats and pixels is not None

    def drawn_again() -> None:
        for fmt in formats:
            if fmt == "png" and from_drawing:
                continue
            metadata = {"Software": None}
            if fmt == "svg":
                metadata = {"Date": None}
            elif fmt == "pdf":
                metadata = {"CreationDate": None, "Producer": None, "Creator": None}
            target = folder / f"{name}.{fmt}"
            fig.savefig(target, format=fmt, dpi=dpi, metadata=metadata, bbox_inches=bbox)

    if not from_drawing:
        drawn_again()
    elif thread_count() == 1:  # JIXIAO_THREADS=1: one thing after another
        _write_png(pixels, folder / f"{name}.png", dpi)
        drawn_again()
    else:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-png") as pool:
            png = pool.submit(_write_png, pixels, folder / f"{name}.png", dpi)
            drawn_again()
        png.result()  # the PNG's own error, if it had one
    written.update((fmt, folder / f"{name}.{fmt}") for fmt in formats)


def missing_glyphs(fig) -> list[str]:
    """Characters of the figure's texts that none of their fonts has (checked without drawing).

    Text made while drawing (tick labels from a formatter) is not there yet; drawing checks it.
    """
    from matplotlib import font_manager
    from matplotlib.text import Text

    missing: dict[str, None] = {}
    covered: dict[tuple[str, ...], set[int]] = {}
    for text in fig.findobj(Text):
        content = text.get_text()
        if not content or content.isascii() or "$" in content:
            continue  # ASCII is in every font; mathtext has its own fonts
        files = tuple(font_manager.fontManager._find_fonts_by_props(text.get_fontproperties()))
        if files not in covered:
            covered[files] = set().union(*(font_manager.get_font(f).get_charmap() for f in files))
        for ch in content:
            if not ch.isspace() and ord(ch) not in covered[files]:
                missing[ch] = None
    return list(missing)


def _draw(fig, dpi: int):
    """Draw ``fig`` at ``dpi`` on Agg; return its padded tight bounding box (inches) and the
    RGBA pixels inside it, or ``None`` for the pixels when the box reaches past the canvas."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    shown_dpi = fig.dpi
    fig.dpi = dpi
    try:
        canvas.draw()
        bbox = fig.get_tightbbox(canvas.get_renderer()).padded(TIGHT_PAD_INCHES)
        rgba = np.asarray(canvas.buffer_rgba())
    finally:
        fig.dpi = shown_dpi
    height, width = rgba.shape[:2]
    # Pixel edges of the box; rows count from the top of the canvas.
    left, right = int(np.floor(bbox.x0 * dpi)), int(np.ceil(bbox.x1 * dpi))
    top, bottom = height - int(np.ceil(bbox.y1 * dpi)), height - int(np.floor(bbox.y0 * dpi))
    if left < 0 or top < 0 or right > width or bottom > height:
        return bbox, None  # content outside the canvas: let savefig lay it out for the PNG too
    return bbox, rgba[top:bottom, left:right].copy()


PNG_COMPRESS_LEVEL = 3  # lossless either way; level 6 takes twice as long for 3 % smaller files


def _write_png(pixels, target: Path, dpi: int) -> None:
    """The pixels as PNG; an opaque chart (the usual white background) is stored as RGB, a
    quarter fewer bytes to compress, with exactly the same colours."""
    import numpy as np
    from PIL import Image

    if bool((pixels[..., 3] == 255).all()):
        image = Image.fromarray(np.ascontiguousarray(pixels[..., :3]), mode="RGB")
    else:
        image = Image.fromarray(pixels, mode="RGBA")
    image.save(target, format="png", dpi=(dpi, dpi), compress_level=PNG_COMPRESS_LEVEL)


def show_file(png: Path, *, width: int = 720, optional: bool = False) -> None:
    """Display a saved PNG in the notebook (JupyterLab, executed copies and HTML export).

    ``optional``: show nothing when there is no such file.
    """
    from IPython.display import Image, display

    if optional and not Path(png).is_file():
        return
    display(Image(filename=str(png), width=width))


def show(fig, *, dpi: int = 110) -> None:
    """Display a figure in the notebook as a PNG image.

    The step modules build figures with ``matplotlib.figure.Figure`` (no pyplot state, so
    nothing leaks between charts); such figures are not shown automatically, and papermill
    would record only their text form. Rendering to PNG here works in JupyterLab, in executed
    copies and in the HTML export alike.
    """
    import io

    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    display(Image(data=buffer.getvalue()))
