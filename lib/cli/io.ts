/** Output sinks shared by the CLIs (thin: no analysis, no Kubernetes). Files: `results-dir.ts`. */

/** Where a command writes (text as written, newlines included); tests pass collecting functions. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * A write error on the process's own stdout/stderr must not become an unhandled 'error' event
 * (a stack trace): a reader that went away (`mesh-bench compare … | head`, EPIPE) ends the
 * process quietly with the exit code so far; any other write error is one line and exit 1.
 */
function guard(stream: NodeJS.WriteStream, name: string): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit();
    try {
      if (stream !== process.stderr) process.stderr.write(`cannot write to ${name}: ${e.code ?? e.message}\n`);
    } finally {
      process.exit(1);
    }
  });
}

/** The process's real stdout/stderr, with write errors handled (see {@link guard}). */
export function processIo(): CliIo {
  guard(process.stdout, 'stdout');
  guard(process.stderr, 'stderr');
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}
