/**
 * Latency-distribution plot (percentile spectrum) comparing the modes, as a standalone SVG.
 * x: percentile on a log scale of 1/(1−p) (50 %, 90 %, 99 %, 99.9 %, 99.99 %); y: latency (ms).
 * Data come from each mode's pooled fortio histogram. Pure: returns the SVG text.
 */
import { BenchmarkMode } from '../benchmark/contract';
import { ComparisonReport } from './report';

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = Object.freeze({ left: 70, right: 160, top: 40, bottom: 50 });
const COLORS: readonly string[] = Object.freeze(['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e']);
const X_TICKS: readonly number[] = Object.freeze([0, 50, 90, 99, 99.9, 99.99]);

function xOf(p: number): number {
  return Math.log10(1 / (1 - Math.min(p, 99.99) / 100));
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(max: number): number {
  const raw = max / 5;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** Renders the percentile spectrum of every mode with data; one polyline per mode. */
export function renderLatencySvg(r: ComparisonReport, title = 'Latency by percentile (pooled fortio histograms)'): string {
  const series = r.modes.filter((m) => m.distribution.length > 0);
  const maxMs = Math.max(0.001, ...series.flatMap((m) => m.distribution.map((d) => d.value * 1000)));
  const step = niceStep(maxMs);
  const yMax = Math.ceil(maxMs / step) * step;
  const xMax = xOf(99.99);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (p: number) => MARGIN.left + (xOf(p) / xMax) * plotW;
  const sy = (ms: number) => MARGIN.top + plotH - (ms / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let v = 0; v <= yMax + step / 2; v += step) {
    const y = sy(v).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${Number(v.toPrecision(6))}</text>`);
  }
  for (const p of X_TICKS) {
    const x = sx(p).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">p${p}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">percentile</text>`);
  parts.push(`<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">latency (ms)</text>`);
  series.forEach((m, i) => {
    const color = COLORS[i % COLORS.length];
    const points = m.distribution.map((d) => `${sx(d.p).toFixed(1)},${sy(d.value * 1000).toFixed(1)}`).join(' ');
    parts.push(`<polyline data-mode="${esc(m.mode)}" fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    const ly = MARGIN.top + 16 + i * 18;
    parts.push(`<line x1="${WIDTH - MARGIN.right + 14}" x2="${WIDTH - MARGIN.right + 34}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${ly}" dominant-baseline="middle">${esc(m.mode)}${m.mode === r.baseline && m.mode !== BenchmarkMode.BASELINE ? ' (baseline)' : ''}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
