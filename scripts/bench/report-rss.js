// Preloaded into every Node process of a benchmarked command (NODE_OPTIONS=--require …): appends the
// process's peak RSS (MiB) and CPU time (ms) to $BENCH_RSS_FILE at exit, one JSON line per process, so a
// shell command's node processes are measured without changing the command itself.
'use strict';
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    require('fs').appendFileSync(file, `${JSON.stringify({ mib: u.maxRSS / 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
  });
}
