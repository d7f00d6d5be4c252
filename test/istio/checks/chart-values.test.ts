import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as fc from 'fast-check';
import { TerraformStack } from 'cdktf';
import { Release } from '@cdktf/provider-helm/lib/release';
import { create } from 'tar';
import { parse } from 'yaml';
import { ISTIO_CHART_REPOSITORY, ISTIO_MINORS, ISTIO_OCI_CHART_REPOSITORY, IstioVersion } from '../../../lib/catalog/istio-versions';
import { CheckId, MeshChecks } from '../../../lib/istio/checks/check-registry';
import { MeshPrechecks } from '../../../lib/istio/checks/mesh-prechecks';
import { unreadValues } from '../../../lib/istio/checks/chart-keys';
import { CHARTS_DIR_CONTEXT, findChart } from '../../../lib/istio/checks/chart-source';
import { helmSet, setPath } from '../../../lib/istio/checks/stack-model';
import { IstioAmbientClusterProps } from '../../../lib/istio/istio-ambient-cluster';
import { CanaryPhase } from '../../../lib/istio/canary-phase';
import { IstioCanaryRevision } from '../../../lib/istio/istio-canary-revision';
import { ChartValuesReference } from '../../conformance/istio-reference';
import { annotationsOf, sharedIstioDir, testMesh, testStack } from '../../util';
import { pulledChartsDir } from './pulled-charts';

const CHARTS = ['base', 'cni', 'istiod', 'ztunnel'];
const latest = (minor: string): IstioVersion => {
  const info = ISTIO_MINORS.find((m) => m.minor === minor)!;
  return IstioVersion.of(`${minor}.${info.patches[info.patches.length - 1]}`);
};
const findingsOf = (stack: TerraformStack, id: CheckId, level: 'error' | 'warning' | 'info'): string[] =>
  annotationsOf(stack, level).filter((a) => a.includes(`[${id}]`));

/** A mesh at `version` in a stack whose context points CIM-6003 at `dir`. */
function meshAt(dir: string | undefined, version: IstioVersion, props: Partial<IstioAmbientClusterProps> = {}) {
  const stack = testStack(dir === undefined ? {} : { [CHARTS_DIR_CONTEXT]: dir });
  const mesh = testMesh(stack, { istioVersion: version, allowUnsupportedKubernetesVersion: true, ambientNamespaces: ['shop'], ...props });
  return { stack, mesh };
}

/** The stack's own release of an Istio chart, from Istio's repository (not made by the library). */
function ownRelease(stack: TerraformStack, chart: string, version: string, config: { values?: string[]; set?: { name: string; value: string }[]; repository?: string } = {}): Release {
  MeshPrechecks.addTo(stack); // a stack without a mesh adds the prechecks itself
  return new Release(stack, `Own-${chart}`, { name: `own-${chart}`, chart, version, repository: config.repository ?? ISTIO_CHART_REPOSITORY, namespace: 'istio-system', values: config.values, set: config.set });
}

