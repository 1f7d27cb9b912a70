"""Chart files drawn by a helper process while the notebooks go on (``jixiao run`` only).

Drawing a chart three times (PNG at 200 dpi, SVG, PDF) is the largest part of the notebooks' own
time. Under ``jixiao run`` each kernel hands its figures, pickled, to one helper process that
draws them on the machine's other core, and goes on with the next cell. Where the notebook
shows a chart it records a placeholder output naming the PNG; once the last notebook has run,
the runner waits for the helper and puts each PNG into the executed notebooks in place of its
placeholder (the same output ``IPython.display.Image`` gives), before the HTML report is
exported. The files and the executed notebooks are the same as when the kernel draws itself.

Outside ``jixiao run`` (JupyterLab, plain papermill), or with ``JIXIAO_CHART_HELPER=0``,
nothing here is used and ``charts.save_figure`` draws in the kernel.

A chart the helper cannot draw (a glyph the font lacks, a disk error) fails the run at the end,
naming the notebook and the chart; ``charts.save_figure`` checks the figure's text against the
font first, so the usual case still fails in the cell that made the chart.
"""

from __future__ import annotations

import base64
import os
import pickle
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

ADDRESS_VARIABLE = "JIXIAO_CHART_SERVICE"
KEY_VARIABLE = "JIXIAO_CHART_SERVICE_KEY"
STEP_VARIABLE = "JIXIAO_STEP"
# JIXIAO_CHART_HELPER=0 (or off / false / no): no helper, every kernel draws its own charts.
HELPER_VARIABLE = "JIXIAO_CHART_HELPER"
PENDING_MIME = "application/vnd.jixiao.pending-image+json"
IMAGE_TEXT = "<IPython.core.display.Image object>"  # what IPython shows for an Image as text


class ChartServiceError(RuntimeError):
    """The helper could not be started, or did not draw every chart it was given."""


@dataclass(frozen=True)
class ChartResult:
    step: str
    name: str
    files: tuple[str, ...]
    error: str | None


# ----------------------------------------------------------------------------- kernel side


class ChartClient:
    """What a kernel uses to hand a figure to the helper."""

    def __init__(self, address: str, key: bytes):
        self.address = address
        self.key = key

    def submit(self, fig, name: str, folder: Path, *, formats, dpi: int) -> bool:
        """Send ``fig`` to be written as ``folder/name.<fmt>``; False if the helper could not
        rebuild it (it cannot be pickled, or uses a function defined in the notebook itself), in
        which case the caller draws it itself."""
        import matplotlib
        from matplotlib import font_manager

        try:
            figure = pickle.dumps(fig)
        except (pickle.PicklingError, AttributeError, TypeError):
            return False
        if b"__main__" in figure:
            return False  # refers to a function defined in the notebook, which the helper cannot import
        # Settings read at drawing time (fonts, SVG/PDF font types, hash salt) go with the figure.
        rc = {
            k: v
            for k, v in matplotlib.rcParams.items()
            if k != "backend" and v != matplotlib.rcParamsDefault[k]
        }
        job = {
            "step": os.environ.get(STEP_VARIABLE, ""),
            "name": name,
            "folder": str(Path(folder).resolve()),
            "formats": tuple(formats),
            "dpi": dpi,
            "rc": rc,
            # Fonts registered in the kernel (the shipped CJK font, any the notebook added).
            "fonts": sorted({entry.fname for entry in font_manager.fontManager.ttflist}),
            "figure": figure,
        }
        with _connect(self.address, self.key) as connection:
            connection.send(("render", job))
        return True


