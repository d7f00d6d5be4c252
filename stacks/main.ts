import { App } from 'cdktf';
import { AmbientExistingClusterStack } from './ambient-existing-cluster-stack';
import { AmbientNewClusterStack } from './ambient-new-cluster-stack';
import { readyStackConfig } from './config';
import { MeshBenchmarkStack } from './mesh-benchmark-stack';

/** Builds the ready app: every stack `npm run synth` and `cdktf deploy` know. */
export function buildApp(app: App = new App()): App {
  const config = readyStackConfig(app);
  new AmbientNewClusterStack(app, 'istio-ambient-new-cluster', config);
  new AmbientExistingClusterStack(app, 'istio-ambient-existing-cluster', config);
  new MeshBenchmarkStack(app, 'mesh-benchmark', config);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
