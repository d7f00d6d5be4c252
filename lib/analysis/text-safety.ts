/**
 * Output safety for data that came from files or the cluster (OWASP CSV-injection guidance,
 * RFC 4180, and no terminal control sequences). Pure.
 */

/** C0 controls except tab/newline handling below, DEL, C1 controls and Unicode bidi overrides. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removes control characters (ANSI escapes lose their ESC and become inert text; bidi
 * overrides are dropped). Newlines and tabs become spaces: one datum, one line.
 */
export function stripControl(s: string): string {
  return s.replace(CONTROL, '').replace(/[\t\n]/g, ' ');
}

/** Like {@link stripControl}, but keeps newlines (for multi-line text built by us). */
export function stripControlKeepLines(s: string): string {
  return s.split('\n').map(stripControl).join('\n');
}

/**
 * One CSV field per RFC 4180, with spreadsheet formula injection neutralised: a cell whose first
 * non-blank character is `=`, `+`, `-` or `@` (after control characters, tab and CR included, are removed) is prefixed with `'` (OWASP), unless it is a
 * plain number (negative numbers stay numbers). Fields with `"`, `,`, CR or LF are quoted.
 */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = stripControl(v);
  if (/^\s*[=+\-@]/.test(s) && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record terminated by CRLF (RFC 4180 §2.1). */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** A one-line message: control characters stripped, whitespace runs collapsed. */
export function oneLine(s: string): string {
  return stripControl(s).replace(/\s+/g, ' ').trim();
}
