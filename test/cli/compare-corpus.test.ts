/**
 * The hostile corpus: results directories and files a user (or an attacker, or a half-failed run)
 * may hand to `mesh-bench compare` / `inspect`. Each case states the exact exit code and the exact
 * one-line message; none may print a stack trace, hang, or allocate by a number a file claims.
 * Expectations are written by hand from the layout spec (lib/wire/results-layout.ts), never
 * copied from output.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchmarkMode } from '../../lib/wire/bench-contract';
import { main } from '../../lib/cli/mesh-bench';
import { lognormal } from '../fixtures/fortio-gen';
import { generateRuns, metadataFor, roundDir, writeResultsDir } from '../fixtures/results';

const { BASELINE, SIDECAR } = BenchmarkMode;
const FORTIO = 'expected the JSON written by `fortio load -json` (an object with ActualQPS and DurationHistogram)';
const EXPECTED_RESULT = 'a fortio JSON result (`fortio load -json <file>`)';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'mesh-bench', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const RUNS = generateRuns([{ mode: BASELINE, sampler: lognormal(0.0002, 0.3) }, { mode: SIDECAR, sampler: lognormal(0.0005, 0.3) }], 3, 1200);
const META = metadataFor(3, [BASELINE, SIDECAR]);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-corpus-'));
});
afterAll(() => {
  const locked = roundDir(path.join(tmp, 'unreadable-round-directory'), 2);
  if (fs.existsSync(locked)) fs.chmodSync(locked, 0o755); // let the cleanup in
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Json = Record<string, unknown>;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A fresh valid directory; `edit` corrupts it. */
function fixture(name: string, edit: (dir: string) => void, meta: Json | null = META as unknown as Json): string {
  const dir = path.join(tmp, name);
  writeResultsDir(dir, RUNS, [], meta === null ? null : (meta as never));
  edit(dir);
  return dir;
}

const resultFile = (dir: string, round: number, mode: string): string => path.join(roundDir(dir, round), `${mode}.json`);
const metaFile = (dir: string): string => path.join(dir, 'metadata.json');

function editResult(dir: string, round: number, mode: string, edit: (j: Json) => void): void {
  const f = resultFile(dir, round, mode);
  const j = JSON.parse(fs.readFileSync(f, 'utf8')) as Json;
  edit(j);
  fs.writeFileSync(f, JSON.stringify(j));
}

function editMeta(dir: string, edit: (m: Json) => void): void {
  const m = JSON.parse(fs.readFileSync(metaFile(dir), 'utf8')) as Json;
  edit(m);
  fs.writeFileSync(metaFile(dir), JSON.stringify(m));
}

const hist = (j: Json): Json & { Data: Json[] } => j.DurationHistogram as Json & { Data: Json[] };

interface Case {
  readonly name: string;
  /** Builds the input; returns the argv after `mesh-bench`. */
  readonly setup: (name: string) => string[];
  readonly code: number;
  /** The exact stderr line (without the trailing newline), given the paths. */
  readonly message: (name: string) => string;
  readonly skip?: boolean;
}

