import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import { parse } from 'yaml';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { MtlsMode } from '../../lib/istio/resources';
import { EXIT_GATE_FAILED, EXIT_OK, EXIT_USAGE, main } from '../../lib/cli/mesh-review';
import { mesh, reviewPair, setVersions, synthTo } from '../analysis/review/review-fixture';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'mesh-review', ...args], { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

/** The official SARIF 2.1.0 schema (OASIS; source and license in test/fixtures/sarif/SOURCE.md). */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
}

describe('mesh-review CLI', () => {
  const same = synthTo((s) => mesh(s));
  const upgrade = reviewPair((s, side) => mesh(s, { istioVersion: side === 'base' ? IstioVersion.V1_22_7 : IstioVersion.V1_22_8, mtlsMode: side === 'base' ? MtlsMode.STRICT : MtlsMode.PERMISSIVE }));
  const crdsOnly = reviewPair((s, side) => {
    const m = mesh(s, { istioVersion: IstioVersion.V1_22_7 });
    if (side === 'head') setVersions(m, { base: '1.22.8' });
  });

  test('identical outputs: an empty report and exit 0, even with --fail-on low', async () => {
    const r = await run(same, same, '--fail-on', 'low');
    expect(r).toEqual({ code: EXIT_OK, out: '## Mesh review\n\nNo changes between base and head.\n', err: '' });
    expect(JSON.parse((await run(same, same, '--format', 'json')).out)).toEqual({ format: 'mesh-review/1', stacks: [] });
  });

  test('Markdown report: risks with why and fix, releases, resources, Terraform actions', async () => {
    const r = await run(upgrade.base, upgrade.head);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/^## Mesh review\n\n1 stack\(s\) changed; risks: 2 high, 2 medium, 0 low\./);
    expect(r.out).toContain('| 🔴 high | MR001 control-and-data-plane-together |');
    expect(r.out).toContain('| 🔴 high | MR003 mtls-relaxed | `PeerAuthentication istio-system/default` |');
    // the library's own precheck (issue 10) on the relaxed mTLS, carried through as a new CIM warning
    expect(r.out).toMatch(/\| 🟠 medium \| MR008 precheck-finding \| `CIM-\d+ mesh\/Mesh` \| New synth warning: \\\[CIM-\d+\\\] mTLS not STRICT/);
    expect(r.out).toContain('- changed `istiod` (`helm_release.Mesh_Releases_Istiod_2C5DBC08`): chart `istiod` `1.22.7` → `1.22.8`');
    expect(r.out).toContain('  - changed `spec.mtls.mode`: `"STRICT"` → `"PERMISSIVE"`');
    expect(r.out).toContain('| update | `helm_release.Mesh_Releases_Ztunnel_85F5D146` — `version` |');
  });

  test('--fail-on gates on the highest finding: exit 1 at or above the level, 0 below', async () => {
    expect((await run(upgrade.base, upgrade.head, '--fail-on', 'high')).code).toBe(EXIT_GATE_FAILED);
    const medium = await run(crdsOnly.base, crdsOnly.head, '--fail-on', 'high');
    expect(medium.code).toBe(EXIT_OK);
    const gated = await run(crdsOnly.base, crdsOnly.head, '--fail-on', 'medium');
    expect(gated.code).toBe(EXIT_GATE_FAILED);
    expect(gated.err).toBe("mesh-review: findings at or above 'medium' (--fail-on medium)\n");
    expect(gated.out).toContain('MR004 crds-changing');
  });

  test('--format json: the same findings as data', async () => {
    const json = JSON.parse((await run(upgrade.base, upgrade.head, '--format', 'json')).out);
    expect(json.stacks).toHaveLength(1);
    expect(json.stacks[0].risks.map((r: { id: string; level: string }) => `${r.id}:${r.level}`)).toEqual(['MR001:high', 'MR003:high', 'MR004:medium', 'MR008:medium']);
    expect(json.stacks[0].releases.map((r: { name: string }) => r.name)).toEqual(['istio-base', 'istio-cni', 'istiod', 'ztunnel']);
  });

  test('--format sarif validates against the SARIF 2.1.0 schema, with one result per finding', async () => {
    const validate = sarifValidator();
    for (const [b, h] of [[upgrade.base, upgrade.head], [same, same]]) {
      const r = await run(b, h, '--format', 'sarif');
      const log = JSON.parse(r.out);
      expect(validate(log) ? [] : validate.errors).toEqual([]);
      expect(log.runs[0].results).toHaveLength(b === same ? 0 : upgrade.report.risks.length);
    }
    const log = JSON.parse((await run(upgrade.base, upgrade.head, '--format', 'sarif')).out);
    expect(log.runs[0].results[0]).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'stacks/mesh/cdk.tf.json' } } }] });
  });

  test('the schema check can fail: a SARIF log with an unknown level is rejected', () => {
    const validate = sarifValidator();
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'high' }] }] })).toBe(false);
  });

  test('the bin shim (built dist/) exits with the CLI\'s code', () => {
    const bin = path.join(__dirname, '..', '..', 'bin', 'mesh-review.js');
    if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'mesh-review.js'))) throw new Error("dist/ is missing: run 'npm run build' first ('npm test' does)");
    expect(spawnSync(process.execPath, [bin, same, same]).status).toBe(EXIT_OK);
    expect(spawnSync(process.execPath, [bin, upgrade.base, upgrade.head, '--fail-on', 'high']).status).toBe(EXIT_GATE_FAILED);
    expect(spawnSync(process.execPath, [bin, same]).status).toBe(EXIT_USAGE);
  });

  test('--help documents the exit codes and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('Exit codes: 0 no finding at or above --fail-on; 1 a finding at or above it; 2 bad usage or unreadable input.');
  });

  test('usage errors and unreadable input exit 2 with a message', async () => {
    expect((await run(same)).code).toBe(EXIT_USAGE);
    expect((await run(same, same, '--fail-on', 'critical')).code).toBe(EXIT_USAGE);
    expect((await run(same, same, '--format', 'html')).code).toBe(EXIT_USAGE);
    const missing = await run(same, '/nonexistent/cdktf.out');
    expect(missing).toEqual({ code: EXIT_USAGE, out: '', err: 'mesh-review: /nonexistent/cdktf.out: synth output directory not found (run `cdktf synth` first)\n' });
  });
});

