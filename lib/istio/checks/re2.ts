import type { RE2 as RE2Class } from 're2-wasm';

/** Loaded on first use: compiling the WebAssembly module costs ~40 ms, which a stack without regexes should not pay. */
let re2: typeof RE2Class | undefined; // a cache of an immutable module, not state

/** Longest regex Istio's validation webhook accepts. */
export const MAX_REGEX_LENGTH = 1024;

/**
 * Why Envoy would reject `pattern`, or undefined when it compiles. Uses Google's RE2 (compiled to
 * WebAssembly, `re2-wasm`): Envoy's `safe_regex` is RE2, whose syntax JavaScript's RegExp does not
 * follow (lookaround and backreferences are JS-only; RE2 caps repetition counts at 1000).
 */
export function re2Problem(pattern: string): string | undefined {
  // Istio's validation webhook caps length, as a stand-in for Envoy's RE2 program-size limit
  // (validateStringRegexp in pkg/config/validation/validation.go: 1.22.8 L2137, 1.30.3 L2365).
  if (pattern.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters (${pattern.length}); Istio's webhook rejects it`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 ??= (require('re2-wasm') as { RE2: typeof RE2Class }).RE2;
  try {
    new re2(pattern, 'u');
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // re2-wasm prefixes "Invalid regular expression: /<pattern>/u: ".
    const i = msg.lastIndexOf('/u: ');
    return `RE2 does not compile it (${i >= 0 ? msg.slice(i + 4) : msg})`;
  }
}
