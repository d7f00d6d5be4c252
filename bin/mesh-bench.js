#!/usr/bin/env node
require('../dist/lib/cli/mesh-bench').main(process.argv).then((c) => { process.exitCode = c; });
