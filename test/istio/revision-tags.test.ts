import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { Service } from 'kubernetes-models/v1/Service';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { revisionTagObjects } from '../../lib/istio/revision-tags';
import { sharedIstioDir } from '../util';
import { caBundlePatchedWebhooks, renderTagTemplate, selects } from './revision-tag-template';

/** Latest patch of every minor (../shared/facts/istio-minor-hops.md §1); each minor's tag template differs by minor only. */
const LATEST = ['1.22.8', '1.23.6', '1.24.6', '1.25.5', '1.26.8', '1.27.9', '1.28.10', '1.29.6', '1.30.3'];

const cases = LATEST.flatMap((version) => [
  { version, tag: 'prod-canary', revision: '1-23-6' },
  { version, tag: 'prod-stable', revision: '' }, // a tag on the unrevisioned istiod IstioAmbientCluster installs
  { version, tag: 'default', revision: '1-24-6' },
]);

function ours(version: string, tag: string, revision: string) {
  return revisionTagObjects({ tag, revision, version: IstioVersion.of(version), releaseName: `istio-tag-${tag}`, namespace: 'istio-system' }) as unknown as Record<string, any>[];
}

describe.each(cases)('revision tag $tag → revision "$revision" with the istiod chart $version', ({ version, tag, revision }) => {
  const minor = version.split('.').slice(0, 2).join('.');
  const dir = sharedIstioDir(minor);
  const maybe = dir ? test : test.skip;

  maybe('equals what that minor\'s istiod chart template renders (webhook; from 1.28 also the tag Service)', () => {
    const expected = renderTagTemplate(dir!, { minor, chartVersion: version, tag, revision, releaseName: `istio-tag-${tag}`, namespace: 'istio-system' });
    expect(expected.map((o) => o.kind)).toEqual(minor >= '1.28' ? ['MutatingWebhookConfiguration', 'Service'] : ['MutatingWebhookConfiguration']);
    expect(ours(version, tag, revision)).toEqual(expected);
  });

  test('every object validates against the Kubernetes schema (kubernetes-models)', () => {
    for (const o of ours(version, tag, revision)) {
      const model = o.kind === 'Service' ? new Service(o as never) : new MutatingWebhookConfiguration(o as never);
      expect(() => model.validate()).not.toThrow();
    }
  });

  test('istiod of the target revision patches the caBundle of every webhook; no other revision does; none is written', () => {
    const [mwc] = ours(version, tag, revision);
    const target = revision || 'default';
    expect(caBundlePatchedWebhooks(mwc, target)).toEqual(mwc.webhooks.map((w: { name: string }) => w.name));
    expect(caBundlePatchedWebhooks(mwc, target === '1-23-6' ? 'default' : '1-23-6')).toEqual([]);
    for (const w of mwc.webhooks) expect(w.clientConfig.caBundle).toBeUndefined();
  });
});

describe('injection selectors of a tag (Kubernetes selector semantics over the rendered webhooks)', () => {
  const [mwc] = ours('1.23.6', 'prod-canary', '1-23-6');
  const hits = (nsLabels: Record<string, string>, podLabels: Record<string, string> = {}) => mwc.webhooks
    .filter((w: any) => selects(w.namespaceSelector, nsLabels) && selects(w.objectSelector, podLabels)).map((w: any) => w.name);

  test('a namespace labelled istio.io/rev=<tag> gets the revision injector', () => {
    expect(hits({ 'istio.io/rev': 'prod-canary' })).toEqual(['rev.namespace.sidecar-injector.istio.io']);
  });

  test('the labels IstioCanaryRevision puts on ambient namespaces (tag + istio-injection=disabled) match no webhook: no sidecars', () => {
    expect(hits({ 'istio.io/rev': 'prod-canary', 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' })).toEqual([]);
    expect(hits({ 'istio.io/rev': 'prod-canary', 'istio-injection': 'disabled' }, { 'istio.io/rev': 'prod-canary' })).toEqual([]);
  });

  test('other tags and pods opting out are not matched', () => {
    expect(hits({ 'istio.io/rev': 'prod-stable' })).toEqual([]);
    expect(hits({ 'istio.io/rev': 'prod-canary' }, { 'sidecar.istio.io/inject': 'false' })).toEqual([]);
    expect(hits({}, { 'istio.io/rev': 'prod-canary' })).toEqual(['rev.object.sidecar-injector.istio.io']);
  });
});

test('outside istio-system the webhook name carries the namespace, as the template does', () => {
  const [mwc] = revisionTagObjects({ tag: 't', revision: 'r', version: IstioVersion.V1_24_6, releaseName: 'x', namespace: 'mesh' });
  expect(mwc.metadata.name).toBe('istio-revision-tag-t-mesh');
});

test('the schema check can fail (a webhook without sideEffects, a Service port as text)', () => {
  const [mwc, svc] = ours('1.28.10', 'prod-canary', '1-28-10');
  const badHook = { ...mwc, webhooks: [{ ...mwc.webhooks[0], sideEffects: undefined }] };
  expect(() => new MutatingWebhookConfiguration(badHook as never).validate()).toThrow();
  const badSvc = { ...svc, spec: { ...svc.spec, ports: [{ port: 'xds' }] } };
  expect(() => new Service(badSvc as never).validate()).toThrow();
});
