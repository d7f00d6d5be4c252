#!/usr/bin/env node
require('../dist/lib/cli/mesh-latency').main(process.argv).then((c) => { process.exitCode = c; });
