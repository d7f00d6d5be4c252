/**
 * The few Kubernetes API calls the CLIs need, typed and thin, over `@kubernetes/client-node`.
 * Every call has a timeout (an AbortSignal on the request) and fails with a
 * {@link KubeRequestError} that says what was asked and why it failed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as K from '@kubernetes/client-node';
import { ClusterAccessError } from '../private/cli-errors';
import { ClientNodeModule, loadClientNode } from './client-node';
import { ConfigMapView, JobStatusView, NamespaceView, NodeView, PodView, ServerVersion } from './types';

/** How to reach the cluster. */
export interface KubeClientOptions {
  /** Path of a kubeconfig file. @default - `KubeConfig.loadFromDefault()` (KUBECONFIG, ~/.kube/config, in-cluster) */
  readonly kubeconfigPath?: string;
  /** kubeconfig context to use. @default - the kubeconfig's current context */
  readonly context?: string;
  /** Timeout of each request, milliseconds. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's request timeout for this call, milliseconds. */
  readonly timeoutMs?: number;
}

/** Default request timeout, milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A failed API request, or a cluster that cannot be reached at all: what was tried, the HTTP
 * status if any, whether it timed out, and (in the message) what to fix. Part of the CLIs' error
 * family ({@link ClusterAccessError}, exit 1).
 */
export class KubeRequestError extends ClusterAccessError {
  /** HTTP status code, when the server answered. */
  public readonly status?: number;
  /** True when the request was aborted by its timeout. */
  public readonly timedOut: boolean;

  constructor(message: string, status: number | undefined, timedOut: boolean) {
    super(message);
    this.name = 'KubeRequestError';
    this.status = status;
    this.timedOut = timedOut;
  }
}

/** Encodes a proxy sub-path segment by segment (the generated client would encode `/` as `%2F`). */
function encodeSubPath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function stringRecord(value: Record<string, string> | undefined): Record<string, string> {
  return { ...(value ?? {}) };
}

/** The pod's `Ready` condition: true / false, or undefined when the pod reports none. */
function readyOf(conditions: readonly { type: string; status: string }[] | undefined): boolean | undefined {
  const ready = (conditions ?? []).find((c) => c.type === 'Ready');
  return ready === undefined ? undefined : ready.status === 'True';
}

/** The `message` of a Kubernetes Status body (object or JSON text), else the text itself, shortened. */
function describeBody(body: unknown): string {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 200);
    }
  }
  if (value !== null && typeof value === 'object' && 'message' in value && typeof value.message === 'string') return value.message;
  return typeof body === 'string' ? body.trim().slice(0, 200) : '';
}

/**
 * Where the default kubeconfig would come from, or why there is none (client-node would silently
 * fall back to `http://localhost:8080` and later fail with a misleading TLS message).
 */
export function findDefaultKubeconfig(env: NodeJS.ProcessEnv = process.env, home: string = env.HOME !== undefined && env.HOME !== '' ? env.HOME : os.homedir()): { source: string } | { problem: string } {
  if (env.KUBECONFIG !== undefined && env.KUBECONFIG !== '') {
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '');
    const present = files.filter((f) => fs.existsSync(f));
    if (present.length === 0) return { problem: `KUBECONFIG names ${files.join(path.delimiter)}, which does not exist; fix KUBECONFIG or pass --kubeconfig <file> (for EKS: aws eks update-kubeconfig --name <cluster> --region <region>)` };
    return { source: `KUBECONFIG (${present.join(path.delimiter)})` };
  }
  const file = path.join(home, '.kube', 'config');
  if (fs.existsSync(file)) return { source: file };
  if (env.KUBERNETES_SERVICE_HOST !== undefined && env.KUBERNETES_SERVICE_PORT !== undefined) return { source: 'in-cluster service account' };
  return { problem: `no kubeconfig: KUBECONFIG is not set, ${file} does not exist and this is not running in a pod; pass --kubeconfig <file> or create one (for EKS: aws eks update-kubeconfig --name <cluster> --region <region>)` };
}