const d = (name: string): string => path.join(tmp, name);
const r1 = (name: string, mode = SIDECAR): string => resultFile(d(name), 1, mode);
const notFortio = (file: string, what: string): string => `mesh-bench: '${file}' is not a valid fortio result: ${what}; ${FORTIO}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const CASES: Case[] = [
  {
    name: 'missing-dir',
    setup: (n) => ['compare', d(n)],
    code: 1,
    message: (n) => `mesh-bench: results directory '${d(n)}' not found; expected a directory written by \`mesh-bench run\` (metadata.json, rates/<qps>/rounds/<round>/<mode>.json)`,
  },
  {
    name: 'no-metadata',
    setup: (n) => ['compare', fixture(n, () => undefined, null)],
    code: 1,
    message: (n) => `mesh-bench: cannot read '${metaFile(d(n))}': file not found; expected run metadata (format 2)`,
  },
  {
    name: 'metadata-top-level-array',
    setup: (n) => ['compare', fixture(n, (dir) => fs.writeFileSync(metaFile(dir), '[1,2]'))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field '(top level)' must be a JSON object, got [1,2]`,
  },
  {
    name: 'v1-directory-without-format-version',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => delete m.formatVersion))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'formatVersion' is missing: not a results directory of format 2 (written by an older mesh-bench, or not by mesh-bench run)`,
  },
  {
    name: 'future-format-version',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.formatVersion = 3)))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'formatVersion' must be 2 (this mesh-bench reads format 2 only), got 3`,
  },
  {
    name: 'absurd-round-count',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.rounds = 1e15)))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'rounds' must be an integer from 1 to 1000, got 1000000000000000`,
  },
  {
    name: 'rounds-as-string',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.rounds = '3')))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'rounds' must be an integer from 1 to 1000, got '3'`,
  },
  {
    name: 'unknown-mode',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.modes = [BASELINE, 'istio'])))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'modes[1]' must be one of baseline, sidecar, ambient, ambient-waypoint, got 'istio'`,
  },
  {
    name: 'order-not-a-permutation',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => ((m.order as string[][])[0] = [BASELINE, BASELINE])))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'order[0]' must be a permutation of the modes (baseline, sidecar), got ["baseline","baseline"]`,
  },
  {
    name: 'order-shorter-than-rounds',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.order = (m.order as unknown[]).slice(0, 2))))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'order' must have one entry per round (3), got '2 entries'`,
  },
  {
    name: 'ansi-escape-in-run-id',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.runId = '\u001b[31mred')))],
    code: 1,
    // the escape is stripped before it reaches the terminal; the rest of the value stays visible
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'runId' must be a DNS label of at most 30 characters, got '[31mred'`,
  },
  {
    name: 'failure-outside-the-plan',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.failures = [{ qps: 1000, round: 9, mode: SIDECAR, reason: 'x' }])))],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' field 'failures[0].round' must be an integer from 1 to 3, got 9`,
  },
  {
    name: 'old-v1-rounds-dir-at-top-level',
    setup: (n) => ['compare', fixture(n, (dir) => fs.mkdirSync(path.join(dir, 'rounds')))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(d(n), 'rounds')}' is not part of a results directory (format 2); expected metadata.json, rates/ and idle/ only`,
  },
  {
    name: 'round-01-beside-round-1',
    setup: (n) => ['compare', fixture(n, (dir) => fs.cpSync(roundDir(dir, 1), roundDir(dir, '01'), { recursive: true }))],
    code: 1,
    message: (n) => `mesh-bench: '${roundDir(d(n), '01')}': round directory name must be a canonical decimal integer (no sign, no leading zero), got '01'`,
  },
  {
    name: 'round-beyond-the-plan',
    setup: (n) => ['compare', fixture(n, (dir) => fs.cpSync(roundDir(dir, 1), roundDir(dir, 4), { recursive: true }))],
    code: 1,
    message: (n) => `mesh-bench: '${roundDir(d(n), 4)}': round 4 is not in the run's plan (1, 2, 3, from metadata.json)`,
  },
  {
    name: 'metadata-as-a-fifo',
    setup: (n) => ['compare', fixture(n, (dir) => {
      fs.rmSync(metaFile(dir));
      execFileSync('mkfifo', [metaFile(dir)]);
    })],
    code: 1,
    message: (n) => `mesh-bench: '${metaFile(d(n))}' is a FIFO; expected run metadata (format 2) (only regular files are read)`,
  },
  {
    name: 'rate-directory-in-exponent-notation',
    setup: (n) => ['compare', fixture(n, (dir) => fs.renameSync(path.join(dir, 'rates', '1000'), path.join(dir, 'rates', '1e3')))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(d(n), 'rates', '1e3')}': rate directory name must be a canonical decimal integer (no sign, no leading zero), got '1e3'`,
  },
  {
    name: 'idle-samples-of-an-unplanned-mode',
    setup: (n) => ['compare', fixture(n, (dir) => {
      fs.mkdirSync(path.join(dir, 'idle'));
      fs.writeFileSync(path.join(dir, 'idle', 'ambient.resources.json'), JSON.stringify({ mode: 'ambient', round: 0, samples: [] }));
    })],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(d(n), 'idle', 'ambient.resources.json')}' is not part of a results directory (format 2); expected <mode>.resources.json with mode one of baseline, sidecar`,
  },
  {
    name: 'rate-not-in-the-plan',
    setup: (n) => ['compare', fixture(n, (dir) => fs.mkdirSync(path.join(dir, 'rates', '500')))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(d(n), 'rates', '500')}': rate 500 is not in the run's plan (1000, from metadata.json)`,
  },
  {
    name: 'stray-file-in-a-round',
    setup: (n) => ['compare', fixture(n, (dir) => fs.writeFileSync(path.join(roundDir(dir, 2), 'notes.txt'), 'hi'))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(roundDir(d(n), 2), 'notes.txt')}' is not part of a results directory (format 2); expected <mode>.json or <mode>.resources.json with mode one of baseline, sidecar`,
  },
  {
    name: 'result-of-a-mode-the-run-did-not-plan',
    setup: (n) => ['compare', fixture(n, (dir) => fs.copyFileSync(resultFile(dir, 1, SIDECAR), resultFile(dir, 1, 'ambient')))],
    code: 1,
    message: (n) => `mesh-bench: '${resultFile(d(n), 1, 'ambient')}' is not part of a results directory (format 2); expected <mode>.json or <mode>.resources.json with mode one of baseline, sidecar`,
  },
  {
    name: 'fifo-as-result',
    setup: (n) => ['compare', fixture(n, (dir) => {
      fs.rmSync(resultFile(dir, 1, SIDECAR));
      execFileSync('mkfifo', [resultFile(dir, 1, SIDECAR)]);
    })],
    code: 1,
    message: (n) => `mesh-bench: '${r1(n)}' is a FIFO; expected ${EXPECTED_RESULT} (only regular files are read)`,
  },
  {
    name: 'symlink-to-dev-zero',
    setup: (n) => ['compare', fixture(n, (dir) => {
      fs.rmSync(resultFile(dir, 1, SIDECAR));
      fs.symlinkSync('/dev/zero', resultFile(dir, 1, SIDECAR));
    })],
    code: 1,
    message: (n) => `mesh-bench: cannot read '${r1(n)}': is a symbolic link; only regular files are read; expected ${EXPECTED_RESULT}`,
  },
  {
    name: 'result-larger-than-the-bound',
    setup: (n) => ['compare', fixture(n, (dir) => fs.truncateSync(resultFile(dir, 1, SIDECAR), 64 * 1024 * 1024 + 1))],
    code: 1,
    message: (n) => `mesh-bench: '${r1(n)}' is 67108865 bytes, more than the 67108864 allowed for ${EXPECTED_RESULT}`,
  },
  {
    name: 'directory-named-like-a-result',
    setup: (n) => ['compare', fixture(n, (dir) => {
      fs.rmSync(resultFile(dir, 1, SIDECAR));
      fs.mkdirSync(resultFile(dir, 1, SIDECAR));
    })],
    code: 1,
    message: (n) => `mesh-bench: '${r1(n)}' is a directory; expected ${EXPECTED_RESULT} (only regular files are read)`,
  },
  {
    name: 'unreadable-result',
    skip: isRoot,
    setup: (n) => ['compare', fixture(n, (dir) => fs.chmodSync(resultFile(dir, 1, SIDECAR), 0o000))],
    code: 1,
    message: (n) => `mesh-bench: cannot read '${r1(n)}': permission denied; expected ${EXPECTED_RESULT}`,
  },
  {
    name: 'unreadable-round-directory',
    skip: isRoot,
    setup: (n) => ['compare', fixture(n, (dir) => fs.chmodSync(roundDir(dir, 2), 0o000))],
    code: 1,
    message: (n) => `mesh-bench: cannot read round directory '${roundDir(d(n), 2)}': permission denied`,
  },
  {
    name: 'negative-bucket-count',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (hist(j).Data[0].Count = -5)))],
    code: 1,
    message: (n) => notFortio(r1(n), "field 'DurationHistogram.Data[0].Count' must be a non-negative integer count, got -5"),
  },
  {
    name: 'count-not-the-sum-of-the-buckets',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (hist(j).Count = 1201)))],
    code: 1,
    message: (n) => notFortio(r1(n), "'DurationHistogram.Count' is 1201 but its Data buckets add up to 1200"),
  },
  {
    name: 'percent-above-100',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (hist(j).Data[1].Percent = 150)))],
    code: 1,
    message: (n) => notFortio(r1(n), "field 'DurationHistogram.Data[1].Percent' must be a cumulative percentage from 0 to 100, got 150"),
  },
  {
    name: 'unsorted-buckets',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => {
      const data = hist(j).Data;
      [data[1], data[2]] = [data[2], data[1]];
    }))],
    code: 1,
    message: (n) => {
      const data = hist(clone(RUNS.find((x) => x.round === 1 && x.mode === SIDECAR)?.json as Json)).Data;
      // after the swap, bucket 2 is the old bucket 1: it starts before the old bucket 2 (now at 1) ends
      return notFortio(r1(n), `'DurationHistogram.Data[2]' starts at ${data[1].Start}, before the previous bucket ends (${data[2].End}): buckets must be sorted and disjoint`);
    },
  },
  {
    name: 'count-of-the-wrong-json-type',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (hist(j).Count = { n: 1 })))],
    code: 1,
    message: (n) => notFortio(r1(n), `field 'DurationHistogram.Count' must be a number or a numeric string, got {"n":1}`),
  },
  {
    name: 'more-errors-than-calls',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (j.ErrorsDurationHistogram = { ...hist(j), Count: 2400, Data: hist(j).Data.map((b) => ({ ...b, Count: 2 * (b.Count as number) })) })))],
    code: 1,
    message: (n) => notFortio(r1(n), "'ErrorsDurationHistogram.Count' (2400) exceeds 'DurationHistogram.Count' (1200)"),
  },
  {
    name: 'more-return-codes-than-calls',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (j.RetCodes = { '200': 1200, '503': 7 })))],
    code: 1,
    message: (n) => notFortio(r1(n), "'RetCodes' add up to 1207, more than 'DurationHistogram.Count' (1200)"),
  },
  {
    name: 'result-at-another-rate-than-its-directory',
    setup: (n) => ['compare', fixture(n, (dir) => editResult(dir, 1, SIDECAR, (j) => (j.RequestedQPS = '500')))],
    code: 1,
    message: (n) => `mesh-bench: '${r1(n)}' field 'RequestedQPS' must be 1000, the rate of the directory it is in, got 500`,
  },
  {
    name: 'failed-cell-that-also-has-a-result',
    setup: (n) => ['compare', fixture(n, (dir) => editMeta(dir, (m) => (m.failures = [{ qps: 1000, round: 1, mode: SIDECAR, reason: 'Job failed' }])))],
    code: 1,
    message: (n) => `mesh-bench: '${r1(n)}' exists, but metadata.json records rate 1000 round 1 sidecar as failed; a cell is either failed or has a result`,
  },
  {
    name: 'resources-of-another-round',
    setup: (n) => ['compare', fixture(n, (dir) => fs.writeFileSync(path.join(roundDir(dir, 1), 'sidecar.resources.json'), JSON.stringify({ mode: SIDECAR, round: 2, samples: [] })))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(roundDir(d(n), 1), 'sidecar.resources.json')}' field 'round' must be 1 (the file's directory), got 2`,
  },
  {
    name: 'negative-cpu-sample',
    setup: (n) => ['compare', fixture(n, (dir) => fs.writeFileSync(path.join(roundDir(dir, 1), 'sidecar.resources.json'), JSON.stringify({
      mode: SIDECAR, round: 1, samples: [{ time: 't', pod: 'p', container: 'c', node: 'n', cpuMillicores: -3, memoryMiB: 1 }],
    })))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(roundDir(d(n), 1), 'sidecar.resources.json')}' field 'samples[0].cpuMillicores' must be a finite number from 0 to 10000000, got -3`,
  },
  {
    name: 'unknown-sample-component',
    setup: (n) => ['compare', fixture(n, (dir) => fs.writeFileSync(path.join(roundDir(dir, 1), 'sidecar.resources.json'), JSON.stringify({
      mode: SIDECAR, round: 1, samples: [{ time: 't', component: '=cmd|calc', pod: 'p', container: 'c', node: 'n', cpuMillicores: 3, memoryMiB: 1 }],
    })))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(roundDir(d(n), 1), 'sidecar.resources.json')}' field 'samples[0].component' must be one of sidecar, ztunnel, waypoint, got '=cmd|calc'`,
  },
  {
    name: 'component-another-mode-samples',
    setup: (n) => ['compare', fixture(n, (dir) => fs.writeFileSync(path.join(roundDir(dir, 1), 'sidecar.resources.json'), JSON.stringify({
      mode: SIDECAR, round: 1, samples: [{ time: 't', component: 'waypoint', pod: 'p', container: 'c', node: 'n', cpuMillicores: 3, memoryMiB: 1 }],
    })))],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(roundDir(d(n), 1), 'sidecar.resources.json')}' field 'samples[0].component' must be sidecar in mode sidecar (what run samples there), got 'waypoint'`,
  },
  {
    name: 'valid-metadata-but-no-results',
    setup: (n) => ['compare', fixture(n, (dir) => fs.rmSync(path.join(dir, 'rates'), { recursive: true }))],
    code: 1,
    message: (n) => `mesh-bench: no fortio results found in '${d(n)}'; expected files rates/<qps>/rounds/<round>/<mode>.json with mode one of baseline, sidecar`,
  },
  {
    name: 'report-into-a-missing-directory',
    setup: (n) => ['compare', fixture(n, () => undefined), '--out', path.join(d(n), 'no', 'such', 'report.txt')],
    code: 1,
    message: (n) => `mesh-bench: cannot write the table report to '${path.join(d(n), 'no', 'such', 'report.txt')}': directory '${path.join(d(n), 'no', 'such')}' does not exist`,
  },
  {
    name: 'svg-into-a-missing-directory',
    setup: (n) => ['compare', fixture(n, () => undefined), '--svg', path.join(d(n), 'nope', 'plot.svg')],
    code: 1,
    message: (n) => `mesh-bench: cannot write the latency plot to '${path.join(d(n), 'nope', 'plot.svg')}': directory '${path.join(d(n), 'nope')}' does not exist`,
  },
  {
    name: 'unknown-option-is-usage',
    setup: () => ['compare', tmp, '--bogus'],
    code: 2,
    message: () => "error: unknown option '--bogus'",
  },
  {
    name: 'missing-argument-is-usage',
    setup: () => ['compare'],
    code: 2,
    message: () => "error: missing required argument 'results'",
  },
  {
    name: 'inspect-resources-outside-a-round',
    setup: (n) => {
      fixture(n, (dir) => fs.writeFileSync(path.join(dir, 'sidecar.resources.json'), JSON.stringify({ mode: SIDECAR, round: 1, samples: [] })));
      return ['inspect', path.join(d(n), 'sidecar.resources.json')];
    },
    code: 1,
    message: (n) => `mesh-bench: '${d(n)}/sidecar.resources.json': expected it in idle/ or in rates/<qps>/rounds/<round>/ of a results directory (its directory says the round)`,
  },
  {
    name: 'inspect-resources-of-an-unknown-mode',
    setup: (n) => ['inspect', path.join(roundDir(fixture(n, (dir) => fs.writeFileSync(path.join(roundDir(dir, 1), 'istio.resources.json'), '{}')), 1), 'istio.resources.json')],
    code: 1,
    message: (n) => `mesh-bench: '${path.join(roundDir(d(n), 1), 'istio.resources.json')}': expected a file named <mode>.resources.json with mode one of baseline, sidecar, ambient, ambient-waypoint`,
  },
  {
    name: 'inspect-dev-zero',
    setup: () => ['inspect', '/dev/zero'],
    code: 1,
    message: () => `mesh-bench: '/dev/zero' is a device; expected ${EXPECTED_RESULT} (only regular files are read)`,
  },
];

