/**
 * In-memory cluster state served by a {@link FakeApiServer}: version, nodes, namespaces, pods,
 * ConfigMaps, Jobs (scripted outcomes), pod logs, kubelet summaries and pod-proxied metrics —
 * exactly the endpoints `mesh-bench run` and `mesh-latency` use.
 */
import { FakeApiServer, FakeReply, matchesFieldSelector, matchesLabelSelector, notFound } from './fake-api-server';

/** A pod as stored (Kubernetes wire shape, the fields the CLIs read). */
export interface FakePod {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  nodeName?: string;
  phase?: string;
  /** The pod's `Ready` condition. @default true */
  ready?: boolean;
  containers: string[];
  images?: Record<string, string>;
  initContainers?: string[];
  ownerKind?: string;
}

/** How a created Job behaves. */
export interface JobScript {
  /** `succeed` and `fail` finish after `pollsBeforeDone` status reads; `never` stays active. */
  readonly outcome: 'succeed' | 'fail' | 'never';
  readonly pollsBeforeDone?: number;
  /** Log of the `result` container. */
  readonly log?: string;
  /** The log request never answers (a pod whose log cannot be read in time). */
  readonly logHang?: boolean;
  /** Node the Job's pod runs on. */
  readonly node: string;
  /** Containers of the Job's pod. @default ['fortio', 'result'] */
  readonly containers?: string[];
}

interface FakeJob {
  readonly namespace: string;
  readonly name: string;
  readonly manifest: Record<string, unknown>;
  readonly script: JobScript;
  polls: number;
}

/** Kubelet usage of one container on a node summary. */
export interface FakeUsage {
  readonly usageNanoCores: number;
  readonly workingSetBytes: number;
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The fake cluster; mutate its fields from tests, then call the CLI. */
export class FakeCluster {
  public version = { major: '1', minor: '29', gitVersion: 'v1.29.6-eks-test' };
  public readonly nodes = new Map<string, Record<string, string>>();
  public readonly namespaces = new Map<string, Record<string, string>>();
  public readonly pods: FakePod[] = [];
  public readonly configMaps: { name: string; namespace: string; labels: Record<string, string>; data: Record<string, string> }[] = [];
  public readonly jobs = new Map<string, FakeJob>();
  /** Every Job ever created, in creation order. */
  public readonly createdJobs: FakeJob[] = [];
  /** Decides each created Job's behaviour from its manifest. */
  public jobScript: (manifest: Record<string, unknown>) => JobScript = () => ({ outcome: 'succeed', node: 'client-node', log: '' });
  /** Kubelet usage of a container; containers without usage are not reported. */
  public usageOf: (namespace: string, pod: string, container: string) => FakeUsage | undefined = () => undefined;
  /** Metrics text per `namespace/pod:port`, or a reply (e.g. `{ hang: true }`). */
  public readonly metrics = new Map<string, string | FakeReply>();

  constructor(public readonly server: FakeApiServer) {
    this.registerRoutes();
  }

  /** Adds a pod. */
  addPod(pod: FakePod): void {
    this.pods.push(pod);
  }

  private podJson(p: FakePod): Record<string, unknown> {
    const c = (names: string[] | undefined): { name: string; image: string }[] => (names ?? []).map((name) => ({ name, image: p.images?.[name] ?? `img/${name}:1` }));
    return {
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels ?? {}, annotations: p.annotations ?? {}, ...(p.ownerKind ? { ownerReferences: [{ apiVersion: 'v1', kind: p.ownerKind, name: 'owner', uid: 'u' }] } : {}) },
      spec: { nodeName: p.nodeName, containers: c(p.containers), ...(p.initContainers ? { initContainers: c(p.initContainers) } : {}) },
      status: { phase: p.phase ?? 'Running', conditions: [{ type: 'Ready', status: p.ready === false ? 'False' : 'True' }] },
    };
  }

