import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { verifyTrail } from '@mlx-audit/runtime/trail';
import type { VerifyRequest } from './index.js';

// The thread's side: verify the files named, post the result (plain data) or the failure's message.

const { files, live, keys = [] } = workerData as VerifyRequest;
// A Buffer crosses to a thread as a plain Uint8Array: the keys get theirs back.
verifyTrail(files, { live, keys: keys.map((key) => ({ ...key, key: Buffer.from(key.key) })) }).then(
  (result) => parentPort?.postMessage({ result }),
  (error: unknown) => parentPort?.postMessage({ failure: error instanceof Error ? error.message : String(error) }),
);
