/**
 * Renders a {@link ComparisonReport} as a terminal table, Markdown, JSON or CSV (§7.9). Pure.
 * Latencies are shown in ms with 2 significant digits; JSON and CSV keep seconds, unrounded.
 */
import { BenchmarkMode } from '../wire/bench-contract';
import { PROXY_COMPONENTS, ProxyComponent, RESULTS_FORMAT_VERSION, RunMetadata } from '../wire/results-layout';
import { ComparisonReport, DeltaCell, IntervalBasis, ModeReport, PercentileCell } from './report-model';
import { csvRecord, stripControl, stripControlKeepLines } from './text-safety';

/** Output formats of `compare --format`. */
export type OutputFormat = 'table' | 'md' | 'json' | 'csv';

/** All accepted `--format` values. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.freeze(['table', 'md', 'json', 'csv'] as OutputFormat[]);

/** Milliseconds, 2 significant digits (integers from 100 ms up). */
export function formatMs(seconds: number, signed = false): string {
  const ms = seconds * 1000;
  const body = Math.abs(ms) >= 100 ? Math.abs(ms).toFixed(0) : Math.abs(ms).toPrecision(2);
  const sign = ms < 0 ? '-' : signed ? '+' : '';
  return `${sign}${body}`;
}

function formatPct(x: number | null, digits = 2): string {
  return x === null ? '—' : `${(x * 100).toFixed(digits)} %`;
}

function pLabel(p: number): string {
  return `p${p}`;
}

function percentileText(c: PercentileCell): string {
  if (c.status !== 'ok' || c.value === null) return c.status;
  let s = formatMs(c.value);
  if (c.rounds) s += ` [${formatMs(c.rounds.lower)},${formatMs(c.rounds.upper)}]`;
  if (c.coDiffers && c.corrected !== null) s += ` {CO ${formatMs(c.corrected)}}`;
  return s;
}

function deltaText(d: DeltaCell): string {
  if (d.status !== 'ok') return `Δ ${d.status}`;
  if (d.median === null || d.lower === null || d.upper === null) return d.pairs === 0 ? 'Δ n/a (no pairs)' : `Δ n/a (${d.pairs} pairs: too few for a CI)`;
  if (d.belowResolution) return `Δ < resolution (${formatMs(d.resolution ?? 0)} ms)`;
  let s = `Δ${formatMs(d.median, true)} [${formatMs(d.lower, true)},${formatMs(d.upper, true)}]`;
  if (d.noDetectableDifference) s += ' no detectable difference';
  return s;
}

function basisText(b: IntervalBasis | null): string {
  if (b === null) return '—';
  if (b.coverage === null) return `${b.n}: too few for a CI (needs ${b.needed})`;
  return `${b.n} · ${(b.coverage * 100).toFixed(2)} %`;
}

function resourcesText(m: Pick<ModeReport, 'resources'>): [string, string] {
  const r = m.resources;
  if (r.cpuMillicores === null || r.memoryMiB === null) return ['—', '—'];
  const per = r.containers > 1 ? ` (${r.containers} proxies)` : '';
  return [`${(r.cpuMillicores / 1000).toFixed(2)}${per}`, `${r.memoryMiB.toFixed(0)}${per}`];
}

/**
 * Components worth a row of their own: those of any mode that has more than one (ambient with a
 * waypoint: ztunnel + waypoint), so a reader sees which proxy the CPU and memory went to.
 */
function breakdownComponents(r: ComparisonReport): ProxyComponent[] {
  const split = r.modes.filter((m) => m.resources.components.length > 1).flatMap((m) => m.resources.components.map((c) => c.component));
  return PROXY_COMPONENTS.filter((c) => split.includes(c));
}

function componentText(m: ModeReport, component: ProxyComponent, value: 'cpu' | 'memory'): string {
  const c = m.resources.components.find((x) => x.component === component);
  if (c === undefined) return '—';
  const per = c.containers > 1 ? ` (${c.containers} proxies)` : '';
  return value === 'cpu' ? `${(c.cpuMillicores / 1000).toFixed(2)}${per}` : `${c.memoryMiB.toFixed(0)}${per}`;
}

