import { Worker } from 'node:worker_threads';
import { verifyTrail, type SealKey, type TrailVerification } from '@mlx-audit/runtime/trail';

// `mlx-audit detect` verifies a trail's chain while it runs the rules over the same lines: two
// passes over every byte (SHA-256 for the chain, JSON for the rules), neither waiting for the
// other. On a thread of its own the verifier takes the second core (it reads the files itself:
// the page cache has them), which cut detect's time by a quarter (BENCHMARKS.md).
// A thread that cannot start or fails is replaced by verifying here: the result is the same.

export interface VerifyRequest {
  readonly files: readonly string[];
  readonly live: boolean;
  /** Initial seal keys (`--key-file`): the seals are checked with them. */
  readonly keys?: readonly SealKey[];
}

type VerifyReply = { readonly result: TrailVerification } | { readonly failure: string };

// A thread runs JavaScript only: from the sources (the package's tests), the built verifier.
const VERIFIER_URL = import.meta.url.endsWith('.ts') ? new URL('../../dist/verify-thread/verifier.js', import.meta.url) : new URL('./verifier.js', import.meta.url);

export interface ThreadVerification {
  readonly verification: TrailVerification;
  /** Whether the worker thread verified (false: this thread did, the thread having failed). */
  readonly onThread: boolean;
}

/** `verifyTrail(files, { live })`, on a worker thread when one can run it (`verifier`: the thread's module, for tests). */
export function verifyInThread(request: VerifyRequest, verifier: URL = VERIFIER_URL): Promise<ThreadVerification> {
  return new Promise<ThreadVerification>((resolve) => {
    let settled = false;
    const here = (): void => {
      if (settled) return;
      settled = true;
      resolve(verifyTrail(request.files, { live: request.live, keys: request.keys ?? [] }).then((verification) => ({ verification, onThread: false })));
    };
    let worker: Worker;
    try {
      // execArgv: [] — a thread inherits the process's, `--eval` code included.
      worker = new Worker(verifier, { workerData: request, execArgv: [] });
    } catch {
      here();
      return;
    }
    worker.once('message', (reply: VerifyReply) => {
      if ('result' in reply && !settled) {
        settled = true;
        resolve({ verification: reply.result, onThread: true });
      } else here();
      void worker.terminate();
    });
    worker.once('error', here);
    worker.once('exit', here);
  });
}
