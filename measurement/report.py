"""The KPI report as files: the JSON of ``docs/measurement.md`` and a self-contained HTML page whose plots are
inline SVG (matplotlib; no script, no external file), plus the figures alone for the portal's ``/ui/kpi``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from core.errors import InputError
from measurement.models import KpiReport

FIGURES = ("ctr", "uplift", "coverage", "lorenz")
TITLES = {"ctr": "CTR per week", "uplift": "Uplift, treatment minus control, with its 95 % interval",
          "coverage": "Catalogue coverage per month", "lorenz": "Lorenz curve of impressions over the catalogue"}


def _svg(fig: Any, name: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"kpi-{name}", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float = 6.4, height: float = 3.2) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_alpha(0)
    return fig


def _ctr_figure(report: KpiReport) -> Any:
    fig = _figure()
    ax = fig.add_subplot()
    for surface, weeks in sorted(report.ctr_by_week.items()):
        points = [(w, v) for w, v in sorted(weeks.items()) if v is not None]
        if points:
            ax.plot([w for w, _ in points], [100 * v for _, v in points], marker="o", label=surface)
    ax.set_ylabel("CTR (%)")
    ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    if report.ctr_by_week:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no impressions", ha="center", transform=ax.transAxes)
    return fig


def _uplift_figure(report: KpiReport) -> Any:
    fig = _figure(height=2.2)
    panels = [("conversion per session (pp)", report.uplift.conversion, 100.0, "{:+.2f}"),
              (f"revenue per session ({report.currency or '?'})", report.uplift.revenue_per_session, 1.0,
               "{:+,.2f}")]
    for i, (label, up, scale, fmt) in enumerate(panels):
        ax = fig.add_subplot(1, 2, i + 1)
        lo, hi = up.ci95
        ax.axvline(0, color="#a01010", linewidth=1, linestyle="--")
        ax.set_yticks([])
        ax.set_title(label, fontsize=9)
        if up.absolute is None or lo is None or hi is None:
            ax.text(0.5, 0.5, "not enough data", ha="center", va="center", transform=ax.transAxes)
            continue
        x = scale * up.absolute
        ax.errorbar([x], [0], xerr=[[x - scale * lo], [scale * hi - x]], fmt="o", capsize=6, color="#18324f")
        ax.set_xlabel(f"{fmt.format(x)} [{fmt.format(scale * lo)}, {fmt.format(scale * hi)}]", fontsize=8)
        ax.set_ylim(-1, 1)
    fig.subplots_adjust(wspace=0.35)
    return fig


def _coverage_figure(report: KpiReport) -> Any:
    fig = _figure()
    ax = fig.add_subplot()
    months = sorted(report.coverage)
    ax.bar(months, [100 * (report.coverage[m] or 0) for m in months], color="#3d6fa5")
    ax.axhline(30, color="#a01010", linewidth=1, linestyle="--", label="30 % warning line")
    ax.set_ylabel("active SKUs shown (%)")
    ax.set_ylim(0, 100)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8)
    return fig


def _lorenz_figure(report: KpiReport) -> Any:
    fig = _figure(width=4.2, height=4.0)
    ax = fig.add_subplot()
    points = report.popularity.lorenz
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], label="impressions", color="#3d6fa5")
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="equal exposure")
    gini = report.popularity.gini
    ax.set_title(f"Gini {gini:.3f}" if gini is not None else "no impressions", fontsize=9)
    ax.set_xlabel("share of catalogue SKUs")
    ax.set_ylabel("share of impressions")
    ax.legend(fontsize=8)
    return fig


def _png(fig: Any) -> str:
    import base64

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


MAKERS = {"ctr": _ctr_figure, "uplift": _uplift_figure, "coverage": _coverage_figure, "lorenz": _lorenz_figure}


def figure_images(report: KpiReport) -> dict[str, str]:
    """Return the four plots as PNG ``data:`` URLs (for pages whose content security policy forbids the inline
    styles an SVG carries)."""
    return {name: _png(MAKERS[name](report)) for name in FIGURES}


def figures(report: KpiReport) -> dict[str, str]:
    """Return the four plots as inline SVG markup: CTR over time, uplift with its interval, coverage per month,
    the Lorenz curve of impressions."""
    return {name: _svg(MAKERS[name](report), name) for name in FIGURES}


def pct(x: float | None, digits: int = 1) -> str:
    """Return a share as a percentage, or n/a."""
    return "n/a" if x is None else f"{100 * x:.{digits}f} %"


def num(x: float | None, digits: int = 2) -> str:
    """Return a number with thousands separators, or n/a."""
    return "n/a" if x is None else f"{x:,.{digits}f}"


def pp(x: float | None, digits: int = 2) -> str:
    """Return a difference of shares in percentage points, signed, or n/a."""
    return "n/a" if x is None else f"{100 * x:+.{digits}f} pp"


def pvalue(x: float | None) -> str:
    """Return a p-value for reading (``< 0.0001`` below that)."""
    return "n/a" if x is None else ("< 0.0001" if x < 1e-4 else f"{x:.4f}")


FILTERS = {"pct": pct, "num": num, "pp": pp, "pvalue": pvalue}


def render_html(report: KpiReport) -> str:
    """Return the self-contained HTML report."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("measurement", "templates"), autoescape=select_autoescape())
    env.filters.update(FILTERS)
    return env.get_template("report.html").render(r=report, figs=figures(report), titles=TITLES)


def write_report(report: KpiReport, out: Path) -> Path:
    """Write ``out`` as JSON (``.json``) or HTML (``.html``/``.htm``); return the path."""
    suffix = out.suffix.lower()
    if suffix not in (".json", ".html", ".htm"):
        raise InputError(f"--out must end in .json or .html, not {out.name!r}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.to_json() if suffix == ".json" else render_html(report), encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror or err}") from None
    return out
