"""The equality audit and the drift monitor as files: JSON, or one self-contained HTML page whose plots are inline
SVG (matplotlib; no script, nothing fetched), plus the plots alone as PNG ``data:`` URLs for the portal page
(whose content security policy forbids the inline styles an SVG carries)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from core.errors import InputError
from oversight.models import DriftReport, EqualityReport

UNIT_FORMAT = {"share": ("{:.1f} %", 100.0), "ratio": ("{:.3f}", 1.0), "count": ("{:.2f}", 1.0),
               "percent": ("{:.2f} %", 1.0), "hours": ("{:.1f} h", 1.0)}
"""How a metric of each unit is shown: the format and the factor its stored value is multiplied by."""
GAP_FORMAT = {"share": ("{:+.1f} pp", 100.0), "ratio": ("{:+.3f}", 1.0), "count": ("{:+.2f}", 1.0),
              "percent": ("{:+.2f} pp", 1.0), "hours": ("{:+.1f} h", 1.0)}


def show(value: float | None, unit: str) -> str:
    """Return a metric value for reading in its unit, or ``n/a``."""
    if value is None:
        return "n/a"
    fmt, factor = UNIT_FORMAT[unit]
    return fmt.format(value * factor)


def show_gap(value: float | None, unit: str) -> str:
    """Return a gap (a difference of two values) for reading, or ``n/a``."""
    if value is None:
        return "n/a"
    fmt, factor = GAP_FORMAT[unit]
    return fmt.format(value * factor)


def pvalue(x: float | None) -> str:
    """Return a p-value for reading."""
    return "n/a" if x is None else ("< 0.0001" if x < 1e-4 else f"{x:.4f}")


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_alpha(0)
    return fig


def flag_figure(report: EqualityReport, dimension: str, metric: str) -> Any:
    """Return a bar chart of one metric over a dimension's groups (too small ones left out), the flagged pair
    highlighted."""
    info = report.metrics[metric]
    _fmt, factor = UNIT_FORMAT[info.unit]
    rows = [(g, v[metric]) for g, v in report.groups[dimension].items() if v.get(metric) is not None]
    rows.sort(key=lambda gv: float(gv[1] or 0))
    pair = report.disparities.get(dimension, {}).get(metric)
    fig = _figure(6.4, max(1.6, 0.32 * len(rows) + 0.9))
    ax = fig.add_subplot()
    names = [g for g, _ in rows]
    values = [float(v or 0) * factor for _, v in rows]
    colours = ["#a01010" if pair and g in pair.groups else "#3d6fa5" for g in names]
    ax.barh(names, values, color=colours)
    overall = report.overall.get(metric)
    if overall is not None:
        ax.axvline(overall * factor, color="#555", linestyle="--", linewidth=1, label="all companies")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"{info.label} by {dimension.replace('_', ' ')}", fontsize=9)
    ax.tick_params(labelsize=8)
    return fig


def overview_figure(report: EqualityReport) -> Any:
    """Return the grid of min/max ratios (dimension x metric): coloured where the gap is statistically clear
    (Holm p below alpha), grey where it was tested but is not, blank where it could not be tested; a ring marks
    a flag. A ratio alone would paint noise of small groups red."""
    import numpy as np
    from matplotlib.colors import ListedColormap

    dims = list(report.groups)
    metrics = list(report.metrics)
    alpha = float(report.settings.get("alpha", 0.05))
    clear = np.full((len(dims), len(metrics)), np.nan)
    tested = np.full((len(dims), len(metrics)), np.nan)
    for i, d in enumerate(dims):
        for j, m in enumerate(metrics):
            out = report.disparities.get(d, {}).get(m)
            if out is None:
                continue
            tested[i, j] = 1.0
            if out.p_adjusted < alpha:
                clear[i, j] = out.ratio if out.ratio is not None else 0.5
    fig = _figure(7.2, 0.42 * len(dims) + 1.8)
    ax = fig.add_subplot()
    ax.imshow(tested, cmap=ListedColormap(["#e4e6ec"]), aspect="auto")
    image = ax.imshow(clear, vmin=0.5, vmax=1.0, cmap="RdYlGn", aspect="auto")
    ax.set_xticks(range(len(metrics)), [m.replace("_", " ") for m in metrics], rotation=45, ha="right",
                  fontsize=8)
    ax.set_yticks(range(len(dims)), [d.replace("_", " ") for d in dims], fontsize=8)
    flagged = {(f.dimension, f.metric) for f in report.flags}
    for i, d in enumerate(dims):
        for j, m in enumerate(metrics):
            if (d, m) in flagged:
                ax.scatter([j], [i], s=220, facecolors="none", edgecolors="black", linewidths=1.6)
    fig.colorbar(image, ax=ax, label="min / max across groups (clear gaps)")
    return fig


def _svg(fig: Any, name: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"audit-{name}", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figures(report: EqualityReport, encode: Any) -> dict[str, str]:
    out = {"overview": encode(overview_figure(report), "overview")}
    for f in report.flags:
        key = f"{f.dimension}-{f.metric}"
        out[key] = encode(flag_figure(report, f.dimension, f.metric), key)
    return out


def figures(report: EqualityReport) -> dict[str, str]:
    """Return the overview and one chart per flag as inline SVG markup."""
    return _figures(report, _svg)


def figure_images(report: EqualityReport) -> dict[str, str]:
    """Return the overview and one chart per flag as PNG ``data:`` URLs."""
    return _figures(report, lambda fig, _name: _png(fig))


def signal_value(value: float | None, kind: str) -> str:
    """Return a drift signal's value for reading: shares and coverage in %, a mean with four digits."""
    if value is None:
        return "–"
    return f"{100 * value:.1f} %" if kind in ("binary", "coverage") else f"{value:.4g}"


FILTERS = {"show": show, "show_gap": show_gap, "pvalue": pvalue, "signal_value": signal_value}


def _env() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("oversight", "templates"), autoescape=select_autoescape())
    env.filters.update(FILTERS)
    return env


def render_equality(report: EqualityReport) -> str:
    """Return the self-contained HTML page of an equality audit."""
    return _env().get_template("equality.html").render(r=report, figs=figures(report))


def render_drift(report: DriftReport) -> str:
    """Return the self-contained HTML page of a drift check."""
    return _env().get_template("drift.html").render(r=report)


def write(report: EqualityReport | DriftReport, out: Path) -> Path:
    """Write ``out`` as JSON (``.json``) or HTML (``.html``/``.htm``); return the path."""
    suffix = out.suffix.lower()
    if suffix not in (".json", ".html", ".htm"):
        raise InputError(f"--out must end in .json or .html, not {out.name!r}")
    if suffix == ".json":
        text = report.to_json()
    else:
        text = render_equality(report) if isinstance(report, EqualityReport) else render_drift(report)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror or err}") from None
    return out
