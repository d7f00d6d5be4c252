/**
 * The review report: the per-stack diff plus its risk findings, and the three renderings
 * (Markdown for pull requests, JSON for tools, SARIF 2.1.0 for code-scanning UIs).
 */
import { StackDiff, TfChange, diffOutputs } from './diff';
import { SynthOutput } from './model';
import { RISK_LEVELS, RULES, Risk, RiskLevel, assessRisks, levelRank } from './risks';
import { ValueChange } from './values';

/** One stack's section of the report. */
export interface StackReport {
  readonly diff: StackDiff;
  readonly risks: readonly Risk[];
}

export interface ReviewReport {
  /** Only stacks with a change or a finding. */
  readonly stacks: readonly StackReport[];
  readonly risks: readonly Risk[];
}

/** Builds the report of two synth outputs. */
export function reviewOutputs(base: SynthOutput, head: SynthOutput): ReviewReport {
  const stacks = diffOutputs(base, head)
    .map((diff) => ({ diff, risks: assessRisks(diff) }))
    .filter((s) => s.diff.status !== 'unchanged' || s.risks.length > 0);
  return { stacks, risks: stacks.flatMap((s) => s.risks) };
}

/** True when a finding at or above `threshold` exists. */
export function failsAt(report: ReviewReport, threshold: RiskLevel): boolean {
  return report.risks.some((r) => levelRank(r.level) >= levelRank(threshold));
}

// ---------------------------------------------------------------- Markdown

/** Escapes untrusted text for a Markdown table cell or line (no HTML, no links, no table breaks). */
export function mdText(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Inline code for untrusted text: backticks inside are replaced, length capped. */
export function mdCode(s: string, max = 120): string {
  const t = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return `\`${t.replace(/`/g, "'").replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')}\``;
}

const ICON: Readonly<Record<RiskLevel, string>> = { high: '🔴 high', medium: '🟠 medium', low: '🟡 low' };

function valueLine(v: ValueChange): string {
  if (v.change === 'added') return `added ${mdCode(v.path)} = ${mdCode(v.to ?? '')}`;
  if (v.change === 'removed') return `removed ${mdCode(v.path)} (was ${mdCode(v.from ?? '')})`;
  return `changed ${mdCode(v.path)}: ${mdCode(v.from ?? '')} → ${mdCode(v.to ?? '')}`;
}

function tfLine(c: TfChange): string {
  const note = c.action === 'replace' ? ` — forces replacement: ${c.forceNew.map((a) => mdCode(a)).join(', ')}`
    : c.action === 'move' ? ` — same body as ${mdCode(c.movedFrom ?? '')} (address change)`
      : c.action === 'update' ? ` — ${c.attributes.slice(0, 8).map((a) => mdCode(a)).join(', ')}${c.attributes.length > 8 ? ` and ${c.attributes.length - 8} more` : ''}${c.judged ? '' : ' (replacement not judged for this type)'}` : '';
  return `| ${c.action} | ${mdCode(c.address)}${note} |`;
}

function stackMarkdown(s: StackReport): string[] {
  const d = s.diff;
  const out = [`### Stack ${mdCode(d.stack)}${d.status === 'added' || d.status === 'removed' ? ` (${d.status})` : ''}`, ''];
  if (s.risks.length > 0) {
    out.push('#### Risks', '', '| level | rule | subject | why | fix |', '| --- | --- | --- | --- | --- |');
    for (const r of s.risks) out.push(`| ${ICON[r.level]} | ${r.rule.id} ${r.rule.name} | ${mdCode(r.subject)} | ${mdText(r.why)} | ${mdText(r.fix)} |`);
    out.push('');
  }
  if (d.notes.length > 0) {
    out.push('#### Not compared', '', ...d.notes.map((n) => `- ${mdText(n)}`), '');
  }
  if (d.releases.length > 0) {
    out.push('#### Helm releases', '');
    for (const r of d.releases) {
      const version = r.version ? `: chart ${mdCode(r.chart)} ${mdCode(r.version.from ?? '—')} → ${mdCode(r.version.to ?? '—')}` : '';
      out.push(`- ${r.change} ${mdCode(r.name)} (${mdCode(r.address)})${version}`);
      for (const v of r.values) out.push(`  - ${valueLine(v)}`);
    }
    out.push('');
  }
  if (d.tags.length > 0) {
    out.push('#### Revision tags', '');
    for (const t of d.tags) out.push(`- ${mdCode(t.tag)}: ${mdCode(t.from ?? '(none)')} → ${mdCode(t.to ?? '(removed)')}`);
    out.push('');
  }
  if (d.objects.length > 0) {
    out.push('#### Istio and Kubernetes resources', '');
    for (const o of d.objects) {
      out.push(`- ${o.change} ${mdCode(o.key)} (from ${mdCode(o.source)})`);
      for (const v of o.paths.slice(0, 20)) out.push(`  - ${valueLine(v)}`);
      if (o.paths.length > 20) out.push(`  - … ${o.paths.length - 20} more`);
    }
    out.push('');
  }
  if (d.terraform.length > 0) {
    out.push('#### Terraform resources', '', '| action | resource |', '| --- | --- |', ...d.terraform.map(tfLine), '');
  }
  return out;
}