function countText(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** The table body shared by the text and Markdown renderers: header row + metric rows. */
export function comparisonRows(r: ComparisonReport): string[][] {
  const header = ['', ...r.modes.map((m) => (m.mode === r.baseline && m.mode !== BenchmarkMode.BASELINE ? `${m.mode} (baseline)` : m.mode))];
  const rows: string[][] = [header];
  r.percentiles.forEach((p, i) => {
    rows.push([
      `${pLabel(p)} ms`,
      ...r.modes.map((m) => {
        const d = m.deltas[i];
        return d ? `${percentileText(m.percentiles[i])}  ${deltaText(d)}` : percentileText(m.percentiles[i]);
      }),
    ]);
  });
  rows.push(['max ms (context)', ...r.modes.map((m) => (m.maxLatency === null ? '—' : formatMs(m.maxLatency)))]);
  rows.push(['throughput rps', ...r.modes.map((m) => (m.actualQps === null ? '—' : `${m.actualQps.toFixed(1)}/${m.requestedQps ?? '?'}`))]);
  rows.push(['errors', ...r.modes.map((m) => formatPct(m.errorRate))]);
  rows.push(['schedule slip (max)', ...r.modes.map((m) => formatPct(m.maxSlip))]);
  const parts = breakdownComponents(r);
  rows.push(['proxy CPU vCPU', ...r.modes.map((m) => resourcesText(m)[0])]);
  for (const c of parts) rows.push([`  ${c} CPU vCPU`, ...r.modes.map((m) => componentText(m, c, 'cpu'))]);
  rows.push(['proxy mem MiB (max)', ...r.modes.map((m) => resourcesText(m)[1])]);
  for (const c of parts) rows.push([`  ${c} mem MiB (max)`, ...r.modes.map((m) => componentText(m, c, 'memory'))]);
  rows.push(['requests (pooled)', ...r.modes.map((m) => countText(m.pooledCount))]);
  rows.push(['idle proxy CPU vCPU', ...r.modes.map((m) => (m.idle === null ? '—' : resourcesText({ resources: m.idle })[0]))]);
  rows.push(['idle proxy mem MiB', ...r.modes.map((m) => (m.idle === null ? '—' : resourcesText({ resources: m.idle })[1]))]);
  rows.push(['valid/planned rounds', ...r.modes.map((m) => `${m.validRounds}/${m.rounds}${m.missingRounds.length > 0 ? ` (not valid: ${roundList(m.missingRounds)})` : ''}`)]);
  rows.push(['CI rounds · coverage', ...r.modes.map((m) => basisText(m.interval))]);
  rows.push(['Δ pairs · coverage', ...r.modes.map((m) => basisText(m.deltaInterval))]);
  return rows.map((row) => row.map(stripControl));
}

function roundList(rounds: readonly number[]): string {
  return rounds.length > 8 ? `${rounds.slice(0, 8).join(', ')}, … (${rounds.length})` : rounds.join(', ');
}

function ciText(r: ComparisonReport): string {
  const nominal = `${Number((r.confidence * 100).toPrecision(4))} %`;
  return `CI over rounds in [ ]: order-statistic, nominal ${nominal}; rounds and exact coverage per mode in the last rows`;
}

function headerLines(r: ComparisonReport): string[] {
  const parts = [
    r.runId ? `run ${r.runId}` : undefined,
    r.qps !== null ? `rate ${r.qps} QPS` : undefined,
    r.istioVersion ? `Istio ${r.istioVersion}` : undefined,
    r.kubernetesVersion ? `Kubernetes ${r.kubernetesVersion}` : undefined,
    ciText(r),
  ].filter((x): x is string => x !== undefined);
  return [parts.join(' · ')];
}

function footerLines(r: ComparisonReport): string[] {
  const lines = ['Validity flags:'];
  lines.push(...(r.flags.length === 0 ? ['  none'] : r.flags.map((f) => `  - ${f}`)));
  lines.push(`Round order seed: ${r.seed ?? 'unknown'}`);
  lines.push(...r.notes);
  return lines;
}

/** Plain-text table with aligned columns, header and footer (flags, seed, method notes). */
export function formatTable(r: ComparisonReport): string {
  const rows = comparisonRows(r);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const body = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('   ').trimEnd());
  return stripControlKeepLines([...headerLines(r), ...body, '', ...footerLines(r)].join('\n')) + '\n';
}

