#!/usr/bin/env node
import { run } from './run.js';

// A reader that stops early (`mlx-audit detect trail | head`) closes the pipe: that ends the
// output, as for any Unix tool, not with an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await run(process.argv.slice(2));
