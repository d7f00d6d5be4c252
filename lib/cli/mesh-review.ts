/**
 * `mesh-review <base cdktf.out> <head cdktf.out>`: the pull-request report of a mesh change.
 * Reads both synth outputs (lib/cli/synth-output-reader.ts), diffs and judges them
 * (lib/analysis/review/), prints Markdown, JSON or SARIF on stdout; runs through the shared
 * `runMain` (lib/cli/main.ts).
 *
 * Exit codes: 0 = report printed and no finding at or above `--fail-on`; 1 = a finding at or above
 * `--fail-on` (an internal error also exits 1, with a one-line bug report on stderr); 2 = bad usage
 * or an argument that is not a readable synth output (message on stderr).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ReviewReport, failsAt, renderJson, renderMarkdown, renderSarif, reviewOutputs } from '../analysis/review/report';
import { RISK_LEVELS, RiskLevel } from '../analysis/review/risks';
import { EXIT_CODES } from '../private/cli-errors';
import { CliIo, processIo } from './io';
import { runMain } from './main';
import { readSynthOutput } from './synth-output-reader';
import { packageVersion } from './version';

export const EXIT_OK = EXIT_CODES.OK;
/** A finding at or above `--fail-on`: what a CI gate reads as "do not merge". */
export const EXIT_GATE_FAILED = 1;
export const EXIT_USAGE = EXIT_CODES.USAGE;

export type ReviewFormat = 'md' | 'json' | 'sarif';
const FORMATS: readonly ReviewFormat[] = ['md', 'json', 'sarif'];

/** Renders a report in a format. */
export function renderReport(report: ReviewReport, format: ReviewFormat): string {
  if (format === 'json') return renderJson(report);
  if (format === 'sarif') return renderSarif(report, packageVersion());
  return renderMarkdown(report);
}

function choice<T extends string>(allowed: readonly T[], flag: string): (v: string) => T {
  return (v) => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
}

/** The `mesh-review` program (fresh per call: no shared state). */
export function buildReviewProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('mesh-review')
    .description('Review a mesh change: diff two synth outputs (cdktf.out) and flag risky upgrades')
    .version(packageVersion())
    .argument('<base>', 'synth output of the base branch (directory with manifest.json)')
    .argument('<head>', 'synth output of the head branch')
    .addOption(new Option('--format <format>', 'md | json | sarif').default('md').argParser(choice(FORMATS, '--format')))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this level (low | medium | high)').argParser(choice(RISK_LEVELS, '--fail-on')))
    .addHelpText('after', '\nExit codes: 0 no finding at or above --fail-on; 1 a finding at or above it; 2 bad usage or unreadable input.')
    .action((base: string, head: string, opts: { format: ReviewFormat; failOn?: RiskLevel }) => {
      const report = reviewOutputs(readSynthOutput(base), readSynthOutput(head));
      io.stdout(renderReport(report, opts.format));
      if (opts.failOn && failsAt(report, opts.failOn)) {
        io.stderr(`mesh-review: findings at or above '${opts.failOn}' (--fail-on ${opts.failOn})\n`);
        setExitCode(EXIT_GATE_FAILED);
      }
    });
}

/** Runs the CLI on `argv` (`process.argv` form). Returns the exit code; never exits the process. */
export function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runMain('mesh-review', buildReviewProgram, argv, io);
}