describe.each(ISTIO_MINORS.map((m) => m.minor))('CIM-6003 at Istio %s', (minor) => {
  const version = latest(minor);
  const dir = pulledChartsDir(minor, version.version, CHARTS);
  const maybe = dir ? test : test.skip;

  maybe("the mesh's own releases read only keys of the real charts: no CIM-6003, no CIM-6004", () => {
    const { stack } = meshAt(dir, version, { imageHub: 'registry.example.com/istio' });
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
    expect(findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning')).toEqual([]);
  });

  maybe('a misspelt key in the escape values is an error naming the release, the path and the nearest key', () => {
    const { stack } = meshAt(dir, version, { istiodValues: { global: { proxyy: { logLevel: 'debug' } } } });
    const [msg, ...rest] = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(rest).toEqual([]);
    expect(msg).toContain(`helm_release 'istiod' (istiod ${version.version}) sets 'global.proxyy': 'proxyy' is not a key of 'global' in the chart's values.yaml (did you mean 'proxy'?)`);
    expect(msg).toContain(`checked against ${path.join(dir!, `istiod-${version.version}.tgz`)}`);
  });

  maybe('keys the chart leaves open are accepted: env maps, meshConfig (MeshConfig), resources (ResourceRequirements)', () => {
    const flattened = new ChartValuesReference(sharedIstioDir(minor)!, 'istiod').flattened;
    const pilot = { env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' }, resources: { limits: { cpu: '2' } } };
    const { stack } = meshAt(dir, version, {
      istiodValues: { ...(flattened ? pilot : { pilot }), meshConfig: { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel.observability', port: 4317 } }] } },
      ztunnelValues: { resources: { limits: { memory: '1Gi' } } },
    });
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
  });

  maybe('an unknown profile fails: the chart has no files/profile-<name>.yaml', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['profile: ambiant\n'] });
    const [msg] = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msg).toContain("sets 'profile': 'ambiant' names no profile of the chart: it has no files/profile-ambiant.yaml, and the render fails on an unknown profile (known: ambient,");
    const ok = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(ok, 'istiod', version.version, { values: ['profile: ambient\n'] });
    expect(findingsOf(ok, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
  });

  maybe('ztunnel reads global.* as top-level keys (its zzz_profile.yaml flattens globals), so global.hub is read', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'ztunnel', version.version, { set: [{ name: 'global.hub', value: 'registry.example.com/istio' }, { name: 'global.hubb', value: 'x' }] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("sets 'global.hubb': 'hubb' is not a key of 'global' or a top-level key in the chart's values.yaml (which 'global.*' is merged onto) (did you mean 'hub'?)");
  });
});

describe('CIM-6003 on keys the facts say a hop removed (a stack\'s own releases; the mesh refuses these keys itself)', () => {
  // ../shared/facts/istio-minor-hops.md §3.1: "`cni.logLevel` removed (was a no-op)" in 1.23;
  // §3.5: istiod "removed `global.multiCluster.enabled`" in 1.27.
  const cases = [
    { chart: 'cni', key: 'cni.logLevel', before: '1.22', after: '1.23' },
    { chart: 'istiod', key: 'global.multiCluster.enabled', before: '1.26', after: '1.27' },
  ];
  test.each(cases)('$chart $key: read at $before, not at $after', ({ chart, key, before, after }) => {
    for (const [minor, expected] of [[before, 0], [after, 1]] as const) {
      const version = latest(minor);
      const dir = pulledChartsDir(minor, version.version, [chart]);
      if (!dir) return;
      const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
      ownRelease(stack, chart, version.version, { set: [{ name: key, value: 'true' }] });
      const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
      expect([minor, msgs.length]).toEqual([minor, expected]);
      if (expected) expect(msgs[0]).toContain(`helm_release 'own-${chart}' (${chart} ${version.version}) sets '${key}'`);
    }
  });
});

describe('CIM-6003 scope and layouts', () => {
  const version = latest('1.24');
  const dir = pulledChartsDir('1.24', version.version, CHARTS);
  const maybe = dir ? test : test.skip;

  maybe('the legacy pilot.* prefix is read on a flattened (1.24+) istiod, and a typo below it names the top level', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['pilot:\n  env:\n    A: "1"\n  envv:\n    B: "2"\n'] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("sets 'pilot.envv': 'envv' is not a top-level key in the chart's values.yaml (which 'pilot.*' is merged onto) (did you mean 'env'?)");
  });

  maybe("the wrapper key and a map where the chart has a scalar are reported", () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['_internal_defaults_do_not_set:\n  env: {}\nrevision:\n  name: x\n'] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error').join('\n');
    expect(msgs).toContain("sets '_internal_defaults_do_not_set': '_internal_defaults_do_not_set' is the chart's internal wrapper of its defaults");
    expect(msgs).toContain("sets 'revision': is a scalar in the chart, not a map");
  });

  maybe("YAML merge keys (<<) in a values document are merged as Helm's YAML 1.1 reader merges them, not read as a key '<<'", () => {
    // helm v3.17.3 template with `pilot:\n  <<: *c` gives .Values.pilot the anchor's keys (no '<<' key)
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['global:\n  proxy: &p\n    logLevel: debug\n  <<: {hub: registry.example.com/istio, hbu: x}\n'] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("sets 'global.hbu': 'hbu' is not a key of 'global'");
  });

  maybe('an unpacked chart (helm pull --untar) is read the same way', () => {
    const untarred = pulledChartsDir('1.24', version.version, ['istiod'], 'untar')!;
    const { stack } = meshAt(untarred, version, { istiodValues: { podAnnotationz: { a: 'b' } } });
    const [msg] = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msg).toContain("sets 'podAnnotationz': 'podAnnotationz' is not a top-level key in the chart's values.yaml (did you mean 'podAnnotations'?)");
    expect(msg).toContain(`checked against ${path.join(untarred, 'istiod')}`);
  });

  maybe('a release of another chart, or from another repository, is not checked', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['nonsense: 1\n'], repository: 'https://charts.example.com' });
    new Release(stack, 'Other', { name: 'other', chart: 'other', version: '1.0.0', repository: ISTIO_CHART_REPOSITORY, values: ['nonsense: 1\n'] });
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
    expect(findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning')).toEqual([]);
  });

  maybe('without the context the check is off (documented): no finding even for a wrong key', () => {
    const stack = testStack();
    ownRelease(stack, 'istiod', version.version, { values: ['nonsense: 1\n'] });
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
    expect(findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning')).toEqual([]);
  });

  maybe('suppressed for one construct: reported as info with the reason', () => {
    const { stack, mesh } = meshAt(dir, version, { istiodValues: { nonsense: 1 } });
    MeshChecks.suppress(mesh, CheckId.CHART_VALUE_NOT_READ, 'read by our forked template');
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'info')[0]).toContain('suppressed (read by our forked template)');
  });

  maybe('a canary revision\'s releases are checked too (istiod-<rev> and the re-pinned base)', () => {
    const from = latest('1.23');
    const both = pulledChartsDir('1.23', from.version, CHARTS)!;
    for (const f of fs.readdirSync(dir!)) fs.copyFileSync(path.join(dir!, f), path.join(both, f));
    const { stack, mesh } = meshAt(both, from);
    new IstioCanaryRevision(stack, 'Canary', { mesh, canaryVersion: version, phase: CanaryPhase.INSTALLED, istiodValues: { pilott: {} } });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain(`(istiod ${version.version}) sets 'pilott'`);
    expect(findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning')).toEqual([]);
  });
});

