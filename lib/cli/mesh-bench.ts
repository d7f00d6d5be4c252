/**
 * `mesh-bench` entry point: builds the commander program with one `registerXxxCommand` per
 * subcommand and runs it through the shared {@link runMain} (lib/cli/main.ts), which returns the
 * exit code instead of exiting, so tests call it in-process. Subcommands: `inspect`, `compare`,
 * `run` and `versions`. Exit codes: 0 ok, 1 invalid data or failed run, 2 usage, 130 interrupted.
 */
import { Command } from 'commander';
import { registerCompareCommand } from './compare-command';
import { registerInspectCommand } from './inspect-command';
import { CliIo, processIo } from './io';
import { runMain } from './main';
import { registerRunCommand } from './run-command';
import { registerVersionsCommand } from './versions-command';

/**
 * Builds a fresh program (no shared state between calls). Subcommands that finish with a
 * non-zero status without throwing report it through `setExitCode` (e.g. `run` with failed rounds).
 */
export function buildProgram(io: CliIo = processIo(), setExitCode: (code: number) => void = () => undefined): Command {
  const program = new Command('mesh-bench').description('benchmark and compare no-mesh, sidecar and ambient latency with fortio');
  registerInspectCommand(program, io);
  registerCompareCommand(program, io);
  registerRunCommand(program, io, setExitCode);
  registerVersionsCommand(program, io);
  return program;
}

/** Runs the CLI on `argv` (`process.argv` form: node, script, args…) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runMain('mesh-bench', buildProgram, argv, io);
}