/** Markdown-inert text: control characters removed, table, HTML and emphasis syntax escaped. */
export function mdEscape(s: string): string {
  return stripControl(s).replace(/[\\|<>*_`]/g, (c) => `\\${c}`);
}

/** GitHub-flavoured Markdown table with the same content as {@link formatTable}. */
export function formatMarkdown(r: ComparisonReport): string {
  const rows = comparisonRows(r);
  const line = (row: string[]) => `| ${row.map(mdEscape).join(' | ')} |`;
  const out = [`**${mdEscape(headerLines(r).join(' '))}**`, '', line(rows[0]), `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map(line), ''];
  out.push('**Validity flags:**', '');
  out.push(...(r.flags.length === 0 ? ['- none'] : r.flags.map((f) => `- ${mdEscape(f)}`)), '');
  out.push(`Round order seed: ${r.seed ?? 'unknown'}`, '', ...r.notes.map((n) => `- ${mdEscape(n)}`));
  return stripControlKeepLines(out.join('\n')) + '\n';
}

/** The whole report as pretty-printed JSON (seconds, fractions; nulls where unknown). */
export function formatJson(r: ComparisonReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** The CSV header (RFC 4180, CRLF line ends). */
export const CSV_HEADER: readonly string[] = Object.freeze(['qps', 'mode', 'metric', 'value', 'lower', 'upper', 'coverage', 'status']);

/** CSV records of one rate, without the header. */
function csvRows(r: ComparisonReport): string {
  const rows: (string | number | null)[][] = [];
  for (const m of r.modes) {
    m.percentiles.forEach((c, i) => {
      const key = pLabel(c.p);
      rows.push([m.mode, `${key}_s`, c.value, c.rounds?.lower ?? null, c.rounds?.upper ?? null, c.rounds?.coverage ?? null, c.status]);
      rows.push([m.mode, `${key}_round_median_s`, c.rounds?.median ?? null, null, null, null, c.status]);
      rows.push([m.mode, `${key}_bucket_width_s`, c.bucketWidth, null, null, null, c.status]);
      rows.push([m.mode, `${key}_co_corrected_s`, c.corrected, null, null, null, c.coDiffers ? 'differs' : 'same']);
      const d = m.deltas[i];
      if (d) {
        const st = d.belowResolution ? 'below resolution' : d.noDetectableDifference ? 'no detectable difference' : d.status;
        rows.push([m.mode, `${key}_delta_s`, d.median, d.lower, d.upper, d.coverage, st]);
        rows.push([m.mode, `${key}_ratio`, d.ratio, null, null, null, d.status]);
      }
    });
    rows.push([m.mode, 'max_latency_s', m.maxLatency, null, null, null, 'context']);
    rows.push([m.mode, 'throughput_rps', m.actualQps, null, null, null, '']);
    rows.push([m.mode, 'requested_qps', m.requestedQps, null, null, null, '']);
    rows.push([m.mode, 'error_rate', m.errorRate, null, null, null, '']);
    rows.push([m.mode, 'max_slip', m.maxSlip, null, null, null, '']);
    rows.push([m.mode, 'proxy_cpu_millicores', m.resources.cpuMillicores, null, null, null, '']);
    rows.push([m.mode, 'proxy_memory_mib', m.resources.memoryMiB, null, null, null, '']);
    for (const c of m.resources.components) {
      const where = `${c.containers} container${c.containers === 1 ? '' : 's'} on ${c.nodes.join(' ')}`;
      rows.push([m.mode, `proxy_cpu_millicores_${c.component}`, c.cpuMillicores, null, null, null, where]);
      rows.push([m.mode, `proxy_memory_mib_${c.component}`, c.memoryMiB, null, null, null, where]);
    }
    rows.push([m.mode, 'pooled_requests', m.pooledCount, null, null, null, '']);
    rows.push([m.mode, 'valid_rounds', m.validRounds, null, null, null, `${m.validRounds}/${m.rounds}`]);
    rows.push([m.mode, 'ci_rounds', m.interval.n, null, null, m.interval.coverage, m.interval.coverage === null ? `too few (needs ${m.interval.needed})` : '']);
    if (m.deltaInterval !== null) rows.push([m.mode, 'delta_pairs', m.deltaInterval.n, null, null, m.deltaInterval.coverage, m.deltaInterval.coverage === null ? `too few (needs ${m.deltaInterval.needed})` : '']);
    if (m.idle !== null) {
      rows.push([m.mode, 'idle_proxy_cpu_millicores', m.idle.cpuMillicores, null, null, null, '']);
      rows.push([m.mode, 'idle_proxy_memory_mib', m.idle.memoryMiB, null, null, null, '']);
    }
  }
  for (const f of r.flags) rows.push(['', 'flag', null, null, null, null, f]);
  return rows.map((row) => csvRecord([r.qps, ...row])).join('');
}

/** Long-format CSV (RFC 4180): `qps,mode,metric,value,lower,upper,coverage,status`; latencies in seconds. */
export function formatCsv(r: ComparisonReport): string {
  return csvRecord(CSV_HEADER) + csvRows(r);
}

/**
 * Renders the reports of all rates of a run: text and Markdown one section per rate, CSV one
 * table with a `qps` column, JSON `{ formatVersion, runId, calibration, rates: [report…] }`.
 */
export function formatReports(reports: readonly ComparisonReport[], format: OutputFormat, metadata?: RunMetadata): string {
  const calibration = calibrationLine(metadata);
  switch (format) {
    case 'json':
      return JSON.stringify({ formatVersion: RESULTS_FORMAT_VERSION, runId: metadata?.runId ?? null, calibration: metadata?.calibration ?? null, rates: reports }, null, 2) + '\n';
    case 'csv':
      return csvRecord(CSV_HEADER) + reports.map(csvRows).join('');
    case 'md':
      return [calibration ? `${mdEscape(calibration)}\n\n` : '', ...reports.map((r) => (reports.length > 1 ? `## ${r.qps} QPS\n\n` : '') + formatMarkdown(r))].join(reports.length > 1 ? '\n' : '');
    case 'table':
      return [calibration ? `${stripControl(calibration)}\n\n` : '', ...reports.map((r) => (reports.length > 1 ? `=== rate ${r.qps} QPS ===\n` : '') + formatTable(r))].join(reports.length > 1 ? '\n' : '');
  }
}

function calibrationLine(m: RunMetadata | undefined): string | undefined {
  const c = m?.calibration;
  if (c === undefined) return undefined;
  const steps = c.steps.map((s) => `${s.qps}→${s.actualQps.toFixed(1)} (slip ${(s.slip * 100).toFixed(2)} %)`).join(', ');
  const sustained = c.sustainedQps === null ? 'no tested rate' : `${c.sustainedQps} QPS`;
  return `Calibration (${c.mode}, ${c.seconds} s per step): sustained ${sustained} with slip < 1 %; requested rates allowed up to ${Math.round(c.fraction * 100)} % of it. Steps: ${steps || 'none'}.`;
}

/** Renders the report in the requested format. */
export function formatReport(r: ComparisonReport, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return formatTable(r);
    case 'md':
      return formatMarkdown(r);
    case 'json':
      return formatJson(r);
    case 'csv':
      return formatCsv(r);
  }
}
