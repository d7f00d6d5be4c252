/**
 * Every chart the library generates, rendered by real Helm (`helm template`, helm v3.17.3 from
 * `npm run helm:fetch`; see helm.ts), as Terraform's helm provider renders it on install:
 * - with the Gateway API served, every chart renders, and each document, read as Kubernetes' client
 *   reads it (Go's sigs.k8s.io/yaml), equals the resource the construct meant; checks render nothing;
 * - without it, the waypoint's chart fails with the command Istio's docs name for the mesh's minor
 *   (../shared/gateway-api/SOURCE.md), for every minor.
 * Without the helm binary this prints one skip line; under CI=true that absence fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { App, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { IstioVersion, findIstioMinor } from '../../lib/catalog/istio-versions';
import { IstioResourceChart } from '../../lib/istio/istio-resource-chart';
import { AuthorizationPolicy } from '../../lib/istio/policy/authorization-policy';
import { Waypoint } from '../../lib/istio/policy/waypoint';
import { goStringLiteral, writeChartDir } from '../../lib/private/generated-chart';
import { SynthesizedStack, allSynthesizedStacks } from '../terraform/synthesized-stacks';
import { testMesh, testStack } from '../util';
import { findHelm, helmTemplate, readAsKubernetes } from './helm';

const found = findHelm();
if (typeof found === 'string') {
  if (process.env.CI === 'true') throw new Error(`CI must render the generated charts with real Helm, but ${found}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED Helm render of the generated charts: ${found}`);
}
const describeIfHelm = typeof found === 'string' ? describe.skip : describe;
const helm = (): string => (found as Exclude<typeof found, string>).bin;

/** What discovery returns on a cluster with the Gateway API v1 CRDs (Helm adds group/version and group/version/Kind). */
const GATEWAY_API = ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/GatewayClass', 'gateway.networking.k8s.io/v1/HTTPRoute'];

/** What `helm template` adds after a render error (helm cmd/helm/template.go). */
const HELM_TEMPLATE_HINT = '\nUse --debug flag to render out invalid YAML\n';

const SHARED_GATEWAY_API = path.resolve(__dirname, '..', '..', '..', 'shared', 'gateway-api', 'SOURCE.md');

/** Istio minor → the Gateway API release and channel its docs install, from the table in ../shared/gateway-api/SOURCE.md. */
function docsGatewayApi(): Map<string, { version: string; channel: string }> {
  const rows = new Map<string, { version: string; channel: string }>();
  for (const m of fs.readFileSync(SHARED_GATEWAY_API, 'utf8').matchAll(/^\| (1\.\d+) \| \*\*(v\d+\.\d+\.\d+), (standard|experimental)\*\*/gm)) {
    rows.set(m[1], { version: m[2], channel: m[3] });
  }
  return rows;
}

interface WrittenChart {
  readonly label: string;
  readonly dir: string;
  readonly chart: IstioResourceChart;
}

/** Every generated chart a synthesized app wrote, with the construct that wrote it. */
function chartsOnDisk(app: App, label: (stack: TerraformStack) => string): WrittenChart[] {
  const out: WrittenChart[] = [];
  for (const stack of app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack)) {
    for (const chart of stack.node.findAll().filter((c): c is IstioResourceChart => c instanceof IstioResourceChart)) {
      out.push({ label: `${label(stack)} ${chart.node.path}`, dir: path.join(app.outdir, 'stacks', stack.node.id, ...chart.chartPath.split('/')), chart });
    }
  }
  return out;
}

function chartYamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'Chart.yaml').map((f) => path.join(dir, path.dirname(f)));
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describeIfHelm(`generated charts rendered by real Helm (${typeof found === 'string' ? '' : found.version})`, () => {
  const charts: WrittenChart[] = [];
  const outdirs: string[] = [];
  let stacks: SynthesizedStack[] = [];

  beforeAll(() => {
    stacks = allSynthesizedStacks();
    const apps = [...new Set(stacks.map((s) => s.stack.node.root as App))];
    for (const app of apps) {
      app.synth();
      outdirs.push(app.outdir);
      const names = new Map(stacks.map((s) => [s.stack, s.name]));
      const written = chartsOnDisk(app, (stack) => names.get(stack) ?? stack.node.id);
      // Every chart directory on disk belongs to a construct, and every construct's chart is on disk.
      expect(chartYamlFiles(app.outdir).sort()).toEqual(written.map((c) => c.dir).sort());
      charts.push(...written);
    }
  }, 300_000);

  afterAll(() => {
    for (const d of outdirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('covers the mesh config, policy, waypoint and canary tag webhook charts', () => {
    const kinds = new Set(charts.flatMap((c) => [...c.chart.resources, ...c.chart.kubernetesObjects].map((r) => r.kind)));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['AuthorizationPolicy', 'Gateway', 'MutatingWebhookConfiguration', 'PeerAuthentication', 'Telemetry']));
    expect(charts.some((c) => c.chart.files['templates/check-gateway-api-crds.yaml'] !== undefined)).toBe(true);
  });

  test('with the Gateway API served, every chart renders exactly the resources its construct meant, as Kubernetes reads them', () => {
    const failures: string[] = [];
    for (const c of charts) {
      const release = c.chart.release.nameInput!;
      const rendered = helmTemplate(helm(), release, c.dir, c.chart.release.namespaceInput!, GATEWAY_API);
      if (rendered.status !== 0) {
        failures.push(`${c.label}: ${rendered.stderr.trim()}`);
        continue;
      }
      // On disk: exactly the construct's files.
      const onDisk = fs.readdirSync(c.dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(c.dir, f)).isFile());
      expect(onDisk.sort()).toEqual(Object.keys(c.chart.files).sort());
      const written = (f: string) => fs.readFileSync(path.join(c.dir, f), 'utf8');
      const chartName = (parse(written('Chart.yaml')) as { name: string }).name;
      const templates = onDisk.filter((f) => f.startsWith('templates/') && !f.startsWith('templates/check-'));
      // Checks render nothing; each resource's template renders one document.
      expect([...rendered.sources.keys()].sort()).toEqual(templates.map((f) => `${chartName}/${f}`).sort());
      const docs = templates.flatMap((f) => rendered.sources.get(`${chartName}/${f}`)!);
      expect(docs.length).toBe(templates.length);
      const read = readAsKubernetes(helm(), docs);
      const byFile = new Map(templates.map((f, i) => [f, read[i]]));
      const meant = [...c.chart.resources, ...c.chart.kubernetesObjects];
      // Each resource is in one template file (the YAML the library wrote, parsed), and Kubernetes reads it back.
      const matched = new Set<string>();
      for (const r of meant) {
        const json = JSON.parse(JSON.stringify(r)) as unknown;
        const f = templates.find((t) => isDeepStrictEqual(parse(written(t)), json));
        if (f === undefined) {
          failures.push(`${c.label}: no template parses to ${r.kind} ${r.metadata.namespace}/${r.metadata.name}`);
          continue;
        }
        matched.add(f);
        if (!isDeepStrictEqual(byFile.get(f), json)) {
          expect({ chart: c.label, file: f, kubernetesReads: byFile.get(f) }).toEqual({ chart: c.label, file: f, kubernetesReads: json });
        }
      }
      expect([...matched].sort()).toEqual([...templates].sort());
    }
    expect(failures).toEqual([]);
    expect(charts.length).toBeGreaterThanOrEqual(5);
  });

  test('every helm_release values text of every stack and example reaches Helm as the values the library wrote (YAML 1.2 meaning)', () => {
    const texts: { where: string; text: string }[] = [];
    let live = 0;
    for (const s of stacks) {
      for (const [id, r] of Object.entries((s.json.resource as Record<string, Record<string, { values?: string[] }>>).helm_release ?? {})) {
        for (const raw of r.values ?? []) {
          // A live Terraform interpolation is filled in by Terraform, not by us: such text cannot be read here.
          if (/(^|[^$])\$\{|(^|[^%])%\{/.test(raw)) { live++; continue; }
          texts.push({ where: `${s.name} helm_release.${id}`, text: raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') });
        }
      }
    }
    expect(texts.length).toBeGreaterThanOrEqual(20);
    const read = readAsKubernetes(helm(), texts.map((t) => t.text));
    const differ = texts.flatMap((t, i) => (isDeepStrictEqual(read[i], parse(t.text)) ? [] : [`${t.where}: ${JSON.stringify(read[i])} vs ${JSON.stringify(parse(t.text))}`]));
    expect({ differ, live }).toEqual({ differ: [], live });
  });

  test("without the Gateway API, the waypoint's chart fails the install naming the CRDs Istio's docs install for the mesh's minor (every minor)", () => {
    const docs = docsGatewayApi();
    expect([...docs.keys()]).toEqual(['1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30']);
    const dir = tempDir('waypoint-charts-');
    try {
      for (const [minor, api] of docs) {
        const info = findIstioMinor(minor)!;
        const stack = testStack();
        const mesh = testMesh(stack, { istioVersion: IstioVersion.of(`${minor}.${info.patches[info.patches.length - 1]}`), ambientNamespaces: ['shop'] });
        const w = new Waypoint(stack, 'W', { mesh, namespace: 'shop' });
        const chartDir = path.join(dir, minor, 'assets', 'w', 'chart');
        writeChartDir(chartDir, w.chart.files);
        const chartName = (parse(w.chart.files['Chart.yaml']) as { name: string }).name;
        const message = "The Gateway API CRDs are not installed, so the Istio waypoint cannot be created. "
          + `Istio ${minor}'s docs install them with: kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/${api.version}/${api.channel}-install.yaml`;
        const expected = `Error: execution error at (${chartName}/templates/check-gateway-api-crds.yaml:2:4): ${message}\n${HELM_TEMPLATE_HINT}`;
        // No Gateway API; and an old cluster that serves only v1beta1 (Gateway API before v1.0).
        for (const apiVersions of [[], ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1beta1/Gateway']]) {
          const r = helmTemplate(helm(), w.chart.release.nameInput!, chartDir, 'shop', apiVersions);
          expect({ minor, apiVersions, status: r.status, stderr: r.stderr }).toEqual({ minor, apiVersions, status: 1, stderr: expected });
        }
        // With it, the same chart renders the Gateway.
        expect([...helmTemplate(helm(), w.chart.release.nameInput!, chartDir, 'shop', GATEWAY_API).sources.keys()]).toEqual([`${chartName}/templates/gateway.gateway.networking.k8s.io_shop_waypoint.yaml`]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('strings a YAML 1.1 reader takes for booleans, numbers or null reach Kubernetes as the same strings', () => {
    const tricky = ['yes', 'on', 'Off', 'n', 'Y', 'NO', '~', 'null', '1_000', '0o17', '0x1F', '0755', '09', '+12', '.5', '1e3', '-.inf', '.NaN', '2001-12-14', '1:20', '10.0.0.0/8', '1-22-8'];
    const stack = testStack();
    const mesh = testMesh(stack, { ambientNamespaces: ['shop'] });
    const waypoint = new Waypoint(stack, 'W', { mesh, namespace: 'shop' });
    const p = new AuthorizationPolicy(stack, 'P', {
      mesh, namespace: 'shop', name: 'tricky', waypoint,
      rules: [{ when: [{ key: 'request.headers[x-flag]', values: tricky }] }],
    });
    const dir = tempDir('tricky-chart-');
    try {
      writeChartDir(path.join(dir, 'assets', 'p', 'chart'), p.chart.files);
      const r = helmTemplate(helm(), p.chart.release.nameInput!, path.join(dir, 'assets', 'p', 'chart'), 'shop');
      expect(r.stderr).toBe('');
      const [read] = readAsKubernetes(helm(), [...r.sources.values()].flat());
      expect(read).toEqual(JSON.parse(JSON.stringify(p.resource)));
      expect((read as { spec: { rules: { when: { values: string[] }[] }[] } }).spec.rules[0].when[0].values).toEqual(tricky);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a fail message written with goStringLiteral reaches the user unchanged, whatever characters it holds', () => {
    const messages = ['plain', 'say "hi" and \'bye\'', 'back\\slash \\n', 'new\nline\ttab\r', '{{ .Values }} and }}', 'ünïcödé 日本 🚀', '\u0001\u001f\u007f', '%s %d %v', "Istio 1.22's docs"];
    const dir = tempDir('fail-chart-');
    try {
      fs.mkdirSync(path.join(dir, 'templates'));
      fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: msg\nversion: 1.0.0\n');
      for (const m of messages) {
        fs.writeFileSync(path.join(dir, 'templates', 'check-m.yaml'), `{{- fail ${goStringLiteral('message', m)} }}\n`);
        expect(helmTemplate(helm(), 'msg', dir, 'default').stderr).toBe(`Error: execution error at (msg/templates/check-m.yaml:1:4): ${m}\n${HELM_TEMPLATE_HINT}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('negative controls: a template error and a fail call are errors, and the reader sees YAML 1.1 booleans', () => {
    const dir = tempDir('broken-chart-');
    try {
      fs.mkdirSync(path.join(dir, 'templates'));
      fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: broken\nversion: 1.0.0\n');
      fs.writeFileSync(path.join(dir, 'templates', 'a.yaml'), 'kind: ConfigMap\n{{- if .Capabilities.APIVersions.Has "v1" }}\n{{ .Values.missing.deeper }}\n{{- end }}\n');
      const broken = helmTemplate(helm(), 'broken', dir, 'default');
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(/^Error: template: broken\/templates\/a\.yaml:3:10: executing "broken\/templates\/a\.yaml" at <\.Values\.missing\.deeper>: nil pointer evaluating interface \{\}\.deeper/);
      fs.writeFileSync(path.join(dir, 'templates', 'a.yaml'), '{{- fail "always" }}\n');
      expect(helmTemplate(helm(), 'broken', dir, 'default').stderr).toBe(`Error: execution error at (broken/templates/a.yaml:1:4): always\n${HELM_TEMPLATE_HINT}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(readAsKubernetes(helm(), ['a: on\nb: "on"\nc: 0o17\n'])).toEqual([{ a: true, b: 'on', c: 15 }]);
  });
});
