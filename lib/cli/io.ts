/** Output sinks shared by the CLIs (thin: no analysis, no Kubernetes). Files: `results-dir.ts`. */

/** Where a command writes (text as written, newlines included); tests pass collecting functions. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The process's real stdout/stderr. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}
