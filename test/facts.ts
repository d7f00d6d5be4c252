import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads ../shared/facts/istio-minor-hops.md, the verified per-minor facts, so tests take their
 * expectations from it rather than from the library. Undefined (with a printed reason) when absent;
 * under CI=true its absence fails, as for the chart data (test/util.ts sharedIstioDir).
 */
export function readHopFacts(): HopFacts | undefined {
  const base = process.env.ISTIO_SHARED_DIR ?? path.resolve(__dirname, '..', '..', 'shared');
  const file = path.join(base, 'facts', 'istio-minor-hops.md');
  if (!fs.existsSync(file)) {
    if (process.env.CI === 'true') throw new Error(`${file} is missing: CI must check the catalog against the facts`);
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED facts-derived tests: ${file} not found`);
    return undefined;
  }
  return new HopFacts(fs.readFileSync(file, 'utf8'));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A markdown table: header cells and rows of cells (backticks and bold markers kept). */
export interface MdTable {
  readonly header: string[];
  readonly rows: string[][];
}

export class HopFacts {
  constructor(public readonly text: string) {}

  /** The first table after the heading line that starts with `heading`. */
  public tableAfter(heading: string): MdTable {
    const lines = this.text.split('\n');
    const start = lines.findIndex((l) => l.startsWith(heading));
    if (start < 0) throw new Error(`facts: no heading '${heading}'`);
    const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
    const block: string[] = [];
    for (let i = first; i < lines.length && lines[i].startsWith('|'); i++) block.push(lines[i]);
    const cells = (l: string): string[] => l.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    return { header: cells(block[0]), rows: block.slice(2).map(cells) };
  }

  /** §6: released patch numbers per minor. */
  public patches(): Map<string, number[]> {
    const t = this.tableAfter('## 6. Released patch tags');
    return new Map(t.rows.map((r) => [r[0], r[1].split(/\s+/).map((v) => Number(v.split('.')[2]))]));
  }

  /** §1: a column of the version table, by header prefix, per minor. */
  public versionColumn(headerPrefix: string): Map<string, string> {
    const t = this.tableAfter('## 1. Version table');
    const col = t.header.findIndex((h) => h.startsWith(headerPrefix));
    if (col < 0) throw new Error(`facts §1: no column '${headerPrefix}'`);
    return new Map(t.rows.map((r) => [r[0], r[col]]));
  }

  /** §1 "K8s supported": `1.27–1.30` → ['1.27', '1.30']. */
  public kubernetesRanges(): Map<string, [string, string]> {
    return new Map([...this.versionColumn('K8s supported')].map(([m, c]) => {
      const match = /(\d+\.\d+)–(\d+\.\d+)/.exec(c);
      if (!match) throw new Error(`facts §1: bad range '${c}'`);
      return [m, [match[1], match[2]]];
    }));
  }

  /** §1 "EOL": exact (`Apr 16 2025`) or expected (`~Aug 2026 (expected)`, `~Jan 2025`: the month's last day). */
  public endOfLife(): Map<string, { date: string; expected: boolean }> {
    return new Map([...this.versionColumn('EOL')].map(([m, c]): [string, { date: string; expected: boolean }] => {
      const exact = /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/.exec(c);
      if (exact) return [m, { date: `${exact[3]}-${pad(MONTHS.indexOf(exact[1]) + 1)}-${pad(Number(exact[2]))}`, expected: false }];
      const approx = /^~([A-Z][a-z]{2}) (\d{4})/.exec(c);
      if (!approx) throw new Error(`facts §1: bad EOL '${c}'`);
      const month = MONTHS.indexOf(approx[1]) + 1;
      const last = new Date(Date.UTC(Number(approx[2]), month, 0)).getUTCDate();
      return [m, { date: `${approx[2]}-${pad(month)}-${pad(last)}`, expected: true }];
    }));
  }

  /**
   * §2.4 "Values an installer typically sets": the cell of a row (by its first-cell prefix) for a
   * minor, with `=` resolved to the previous minor's cell.
   */
  public valueRow(rowPrefix: string): Map<string, string> {
    const t = this.tableAfter('### 2.4 Values an installer typically sets');
    const row = t.rows.find((r) => r[0].startsWith(rowPrefix));
    if (!row) throw new Error(`facts §2.4: no row '${rowPrefix}'`);
    const out = new Map<string, string>();
    let prev = '';
    t.header.slice(1).forEach((minor, i) => {
      const cell = row[i + 1].startsWith('=') ? prev : row[i + 1];
      out.set(minor, cell);
      prev = cell;
    });
    return out;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
