import { IstioVersion, compareMinor } from '../catalog/istio-versions';
import {
  DEFAULT_REVISION, INJECTION_LABEL, ISTIO_SYSTEM_NAMESPACE, ISTIOD_MONITORING_PORT, ISTIOD_WEBHOOK_PORT, ISTIOD_XDS_PORT, ISTIOD_XDS_TLS_PORT,
  REVISION_LABEL, SIDECAR_INJECT_LABEL, TAG_LABEL,
} from '../wire/istio';
import { KubernetesObject } from './resources';

/**
 * The objects one Istio revision tag consists of, as the istiod chart of the tag's target minor
 * renders them for one entry of `revisionTags` (`helm template istiod istio/istiod -s <template>
 * --set revisionTags={<tag>} --set revision=<rev>`, the documented way to create or move a tag):
 * - every minor: a MutatingWebhookConfiguration (`templates/revision-tags.yaml`; 1.28+:
 *   `templates/revision-tags-mwc.yaml`);
 * - 1.28+: also a Service `istiod-revision-tag-<tag>` (`templates/revision-tags-svc.yaml`).
 * Per-minor differences (istio/istio at 1.22.8, 1.23.6, 1.24.6, 1.26.8, 1.28.10; ../shared/facts/istio-minor-hops.md §2.6):
 * `admissionReviewVersions` drops `v1beta1` in 1.23; the Helm-standard labels appear in 1.24;
 * `reinvocationPolicy` is emitted from 1.26; the Service appears in 1.28.
 *
 * No `caBundle` is written, as in Istio's template: istiod patches `caBundle` into every
 * MutatingWebhookConfiguration whose `istio.io/rev` label equals its own revision (`default` for an
 * unrevisioned istiod), in each webhook whose name ends in `sidecar-injector.istio.io`
 * (istio/istio `pkg/webhooks/webhookpatch.go`, `pilot/pkg/bootstrap/sidecarinjector.go`). So the tag
 * is patched by the revision it points at, and re-patched by the new one when it moves.
 */

/** Label naming the tag on its objects; istiod's tag watcher finds tags by it (lib/wire/istio.ts `TAG_LABEL`). */
export const ISTIO_TAG_LABEL = TAG_LABEL;
/** Label naming a revision (on tag objects: the target; on namespaces/Gateways: the revision or tag they use; lib/wire/istio.ts `REVISION_LABEL`). */
export const ISTIO_REV_LABEL = REVISION_LABEL;
// The revision name of an unrevisioned istiod: defined once in lib/wire/istio.ts, re-exported where the public API has always had it.
export { DEFAULT_REVISION };
/** The tag that also carries the legacy `istio-injection=enabled` selectors. */
export const DEFAULT_TAG = 'default';

/** Chart defaults the tag template reads (istiod values.yaml, identical 1.22–1.30). */
const INJECTION_PATH = '/inject'; // istiodRemote.injectionPath
const REINVOCATION_POLICY = 'Never'; // sidecarInjectorWebhook.reinvocationPolicy
const OWNER_NAME = 'unknown'; // ownerName "" → default "unknown"

/** What to render for one tag. */
export interface RevisionTagInput {
  /** The tag, e.g. `prod-stable`. */
  readonly tag: string;
  /** The target revision; `''` for an unrevisioned istiod. */
  readonly revision: string;
  /** The target istiod's release: its minor decides the template, its version stamps the Helm labels. */
  readonly version: IstioVersion;
  /** Name of the Helm release that owns the tag objects (label `release`). */
  readonly releaseName: string;
  /** The istiod namespace (the release namespace of the chart). */
  readonly namespace: string;
}

/** A tag's MutatingWebhookConfiguration (cluster-scoped). */
export interface TagWebhookConfiguration extends KubernetesObject {
  readonly webhooks: readonly Record<string, unknown>[];
}

/** A tag's Service (1.28+). */
export interface TagService extends KubernetesObject {
  readonly spec: Record<string, unknown>;
}

type Selector = { matchExpressions: { key: string; operator: string; values?: string[] }[] };

/** The objects of one tag, in the order the chart renders them (webhook, then Service). */
export function revisionTagObjects(input: RevisionTagInput): (TagWebhookConfiguration | TagService)[] {
  const out: (TagWebhookConfiguration | TagService)[] = [tagWebhook(input)];
  if (input.version.info.revisionTags.tagService) out.push(tagService(input));
  return out;
}

/** Name of a tag's MutatingWebhookConfiguration. */
export function tagWebhookName(tag: string, namespace: string): string {
  return namespace === ISTIO_SYSTEM_NAMESPACE ? `istio-revision-tag-${tag}` : `istio-revision-tag-${tag}-${namespace}`;
}

