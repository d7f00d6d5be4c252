import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/mesh-bench';
import { selectServerPods } from '../../lib/kube/preflight';
import { PodView } from '../../lib/kube/types';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => { out.push(t); }, stderr: (t: string) => { err.push(t); } }, out, err };
}

describe('mesh-bench entry point', () => {
  test('lists the three subcommands', async () => {
    const { io: cli, out } = io();
    expect(await main(['node', 'mesh-bench', '--help'], cli)).toBe(0);
    const help = out.join('');
    for (const c of ['inspect', 'compare', 'run', 'versions']) expect(help).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  test('main returns the exit code `run` reports (a kubeconfig pointing at a closed port fails preflight)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-'));
    const kubeconfig = path.join(dir, 'config');
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:9", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]', 'contexts: [{name: c, context: {cluster: c, user: u}}]',
    ].join('\n'));
    const { io: cli, err } = io();
    const code = await main(['node', 'mesh-bench', 'run', '--kubeconfig', kubeconfig, '--out', path.join(dir, 'out'), '--request-timeout', '2'], cli);
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/^mesh-bench: list ConfigMaps in all namespaces: cannot reach the API server http:\/\/127\.0\.0\.1:9 \(context c\): connection refused; /m);
    expect(err.join('')).not.toMatch(/unknown command/);
  });
});

describe('selectServerPods', () => {
  const pod = (name: string, labels: Record<string, string>, ownerKinds: string[] = ['ReplicaSet'], phase = 'Running'): PodView => ({
    name, namespace: 'ns', labels, annotations: {}, nodeName: 'n', phase, containers: ['fortio'], initContainers: [], ownerKinds, images: {},
  });

  test('uses the component label the harness sets, and falls back to "not a Job pod" without it', () => {
    const pods = [
      pod('server', { 'mesh-bench/component': 'server' }),
      pod('load', { 'mesh-bench/component': 'load' }, ['ReplicaSet']),
      pod('legacy', {}),
      pod('job', {}, ['Job']),
      pod('pending', { 'mesh-bench/component': 'server' }, ['ReplicaSet'], 'Pending'),
    ];
    expect(selectServerPods(pods).map((p) => p.name)).toEqual(['server', 'legacy']);
  });
});

describe('the real process: write errors on stdout are one line, never a stack trace', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'mesh-bench.js');
  const dist = path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'mesh-bench.js');
  const available = fs.existsSync(dist) && fs.existsSync('/dev/full');

  test('stdout on a full device (ENOSPC): exit 1 and one line; stdout closed early (EPIPE): quiet', () => {
    if (!available) {
      if (process.env.CI === 'true') throw new Error('dist/ (npm run build) and /dev/full are required in CI');
      // eslint-disable-next-line no-console
      console.log('skipped: needs dist/ (run `npm run build`) and /dev/full');
      return;
    }
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [bin, '--help'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('cannot write to stdout: ENOSPC\n');
    } finally {
      fs.closeSync(full);
    }
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" --help | head -c 1 >/dev/null`], { encoding: 'utf8' });
    expect(piped.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});
