/**
 * A tiny fake Kubernetes API server for end-to-end tests: node:http on 127.0.0.1, port 0.
 * Routes are registered per test; every request is recorded (method, raw path, query, body).
 * A handler may leave a request hanging (to exercise client timeouts); `close()` drops every
 * connection so no handle outlives the test.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Raw (still percent-encoded) path, without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body, or the raw text when it is not JSON; undefined without a body. */
  readonly body?: unknown;
}

/** What a handler answers. `hang: true` never answers. */
export type FakeReply =
  | { readonly status?: number; readonly json: unknown }
  | { readonly status?: number; readonly text: string; readonly contentType?: string }
  | { readonly hang: true };

/** A route handler; `params` are the pattern's capture groups, percent-decoded. */
export type FakeHandler = (req: RecordedRequest, params: string[]) => FakeReply;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: FakeHandler;
}

/** The fake server. Create with {@link FakeApiServer.start}; always `close()` it. */
export class FakeApiServer {
  /** Every request received, in order. */
  public readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];

  private constructor(
    private readonly server: http.Server,
    /** Base URL, e.g. `http://127.0.0.1:40123`. */
    public readonly url: string,
  ) {}

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(): Promise<FakeApiServer> {
    let self: FakeApiServer | undefined;
    const server = http.createServer((req, res) => {
      if (self) self.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    self = new FakeApiServer(server, `http://127.0.0.1:${address.port}`);
    return self;
  }

  /** Registers a route; the first matching route (in registration order) answers. */
  route(method: string, pattern: RegExp, handler: FakeHandler): this {
    this.routes.push({ method, pattern, handler });
    return this;
  }

  /** Requests matching a method and a path pattern. */
  find(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  /**
   * Writes a kubeconfig with context `fake` (this server, token auth) and a context `broken`
   * (a closed loopback port); `current` picks the current context.
   */
  writeKubeconfig(dir: string, current: 'fake' | 'broken' = 'fake'): string {
    const file = path.join(dir, 'kubeconfig.json');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        // client-node refuses plain HTTP unless TLS verification is explicitly skipped.
        { name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } },
        { name: 'broken', cluster: { server: 'http://127.0.0.1:9', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'tester', user: { token: 'fake-token' } }],
      contexts: [
        { name: 'fake', context: { cluster: 'fake', user: 'tester' } },
        { name: 'broken', context: { cluster: 'broken', user: 'tester' } },
      ],
      'current-context': current,
    };
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  }

  /** Drops every connection (including hanging ones) and stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        ...(body !== undefined ? { body } : {}),
      };
      this.requests.push(recorded);
      for (const r of this.routes) {
        const m = r.method === recorded.method ? r.pattern.exec(recorded.path) : null;
        if (!m) continue;
        const reply = r.handler(recorded, m.slice(1).map((p) => decodeURIComponent(p)));
        this.reply(res, reply);
        return;
      }
      this.reply(res, { status: 404, json: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `no route for ${recorded.method} ${recorded.path}` } });
    });
  }

  private reply(res: http.ServerResponse, reply: FakeReply): void {
    if ('hang' in reply) return;
    if ('json' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json));
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/plain; charset=utf-8' });
    res.end(reply.text);
  }
}

/** A Kubernetes `Status` 404 reply. */
export function notFound(what: string): FakeReply {
  return { status: 404, json: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${what} not found` } };
}

/**
 * Equality-based label selector matching (`k=v`, `k==v`, `k!=v`, `k`, `!k`, comma = AND),
 * enough for the selectors the CLIs send.
 */
export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: string | undefined): boolean {
  if (selector === undefined || selector.trim() === '') return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(t))) return labels[m[1]] !== m[2];
    if ((m = /^([^!=]+)==?(.*)$/.exec(t))) return labels[m[1]] === m[2];
    if (t.startsWith('!')) return labels[t.slice(1)] === undefined;
    return labels[t] !== undefined;
  });
}

/** Field selector matching for `metadata.name` and `metadata.namespace` equality terms. */
export function matchesFieldSelector(meta: { name: string; namespace?: string }, selector: string | undefined): boolean {
  if (selector === undefined || selector.trim() === '') return true;
  return selector.split(',').every((term) => {
    const [key, value] = term.trim().split(/==?/);
    if (key === 'metadata.name') return meta.name === value;
    if (key === 'metadata.namespace') return meta.namespace === value;
    throw new Error(`fake API server: unsupported field selector '${term}'`);
  });
}
