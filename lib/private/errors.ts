/**
 * The single error type for the library's validation failures.
 *
 * Every message names the prop (or option), the value received and what is allowed, so
 * users can fix input without reading the source, and tests can match it.
 */
export class IstioMeshValidationError extends Error {
  /** The prop or option that failed validation, e.g. `istioVersion`. */
  public readonly prop: string;
  /** The path of the construct whose props failed (`stack/Mesh`), when a construct raised it. */
  public readonly constructPath?: string;
  /** The message without the construct path. */
  public readonly detail: string;

  constructor(prop: string, message: string, constructPath?: string) {
    super(constructPath === undefined ? message : `${message} [at ${constructPath}]`);
    this.name = 'IstioMeshValidationError';
    this.prop = prop;
    this.detail = message;
    this.constructPath = constructPath;
    Object.setPrototypeOf(this, IstioMeshValidationError.prototype);
  }

  /** The same error, placed at a construct. */
  public at(constructPath: string): IstioMeshValidationError {
    return new IstioMeshValidationError(this.prop, this.detail, constructPath);
  }
}

/** Renders a received value for an error message: strings quoted, others as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      // A class instance (a construct, a provider, a Map): its class and construct path, not its JSON.
      const path = (value as { node?: { path?: unknown } }).node?.path;
      return `an instance of ${(value as object).constructor?.name ?? 'an unknown class'}${typeof path === 'string' ? ` (${path})` : ''}`;
    }
  }
  try {
    const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'symbol' || typeof v === 'function' ? `<${typeof v}>` : v));
    return json === undefined ? `a ${typeof value}` : json;
  } catch {
    return Array.isArray(value) ? 'a list' : 'an object';
  }
}

/**
 * Builds and returns the validation error: `'<prop>' <rule>, got <value> (<allowed>)`.
 * Throwing stays at the call site so control flow is visible there.
 */
export function invalid(prop: string, rule: string, value: unknown, allowed?: string): IstioMeshValidationError {
  const suffix = allowed ? ` (${allowed})` : '';
  return new IstioMeshValidationError(prop, `'${prop}' ${rule}, got ${describeValue(value)}${suffix}`);
}
