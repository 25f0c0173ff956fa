import rule from '../../src/rules/no-silent-mlx-catch.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

const ruleTester = createRuleTesterWithTypes();

ruleTester.run('no-silent-mlx-catch', rule, {
  valid: [
    {
      name: 'the handler records an audit event with the runtime’s auditEvent (logging, for every rule)',
      code: `
import { core as mx } from '@frost-beta/mlx';
import { auditEvent } from '@mlx-audit/runtime';
export function load(path: string): unknown {
  try {
    return mx.load(path);
  } catch (error) {
    auditEvent('model.load', { source: path, error });
    return undefined;
  }
}
`,
    },
    {
      name: 'the promise handler records an audit event through a helper',
      code: `
import { core as mx } from '@frost-beta/mlx';
import { auditEvent as audit } from '@mlx-audit/runtime';
function failed(error: unknown): void { audit('model.inference', { outcome: 'failure', error }); }
export function run(): Promise<unknown> {
  return Promise.resolve().then(() => mx.ones([2]).tolist()).catch((error: unknown) => failed(error));
}
`,
    },
    {
      name: 'the handler logs the failure',
      code: `
import { core as mx } from '@frost-beta/mlx';
export function load(path: string): unknown {
  try {
    return mx.load(path);
  } catch (error) {
    console.error('model load failed', error);
    return undefined;
  }
}
`,
    },
    {
      name: 'the handler rethrows',
      code: `
import { core as mx } from '@frost-beta/mlx';
export function load(path: string): unknown {
  try {
    return mx.load(path);
  } catch (error) {
    throw new Error('model load failed', { cause: error });
  }
}
`,
    },
    {
      name: 'the handler logs through a helper of the same file, with pino',
      code: `
import pino from 'pino';
import { core as mx } from '@frost-beta/mlx';
const logger = pino();
function report(error: unknown): void {
  logger.error({ err: error }, 'inference failed');
}
export function run(): unknown {
  try {
    return mx.ones([2]).sum().item();
  } catch (error) {
    report(error);
    return null;
  }
}
`,
    },
    {
      name: 'no MLX call is protected',
      code: `
export function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
`,
    },
    {
      name: 'finally alone is not a catch',
      code: `
import { core as mx } from '@frost-beta/mlx';
export function load(path: string): unknown {
  try {
    return mx.load(path);
  } finally {
    void 0;
  }
}
`,
    },
    {
      name: 'a function defined in the try block runs elsewhere',
      code: `
import { core as mx } from '@frost-beta/mlx';
export function later(): () => unknown {
  try {
    return () => mx.ones([1]);
  } catch {
    return () => null;
  }
}
`,
    },
    {
      name: 'only metadata is read',
      code: `
import { core as mx } from '@frost-beta/mlx';
declare const x: mx.array;
export function dims(): unknown {
  try {
    return x.shape;
  } catch {
    return [];
  }
}
`,
    },
    {
      name: 'a promise rejection handler that logs',
      code: `
import { core as mx } from '@frost-beta/mlx';
export const total = Promise.resolve([1, 2]).then((data) => mx.array(data).sum().item()).catch((error: unknown) => {
  console.warn('sum failed', error);
  return 0;
});
`,
    },
  ],
  invalid: [
    {
      name: 'a function of the program named auditEvent is not the runtime’s: the catch is silent',
      code: `
import { core as mx } from '@frost-beta/mlx';
function auditEvent(action: string): string { return action; }
export function load(path: string): unknown {
  try {
    return mx.load(path);
  } catch {
    auditEvent('model.load');
    return undefined;
  }
}
`,
      errors: [{ messageId: 'silentCatch', line: 7, column: 5 }],
    },
    {
      name: 'an empty catch around a model load',
      code: `
import { core as mx } from '@frost-beta/mlx';
export function load(path: string): unknown {
  try {
    return mx.load(path);
  } catch {
    return undefined;
  }
}
`,
      errors: [{ messageId: 'silentCatch', line: 6, column: 5 }],
    },
    {
      name: 'inference through a function of the same file, error ignored',
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(2, 2);
function infer(): unknown { return model.forward(mx.ones([1, 2])); }
export function safe(): unknown {
  try { return infer(); } catch (error) { return null; }
}
`,
      errors: [{ messageId: 'silentCatch', line: 6, column: 27 }],
    },
    {
      name: 'tensor methods and operations count too',
      code: `
import { core as mx } from '@frost-beta/mlx';
export function values(x: mx.array): unknown {
  try {
    return mx.exp(x).tolist();
  } catch (error) {
    void error;
  }
  return [];
}
`,
      errors: [{ messageId: 'silentCatch', line: 6, column: 5 }],
    },
    {
      name: 'a .catch after a .then callback that makes MLX calls',
      code: `
import { core as mx } from '@frost-beta/mlx';
export const total = Promise.resolve([1, 2]).then((data) => mx.array(data).sum().item()).catch(() => 0);
`,
      errors: [{ messageId: 'silentPromiseCatch', line: 3, column: 22 }],
    },
    {
      name: 'a rejection handler passed to .then',
      code: `
import { core as mx } from '@frost-beta/mlx';
async function evaluate(): Promise<unknown> { return mx.ones([2]).tolist(); }
export const done = evaluate().then((values) => values, () => []);
`,
      errors: [{ messageId: 'silentPromiseCatch', line: 4, column: 21 }],
    },
  ],
});