/**
 * Istio's templates read keys its values.yaml does not list. Excerpts (one line each, as in the chart):
 * - istio@1.30.3:manifests/charts/ztunnel/templates/daemonset.yaml:44,47 (`nodeSelector`, `affinity`;
 *   the 1.30 ztunnel values.yaml has neither);
 * - istio@1.30.3:manifests/charts/istio-control/istio-discovery/files/injection-template.yaml:72
 *   (`global.proxy.holdApplicationUntilProxyStarts`, the documented way to start the sidecar first) and :50
 *   (`pilot.cni.enabled`: a legacy `pilot.*` path, which must not close `pilot` to that one key);
 * - istio@1.30.3:…/istio-discovery/templates/deployment.yaml:226 (istiod's PLATFORM env from
 *   `global.platform` / `platform`: read with or without a platform profile file);
 * - istio@1.30.3:…/istio-discovery/templates/zzz_profile.yaml (reads `.Values.profile`: still checked
 *   against the profile files, as the render fails on an unknown one).
 */
describe.each(['tgz', 'untar'] as const)('CIM-6003: keys read by the chart\'s templates (%s)', (layout) => {
  const version = latest('1.30');
  const templates = {
    ztunnel: { 'templates/daemonset.yaml': '{{- if .Values.nodeSelector }}\n{{ toYaml .Values.nodeSelector | indent 8 }}\n{{- end }}\n{{- if .Values.affinity }}\n{{ toYaml .Values.affinity | trim | indent 8 }}\n{{- end }}\n' },
    istiod: {
      'files/injection-template.yaml': '{{- if .Values.pilot.cni.enabled }}\n      (or .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue .Values.global.proxy.holdApplicationUntilProxyStarts)\n',
      'templates/deployment.yaml': '            value: "{{ coalesce .Values.global.platform .Values.platform }}"\n',
      'templates/zzz_profile.yaml': '{{- with .Values.profile }}\n',
    },
  };
  const dir = pulledChartsDir('1.30', version.version, ['istiod', 'ztunnel'], layout, templates);
  const maybe = dir ? test : test.skip;

  maybe('ztunnel nodeSelector/affinity and istiod global.proxy.holdApplicationUntilProxyStarts are read; a typo still is not', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'ztunnel', version.version, { values: ['nodeSelector:\n  karpenter.sh/nodepool: system\naffinity:\n  nodeAffinity: {}\nnodeSelecter:\n  a: b\n'] });
    ownRelease(stack, 'istiod', version.version, { set: [{ name: 'global.proxy.holdApplicationUntilProxyStarts', value: 'true' }] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("sets 'nodeSelecter': 'nodeSelecter' is not a top-level key in the chart's values.yaml (did you mean 'nodeSelector'?)");
  });

  maybe('a template reading pilot.cni.enabled leaves pilot.* merged onto the top level (1.24+ legacy prefix)', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['pilot:\n  autoscaleMin: 2\n  env:\n    A: "1"\n  cni:\n    enabled: true\n  envv:\n    B: "2"\n'] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("sets 'pilot.envv': 'envv' is not a top-level key in the chart's values.yaml (which 'pilot.*' is merged onto) (did you mean 'env'?)");
  });

  maybe("istiod's global.platform / platform reach its PLATFORM env: no finding without a platform profile; an unknown profile still fails", () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version, { values: ['global:\n  platform: eks\nplatform: eks\nprofile: ambiant\n'] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain("sets 'profile': 'ambiant' names no profile of the chart");
  });
});

