/** Output sinks and file reading shared by the CLIs (thin: no analysis, no Kubernetes). */
import * as fs from 'fs';
import { IstioMeshValidationError } from '../private/errors';

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

/**
 * Reads and decodes a JSON file. Errors name the file and what it should have been:
 * missing file, a directory, unreadable, or malformed JSON.
 */
export function readJsonFile(path: string, expected: string): unknown {
  let text: string;
  try {
    if (fs.statSync(path).isDirectory()) {
      throw new IstioMeshValidationError(path, `'${path}' is a directory; expected ${expected}`);
    }
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof IstioMeshValidationError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new IstioMeshValidationError(path, `cannot read '${path}': ${why}; expected ${expected}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new IstioMeshValidationError(path, `'${path}' is not valid JSON (${(e as Error).message}); expected ${expected}`);
  }
}
