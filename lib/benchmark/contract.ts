/** The harness/CLI contract lives in the construct-free wire layer; this path is kept for existing imports. */
export * from '../wire/bench-contract';