  private jobJson(j: FakeJob): Record<string, unknown> {
    const done = j.script.outcome !== 'never' && j.polls > (j.script.pollsBeforeDone ?? 1);
    const status: Record<string, unknown> = { active: done ? 0 : 1 };
    if (done && j.script.outcome === 'succeed') Object.assign(status, { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    if (done && j.script.outcome === 'fail') {
      Object.assign(status, { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] });
    }
    return { ...j.manifest, status };
  }

  private registerRoutes(): void {
    const s = this.server;
    const list = (items: unknown[]): FakeReply => ({ json: { kind: 'List', apiVersion: 'v1', metadata: {}, items } });
    s.route('GET', /^\/version\/?$/, () => ({ json: this.version }));
    const cms = (ns: string | undefined, q: Readonly<Record<string, string>>): FakeReply =>
      list(
        this.configMaps
          .filter((c) => (ns === undefined || c.namespace === ns) && matchesLabelSelector(c.labels, q.labelSelector) && matchesFieldSelector(c, q.fieldSelector))
          .map((c) => ({ metadata: { name: c.name, namespace: c.namespace, labels: c.labels }, data: c.data })),
      );
    s.route('GET', /^\/api\/v1\/configmaps$/, (r) => cms(undefined, r.query));
    s.route('GET', /^\/api\/v1\/namespaces\/([^/]+)\/configmaps$/, (r, [ns]) => cms(ns, r.query));
    s.route('GET', /^\/api\/v1\/namespaces\/([^/]+)$/, (_r, [ns]) => {
      const labels = this.namespaces.get(ns);
      return labels === undefined ? notFound(`namespace ${ns}`) : { json: { metadata: { name: ns, labels } } };
    });
    s.route('GET', /^\/api\/v1\/namespaces\/([^/]+)\/pods$/, (r, [ns]) =>
      list(this.pods.filter((p) => p.namespace === ns && matchesLabelSelector(p.labels ?? {}, r.query.labelSelector)).map((p) => this.podJson(p))),
    );
    s.route('GET', /^\/api\/v1\/nodes$/, (r) =>
      list([...this.nodes.entries()].filter(([, l]) => matchesLabelSelector(l, r.query.labelSelector)).map(([name, labels]) => ({ metadata: { name, labels } }))),
    );
    s.route('POST', /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/, (r, [ns]) => {
      const manifest = rec(r.body);
      const name = String(rec(manifest.metadata).name);
      const job: FakeJob = { namespace: ns, name, manifest, script: this.jobScript(manifest), polls: 0 };
      this.jobs.set(`${ns}/${name}`, job);
      this.createdJobs.push(job);
      this.addPod({ name: `${name}-x7k2p`, namespace: ns, labels: { 'job-name': name }, nodeName: job.script.node, phase: 'Running', containers: job.script.containers ?? ['fortio', 'result'], ownerKind: 'Job' });
      return { status: 201, json: this.jobJson(job) };
    });
    s.route('GET', /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)\/status$/, (_r, [ns, name]) => {
      const job = this.jobs.get(`${ns}/${name}`);
      if (job === undefined) return notFound(`job ${name}`);
      job.polls++;
      const json = this.jobJson(job);
      const pod = this.pods.find((p) => p.labels?.['job-name'] === name);
      const st = rec(json.status);
      if (pod) pod.phase = st.succeeded ? 'Succeeded' : st.failed ? 'Failed' : 'Running';
      return { json };
    });
    s.route('DELETE', /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/, (_r, [ns, name]) => {
      if (!this.jobs.delete(`${ns}/${name}`)) return notFound(`job ${name}`);
      for (let i = this.pods.length - 1; i >= 0; i--) if (this.pods[i].labels?.['job-name'] === name) this.pods.splice(i, 1);
      return { json: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
    });
    s.route('GET', /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/, (r, [ns, pod]) => {
      const p = this.pods.find((x) => x.namespace === ns && x.name === pod);
      if (p === undefined) return notFound(`pod ${pod}`);
      if (!p.containers.includes(r.query.container ?? '')) return { status: 400, json: { kind: 'Status', code: 400, message: `container ${r.query.container} is not valid for pod ${pod}` } };
      const job = this.jobs.get(`${ns}/${p.labels?.['job-name'] ?? ''}`);
      if (job?.script.logHang) return { hang: true };
      return { text: job?.script.log ?? '' };
    });
    s.route('GET', /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/, (_r, [node]) => {
      if (!this.nodes.has(node)) return notFound(`node ${node}`);
      const now = new Date().toISOString();
      const pods = this.pods
        .filter((p) => p.nodeName === node)
        .map((p) => ({
          podRef: { name: p.name, namespace: p.namespace, uid: 'u' },
          containers: [...(p.initContainers ?? []), ...p.containers].flatMap((c) => {
            const u = this.usageOf(p.namespace, p.name, c);
            return u ? [{ name: c, cpu: { time: now, usageNanoCores: u.usageNanoCores, usageCoreNanoSeconds: 1 }, memory: { time: now, workingSetBytes: u.workingSetBytes } }] : [];
          }),
        }));
      return { json: { node: { nodeName: node }, pods } };
    });
    s.route('GET', /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/proxy\/stats\/prometheus$/, (_r, [ns, podPort]) => {
      const m = this.metrics.get(`${ns}/${podPort}`);
      if (m === undefined) return notFound(`pod ${podPort}`);
      return typeof m === 'string' ? { text: m, contentType: 'text/plain; version=0.0.4; charset=utf-8' } : m;
    });
  }
}
