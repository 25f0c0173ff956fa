import { workerData } from 'node:worker_threads';
import { describeThrown } from '../../describe-thrown.js';
import { forwardReports, reportToOperator } from '../../internal-report.js';
import { TRAIL_CONTROL } from '../../trail/control.js';
import { adoptSealState } from '../../trail/seal-key.js';
import { RotatingFile } from '../rotating-file.js';
import { PROGRESS, type SealingRequest, type WriterData, type WriterReply, type WriterRequest } from './protocol.js';

// The file sink's writer thread: runs each file sink's RotatingFile (chain, seals, rotation,
// writes) for the application's thread (writer-host.ts), one request after another.

const { port, progress, ring } = workerData as WriterData;
const counters = new Int32Array(progress);
const files = new Map<number, RotatingFile>();

function reply(message: WriterReply): void {
  port.postMessage(message);
}

forwardReports((report) => {
  reply({ kind: 'report', ...report });
});

function handle(request: WriterRequest): void {
  if (request.kind === 'open') {
    files.set(request.sink, new RotatingFile(request.settings.path, request.settings.maxBytes, request.settings.maxFiles));
    return;
  }
  const file = files.get(request.sink);
  if (file === undefined) throw new Error(`no file sink ${String(request.sink)} on the writer thread`);
  switch (request.kind) {
    case 'write':
      try {
        const { source } = request;
        file.writeEncoded(source instanceof ArrayBuffer ? Buffer.from(source) : Buffer.from(ring, source.offset, source.length));
      } catch (error) {
        reply({ kind: 'failed', sink: request.sink, request: 'write', number: request.number, description: describeThrown(error) });
      }
      return;
    case 'seal':
      file[TRAIL_CONTROL].setSealing(request.sealing === undefined ? undefined : sealingOf(request.sealing));
      return;
    case 'finish':
      file[TRAIL_CONTROL].finish();
      return;
    case 'close':
      files.delete(request.sink);
      try {
        file.close();
      } catch (error) {
        reply({ kind: 'failed', sink: request.sink, request: 'close', number: 0, description: describeThrown(error) });
      }
  }
}

function sealingOf(request: SealingRequest): { readonly state: ReturnType<typeof adoptSealState>; readonly everyLines: number } | undefined {
  try {
    return { state: adoptSealState(request.path, request.handedOver), everyLines: request.everyLines };
  } catch (error) {
    reportToOperator(`sealing with ${request.path} could not start on the file sink's writer thread (${describeThrown(error)}); the file trail is chained but NOT sealed`);
    return undefined;
  }
}

port.on('message', (request: WriterRequest) => {
  try {
    handle(request);
  } catch (error) {
    // The runtime's own mistake: the operator hears of it, the thread goes on.
    reportToOperator(`the file sink's writer thread failed on a ${request.kind} request: ${describeThrown(error)}`);
  } finally {
    Atomics.add(counters, PROGRESS.done, 1);
    Atomics.notify(counters, PROGRESS.done);
  }
});

Atomics.store(counters, PROGRESS.ready, 1);
Atomics.notify(counters, PROGRESS.ready);