describe('CIM-6004: the chart is not there or cannot be read', () => {
  const version = latest('1.30');

  test('missing: a warning with the helm pull command for the release\'s repository', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-charts-'));
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: empty });
    ownRelease(stack, 'istiod', version.version);
    ownRelease(stack, 'cni', version.version, { repository: ISTIO_OCI_CHART_REPOSITORY });
    const msgs = findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning').join('\n');
    expect(msgs).toContain(`the values of helm_release 'own-istiod' (istiod ${version.version}) are not checked: no istiod ${version.version} in '${empty}'`);
    expect(msgs).toContain(`Run: helm pull istiod --repo ${ISTIO_CHART_REPOSITORY} --version ${version.version} -d ${empty}.`);
    expect(msgs).toContain(`Run: helm pull ${ISTIO_OCI_CHART_REPOSITORY}/cni --version ${version.version} -d ${empty}.`);
    expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')).toEqual([]);
  });

  const withShared = sharedIstioDir('1.30') ? test : test.skip;
  withShared('another version of the chart in the directory: named, and not used', () => {
    const dir = pulledChartsDir('1.30', '1.30.0', ['istiod'], 'untar')!;
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    ownRelease(stack, 'istiod', version.version);
    expect(findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning')[0]).toContain(`'${path.join(dir, 'istiod')}' holds istiod 1.30.0`);
  });

  test('a corrupt archive, a non-chart archive and a decompression bomb: a warning each, synth goes on', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-charts-'));
    fs.writeFileSync(path.join(dir, `istiod-${version.version}.tgz`), 'not gzip at all');
    fs.writeFileSync(path.join(dir, `cni-${version.version}.tgz`), zlib.gzipSync(Buffer.alloc(2048)));
    fs.writeFileSync(path.join(dir, `base-${version.version}.tgz`), zlib.gzipSync(Buffer.alloc(80 * 1024 * 1024)));
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-chart-'));
    fs.mkdirSync(path.join(src, 'ztunnel'));
    fs.writeFileSync(path.join(src, 'ztunnel', 'README.md'), 'no chart here\n');
    create({ gzip: true, sync: true, cwd: src, file: path.join(dir, `ztunnel-${version.version}.tgz`) }, ['ztunnel']);
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir });
    for (const chart of ['istiod', 'cni', 'base', 'ztunnel']) ownRelease(stack, chart, version.version);
    const msgs = findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning');
    expect(msgs).toHaveLength(4);
    expect(msgs[0]).toContain(`'${path.join(dir, `istiod-${version.version}.tgz`)}' is not a gzip archive (incorrect header check)`);
    expect(msgs[1]).toContain(`'${path.join(dir, `cni-${version.version}.tgz`)}' is not a chart archive: TAR_BAD_ARCHIVE: Unrecognized archive format`);
    expect(msgs[2]).toContain(`'${path.join(dir, `base-${version.version}.tgz`)}' unpacks to more than 67108864 bytes; not read`);
    expect(msgs[3]).toContain(`'${path.join(dir, `ztunnel-${version.version}.tgz`)}' has no Chart.yaml with a name and a version`);
  });
});

