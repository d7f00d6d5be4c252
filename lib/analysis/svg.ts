/**
 * Latency-distribution plot (percentile spectrum) comparing the modes, as a standalone SVG.
 * x: percentile on a log scale of 1/(1−p) (50 %, 90 %, 99 %, 99.9 %, 99.99 %); y: latency (ms).
 * Data come from each mode's pooled fortio histogram and stop where the table's sample-count
 * rule stops (no tail the table calls n/a). The plot names the run, the rate, the rounds used per
 * mode and what was excluded, and draws the paired-Δ intervals at the reported percentiles
 * (whisker from baseline + lower to baseline + upper). Pure: returns the SVG text.
 */
import { BenchmarkMode } from '../wire/bench-contract';
import { ComparisonReport } from './report-model';
import { stripControl } from './text-safety';

const WIDTH = 760;
const PLOT_HEIGHT = 440;
const LINE = 15;
const MARGIN = Object.freeze({ left: 70, right: 160, top: 40, bottom: 50 });
const COLORS: readonly string[] = Object.freeze(['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e']);
const X_TICKS: readonly number[] = Object.freeze([0, 50, 90, 99, 99.9, 99.99]);

function xOf(p: number): number {
  return Math.log10(1 / (1 - Math.min(p, 99.99) / 100));
}

function esc(s: string): string {
  return stripControl(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(max: number): number {
  const raw = max / 5;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** Renders the percentile spectrum of every mode with data; one polyline per mode. */
export function renderLatencySvg(r: ComparisonReport, title = 'Latency by percentile (pooled fortio histograms)'): string {
  const series = r.modes.filter((m) => m.distribution.length > 0);
  const base = r.modes.find((m) => m.mode === r.baseline);
  const whiskers = r.modes.flatMap((m, mi) => m.deltas.flatMap((d, i) => {
    const bv = base?.percentiles[i]?.value;
    if (d.status !== 'ok' || d.lower === null || d.upper === null || d.median === null || bv === null || bv === undefined) return [];
    return [{ mode: m.mode, mi, p: d.p, lo: (bv + d.lower) * 1000, hi: (bv + d.upper) * 1000, mid: (bv + d.median) * 1000, delta: d }];
  }));
  const excluded = r.runs.filter((x) => !x.valid);
  const captions = [
    `run ${r.runId ?? 'unknown'}${r.qps !== null ? ` · ${r.qps} QPS` : ''} · baseline ${r.baseline} · curves end where the table's rule (n·(1−p) ≥ 100, slip < (1−p)/10) ends`,
    ...r.modes.map((m) => `${m.mode}: ${m.validRounds}/${m.rounds} rounds used${m.missingRounds.length > 0 ? ` (not used: ${m.missingRounds.slice(0, 12).join(', ')}${m.missingRounds.length > 12 ? ', …' : ''})` : ''}, ${m.pooledCount} requests pooled`),
    excluded.length === 0 ? 'excluded runs: none' : `excluded runs: ${excluded.slice(0, 6).map((x) => `round ${x.round} ${x.mode} (${x.reasons[0] ?? 'invalid'})`).join('; ')}${excluded.length > 6 ? `; … ${excluded.length} in all` : ''}`,
    ...whiskers.map((w) => `Δ ${w.mode} p${w.p}: ${(w.delta.median as number) >= 0 ? '+' : ''}${((w.delta.median as number) * 1000).toPrecision(2)} ms [${((w.delta.lower as number) * 1000).toPrecision(2)}, ${((w.delta.upper as number) * 1000).toPrecision(2)}] over ${w.delta.pairs} paired rounds, coverage ${((w.delta.coverage ?? 0) * 100).toFixed(2)} %`),
  ];
  const HEIGHT = PLOT_HEIGHT + 10 + captions.length * LINE;
  const maxMs = Math.max(0.001, ...series.flatMap((m) => m.distribution.map((d) => d.value * 1000)), ...whiskers.map((w) => w.hi));
  const step = niceStep(maxMs);
  const yMax = Math.ceil(maxMs / step) * step;
  const xMax = xOf(99.99);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PLOT_HEIGHT - MARGIN.top - MARGIN.bottom;
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
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${PLOT_HEIGHT - 10}" text-anchor="middle">percentile</text>`);
  parts.push(`<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">latency (ms)</text>`);
  series.forEach((m, i) => {
    const color = COLORS[i % COLORS.length];
    const points = m.distribution.map((d) => `${sx(d.p).toFixed(1)},${sy(d.value * 1000).toFixed(1)}`).join(' ');
    parts.push(`<polyline data-mode="${esc(m.mode)}" fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    const ly = MARGIN.top + 16 + i * 18;
    parts.push(`<line x1="${WIDTH - MARGIN.right + 14}" x2="${WIDTH - MARGIN.right + 34}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${ly}" dominant-baseline="middle">${esc(m.mode)}${m.mode === r.baseline && m.mode !== BenchmarkMode.BASELINE ? ' (baseline)' : ''}</text>`);
  });
  for (const w of whiskers) {
    const color = COLORS[w.mi % COLORS.length];
    const x = (sx(w.p) + 4 * (w.mi + 1)).toFixed(1);
    parts.push(`<g data-delta="${esc(w.mode)} p${w.p}" stroke="${color}" stroke-width="1.5"><line x1="${x}" x2="${x}" y1="${sy(w.lo).toFixed(1)}" y2="${sy(w.hi).toFixed(1)}"/><circle cx="${x}" cy="${sy(w.mid).toFixed(1)}" r="2" fill="${color}"/></g>`);
  }
  captions.forEach((c, i) => parts.push(`<text class="caption" x="10" y="${PLOT_HEIGHT + 10 + i * LINE}" font-size="11">${esc(c)}</text>`));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
