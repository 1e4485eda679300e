import { html, type SafeHtml } from './html.js';

/**
 * Horizontal bar chart as inline SVG: readable on a phone, printable, no script needed,
 * with a text title and description for screen readers (the table beside it holds the numbers).
 */
export function barChart(rows: { label: string; value: number }[], opts: { title: string; format: (n: number) => string }): SafeHtml {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowH = 22;
  const labelW = 190;
  const barW = 520;
  const h = rows.length * rowH + 8;
  return html`<svg class="chart" viewBox="0 0 ${labelW + barW + 90} ${h}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">${opts.title}</title>
<desc id="chart-desc">${rows.map((r) => `${r.label}: ${opts.format(r.value)}`).join('; ')}</desc>
${rows.map((r, i) => {
  const y = i * rowH + 4;
  const w = Math.round((r.value / max) * barW);
  return html`<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${r.label}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" rx="2"></rect><text x="${labelW + w + 6}" y="${y + 15}">${opts.format(r.value)}</text>`;
})}
</svg>`;
}