describe('the nearest key', () => {
  const chart = { name: 'istiod', version: '1.22.8', values: { defaults: { global: { logging: { level: 'x' }, hub: '' }, pilot: { env: {}, autoscaleEnabled: true } } }, profiles: [] };
  test.each([
    ['global.logging.levle', "(did you mean 'level'?)"], // a transposition is one edit
    ['global.hbu', "(did you mean 'hub'?)"],
    ['pilot.Env', "(did you mean 'env'?)"], // case only
    ['pilot.autoscaleEnabeld', "(did you mean 'autoscaleEnabled'?)"],
  ])('%s: %s', (p, hint) => {
    const values: Record<string, unknown> = {};
    let node = values;
    const parts = p.split('.');
    parts.forEach((k, i) => { node[k] = i === parts.length - 1 ? 'v' : {}; node = node[k] as Record<string, unknown>; });
    expect(unreadValues(chart, values)[0].problem).toContain(hint);
  });
  test('no suggestion when nothing is close', () => {
    expect(unreadValues(chart, { global: { zzzzzz: 1 } })[0].problem).not.toContain('did you mean');
  });
});

describe('keys read by templates (unit)', () => {
  // values.yaml shapes as in Istio's charts: an open env map, a closed pdb map
  const chart = { name: 'istiod', version: '1.30.3', values: { _internal_defaults_do_not_set: { env: {}, pdb: { minAvailable: 1 }, global: { proxy: { logLevel: 'warning' } } } }, profiles: [],
    templateReads: ['env.EXTERNAL_CA', 'global.proxy.lifecycle', 'global.tracer.lightstep.address', 'pdb.maxUnavailable', 'profile'] };
  test('a map values.yaml leaves open stays open when a template reads one key of it', () => {
    expect(unreadValues(chart, { env: { ANY: '1', EXTERNAL_CA: 'x' } })).toEqual([]);
  });
  test('a path read as a whole takes any value below it; a read path is closed beside it', () => {
    expect(unreadValues(chart, { global: { proxy: { lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } } } })).toEqual([]);
    expect(unreadValues(chart, { pdb: { maxUnavailable: 1 }, global: { tracer: { lightstep: { address: 'a' } } } })).toEqual([]);
    expect(unreadValues(chart, { pdb: { maxUnavailble: 1 }, global: { tracer: { zipkin: {} } } }).map((u) => u.path)).toEqual(['pdb.maxUnavailble', 'global.tracer.zipkin']);
  });
  test('a template reading the profile selector does not make any profile valid', () => {
    expect(unreadValues(chart, { profile: 'nope' }).map((u) => u.path)).toEqual(['profile']);
  });
  test("ztunnel's global.platform is its top-level platform (globals flattened), which its RBAC template reads (istio@1.30.3 ztunnel templates/rbac.yaml:2)", () => {
    const ztunnel = { name: 'ztunnel', version: '1.30.3', values: { _internal_defaults_do_not_set: { hub: '' } }, profiles: ['platform-openshift'] };
    expect(unreadValues(ztunnel, { global: { platform: 'eks' } }).map((u) => u.path)).toEqual(['global.platform']);
    expect(unreadValues({ ...ztunnel, templateReads: ['platform'] }, { global: { platform: 'eks' } })).toEqual([]);
  });
  test('the cached chart is not changed', () => {
    unreadValues(chart, {});
    expect(chart.values._internal_defaults_do_not_set).toEqual({ env: {}, pdb: { minAvailable: 1 }, global: { proxy: { logLevel: 'warning' } } });
  });
});

