/**
 * The error family of the command-line tools (`mesh-bench`, `mesh-latency`, and any later
 * binary): every error a user may see carries its exit code, and `runMain` (lib/cli/main.ts)
 * prints it as one line. Library validation keeps {@link IstioMeshValidationError}.
 *
 * Exit codes (documented in the README):
 * - 0 success;
 * - 1 invalid data or a failed run: a results file that does not validate, a failed benchmark
 *   round, an unreachable cluster, nothing readable;
 * - 2 usage: an unknown option, a missing argument, an option value out of range;
 * - 130 interrupted (Ctrl-C); the results directory is left valid and resumable.
 */

/** The exit codes of the CLIs. */
export const EXIT_CODES = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 });

/** Base of every error a CLI reports to its user. */
export class CliError extends Error {
  /** Process exit code for this error. */
  public readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Wrong command line: an unknown option, a value out of range (exit 2). */
export class UsageError extends CliError {
  /** The option at fault, e.g. `--qps`. */
  public readonly option: string;

  constructor(option: string, message: string) {
    super(message, EXIT_CODES.USAGE);
    this.name = 'UsageError';
    this.option = option;
  }
}

/** Data that does not validate: names the file and the field (exit 1). */
export class DataError extends CliError {
  /** The file (or source) at fault. */
  public readonly file: string;
  /** The field at fault, when one is known (`DurationHistogram.Data[3].Count`). */
  public readonly field?: string;

  constructor(file: string, message: string, field?: string) {
    super(message, EXIT_CODES.FAILED);
    this.name = 'DataError';
    this.file = file;
    this.field = field;
  }
}

/** The cluster cannot be reached or answered nonsense; says what was tried and what to fix (exit 1). */
export class ClusterAccessError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.FAILED);
    this.name = 'ClusterAccessError';
  }
}

/** The user interrupted the command (exit 130). */
export class InterruptedError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.INTERRUPTED);
    this.name = 'InterruptedError';
  }
}