/** GitHub refuses comments over 65,536 characters; leave room for the truncation note. */
export const MARKDOWN_MAX_CHARS = 60_000;

/** The Markdown report, cut at a line boundary (with a note) when longer than `maxChars`. */
export function renderMarkdown(report: ReviewReport, maxChars = MARKDOWN_MAX_CHARS): string {
  const out = ['## Mesh review', ''];
  if (report.stacks.length === 0) return [...out, 'No changes between base and head.', ''].join('\n');
  const counts = RISK_LEVELS.slice().reverse().map((l) => `${report.risks.filter((r) => r.level === l).length} ${l}`).join(', ');
  out.push(`${report.stacks.length} stack(s) changed; risks: ${counts}.`, '');
  for (const s of report.stacks) out.push(...stackMarkdown(s));
  const text = out.join('\n');
  if (text.length <= maxChars) return text;
  const cut = text.lastIndexOf('\n', maxChars);
  return `${text.slice(0, cut)}\n\n_Report truncated at ${maxChars} characters; run \`mesh-review --format json\` for all of it._\n`;
}

// ---------------------------------------------------------------- JSON

/** Version tag of the JSON report's shape; changes when a field is renamed or removed. */
export const JSON_FORMAT = 'mesh-review/1';

/** The report as plain JSON (mesh states are left out: they are inputs, not findings). */
export function renderJson(report: ReviewReport): string {
  return `${JSON.stringify({
    format: JSON_FORMAT,
    stacks: report.stacks.map(({ diff: d, risks }) => ({
      stack: d.stack, file: d.file, status: d.status, notes: d.notes, releases: d.releases, tags: d.tags, objects: d.objects, terraform: d.terraform,
      risks: risks.map((r) => ({ id: r.rule.id, rule: r.rule.name, level: r.level, subject: r.subject, why: r.why, fix: r.fix })),
    })),
  }, null, 2)}\n`;
}

// ---------------------------------------------------------------- SARIF

const SARIF_LEVEL: Readonly<Record<RiskLevel, 'error' | 'warning' | 'note'>> = { high: 'error', medium: 'warning', low: 'note' };

/** SARIF 2.1.0 log: one run, one result per finding, located at the stack's Terraform JSON. */
export function renderSarif(report: ReviewReport, toolVersion: string): string {
  const rules = Object.values(RULES);
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'mesh-review',
          version: toolVersion,
          rules: rules.map((r) => ({ id: r.id, name: r.name, shortDescription: { text: r.summary } })),
        },
      },
      results: report.risks.map((r) => {
        const stack = report.stacks.find((s) => s.diff.stack === r.stack)!;
        return {
          ruleId: r.rule.id,
          ruleIndex: rules.findIndex((x) => x.id === r.rule.id),
          level: SARIF_LEVEL[r.level],
          message: { text: `${r.why} Fix: ${r.fix}` },
          locations: [{
            physicalLocation: { artifactLocation: { uri: stack.diff.file } },
            logicalLocations: [{ fullyQualifiedName: `${r.stack}/${r.subject}` }],
          }],
          partialFingerprints: { meshReview: `${r.rule.id}/${r.stack}/${r.subject}` },
          properties: { level: r.level, stack: r.stack },
        };
      }),
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