describe('synth output reader: untrusted input', () => {
  /** A copy of a real synth output to tamper with. */
  function tampered(edit: (dir: string) => void): string {
    const dir = fs.mkdtempSync(path.join(path.dirname(good), 'tampered-'));
    fs.cpSync(good, dir, { recursive: true });
    edit(dir);
    return dir;
  }
  const good = synthTo((s) => mesh(s));
  const manifestOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stackJson = (dir: string) => path.join(dir, 'stacks', 'mesh', 'cdk.tf.json');
  const chartDir = (dir: string) => {
    const json = JSON.parse(fs.readFileSync(stackJson(dir), 'utf8'));
    const rel = Object.values(json.resource.helm_release as Record<string, { chart: string }>).find((r) => r.chart.startsWith('assets/'))!.chart;
    return path.join(dir, 'stacks', 'mesh', rel);
  };

  test('a stack path outside the output is refused', async () => {
    const dir = tampered((d) => {
      const m = manifestOf(d);
      m.stacks.mesh.synthesizedStackPath = '../../../../etc/passwd';
      fs.writeFileSync(path.join(d, 'manifest.json'), JSON.stringify(m));
    });
    const r = await run(good, dir);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/synthesizedStackPath: '\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd' (points outside the synth output|does not exist in the synth output)/);
  });

  test('a helm_release chart path out of the output is refused, existing or not', async () => {
    for (const chart of ['../../../../../../etc', '../../../../../../no-such-dir']) {
      const dir = tampered((d) => {
        const text = fs.readFileSync(stackJson(d), 'utf8');
        fs.writeFileSync(stackJson(d), text.replace(/"chart": "assets\/[^"]+"/, `"chart": "${chart}"`));
      });
      const r = await run(good, dir);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err).toContain(`'${chart}' points outside the synth output`);
    }
  });

  test('a chart whose template is a symlink out of the output is refused', async () => {
    const dir = tampered((d) => {
      const t = path.join(chartDir(d), 'templates');
      const file = fs.readdirSync(t)[0];
      fs.rmSync(path.join(t, file));
      fs.symlinkSync('/etc/hostname', path.join(t, file));
    });
    const r = await run(good, dir);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/points outside the synth output/);
  });

  test('malformed JSON and YAML fail with the file named', async () => {
    const badJson = tampered((d) => fs.writeFileSync(stackJson(d), '{"resource": '));
    expect((await run(good, badJson)).err).toMatch(/^mesh-review: stacks\/mesh\/cdk\.tf\.json: is not valid JSON/);
    const badYaml = tampered((d) => {
      const t = path.join(chartDir(d), 'templates');
      fs.writeFileSync(path.join(t, fs.readdirSync(t)[0]), 'a: [1, 2\n');
    });
    expect((await run(good, badYaml)).err).toMatch(/templates\/peerauthentication[^:]*default\.yaml: is not valid YAML/);
  });

  test('deeply nested JSON is refused before the analysis walks it', async () => {
    const dir = tampered((d) => {
      const text = fs.readFileSync(stackJson(d), 'utf8').trimEnd();
      fs.writeFileSync(stackJson(d), `${text.slice(0, -1)}, "locals": {"deep": ${'['.repeat(5000)}${']'.repeat(5000)}}}`);
    });
    const r = await run(good, dir);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toBe('mesh-review: stacks/mesh/cdk.tf.json: nests deeper than 64 levels\n');
  });

  test('a YAML alias bomb is cut off', async () => {
    const dir = tampered((d) => {
      const t = path.join(chartDir(d), 'templates');
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
      fs.writeFileSync(path.join(t, 'bomb.yaml'), `${lines.join('\n')}\n`);
    });
    const r = await run(good, dir);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/bomb\.yaml: cannot be read/);
  });
});

