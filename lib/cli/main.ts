/**
 * The one `main` pattern of every CLI binary (`mesh-bench`, `mesh-latency`, and later ones):
 * build a fresh commander program, run it, and turn whatever ends it into an exit code and at
 * most one line on stderr. No stack trace reaches a user: errors of the {@link CliError} family
 * print their message; anything else is a bug and says where to report it.
 */
import { Command, CommanderError } from 'commander';
import { oneLine } from '../analysis/text-safety';
import { CliError, EXIT_CODES } from '../private/cli-errors';
import { IstioMeshValidationError } from '../private/errors';
import { CliIo, processIo } from './io';

/** Where unexpected errors should be reported. */
export const REPORT_BUGS_TO = 'the cdktf-istio-mesh issue tracker (include the command line and this message)';

/** Builds the program of one binary; `setExitCode` lets an action finish non-zero without throwing. */
export type ProgramFactory = (io: CliIo, setExitCode: (code: number) => void) => Command;

/** Applies the shared output and exit behaviour to a program and all its subcommands. */
export function configureProgram(program: Command, io: CliIo): Command {
  const apply = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`${oneLine(text)}\n`) });
    cmd.commands.forEach(apply);
  };
  apply(program);
  return program;
}

/** The exit code and the one line for an error that ended a CLI. */
export function describeFailure(binary: string, e: unknown): { code: number; line?: string } {
  if (e instanceof CommanderError) {
    // help and version end with code 0 and have printed already; commander printed its usage error
    if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return { code: EXIT_CODES.OK };
    return { code: EXIT_CODES.USAGE };
  }
  if (e instanceof CliError) return { code: e.exitCode, line: `${binary}: ${oneLine(e.message)}` };
  // option validation through the library's builder (`invalid('--format', …)`) is a usage error
  if (e instanceof IstioMeshValidationError) return { code: EXIT_CODES.USAGE, line: `${binary}: ${oneLine(e.message)}` };
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: EXIT_CODES.FAILED, line: `${binary}: unexpected error: ${oneLine(msg)}; this is a bug, please report it to ${REPORT_BUGS_TO}` };
}

/**
 * Runs `factory`'s program on `argv` (`process.argv` form) and returns the exit code; never
 * throws and never exits the process, so tests call it in-process.
 */
export async function runMain(binary: string, factory: ProgramFactory, argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT_CODES.OK;
  try {
    const program = configureProgram(factory(io, (code) => {
      exitCode = code;
    }), io);
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (e: unknown) {
    const { code, line } = describeFailure(binary, e);
    if (line !== undefined) io.stderr(`${line}\n`);
    return code;
  }
}