describe('hostile results corpus: exact exit code and one-line message, each within 5 s (bounded, never hangs)', () => {
  test('the corpus has at least 25 cases with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    if (c.skip) {
      // eslint-disable-next-line no-console
      console.log(`skipped ${name}: running as root, file permissions do not apply`);
      return;
    }
    const args = c.setup(name);
    const r = await run(...args);
    expect({ code: r.code, err: r.err }).toEqual({ code: c.code, err: `${c.message(name)}\n` });
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.out).toBe('');
  }, 5000);

  test('a valid fixture passes (the corpus corrupts something that works)', async () => {
    const r = await run('compare', fixture('valid', () => undefined));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  test('a sample written before `component` existed is read as what its mode sampled (sidecar here), not rejected', async () => {
    const dir = fixture('legacy-samples', (dd) => fs.writeFileSync(path.join(roundDir(dd, 1), 'sidecar.resources.json'), JSON.stringify({
      mode: SIDECAR, round: 1, samples: [{ time: 't', pod: 'p', container: 'istio-proxy', node: 'n', cpuMillicores: 3, memoryMiB: 1 }],
    })));
    const r = await run('compare', dir, '--format', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { rates: { modes: { mode: string; resources: { components: { component: string }[] } }[] }[] };
    expect(doc.rates[0].modes.find((m) => m.mode === SIDECAR)?.resources.components.map((c) => c.component)).toEqual(['sidecar']);
  });
});