function commonLabels(input: RevisionTagInput): Record<string, string> {
  const labels: Record<string, string> = {
    [ISTIO_TAG_LABEL]: input.tag,
    [ISTIO_REV_LABEL]: input.revision || DEFAULT_REVISION,
    'install.operator.istio.io/owning-resource': OWNER_NAME,
    'operator.istio.io/component': 'Pilot',
  };
  return labels;
}

/** `app.kubernetes.io/name` and the chart's `istio.labels` helper (1.24+, `zzz_profile.yaml`). */
function helmLabels(input: RevisionTagInput): Record<string, string> {
  if (compareMinor(input.version.minor, '1.24') < 0) return {};
  return {
    'app.kubernetes.io/name': 'istiod',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/instance': input.releaseName,
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': input.version.version,
    'helm.sh/chart': `istiod-${input.version.version}`,
  };
}

function tagWebhook(input: RevisionTagInput): TagWebhookConfiguration {
  const { tag } = input;
  const notDisabled = { key: SIDECAR_INJECT_LABEL, operator: 'NotIn', values: ['false'] };
  const webhooks = [
    webhook(input, 'rev.namespace.',
      { matchExpressions: [{ key: ISTIO_REV_LABEL, operator: 'In', values: [tag] }, { key: INJECTION_LABEL, operator: 'DoesNotExist' }] },
      { matchExpressions: [notDisabled] }),
    webhook(input, 'rev.object.',
      { matchExpressions: [{ key: ISTIO_REV_LABEL, operator: 'DoesNotExist' }, { key: INJECTION_LABEL, operator: 'DoesNotExist' }] },
      { matchExpressions: [notDisabled, { key: ISTIO_REV_LABEL, operator: 'In', values: [tag] }] }),
  ];
  if (tag === DEFAULT_TAG) {
    // The default revision's legacy selectors; `auto.` only with enableNamespacesByDefault (chart default false, not set).
    webhooks.push(
      webhook(input, 'namespace.',
        { matchExpressions: [{ key: INJECTION_LABEL, operator: 'In', values: ['enabled'] }] },
        { matchExpressions: [notDisabled] }),
      webhook(input, 'object.',
        { matchExpressions: [{ key: INJECTION_LABEL, operator: 'DoesNotExist' }, { key: ISTIO_REV_LABEL, operator: 'DoesNotExist' }] },
        { matchExpressions: [{ key: SIDECAR_INJECT_LABEL, operator: 'In', values: ['true'] }, { key: ISTIO_REV_LABEL, operator: 'DoesNotExist' }] }),
    );
  }
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: tagWebhookName(tag, input.namespace),
      labels: { ...commonLabels(input), app: 'sidecar-injector', release: input.releaseName, ...helmLabels(input) },
    },
    webhooks,
  };
}

function webhook(input: RevisionTagInput, prefix: string, namespaceSelector: Selector, objectSelector: Selector): Record<string, unknown> {
  const minor = input.version.minor;
  return {
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: {
      service: {
        name: input.revision ? `istiod-${input.revision}` : 'istiod',
        namespace: input.namespace,
        path: INJECTION_PATH,
        port: 443,
      },
    },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    ...(compareMinor(minor, '1.26') >= 0 ? { reinvocationPolicy: REINVOCATION_POLICY } : {}),
    admissionReviewVersions: compareMinor(minor, '1.23') >= 0 ? ['v1'] : ['v1beta1', 'v1'],
    namespaceSelector,
    objectSelector,
  };
}

function tagService(input: RevisionTagInput): TagService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `istiod-revision-tag-${input.tag}`,
      namespace: input.namespace,
      labels: { ...commonLabels(input), app: 'istiod', istio: 'pilot', release: input.releaseName, ...helmLabels(input) },
    },
    spec: {
      ports: [
        { port: ISTIOD_XDS_PORT, name: 'grpc-xds', protocol: 'TCP' },
        { port: ISTIOD_XDS_TLS_PORT, name: 'https-dns', protocol: 'TCP' },
        { port: 443, name: 'https-webhook', targetPort: ISTIOD_WEBHOOK_PORT, protocol: 'TCP' },
        { port: ISTIOD_MONITORING_PORT, name: 'http-monitoring', protocol: 'TCP' },
      ],
      selector: input.revision ? { app: 'istiod', [ISTIO_REV_LABEL]: input.revision } : { app: 'istiod', istio: 'pilot' },
    },
  };
}