describe('the values a release gives Helm', () => {
  const v13 = latest('1.30');
  const dir13 = pulledChartsDir('1.30', v13.version, ['istiod']);
  const maybe13 = dir13 ? test : test.skip;
  // helm v3.17.3 `template --set` (the provider builds `<name>=<value>` and parses it with the same strvals.ParseInto):
  //   'a=x,pilot.envv=1' -> {a: x, pilot: {envv: 1}};  'a=10.0.0.0/8\\,172.16.0.0/12' -> {a: '10.0.0.0/8,172.16.0.0/12'};
  //   'global.proxy.excludeIPRanges=10.0.0.0/8,172.16.0.0/12' -> Error: failed parsing --set data: key "0/12" has no value
  test('helmSet parses <name>=<value> as Helm does: an unescaped comma in a value starts another key', () => {
    expect(helmSet('a', 'x,pilot.envv=1')).toEqual({ paths: [['a'], ['pilot', 'envv']] });
    expect(helmSet('a', '10.0.0.0/8\\,172.16.0.0/12')).toEqual({ paths: [['a']] });
    expect(helmSet('global.proxy.excludeIPRanges', '10.0.0.0/8,172.16.0.0/12')).toEqual({ paths: [['global', 'proxy', 'excludeIPRanges']], error: 'key "0/12" has no value' });
    expect(helmSet('l', '{x,y}')).toEqual({ paths: [['l']] });
    expect(helmSet('l', '{x,y')).toEqual({ paths: [], error: "list must terminate with '}'" });
    expect(helmSet('a.b[0].c', 'x')).toEqual({ paths: [['a', 'b']] });
    expect(helmSet('a[0]', 'x,b=1')).toEqual({ paths: [['a'], ['b']] });
    expect(helmSet('a,b', 'x')).toEqual({ paths: [], error: 'key "a" has no value (cannot end with ,)' });
    expect(helmSet('p\\.q', '1')).toEqual({ paths: [['p.q']] });
  });

  maybe13('a comma in a set value: the key it starts is checked, and a value Helm cannot parse is an error before apply', () => {
    const stack = testStack({ [CHARTS_DIR_CONTEXT]: dir13 });
    ownRelease(stack, 'istiod', v13.version, { set: [
      { name: 'global.proxy.excludeIPRanges', value: '10.0.0.0/8,172.16.0.0/12' },
      { name: 'global.proxy.includeIPRanges', value: '10.0.0.0/8\\,172.16.0.0/12' },
      { name: 'global.logAsJson', value: 'true,global.proxyy.logLevel=debug' },
    ] });
    new Release(stack, 'Secret', { name: 'secret', chart: 'istiod', version: v13.version, repository: ISTIO_CHART_REPOSITORY, setSensitive: [{ name: 'global.caAddress', value: 'hunter2,s3cret' }] });
    const msgs = findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error');
    expect(msgs).toHaveLength(3);
    expect(msgs[2]).toContain(`helm_release 'secret' (istiod ${v13.version}) set_sensitive 'global.caAddress' fails in Helm: Helm's parser rejects it (its message, which quotes the value, is not shown)`);
    expect(msgs.join('\n')).not.toContain('s3cret');
    expect(msgs[0]).toContain("set 'global.proxy.excludeIPRanges' fails in Helm: key \"0/12\" has no value (Helm splits a set value at each ',' not written '\\,')");
    expect(msgs[1]).toContain("sets 'global.proxyy': 'proxyy' is not a key of 'global'");
  });

  test('set paths split like Helm: escaped dots, list indexes end the key path', () => {
    expect(setPath('a.b.c')).toEqual(['a', 'b', 'c']);
    expect(setPath('podAnnotations.prometheus\\.io/scrape')).toEqual(['podAnnotations', 'prometheus.io/scrape']);
    expect(setPath('tolerations[0].key')).toEqual(['tolerations']);
  });

  test('findChart reads Chart.yaml, values.yaml, files/profile-*.yaml and the .Values paths of templates/ and files/*.yaml', () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
    fs.mkdirSync(path.join(src, 'istiod', 'files'), { recursive: true });
    fs.writeFileSync(path.join(src, 'istiod', 'Chart.yaml'), 'name: istiod\nversion: 1.30.3\n');
    fs.writeFileSync(path.join(src, 'istiod', 'values.yaml'), 'a: {}\n');
    fs.writeFileSync(path.join(src, 'istiod', 'files', 'profile-x.yaml'), 'b: 1\n');
    fs.writeFileSync(path.join(src, 'istiod', 'files', 'other.yaml'), 'c: {{ .Values.global.c }}\n');
    fs.mkdirSync(path.join(src, 'istiod', 'templates', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'istiod', 'templates', 'sub', 'd.yaml'), '{{ $.Values.d.e_1 }} {{ .Values.a }} {{ .ValuesX.no }} {{ index .Values "no" }}\n');
    fs.writeFileSync(path.join(src, 'istiod', 'README.md'), '{{ .Values.readme }}\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulled-'));
    create({ gzip: true, sync: true, cwd: src, file: path.join(dir, 'istiod-1.30.3.tgz') }, ['istiod']);
    const r = findChart(dir, 'istiod', '1.30.3');
    expect(r).toEqual({ found: true, source: path.join(dir, 'istiod-1.30.3.tgz'), chart: { name: 'istiod', version: '1.30.3', values: { a: {} }, profiles: ['x'], templateReads: ['a', 'd.e_1', 'global.c'] } });
  });
});

