import {
  COMPONENT_LABEL, JobTemplateMeta, LOAD_CONTAINER, MODE_LABEL, PART_OF_LABEL, PART_OF_VALUE, PHASE_LABEL, PLACEHOLDERS,
  RESULT_BEGIN_MARKER, RESULT_CONTAINER, RESULT_END_MARKER, ROUND_LABEL, RUN_LABEL,
} from '../wire/bench-contract';
import { PROXY_STATUS_PORT } from '../wire/istio';

/** Kubernetes placement of a pod, in API (camelCase) form. */
export interface PodPlacement {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: { key: string; operator: 'Exists'; effect: 'NoSchedule' }[];
  /** Component label value of the pods this pod must not share a node with. */
  readonly avoidComponent: 'server' | 'load';
}

/** What one mode's load Job needs: the deploy-time facts of the contract's meta, plus pod details. */
export interface LoadJobSpec extends Pick<JobTemplateMeta, 'mode' | 'namespace' | 'targetUrl' | 'qps' | 'connections' | 'durationSeconds'> {
  readonly requestPayloadBytes: number;
  readonly resolutionSeconds: number;
  readonly fortioImage: string;
  readonly reportImage: string;
  readonly cpuRequest: string;
  readonly memoryMiB: number;
  readonly placement: PodPlacement;
  /** Pod annotations (sidecar proxy settings in sidecar mode). */
  readonly podAnnotations: Record<string, string>;
}

/** Percentiles fortio computes itself (the CLI recomputes any percentile from the histogram). */
export const FORTIO_PERCENTILES = '50,75,90,99,99.9';

/**
 * The fortio `load` arguments: open loop (`-uniform -nocatchup`), fine resolution, JSON to the
 * shared volume. The rate is the `${QPS}` placeholder (the CLI substitutes the meta's `qps`, or
 * each rate of `run --qps`).
 */
export function fortioLoadArgs(s: LoadJobSpec): string[] {
  return [
    'load',
    `-qps=${PLACEHOLDERS.qps}`,
    `-c=${s.connections}`,
    `-t=${PLACEHOLDERS.duration}`,
    '-uniform',
    '-nocatchup',
    `-r=${s.resolutionSeconds}`,
    `-p=${FORTIO_PERCENTILES}`,
    ...(s.requestPayloadBytes > 0 ? [`-payload-size=${s.requestPayloadBytes}`] : []),
    '-timeout=3s',
    `-labels=${PLACEHOLDERS.runId}/${s.mode}/${PLACEHOLDERS.round}/${PLACEHOLDERS.phase}`,
    '-json=/results/result.json',
    s.targetUrl,
  ];
}

/** Asks the pod's pilot-agent (status port) to stop the sidecar; without a sidecar the request just fails, output discarded. */
const QUIT_PROXY = `wget -q -O- --post-data='' http://127.0.0.1:${PROXY_STATUS_PORT}/quitquitquit >/dev/null 2>&1`;

/**
 * The companion container's script: waits until fortio has exited and left a result, prints the
 * JSON between the markers, then asks a sidecar (if any) to quit so the Job can complete. Fails
 * if fortio exits without a result.
 */
export const REPORT_SCRIPT = [
  'seen=0',
  'while true; do',
  '  if pgrep -x fortio >/dev/null; then seen=1',
  '  elif [ -s /results/result.json ]; then break',
  `  elif [ "$seen" = 1 ]; then echo 'fortio exited without a result' >&2; ${QUIT_PROXY}; exit 1`,
  '  fi',
  '  sleep 1',
  'done',
  `echo '${RESULT_BEGIN_MARKER}'`,
  'cat /results/result.json',
  'echo',
  `echo '${RESULT_END_MARKER}'`,
  `${QUIT_PROXY} || true`,
].join('\n');

/** Anti-affinity in API form: never on a node running pods of the other component. */
export function antiAffinity(avoid: 'server' | 'load'): Record<string, unknown> {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: { matchLabels: { [PART_OF_LABEL]: PART_OF_VALUE, [COMPONENT_LABEL]: avoid } },
        namespaceSelector: {},
      }],
    },
  };
}

/** The batch/v1 Job template for one mode, with the contract's placeholders. */
export function loadJobTemplate(s: LoadJobSpec): Record<string, unknown> {
  const labels = {
    [PART_OF_LABEL]: PART_OF_VALUE, [MODE_LABEL]: s.mode, [COMPONENT_LABEL]: 'load',
    [RUN_LABEL]: PLACEHOLDERS.runId, [ROUND_LABEL]: PLACEHOLDERS.round, [PHASE_LABEL]: PLACEHOLDERS.phase,
  };
  const resources = { requests: { cpu: s.cpuRequest, memory: `${s.memoryMiB}Mi` }, limits: { memory: `${s.memoryMiB}Mi` } };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: PLACEHOLDERS.jobName, namespace: s.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: s.durationSeconds + 120,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels, annotations: s.podAnnotations },
        spec: {
          restartPolicy: 'Never',
          shareProcessNamespace: true,
          nodeSelector: s.placement.nodeSelector,
          tolerations: s.placement.tolerations,
          affinity: antiAffinity(s.placement.avoidComponent),
          volumes: [{ name: 'results', emptyDir: {} }],
          containers: [
            { name: LOAD_CONTAINER, image: s.fortioImage, args: fortioLoadArgs(s), resources, volumeMounts: [{ name: 'results', mountPath: '/results' }] },
            {
              name: RESULT_CONTAINER, image: s.reportImage, command: ['sh', '-c', REPORT_SCRIPT],
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
              volumeMounts: [{ name: 'results', mountPath: '/results', readOnly: true }],
            },
          ],
        },
      },
    },
  };
}
