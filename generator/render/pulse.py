"""/pulse/: the figures of model/pulse.py as accessible SVG charts (title, desc, a text summary
and the data table), rendered at build time with no JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from markupsafe import Markup

from generator.model.pulse import figures
from generator.render import pages
from generator.render.outputs import Output, Site

WIDTH, HEIGHT, PAD = 640, 200, 28


def bar_chart(ident: str, title: str, summary: str, months: list[str],
              series: dict[str, dict[str, int]]) -> Markup:
    """Grouped bars: one group per month, one bar per series."""
    names = list(series)
    peak = max([1] + [v for s in series.values() for v in s.values()])
    group = (WIDTH - PAD) / len(months)
    bar = max(2.0, group * 0.8 / len(names))
    parts = [f'<svg class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" '
             f'viewBox="0 0 {WIDTH} {HEIGHT + 24}" width="{WIDTH}" height="{HEIGHT + 24}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}-t">{escape(title)}</title>',
             f'<desc id="{ident}-d">{escape(summary)}</desc>',
             f'<line class="grid" x1="{PAD}" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}"/>',
             f'<text x="0" y="12" font-size="11" fill="currentColor">{peak}</text>']
    for m, month in enumerate(months):
        for n, name in enumerate(names):
            value = series[name][month]
            height = (HEIGHT - 16) * value / peak
            x = PAD + m * group + n * bar
            css = "bar bar-ask" if name == "asks" else "bar"
            opacity = "" if n == 0 or name == "asks" else f' fill-opacity="{1 - 0.3 * n:.1f}"'
            parts.append(f'<rect class="{css}"{opacity} x="{x:.1f}" y="{HEIGHT - height:.1f}" '
                         f'width="{bar - 1:.1f}" height="{height:.1f}"/>')
        if m % 2 == 0:
            parts.append(f'<text x="{PAD + m * group:.1f}" y="{HEIGHT + 16}" font-size="11" '
                         f'fill="currentColor">{month}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def share_chart(title: str, part: int, whole: int, summary: str) -> Markup:
    """One horizontal bar: the share of a whole."""
    width = 0 if not whole else round((WIDTH - 2) * part / whole, 1)
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="share-t share-d" viewBox="0 0 {WIDTH} 28" '
        f'width="{WIDTH}" height="28" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="share-t">{escape(title)}</title><desc id="share-d">{escape(summary)}</desc>'
        f'<rect class="grid" x="1" y="4" width="{WIDTH - 2}" height="20" rx="10" fill="none" '
        f'stroke="currentColor" stroke-opacity=".3"/>'
        f'<rect class="bar" x="1" y="4" width="{width}" height="20" rx="10"/></svg>')


def table(ident: str, months: list[str], series: dict[str, dict[str, int]],
          labels: dict[str, str], caption: str) -> Markup:
    head = "".join(f'<th scope="col">{escape(labels.get(n, n))}</th>' for n in series)
    rows = "".join(
        f'<tr><th scope="row">{m}</th>' + "".join(f"<td>{series[n][m]}</td>" for n in series)
        + "</tr>" for m in months)
    return Markup(f'<table id="{ident}-data"><caption>{escape(caption)}</caption><thead><tr>'
                  f'<th scope="col">{escape(labels.get("month", "month"))}</th>{head}</tr></thead>'
                  f"<tbody>{rows}</tbody></table>")


def render(site: Site) -> Iterator[Output]:
    # counts by month of the hub's structure (dates, intents, people) and git: an edit of content
    # alone leaves it as it was (see model/structure.py)
    kept = site.untouched("pulse/index.html")
    if kept is not None:
        yield kept
        return
    hub = site.hub
    data = figures(hub)
    words = site.theme.words.get(site.theme.language(hub.config.language), {})

    def word(key: str) -> str:
        return str(words.get(key, key))

    months = data["months"]
    charts = []
    specs = [
        ("joined", "pulse_joined", {"members": data["members_joined"]}),
        ("given", "pulse_given", data["pieces_given"]),
        ("active", "pulse_active", {"contributors": data["active_contributors"]}
         if data["active_contributors"] is not None else None),
        ("ratio", "pulse_ratio", {"gives": data["gives"], "asks": data["asks"]}),
        ("rituals", "pulse_rituals", {"rituals": data["rituals_held"]}),
    ]
    labels = {k: word("series_" + k) for k in ("members", "stories", "resources", "newsletters",
                                              "contributors", "gives", "asks", "rituals")}
    labels["month"] = word("month")
    for ident, key, series in specs:
        if series is None:
            charts.append({"title": word(key), "missing": True})
            continue
        totals = {labels[n]: sum(s.values()) for n, s in series.items()}
        summary = word("pulse_summary").format(
            months=len(months), first=months[0], last=months[-1],
            totals=", ".join(f"{v} {k.lower()}" for k, v in totals.items()))
        charts.append({"title": word(key), "summary": summary, "missing": False,
                       "svg": bar_chart(ident, word(key), summary, months, series),
                       "table": table(ident, months, series, labels, word(key))})
    tellers = data["storytellers"]
    share_summary = word("pulse_share").format(part=tellers["with_a_story"],
                                               whole=tellers["members"])
    yield pages._page(site, "pulse.html", "pulse/index.html", title_key="pulse",
                      section="pulse", url=hub.config.base_path + "pulse/", charts=charts,
                      storytellers=tellers, share=share_chart(
                          word("pulse_storytellers"), tellers["with_a_story"], tellers["members"],
                          share_summary))
