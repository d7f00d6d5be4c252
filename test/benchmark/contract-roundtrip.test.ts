import { spawnSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { BenchmarkHarness } from '../../lib/benchmark/benchmark-harness';
import { ALL_MODES, JOB_META_KEY, JOB_TEMPLATE_KEY, PLACEHOLDERS } from '../../lib/wire/bench-contract';
import { REPORT_SCRIPT } from '../../lib/benchmark/load-job';
import { IstioAmbientCluster } from '../../lib/istio/istio-ambient-cluster';
import { extractMarkedResult, instantiateJob, templateTakesRate, validateTemplateMeta } from '../../lib/kube/harness';
import { terraformLiteral } from '../terraform/template';
import { resourcesOf, synthJson, testStack, existingCluster } from '../util';

/**
 * What the construct deploys, read back the way the CLI reads it from the cluster: the synthesized
 * Terraform JSON strings as Terraform turns them into values (`$${` → `${`, `%%{` → `%{`; a live
 * interpolation fails here, as it would fail `terraform validate`).
 */
function deployedTemplates(): { mode: string; template: string; meta: unknown; synthesized: string }[] {
  const stack = testStack();
  new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster() });
  new BenchmarkHarness(stack, 'Bench', { modes: [...ALL_MODES] });
  return resourcesOf(synthJson(stack), 'kubernetes_config_map_v1').map(([, cm]) => {
    const data = cm.data as Record<string, string>;
    return {
      mode: (cm.metadata as { labels: Record<string, string> }).labels['mesh-bench/mode'],
      template: terraformLiteral(data[JOB_TEMPLATE_KEY]),
      meta: JSON.parse(terraformLiteral(data[JOB_META_KEY])),
      synthesized: data[JOB_TEMPLATE_KEY],
    };
  });
}

describe('construct ↔ CLI contract', () => {
  const templates = deployedTemplates();

  test('the placeholders are escaped for Terraform in the synthesized JSON and arrive intact', () => {
    for (const t of templates) {
      for (const p of Object.values(PLACEHOLDERS)) {
        expect(t.synthesized).toContain(`$${p}`);
        expect(t.template).toContain(p);
        expect(t.template).not.toContain(`$${p}`);
      }
    }
  });

  test('the CLI accepts every deployed meta.json', () => {
    expect(templates.map((t) => t.mode).sort()).toEqual([...ALL_MODES].sort());
    for (const t of templates) expect(validateTemplateMeta(t.meta)).toEqual([]);
  });

  test.each(ALL_MODES)('%s: the CLI instantiates the deployed template into a valid Job with the run labels', (mode) => {
    const t = templates.find((x) => x.mode === mode)!;
    const job = instantiateJob({ mode, template: t.template }, { jobName: `mb-r3-${mode}-measure`, runId: 'run-7', round: 3, phase: 'measure', duration: '180s', qps: 750 }) as any;
    expect(() => new Job(job).validate()).not.toThrow();
    expect(job.metadata.labels).toEqual(expect.objectContaining({ 'mesh-bench/run': 'run-7', 'mesh-bench/round': '3', 'mesh-bench/phase': 'measure' }));
    expect(job.spec.template.metadata.labels).toEqual(expect.objectContaining({ 'mesh-bench/run': 'run-7', 'mesh-bench/round': '3' }));
    const args = job.spec.template.spec.containers[0].args as string[];
    expect(args).toContain('-t=180s');
    expect(args).toContain('-qps=750'); // the rate of a `run --qps` sweep reaches fortio
    expect(args).toContain(`-labels=run-7/${mode}/3/measure`);
  });

  test('the deployed templates take their rate from ${QPS}, and meta.json names response and request sizes apart', () => {
    for (const t of templates) {
      expect(templateTakesRate(t.template)).toBe(true);
      expect(t.meta).toEqual(expect.objectContaining({ responseBytes: expect.any(Number), requestPayloadBytes: expect.any(Number) }));
      expect(t.meta).not.toHaveProperty('payloadBytes');
    }
  });
});

/** Runs the companion script for real with `sh`, with /results pointed at a temp dir. */
function runReportScript(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = REPORT_SCRIPT.split('/results/').join(`${dir}/`);
  return new Promise((resolve) => {
    const p = spawn('sh', ['-c', script]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += String(d); });
    p.stderr.on('data', (d) => { stderr += String(d); });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const hasTools = spawnSync('sh', ['-c', 'command -v pgrep']).status === 0;
(hasTools ? describe : describe.skip)('the companion script (run with sh)', () => {
  test('prints the result between the markers, which the CLI extracts intact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    const result = JSON.stringify({ RunType: 'HTTP', DurationHistogram: { Count: 3 }, Labels: 'x' });
    fs.writeFileSync(path.join(dir, 'result.json'), result);
    const out = await runReportScript(dir);
    expect(out.code).toBe(0);
    expect(extractMarkedResult(out.stdout)?.trim()).toBe(result);
  });

  test('fails, without markers, when fortio exits without a result', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    // A short-lived process named exactly "fortio", standing in for a load generator that dies.
    const fake = path.join(dir, 'fortio');
    fs.copyFileSync(spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim(), fake);
    fs.chmodSync(fake, 0o755);
    const fortio = spawn(fake, ['2']);
    await new Promise((r) => setTimeout(r, 300));
    const out = await runReportScript(dir);
    fortio.kill();
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('fortio exited without a result');
    expect(extractMarkedResult(out.stdout)).toBeUndefined();
  }, 20000);
});
