import { App } from 'cdktf';
import { IstioMeshValidationError } from '../lib/private/errors';
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

// The cdktf.json app. Invalid input is the user's to fix, not a crash: its message alone on stderr, exit 1.
if (require.main === module) {
  try {
    buildApp().synth();
  } catch (e) {
    if (!(e instanceof IstioMeshValidationError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  }
}