def _connect(address: str, key: bytes, *, helper: ChartService | None = None, wait: float = 20.0):
    """A connection to the helper, waiting for it to listen if it has only just been started."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return Client(address, authkey=key)
        except (FileNotFoundError, ConnectionRefusedError):
            if helper is not None and helper._process.poll() is not None:
                raise ChartServiceError(f"the chart helper stopped: {helper._stderr()}") from None
            if time.monotonic() > deadline:
                raise ChartServiceError(
                    f"the chart helper did not start listening within {wait:.0f} s"
                ) from None
            time.sleep(0.02)


def client_from_environment() -> ChartClient | None:
    address = os.environ.get(ADDRESS_VARIABLE)
    key = os.environ.get(KEY_VARIABLE)
    if not address or not key:
        return None
    return ChartClient(address, bytes.fromhex(key))


def show_pending(png: Path, *, width: int, optional: bool = False) -> None:
    """Show a placeholder for ``png``; the runner puts the image in once the helper has drawn it.

    ``optional``: leave the output out if there is no such file by then (instead of failing).
    """
    from IPython.display import display

    path = str(Path(png).resolve())
    display(
        {
            PENDING_MIME: {"path": path, "width": width, "optional": optional},
            "text/plain": f"[图表 {Path(png).name}]",
        },
        raw=True,
    )


# ----------------------------------------------------------------------------- runner side


def helper_wanted() -> bool:
    return os.environ.get(HELPER_VARIABLE, "1").strip().lower() not in ("0", "off", "false", "no")


class ChartService:
    """The helper process, as the runner sees it: start, hand its address to the kernels, finish."""

    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)
        # The address is chosen here, so neither the runner nor a kernel waits for the helper to
        # start; a kernel that is early retries its connection (see _connect).
        self._socket_dir: str | None = None
        if sys.platform == "win32":
            self.address = rf"\\.\pipe\jixiao-charts-{os.getpid()}-{secrets.token_hex(8)}"
        else:
            self._socket_dir = tempfile.mkdtemp(prefix="jixiao-charts-")
            self.address = os.path.join(self._socket_dir, "helper.sock")
        # A file, not a pipe, for what the helper prints: a full pipe would stop it.
        self._errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "jixiao.chart_service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
            text=True,
        )
        self._finished = False
        self._process.stdin.write(f"{self.key.hex()}\n{self.address}\n")
        self._process.stdin.flush()

    def environment(self) -> dict[str, str]:
        """Variables a kernel needs to find the helper (inherited when the kernel starts)."""
        return {ADDRESS_VARIABLE: self.address, KEY_VARIABLE: self.key.hex()}

    def finish(self, timeout: float = 600) -> list[ChartResult]:
        """Wait until every chart handed in so far is drawn; return what happened to each."""
        try:
            with _connect(self.address, self.key, helper=self) as connection:
                connection.send(("finish", None))
                if not connection.poll(timeout):
                    raise ChartServiceError(
                        f"the chart helper did not finish within {timeout:.0f} s"
                    )
                results = connection.recv()
        except (EOFError, ConnectionError, OSError) as exc:
            raise ChartServiceError(f"the chart helper stopped: {exc}; {self._stderr()}") from exc
        self._finished = True
        return [
            ChartResult(**r) for r in results
        ]  # every file was closed before the helper answered

    def close(self) -> None:
        """Stop the helper (it ends by itself after ``finish``) and clean up after it."""
        try:
            self._process.wait(timeout=5 if self._finished else 0)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdin.close()
        self._errors.close()
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    def _stderr(self) -> str:
        if self._process.poll() is None:
            return "helper still running"
        self._errors.seek(0)
        return self._errors.read().strip()[-2000:]


def failures_message(results: list[ChartResult]) -> str | None:
    failed = [r for r in results if r.error]
    if not failed:
        return None
    lines = [f"  {r.step or '?'} · {r.name}: {r.error}" for r in failed]
    return "图表文件生成失败 / chart files could not be written:\n" + "\n".join(lines)


def fill_pending_images(notebook_file: Path) -> int:
    """Replace the placeholders in an executed notebook by the PNGs they name; return how many.

    A placeholder whose PNG is missing is dropped if it was optional, else it is an error.
    """
    import nbformat

    notebook = nbformat.read(notebook_file, as_version=4)
    filled = dropped = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            pending = (
                output.get("data", {}).get(PENDING_MIME)
                if output.get("output_type") == "display_data"
                else None
            )
            if pending is None:
                outputs.append(output)
                continue
            png = Path(pending["path"])
            if not png.is_file():
                if pending.get("optional"):
                    dropped += 1
                    continue
                raise ChartServiceError(
                    f"{notebook_file.name}: the chart {png.name} was not written"
                )
            outputs.append(
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        "image/png": base64.b64encode(png.read_bytes()).decode("ascii"),
                        "text/plain": IMAGE_TEXT,
                    },
                    metadata={"image/png": {"width": pending["width"]}},
                )
            )
            filled += 1
        cell["outputs"] = outputs
    if filled or dropped:
        nbformat.write(notebook, notebook_file)
    return filled


# ----------------------------------------------------------------------------- the helper


def _draw(job: dict) -> ChartResult:
    import matplotlib
    from matplotlib import font_manager

    from . import charts

    try:
        known = {entry.fname for entry in font_manager.fontManager.ttflist}
        for font_file in job["fonts"]:
            if font_file not in known and Path(font_file).is_file():
                font_manager.fontManager.addfont(font_file)
        fig = pickle.loads(job["figure"])
        with matplotlib.rc_context(job["rc"]):
            written = charts.write_figure_files(
                fig, job["name"], Path(job["folder"]), formats=job["formats"], dpi=job["dpi"]
            )
        return ChartResult(job["step"], job["name"], tuple(str(p) for p in written.values()), None)
    except Exception as exc:  # reported to the runner, which fails the run with it
        return ChartResult(job["step"], job["name"], (), f"{type(exc).__name__}: {exc}")


def _serve() -> None:
    if hasattr(os, "nice"):
        os.nice(5)  # the kernels come first; the helper draws in the time they leave
    key = bytes.fromhex(sys.stdin.readline().strip())
    listener = Listener(sys.stdin.readline().strip(), authkey=key)
    jobs: queue.Queue = queue.Queue()

    def accept() -> None:
        while True:
            try:
                connection = listener.accept()
            except AuthenticationError:
                continue  # not one of this run's kernels
            except OSError:
                return  # closed after "finish" (or broken: the kernels and the runner then say so)
            try:
                message, payload = connection.recv()
            except (OSError, EOFError):
                connection.close()
                continue  # a kernel that went away mid-message
            if message == "finish":
                jobs.put((message, connection))
                return
            connection.close()
            jobs.put((message, payload))

    threading.Thread(target=accept, daemon=True).start()
    # matplotlib and the backends now, while the first notebook (which draws nothing) runs; at
    # the helper's lower priority this takes only what the kernel leaves.
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.backends.backend_pdf  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    results: list[ChartResult] = []
    while True:
        message, payload = jobs.get()
        if message == "render":
            results.append(_draw(payload))
        elif message == "finish":
            listener.close()
            payload.send([asdict(r) for r in results])
            payload.close()
            os._exit(0)  # all written and answered: skip tearing down matplotlib and friends


if __name__ == "__main__":
    try:
        _serve()
    except Exception:
        traceback.print_exc()
        sys.exit(1)
