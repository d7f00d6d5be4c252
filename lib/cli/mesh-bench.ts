/**
 * `mesh-bench` entry point: builds the commander program with one `registerXxxCommand` per
 * subcommand and runs it. `main` returns the exit code instead of exiting, so tests call it
 * in-process. Subcommands: `inspect`, `compare`, `run` and `versions`.
 */
import { Command, CommanderError } from 'commander';
import { IstioMeshValidationError } from '../private/errors';
import { registerCompareCommand } from './compare-command';
import { registerInspectCommand } from './inspect-command';
import { CliIo, processIo } from './io';
import { registerRunCommand } from './run-command';
import { registerVersionsCommand } from './versions-command';

/**
 * Builds a fresh program (no shared state between calls). Subcommands that finish with a
 * non-zero status without throwing report it through `setExitCode` (e.g. `run`, whose
 * `registerRunCommand(program, io, setExitCode)` takes the same sink).
 */
export function buildProgram(io: CliIo = processIo(), setExitCode: (code: number) => void = () => undefined): Command {
  const program = new Command('mesh-bench')
    .description('benchmark and compare no-mesh, sidecar and ambient latency with fortio')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerInspectCommand(program, io);
  registerCompareCommand(program, io);
  registerRunCommand(program, io, setExitCode);
  registerVersionsCommand(program, io);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/**
 * Runs the CLI on `argv` (`process.argv` form: node, script, args…). Returns 0 on success,
 * 1 on invalid input or failed analysis (message on stderr), or commander's code for usage errors.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof IstioMeshValidationError) {
      io.stderr(`mesh-bench: ${e.message}\n`);
      return 1;
    }
    io.stderr(`mesh-bench: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
