#!/usr/bin/env node
require('../dist/lib/cli/mesh-review').main(process.argv).then((c) => { process.exitCode = c; });
