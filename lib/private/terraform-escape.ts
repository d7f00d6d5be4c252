/**
 * Terraform-safe strings.
 *
 * Terraform reads every string in a `*.tf.json` resource, data source or provider block as a
 * template: `${…}` is an interpolation and `%{…}` a directive, anywhere in the string and in object
 * keys. A literal that contains either (a Job template's `${JOB_NAME}`, a user's Helm value
 * `${file("/etc/hostname")}`) would be evaluated at plan time. The escapes are `$${` and `%%{`.
 *
 * cdktf does not escape literal strings in resource attributes (only literals it places inside
 * `Fn.*` arguments, and there only `${`, not `%{`); `Fn.rawString` escapes `${` but not `%{`, and
 * also turns `"` and newlines into `\"` and `\n`, which corrupts a YAML or JSON document used as an
 * attribute value. So the library escapes here, once, at each resource's config.
 *
 * Tokens the library creates stay live: cdktf encodes them in strings as `${TfToken[…]}`, and only
 * the text between them is escaped.
 *
 * Apply {@link terraformSafe} to configs of resources, data sources and providers. Do NOT apply it to:
 * - arguments of `Fn.*` (cdktf escapes `${` there itself; escaping twice would show `$${`);
 * - `TerraformVariable` config (`default`, `description` and `type` are literal JSON, not templates);
 * - a string that is meant as a Terraform expression: build those from tokens (`Fn.*`, `ref`).
 */

import { isPlainObject } from './props';

export { isPlainObject };

/** cdktf's encoding of a string token (tokens/private/encoding.js: BEGIN_STRING_TOKEN_MARKER … END_TOKEN_MARKER). */
export const CDKTF_STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** Escapes a literal (no tokens) for a Terraform template: `${` → `$${`, `%{` → `%%{`. */
function escapeLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * Escapes the literal parts of a string for Terraform; tokens inside it stay live.
 * Terraform turns the result back into exactly the input (`$${` → `${`, `%%{` → `%{`).
 */
export function terraformString(text: string): string {
  if (!text.includes('TfToken[')) return escapeLiteral(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CDKTF_STRING_TOKEN)) {
    out += escapeLiteral(text.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + escapeLiteral(text.slice(last));
}

/** The inverse of {@link terraformString} for a literal: what Terraform passes on (`$${` → `${`, `%%{` → `%{`). */
export function terraformUnescape(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/**
 * A copy of a resource/data source/provider config with every literal string (values and map keys,
 * at any depth) escaped for Terraform. Only plain objects and arrays are descended into: class
 * instances (providers, resources given to `dependsOn`, tokens such as `Fn.*` results) are kept as
 * they are.
 */
export function terraformSafe<T>(config: T): T {
  return safeValue(config) as T;
}

function safeValue(value: unknown): unknown {
  if (typeof value === 'string') return terraformString(value);
  if (Array.isArray(value)) return value.map(safeValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[terraformString(k)] = safeValue(v);
    return out;
  }
  return value;
}
