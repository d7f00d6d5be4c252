import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import * as api from '../../lib';
import { ISTIO_MINORS } from '../../lib/catalog/istio-versions';
import * as wire from '../../lib/wire/istio';
import * as waypointWire from '../../lib/wire/istio-waypoint';
import { VALUES_WRAPPERS } from '../conformance/istio-reference';
import { sharedIstioDir } from '../util';

type Obj = Record<string, unknown>;

/** A chart's defaults (under the minor's wrapper key) from ../shared/istio-<minor>/<chart>.values.yaml. */
function chartDefaults(dir: string, chart: string): Obj {
  const doc = parse(fs.readFileSync(path.join(dir, `${chart}.values.yaml`), 'utf8')) as Obj;
  const wrapper = VALUES_WRAPPERS.find((w) => typeof doc[w] === 'object' && doc[w] !== null);
  if (!wrapper) throw new Error(`${dir}/${chart}.values.yaml has no defaults wrapper`);
  return doc[wrapper] as Obj;
}

function at(obj: Obj, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Obj)[k] : undefined), obj);
}

describe('lib/wire Istio constants', () => {
  test('the wire modules import nothing outside lib/wire (the shared vocabulary every layer may import)', () => {
    for (const file of ['istio.ts', 'istio-waypoint.ts']) {
      const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'wire', file), 'utf8');
      const from = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1]);
      expect({ file, outside: from.filter((f) => !f.startsWith('./')) }).toEqual({ file, outside: [] });
    }
  });

  test('the public names are the wire bindings themselves, not copies', () => {
    expect(api.AMBIENT_DATAPLANE_LABEL).toBe(wire.AMBIENT_DATAPLANE_LABEL);
    expect(api.WAYPOINT).toBe(waypointWire.WAYPOINT);
    expect(api.ISTIO_SYSTEM_NAMESPACE).toBe(wire.ISTIO_SYSTEM_NAMESPACE);
    expect(api.ISTIO_REV_LABEL).toBe(wire.REVISION_LABEL);
    expect(api.ISTIO_TAG_LABEL).toBe(wire.TAG_LABEL);
    expect(api.DEFAULT_REVISION).toBe(wire.DEFAULT_REVISION);
    expect(api.USE_WAYPOINT_LABEL).toBe(api.WAYPOINT.useLabel);
    expect(api.WAYPOINT.listener.port).toBe(wire.HBONE_PORT);
    expect(api.ISTIO_NODE_PORTS.map((p) => p.port)).toEqual([wire.ISTIOD_WEBHOOK_PORT, wire.ISTIOD_XDS_TLS_PORT, wire.HBONE_PORT]);
  });

  describe.each(ISTIO_MINORS.map((m) => m.minor))('against Istio %s charts (../shared)', (minor) => {
    const dir = sharedIstioDir(minor);
    const maybe = dir ? test : test.skip;

    maybe('every chart installs into ISTIO_SYSTEM_NAMESPACE by default (global.istioNamespace, ztunnel istioNamespace)', () => {
      expect(at(chartDefaults(dir!, 'istiod'), 'global.istioNamespace')).toBe(wire.ISTIO_SYSTEM_NAMESPACE);
      expect(at(chartDefaults(dir!, 'base'), 'global.istioNamespace')).toBe(wire.ISTIO_SYSTEM_NAMESPACE);
      expect(at(chartDefaults(dir!, 'ztunnel'), 'istioNamespace')).toBe(wire.ISTIO_SYSTEM_NAMESPACE);
    });

    maybe('PROXY_STATUS_PORT is the sidecar status port and ztunnel\'s scraped metrics port', () => {
      expect(at(chartDefaults(dir!, 'istiod'), 'global.proxy.statusPort')).toBe(wire.PROXY_STATUS_PORT);
      const annotations = at(chartDefaults(dir!, 'ztunnel'), 'podAnnotations') as Obj;
      expect(annotations['prometheus.io/port']).toBe(String(wire.PROXY_STATUS_PORT));
    });
  });

  test('the labels, selectors and container names are the ones the verified facts name (../shared/facts)', () => {
    const factsDir = path.join(process.env.ISTIO_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared'), 'facts');
    if (!fs.existsSync(factsDir)) {
      if (process.env.CI === 'true') throw new Error(`${factsDir} is missing`);
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED wire facts test: ${factsDir} not found`);
      return;
    }
    const facts = fs.readdirSync(factsDir).filter((f) => f.endsWith('.md')).map((f) => fs.readFileSync(path.join(factsDir, f), 'utf8')).join('\n');
    const quoted = [
      `${wire.INJECTION_LABEL}=enabled`, `${wire.REVISION_LABEL}=<revision>`, `${wire.TAG_LABEL}=<tag>`, `${wire.DATAPLANE_MODE_LABEL}=${wire.DATAPLANE_MODE_AMBIENT}`,
      `${wire.AMBIENT_REDIRECTION_ANNOTATION}: enabled`, wire.ZTUNNEL_SELECTOR, `container \`${wire.ISTIO_PROXY_CONTAINER}\``,
      `${waypointWire.USE_WAYPOINT_LABEL}`, `port: ${wire.HBONE_PORT}, protocol: HBONE`,
    ];
    expect(quoted.filter((q) => !facts.includes(q))).toEqual([]);
  });
});
