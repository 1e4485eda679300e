import { html, type SafeHtml } from './html.js';

/**
 * Horizontal bar chart as inline SVG: readable on a phone, printable, no script needed,
 * with a text title and description for screen readers (the table beside it holds the numbers).
 * No viewBox: the chart takes the page's width and its text keeps its real size (a scaled-down
 * 800-unit drawing made 5-pixel labels on a phone). Positions across are percentages; the bars
 * sit in a nested <svg> so their lengths are percentages of the bar column.
 */
export function barChart(rows: { label: string; value: number }[], opts: { title: string; format: (n: number) => string }): SafeHtml {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 22;
  const labelCol = 40; // % of the width for the names
  const barCol = 44; // % for the bars; the rest holds the number after the longest bar
  const h = rows.length * rowH + 8;
  const pct = (v: number) => `${((v / max) * 100).toFixed(2)}%`;
  return html`<svg class="chart" width="100%" height="${h}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">${opts.title}</title>
<desc id="chart-desc">${rows.map((r) => `${r.label}: ${opts.format(r.value)}`).join('; ')}</desc>
${rows.map((r, i) => html`<text x="${labelCol}%" dx="-6" y="${i * rowH + 19}" text-anchor="end">${r.label}</text>`)}
<svg x="${labelCol}%" width="${barCol}%" height="${h}" overflow="visible">
${rows.map((r, i) => {
  const y = i * rowH + 4;
  return html`<rect x="0" y="${y + 3}" width="${pct(r.value)}" height="${rowH - 6}" rx="2"></rect><text x="${pct(r.value)}" dx="6" y="${y + 15}">${opts.format(r.value)}</text>`;
})}
</svg>
</svg>`;
}