/** One line for a transport-level failure: what was tried against which server, and what to fix. */
export function describeTransportError(what: string, server: string, context: string, err: unknown): string {
  const e = err as { code?: string; message?: string; name?: string };
  const msg = (e?.message ?? String(err)).replace(/\s+/g, ' ');
  const where = `the API server ${server} (context ${context})`;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `${what}: cannot reach ${where}: connection refused; check that the cluster is running and the server address in your kubeconfig, or pick another --context`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${what}: cannot resolve the host of ${where}; check the server address in your kubeconfig, DNS and VPN`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
      return `${what}: cannot reach ${where} (${e.code}); check network access to the cluster endpoint (VPN, security groups, private endpoint)`;
    default:
      break;
  }
  if (/HTTP protocol is not allowed/.test(msg)) return `${what}: ${where} is plain http://, which is refused without TLS; use the https:// endpoint of the cluster (or set insecure-skip-tls-verify for a local test cluster)`;
  if (e?.name === 'SyntaxError' || /JSON/.test(msg)) return `${what}: ${where} answered with something that is not Kubernetes JSON (${msg.slice(0, 80)}); is the server address a Kubernetes API server and not a proxy or login page?`;
  if (/certificate|self.signed|CERT_|UNABLE_TO_VERIFY/i.test(msg) || (e?.code ?? '').startsWith('CERT_') || (e?.code ?? '').includes('SELF_SIGNED')) {
    return `${what}: TLS verification of ${where} failed (${msg.slice(0, 80)}); check certificate-authority-data in your kubeconfig`;
  }
  return `${what}: ${where}: ${msg.slice(0, 200)}`;
}

function itemsOf<T>(list: { items?: T[] } | undefined, what: string, server: string): T[] {
  if (list === undefined || list === null || !Array.isArray(list.items)) {
    throw new KubeRequestError(`${what}: the API server ${server} answered with something that is not a Kubernetes list (no 'items'); is the server address a Kubernetes API server and not a proxy or login page?`, undefined, false);
  }
  return list.items;
}

/** The Kubernetes API, narrowed to what `mesh-bench` and `mesh-latency` use. */
export class KubeClient {
  /** The kubeconfig context in use. */
  public readonly contextName: string;
  /** The API server URL in use. */
  public readonly server: string;
  private readonly k8s: ClientNodeModule;
  private readonly core: K.CoreV1Api;
  private readonly batch: K.BatchV1Api;
  private readonly version: K.VersionApi;
  /** Default timeout of each request, milliseconds. */
  public readonly requestTimeoutMs: number;

