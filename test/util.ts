import * as fs from 'fs';
import * as path from 'path';
import { App, Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SUPPORT_DATE_CONTEXT } from '../lib/catalog/compatibility';
import { IstioAmbientCluster, IstioAmbientClusterProps } from '../lib/istio/istio-ambient-cluster';
import { MeshCluster } from '../lib/istio/mesh-cluster';

/** The day tests judge support dates by, so results do not change with the calendar. */
export const TEST_DAY = '2026-11-24';

/** A test app with the support date pinned (override with `context`). */
export function testApp(context: Record<string, unknown> = {}): App {
  return Testing.app({ context: { [SUPPORT_DATE_CONTEXT]: TEST_DAY, ...context } });
}

/** A stack with default AWS, Helm and Kubernetes providers, as a user's stack would have. */
export function testStack(context: Record<string, unknown> = {}, app: App = testApp(context)): TerraformStack {
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new HelmProvider(stack, 'helm', {});
  new KubernetesProvider(stack, 'kubernetes', {});
  return stack;
}

/** Synthesized Terraform JSON of a stack, parsed, validations on. */
export interface SynthJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, Record<string, unknown>[]>;
  variable?: Record<string, Record<string, unknown>>;
  output?: Record<string, Record<string, unknown>>;
}

export function synthJson(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack, true)) as SynthJson;
}

/** All resources of a type, as a list of [logicalId, body]. */
export function resourcesOf(json: SynthJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

/** The helm_release whose `name` is `releaseName`. */
export function release(json: SynthJson, releaseName: string): Record<string, unknown> & { logicalId: string } {
  const found = resourcesOf(json, 'helm_release').find(([, r]) => r.name === releaseName);
  if (!found) throw new Error(`no helm_release named ${releaseName}; have: ${resourcesOf(json, 'helm_release').map(([, r]) => r.name).join(', ')}`);
  return { ...found[1], logicalId: found[0] };
}

/**
 * `../shared/istio-<minor>/` (Istio's own charts and CRDs), or undefined with a printed skip reason
 * when it is absent (a user's clone). Under CI=true its absence fails: CI always runs these tests.
 */
export function sharedIstioDir(minor: string): string | undefined {
  const base = process.env.ISTIO_SHARED_DIR ?? path.resolve(__dirname, '..', '..', 'shared');
  const dir = path.join(base, `istio-${minor}`);
  if (fs.existsSync(dir)) return dir;
  if (process.env.CI === 'true') {
    throw new Error(`${dir} is missing: CI must run the conformance tests against Istio's real charts and CRDs`);
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED conformance tests for Istio ${minor}: ${dir} not found (clone with ../shared beside the repo, or set ISTIO_SHARED_DIR)`);
  return undefined;
}

/**
 * A mesh on an existing cluster, for tests of constructs that need one (policies, waypoints, prechecks).
 * The one place to adapt when IstioAmbientCluster's cluster props change.
 */
export function testMesh(stack: TerraformStack, props: Partial<IstioAmbientClusterProps> = {}): IstioAmbientCluster {
  return new IstioAmbientCluster(stack, 'Mesh', { cluster: existingCluster(), ...props });
}

const synthesized = new WeakSet<TerraformStack>();

/** Annotations of a given level anywhere in the stack, after running aspects once (`[path] message`). */
export function annotationsOf(stack: TerraformStack, level: 'error' | 'warning' | 'info'): string[] {
  if (!synthesized.has(stack)) Testing.synth(stack, true);
  synthesized.add(stack);
  return stack.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === `@cdktf/${level === 'warning' ? 'warn' : level}`)
    .map((m) => `[${c.node.path}] ${String(m.data)}`));
}

/** The CRD files of a Gateway API release in ../shared/gateway-api (`v1.2.1`, `standard`), or undefined with a printed reason. */
export function sharedGatewayApiFiles(version: string, channel: string): string[] | undefined {
  const base = process.env.ISTIO_SHARED_DIR ?? path.resolve(__dirname, '..', '..', 'shared');
  const dir = path.join(base, 'gateway-api', version, channel);
  if (!fs.existsSync(dir)) {
    if (process.env.CI === 'true') throw new Error(`${dir} is missing: CI must validate against the real Gateway API CRDs`);
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED Gateway API ${version} ${channel}: ${dir} not found`);
    return undefined;
  }
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

/** Every warning annotation in a construct tree (what `cdktf synth` prints as warnings). */
export function warningsIn(scope: import('constructs').IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}

/** The mesh's cluster for tests that do not care which: an existing cluster `c` in eu-west-1, looked up by name. */
export function existingCluster(clusterName = 'c', region = 'eu-west-1'): MeshCluster {
  return MeshCluster.lookup({ clusterName, region });
}

/**
 * An IstioAmbientCluster on an existing cluster (looked up, no AWS resources), opt-in on, with
 * `props` on top. The one place tests of the version engine spell the cluster props.
 */
export function existingClusterMesh(
  stack: TerraformStack,
  props: Partial<import('../lib/istio/istio-ambient-cluster').IstioAmbientClusterProps> = {},
  id = 'Mesh',
): import('../lib/istio/istio-ambient-cluster').IstioAmbientCluster {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { IstioAmbientCluster } = require('../lib/istio/istio-ambient-cluster') as typeof import('../lib/istio/istio-ambient-cluster');
  return new IstioAmbientCluster(stack, id, { cluster: existingCluster(`mesh-${id.toLowerCase()}`), allowUnsupportedKubernetesVersion: true, ...props });
}
