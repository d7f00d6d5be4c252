/**
 * `mesh-review <base cdktf.out> <head cdktf.out>`: the pull-request report of a mesh change.
 * Reads both synth outputs (lib/cli/synth-output-reader.ts), diffs and judges them
 * (lib/analysis/review/), prints Markdown, JSON or SARIF on stdout.
 *
 * Exit codes: 0 = report printed and no finding at or above `--fail-on`; 1 = a finding at or above
 * `--fail-on`; 2 = bad usage or unreadable input (message on stderr).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ReviewReport, failsAt, renderJson, renderMarkdown, renderSarif, reviewOutputs } from '../analysis/review/report';
import { RISK_LEVELS, RiskLevel } from '../analysis/review/risks';
import { IstioMeshValidationError } from '../private/errors';
import { CliIo, processIo } from './io';
import { readSynthOutput } from './synth-output-reader';

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_USAGE = 2;

export type ReviewFormat = 'md' | 'json' | 'sarif';
const FORMATS: readonly ReviewFormat[] = ['md', 'json', 'sarif'];

/** The package version, from the nearest package.json above this file (source and dist/ differ in depth). */
function toolVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

/** Renders a report in a format. */
export function renderReport(report: ReviewReport, format: ReviewFormat): string {
  if (format === 'json') return renderJson(report);
  if (format === 'sarif') return renderSarif(report, toolVersion());
  return renderMarkdown(report);
}

function choice<T extends string>(allowed: readonly T[], flag: string): (v: string) => T {
  return (v) => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
}

/** Runs the CLI on `argv` (`process.argv` form). Returns the exit code; never exits the process. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('mesh-review')
    .description('Review a mesh change: diff two synth outputs (cdktf.out) and flag risky upgrades')
    .argument('<base>', 'synth output of the base branch (directory with manifest.json)')
    .argument('<head>', 'synth output of the head branch')
    .addOption(new Option('--format <format>', 'md | json | sarif').default('md').argParser(choice(FORMATS, '--format')))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level (low | medium | high)').argParser(choice(RISK_LEVELS, '--fail-on')))
    .addHelpText('after', '\nExit codes: 0 no finding at or above --fail-on; 1 a finding at or above it; 2 bad usage or unreadable input.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((base: string, head: string, opts: { format: ReviewFormat; failOn?: RiskLevel }) => {
      const report = reviewOutputs(readSynthOutput(base), readSynthOutput(head));
      io.stdout(renderReport(report, opts.format));
      if (opts.failOn && failsAt(report, opts.failOn)) {
        io.stderr(`mesh-review: findings at or above '${opts.failOn}' (--fail-on ${opts.failOn})\n`);
        code = EXIT_GATE_FAILED;
      }
    });
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (e instanceof IstioMeshValidationError) {
      io.stderr(`mesh-review: ${e.message}\n`);
      return EXIT_USAGE;
    }
    // A bug, not the user's input: one line, no stack trace (exit 2 still fails a CI gate).
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr(`mesh-review: unexpected error: ${msg.replace(/\s+/g, ' ')}; this is a bug, please report it with both synth outputs\n`);
    return EXIT_USAGE;
  }
}