/**
 * The library's key rule agrees with the conformance oracle (test/conformance/istio-reference.ts,
 * written independently for the library's own values) on random values built from each chart's real
 * key tree plus misspelt and invented keys, outside the subtrees the library knowingly leaves open
 * (meshConfig, resources) and the profile keys.
 */
describe.each(ISTIO_MINORS.map((m) => m.minor))('agreement with the conformance oracle at %s', (minor) => {
  const shared = sharedIstioDir(minor);
  const maybe = shared ? test : test.skip;
  maybe.each(['base', 'cni', 'istiod'])('%s', (chart) => {
    const oracle = new ChartValuesReference(shared!, chart);
    const doc = parse(fs.readFileSync(path.join(shared!, `${chart}.values.yaml`), 'utf8')) as Record<string, unknown>;
    const data = { name: chart, version: `${minor}.0`, values: doc, profiles: [] };
    const paths: string[][] = [];
    const walk = (node: unknown, prefix: string[]): void => {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'meshConfig' || k === 'resources') continue;
        paths.push([...prefix, k]);
        walk(v, [...prefix, k]);
      }
    };
    walk(oracle.defaultAt('') ?? (doc[oracle.wrapper] as object), []);
    const mutate = fc.oneof(fc.constant('x'), fc.constant('Enabled'), fc.constantFrom('s', 'z'));
    // 1.24+ istiod/cni also read `pilot.*` / `cni.*` merged onto the top level: sometimes write a path that way.
    const legacy = oracle.flattened ? ({ istiod: 'pilot', cni: 'cni' } as Record<string, string>)[chart] : undefined;
    const pathArb = fc.tuple(fc.constantFrom(...paths), fc.nat({ max: 3 }), mutate, fc.boolean()).map(([p, cut, m, viaLegacy]) => {
      const i = Math.max(0, p.length - cut);
      const q = cut === 0 ? p : [...p.slice(0, i), `${p[i] ?? 'k'}${m}`]; // a real key, or a misspelt or invented one at some depth
      return legacy && viaLegacy && q[0] !== legacy ? [legacy, ...q] : q;
    });
    fc.assert(fc.property(fc.array(pathArb, { minLength: 1, maxLength: 4 }), (ps) => {
      const values: Record<string, unknown> = {};
      for (const p of ps) {
        let node = values;
        p.forEach((part, i) => {
          if (i === p.length - 1) { if (!(part in node)) node[part] = 'v'; return; }
          if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
          node = node[part] as Record<string, unknown>;
        });
      }
      const mine = unreadValues(data, values).map((u) => u.path).sort();
      const theirs = oracle.problems(values).filter((x) => !/is a (map|scalar or list) in the chart/.test(x)).map((x) => /'([^']+)' does not exist/.exec(x)?.[1]).filter((x): x is string => x !== undefined).sort();
      const mineMissing = unreadValues(data, values).filter((u) => u.problem.includes('is not')).map((u) => u.path).sort();
      expect(mineMissing).toEqual(theirs);
      expect(mine.length).toBeGreaterThanOrEqual(theirs.length);
    }), { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: Number(process.env.FUZZ_SEED ?? 6003) });
  });
});

describe('messages name the charts directory as the context gives it', () => {
  const version = latest('1.24');
  const dir = pulledChartsDir('1.24', version.version, ['istiod']);
  (dir ? test : test.skip)('a relative chartsDir stays relative (the same text in every checkout, for mesh-review)', () => {
    const cwd = process.cwd();
    process.chdir(path.dirname(dir!));
    try {
      const rel = path.basename(dir!);
      const stack = testStack({ [CHARTS_DIR_CONTEXT]: rel });
      ownRelease(stack, 'istiod', version.version, { values: ['nonsense: 1\n'] });
      ownRelease(stack, 'cni', version.version);
      expect(findingsOf(stack, CheckId.CHART_VALUE_NOT_READ, 'error')[0]).toContain(`checked against ${path.join(rel, `istiod-${version.version}.tgz`)}.`);
      expect(findingsOf(stack, CheckId.CHART_NOT_AVAILABLE, 'warning')[0]).toContain(`no cni ${version.version} in '${rel}'`);
      expect(annotationsOf(stack, 'error').concat(annotationsOf(stack, 'warning')).join('\n')).not.toContain(os.tmpdir());
    } finally {
      process.chdir(cwd);
    }
  });
});
