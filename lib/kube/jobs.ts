/**
 * Running one load Job to its end: create it, poll its status until it succeeds, fails or times
 * out, and read the result container's log. Deleting it is the caller's decision.
 */
import { RESULT_CONTAINER } from '../wire/bench-contract';
import { KubeClient, KubeRequestError } from './client';
import { JobStatusView, PodView } from './types';

/** How a Job ended. */
export type JobOutcome =
  | { readonly kind: 'succeeded'; readonly pod: PodView; readonly log: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'timeout'; readonly reason: string }
  | { readonly kind: 'interrupted'; readonly reason: string };

/** Inputs of {@link runJobToEnd}. */
export interface RunJobOptions {
  readonly namespace: string;
  readonly manifest: Record<string, unknown>;
  /** Give up waiting after this long, milliseconds. */
  readonly timeoutMs: number;
  /** Delay between status polls, milliseconds. */
  readonly pollIntervalMs: number;
  /** Called once the Job exists (e.g. to start sampling), with its name. */
  readonly onCreated?: (jobName: string) => void;
  /** Clock, milliseconds; injectable for tests. @default Date.now */
  readonly now?: () => number;
  /** Stops waiting (outcome `interrupted`) when aborted, e.g. on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** Label the Job controller puts on a Job's pods. */
export const JOB_NAME_LABEL = 'job-name';

/** A promise resolved after `ms` milliseconds, or as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function condition(status: JobStatusView, type: string): JobStatusView['conditions'][number] | undefined {
  return status.conditions.find((c) => c.type === type && c.status === 'True');
}

/** Classifies a Job status: finished (and how) or still running. */
export function jobState(status: JobStatusView): 'succeeded' | 'failed' | 'running' {
  if (condition(status, 'Failed') !== undefined || status.failed > 0) return 'failed';
  if (condition(status, 'Complete') !== undefined || status.succeeded > 0) return 'succeeded';
  return 'running';
}

function failureReason(status: JobStatusView): string {
  const c = condition(status, 'Failed');
  const detail = c ? [c.reason, c.message].filter((s) => s !== undefined && s !== '').join(': ') : '';
  return `Job ${status.namespace}/${status.name} failed (${status.failed} failed pod${status.failed === 1 ? '' : 's'}${detail ? `; ${detail}` : ''})`;
}

/**
 * Creates the Job and waits for it. Never throws for the Job's own failures or timeouts: they are
 * returned as outcomes. Throws {@link KubeRequestError} only when the Job cannot be created.
 */
export async function runJobToEnd(client: KubeClient, options: RunJobOptions): Promise<JobOutcome & { readonly jobName: string }> {
  const now = options.now ?? Date.now;
  const jobName = await client.createJob(options.namespace, options.manifest);
  options.onCreated?.(jobName);
  const start = now();
  let lastError: string | undefined;
  const interrupted = (): { jobName: string; kind: 'interrupted'; reason: string } => ({ jobName, kind: 'interrupted', reason: `interrupted while Job ${options.namespace}/${jobName} was running` });
  for (;;) {
    if (options.signal?.aborted) return interrupted();
    let state: 'succeeded' | 'failed' | 'running' = 'running';
    try {
      const remainingMs = Math.max(1, options.timeoutMs - (now() - start));
      const status = await client.readJobStatus(options.namespace, jobName, { timeoutMs: Math.min(client.requestTimeoutMs, remainingMs) });
      state = jobState(status);
      lastError = undefined;
      if (state === 'failed') return { jobName, kind: 'failed', reason: failureReason(status) };
    } catch (e: unknown) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (state === 'succeeded') return { jobName, ...(await harvestLog(client, options.namespace, jobName)) };
    if (now() - start >= options.timeoutMs) {
      const seconds = (options.timeoutMs / 1000).toFixed(options.timeoutMs < 10_000 ? 2 : 0);
      return { jobName, kind: 'timeout', reason: `Job ${options.namespace}/${jobName} did not finish within ${seconds} s${lastError ? ` (last status error: ${lastError})` : ''}` };
    }
    await sleep(Math.min(options.pollIntervalMs, Math.max(0, options.timeoutMs - (now() - start))), options.signal);
  }
}

async function harvestLog(client: KubeClient, namespace: string, jobName: string): Promise<JobOutcome> {
  try {
    const pods = await client.listPods(namespace, `${JOB_NAME_LABEL}=${jobName}`);
    const pod = pods.find((p) => p.phase === 'Succeeded') ?? pods[0];
    if (pod === undefined) return { kind: 'failed', reason: `Job ${namespace}/${jobName} succeeded but has no pod left to read the result from` };
    const log = await client.readPodLog(namespace, pod.name, RESULT_CONTAINER);
    return { kind: 'succeeded', pod, log };
  } catch (e: unknown) {
    const timedOut = e instanceof KubeRequestError && e.timedOut;
    return { kind: timedOut ? 'timeout' : 'failed', reason: `cannot read the result of Job ${namespace}/${jobName}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
