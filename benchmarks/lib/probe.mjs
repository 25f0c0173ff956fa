// Preloaded (`node --import`) into every measured process: at exit, writes what the process
// itself measured of its resources, so peak RSS comes from the kernel's getrusage(2) with no
// dependency on /usr/bin/time, and a missing file proves the process did not finish normally.
import { writeFileSync } from 'node:fs';

const out = process.env.MLX_AUDIT_BENCH_PROBE;
if (out !== undefined && out !== '') {
  // Not inherited by any process the measured one starts.
  delete process.env.MLX_AUDIT_BENCH_PROBE;
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ code, maxRssKb: usage.maxRSS, userMicros: usage.userCPUTime, systemMicros: usage.systemCPUTime }));
  });
}