describe('CI workflow example (examples/ci/mesh-review.yml)', () => {
  const workflow = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'ci', 'mesh-review.yml'), 'utf8'));
  const steps: { name?: string; run?: string; if?: string; env?: Record<string, string> }[] = workflow.jobs.review.steps;
  const pair = reviewPair((s, side) => mesh(s, { mtlsMode: side === 'base' ? MtlsMode.STRICT : MtlsMode.PERMISSIVE }));

  test('synthesizes base and head into the directories the review reads, keeping synth errors in the output', () => {
    for (const side of ['base', 'head']) {
      const synth = steps.find((s) => s.run?.includes(`--output "$GITHUB_WORKSPACE/synth/${side}"`));
      expect(synth?.env?.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS).toBe('true');
    }
  });

  test('every mesh-review command line in it is accepted by the CLI, and the gate fails on a high finding', async () => {
    const lines = steps.flatMap((s) => (s.run ?? '').split('\n')).filter((l) => l.includes('bin/mesh-review '));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const args = line.split('bin/mesh-review ')[1].split('>')[0].trim().split(/\s+/)
        .map((a) => (a === 'synth/base' ? pair.base : a === 'synth/head' ? pair.head : a));
      const r = await run(...args);
      expect(r.code).toBe(args.includes('--fail-on') ? EXIT_GATE_FAILED : EXIT_OK);
    }
    expect(steps.find((s) => s.name === 'Gate on high-risk findings')?.if).toBe("steps.review.outputs.code != '0'");
  });
});