  constructor(options: KubeClientOptions = {}) {
    this.k8s = loadClientNode();
    const kc = new this.k8s.KubeConfig();
    let source = options.kubeconfigPath;
    if (source === undefined) {
      const found = findDefaultKubeconfig();
      if ('problem' in found) throw new KubeRequestError(found.problem, undefined, false);
      source = found.source;
    } else if (!fs.existsSync(source)) {
      throw new KubeRequestError(`kubeconfig '${source}' does not exist; pass an existing file to --kubeconfig`, undefined, false);
    }
    try {
      if (options.kubeconfigPath !== undefined) kc.loadFromFile(options.kubeconfigPath);
      else kc.loadFromDefault();
    } catch (e: unknown) {
      throw new KubeRequestError(`cannot load kubeconfig ${source}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, undefined, false);
    }
    if (options.context !== undefined) {
      if (kc.getContextObject(options.context) === null) {
        const known = kc.getContexts().map((c) => c.name).join(', ');
        throw new KubeRequestError(`kubeconfig has no context '${options.context}' (contexts: ${known || 'none'})`, undefined, false);
      }
      kc.setCurrentContext(options.context);
    }
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new KubeRequestError(`kubeconfig ${source} has no current context with a cluster; pass --context <name> or set current-context`, undefined, false);
    this.contextName = kc.getCurrentContext();
    this.server = cluster.server;
    this.core = kc.makeApiClient(this.k8s.CoreV1Api);
    this.batch = kc.makeApiClient(this.k8s.BatchV1Api);
    this.version = kc.makeApiClient(this.k8s.VersionApi);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** `GET /version`. */
  async serverVersion(opts: CallOptions = {}): Promise<ServerVersion> {
    const v = await this.call('GET /version', opts, (o) => this.version.getCode(undefined, o));
    return { gitVersion: v.gitVersion, major: v.major, minor: v.minor };
  }

  /** ConfigMaps matching the selectors, in one namespace or (namespace undefined) in all. */
  async listConfigMaps(namespace: string | undefined, selectors: { labelSelector?: string; fieldSelector?: string }, opts: CallOptions = {}): Promise<ConfigMapView[]> {
    const list = await this.call(`list ConfigMaps in ${namespace ?? 'all namespaces'}`, opts, (o) =>
      namespace === undefined ? this.core.listConfigMapForAllNamespaces({ ...selectors }, o) : this.core.listNamespacedConfigMap({ namespace, ...selectors }, o),
    );
    return itemsOf(list, `list ConfigMaps in ${namespace ?? 'all namespaces'}`, this.server).map((cm) => ({
      name: cm.metadata?.name ?? '',
      namespace: cm.metadata?.namespace ?? namespace ?? '',
      labels: stringRecord(cm.metadata?.labels),
      data: stringRecord(cm.data),
    }));
  }

  /** A namespace's labels. */
  async readNamespace(name: string, opts: CallOptions = {}): Promise<NamespaceView> {
    const ns = await this.call(`read namespace ${name}`, opts, (o) => this.core.readNamespace({ name }, o));
    return { name, labels: stringRecord(ns.metadata?.labels) };
  }

  /** Pods in a namespace, optionally filtered by a label selector. */
  async listPods(namespace: string, labelSelector?: string, opts: CallOptions = {}): Promise<PodView[]> {
    const list = await this.call(`list pods in ${namespace}`, opts, (o) => this.core.listNamespacedPod({ namespace, labelSelector }, o));
    return itemsOf(list, `list pods in ${namespace}`, this.server).map((p) => ({
      name: p.metadata?.name ?? '',
      namespace: p.metadata?.namespace ?? namespace,
      labels: stringRecord(p.metadata?.labels),
      annotations: stringRecord(p.metadata?.annotations),
      nodeName: p.spec?.nodeName,
      phase: p.status?.phase,
      ready: readyOf(p.status?.conditions),
      containers: (p.spec?.containers ?? []).map((c) => c.name),
      initContainers: (p.spec?.initContainers ?? []).map((c) => c.name),
      ownerKinds: (p.metadata?.ownerReferences ?? []).map((r) => r.kind),
      images: Object.fromEntries([...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => [c.name, c.image ?? ''])),
    }));
  }

  /** Nodes, optionally filtered by a label selector. */
  async listNodes(labelSelector?: string, opts: CallOptions = {}): Promise<NodeView[]> {
    const list = await this.call('list nodes', opts, (o) => this.core.listNode({ labelSelector }, o));
    return itemsOf(list, 'list nodes', this.server).map((n) => ({ name: n.metadata?.name ?? '', labels: stringRecord(n.metadata?.labels) }));
  }

  /** Creates a Job from a manifest (already validated as an object); returns its name. */
  async createJob(namespace: string, manifest: Record<string, unknown>, opts: CallOptions = {}): Promise<string> {
    const body = manifest as unknown as K.V1Job;
    const job = await this.call(`create Job in ${namespace}`, opts, (o) => this.batch.createNamespacedJob({ namespace, body }, o));
    return job.metadata?.name ?? '';
  }

  /** A Job's status counters and conditions. */
  async readJobStatus(namespace: string, name: string, opts: CallOptions = {}): Promise<JobStatusView> {
    const job = await this.call(`read Job ${namespace}/${name}`, opts, (o) => this.batch.readNamespacedJobStatus({ namespace, name }, o));
    const s = job.status;
    return {
      name,
      namespace,
      active: s?.active ?? 0,
      succeeded: s?.succeeded ?? 0,
      failed: s?.failed ?? 0,
      conditions: (s?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
    };
  }

  /** Deletes a Job and, in the background, its pods. */
  async deleteJob(namespace: string, name: string, opts: CallOptions = {}): Promise<void> {
    await this.call(`delete Job ${namespace}/${name}`, opts, (o) =>
      this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' }, o),
    );
  }

  /** The log of one container of a pod. */
  async readPodLog(namespace: string, pod: string, container: string, opts: CallOptions = {}): Promise<string> {
    return this.call(`read log of ${namespace}/${pod} container ${container}`, opts, (o) =>
      this.core.readNamespacedPodLog({ namespace, name: pod, container }, o),
    );
  }

  /** `GET /api/v1/nodes/<node>/proxy/<path>` (e.g. the kubelet's `stats/summary`), as text. */
  async nodeProxyGet(node: string, path: string, opts: CallOptions = {}): Promise<string> {
    return this.call(
      `GET node ${node} proxy /${path}`,
      opts,
      (o) => this.core.connectGetNodeProxyWithPath({ name: node, path }, o),
      { from: `/proxy/${encodeURIComponent(path)}`, to: `/proxy/${encodeSubPath(path)}` },
    );
  }

  /** `GET /api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/<path>`, as text. */
  async podProxyGet(namespace: string, pod: string, port: number, path: string, opts: CallOptions = {}): Promise<string> {
    return this.call(
      `GET ${namespace}/${pod}:${port}/${path.replace(/^\/+/, '')}`,
      opts,
      (o) => this.core.connectGetNamespacedPodProxyWithPath({ namespace, name: `${pod}:${port}`, path }, o),
      {
        from: `/pods/${encodeURIComponent(`${pod}:${port}`)}/proxy/${encodeURIComponent(path)}`,
        to: `/pods/${encodeURIComponent(pod)}:${port}/proxy/${encodeSubPath(path)}`,
      },
    );
  }

  /**
   * Runs one request with an abort timeout. For proxy calls (`rawText`), the URL is rewritten
   * `from` → `to` (the generated client percent-encodes the `/` of the sub-path and the `:` of
   * `pod:port`; the URL is sent as `kubectl get --raw` would) and the response is always
   * returned as text, whatever its content type.
   */
  private async call<T>(
    what: string,
    opts: CallOptions,
    fn: (options: K.ConfigurationOptions) => Promise<T>,
    rawText?: { from: string; to: string },
  ): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const Observable = this.k8s.Observable;
    const middleware: K.ObservableMiddleware = {
      pre: (ctx) => {
        ctx.setSignal(controller.signal);
        if (rawText !== undefined) ctx.setUrl(ctx.getUrl().replace(rawText.from, rawText.to));
        return new Observable(Promise.resolve(ctx));
      },
      post: (ctx) => {
        if (rawText !== undefined) ctx.headers['content-type'] = 'text/plain';
        return new Observable(Promise.resolve(ctx));
      },
    };
    try {
      return await fn({ middleware: [middleware], middlewareMergeStrategy: 'append' });
    } catch (err: unknown) {
      if (controller.signal.aborted) {
        throw new KubeRequestError(`${what}: timed out after ${timeoutMs} ms waiting for the API server ${this.server}; check network access to the cluster, or allow more time (--request-timeout / --timeout-ms)`, undefined, true);
      }
      if (err instanceof this.k8s.ApiException) {
        const detail = describeBody(err.body);
        throw new KubeRequestError(`${what}: HTTP ${err.code}${detail ? `: ${detail}` : ''}`, err.code, false);
      }
      throw new KubeRequestError(describeTransportError(what, this.server, this.contextName, err), undefined, false);
    } finally {
      clearTimeout(timer);
    }
  }
}
