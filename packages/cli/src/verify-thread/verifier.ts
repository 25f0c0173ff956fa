import { parentPort, workerData } from 'node:worker_threads';
import { verifyTrail } from '@mlx-audit/runtime/trail';
import type { VerifyRequest } from './index.js';

// The thread's side: verify the files named, post the result (plain data) or the failure's message.

const { files, live } = workerData as VerifyRequest;
verifyTrail(files, { live }).then(
  (result) => parentPort?.postMessage({ result }),
  (error: unknown) => parentPort?.postMessage({ failure: error instanceof Error ? error.message : String(error) }),
);
