import { Document, visit } from 'yaml';

/**
 * Plain scalars that go-yaml v2 resolves to something other than a string (gopkg.in/yaml.v2 resolve.go,
 * `resolveMap`; sigs.k8s.io/yaml keeps that behaviour in its goyaml.v2 fork). Helm reads values and
 * Chart.yaml, and Kubernetes' client reads manifests, through sigs.k8s.io/yaml: a YAML 1.1 reader.
 */
const YAML11_WORDS = new Set([
  '', '~', 'null', 'Null', 'NULL', '<<',
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);

/**
 * Numbers as go-yaml v2 reads a plain scalar once `_` is removed: Go's `strconv.ParseInt(s, 0, 64)`
 * (decimal, leading-zero octal, 0x/0o/0b), its float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`,
 * and `strconv.ParseFloat` for a leading '.'. A superset is harmless (the string is only quoted).
 */
const YAML11_NUMBER = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?)$/;

/** True when go-yaml v2 would not read `s`, written as a plain scalar, back as the string `s`. */
export function isYaml11NonString(s: string): boolean {
  return YAML11_WORDS.has(s) || YAML11_NUMBER.test(s.replace(/_/g, ''));
}

/**
 * YAML for Helm and Kubernetes. The `yaml` package writes YAML 1.2, where `on`, `yes`, `n`, `1_000`
 * or `0o17` are plain strings; Helm and Kubernetes' client read YAML 1.1 through sigs.k8s.io/yaml, so a
 * header value `yes` would arrive as `true` and a label key `n` as `"false"` (seen with real Helm:
 * test/helm-render). Every such string is double-quoted (a string in every YAML version); all other
 * output is exactly `stringify`'s, so ordinary charts and values keep their text and content hash.
 */
export function kubeYaml(value: unknown, lineWidth = 0): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && isYaml11NonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth });
}
