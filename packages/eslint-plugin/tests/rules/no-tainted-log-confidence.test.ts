import rule from '../../src/rules/no-tainted-log.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// The runtime's `confidenceSummary` is a sanitizer: its result holds counts per tenth of a
// probability tensor's max and entropy, never a class or a probability, so logging it is clean;
// logging the probabilities themselves is not. Matched by its module: a function of that name
// elsewhere cleans nothing.
const ruleTester = createRuleTesterWithTypes();

ruleTester.run('no-tainted-log: confidenceSummary', rule, {
  valid: [
    {
      name: "a confidence summary of a softmax, to pino and to the console",
      code: `
import { confidenceSummary } from '@mlx-audit/runtime';
import { core as mx } from '@frost-beta/mlx';
import pino from 'pino';
const logger = pino();
const probs = mx.softmax(mx.ones([2, 10]), -1);
logger.info(confidenceSummary(probs));
console.log({ confidence: confidenceSummary(probs) }, 'scored');
`,
    },
    {
      name: "a confidence summary of a model's output",
      code: `
import { confidenceSummary } from '@mlx-audit/runtime';
import { core as mx, nn } from '@frost-beta/mlx';
import pino from 'pino';
declare const model: nn.Linear;
const logger = pino();
const probs = mx.softmax(model.forward(mx.ones([1, 2])), -1);
logger.info(confidenceSummary(probs), 'answered');
`,
    },
  ],
  invalid: [
    {
      name: "the probabilities themselves",
      code: `
import { confidenceSummary } from '@mlx-audit/runtime';
import { core as mx } from '@frost-beta/mlx';
import pino from 'pino';
const logger = pino();
const probs = mx.softmax(mx.ones([2, 10]), -1);
logger.info(probs);
logger.info(confidenceSummary(probs), probs.tolist());
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 7, column: 13, suggestions: [{ messageId: 'logTensorSummary', output: `
import { confidenceSummary } from '@mlx-audit/runtime';
import { core as mx } from '@frost-beta/mlx';
import pino from 'pino';
const logger = pino();
const probs = mx.softmax(mx.ones([2, 10]), -1);
logger.info({ shape: probs.shape, dtype: String(probs.dtype) });
logger.info(confidenceSummary(probs), probs.tolist());
` }] },
        { messageId: 'rawDataReachesLog', line: 8, column: 39 },
      ],
    },
    {
      name: "a function of the same name from elsewhere is no sanitizer",
      code: `
import { core as mx } from '@frost-beta/mlx';
import pino from 'pino';
const logger = pino();
function confidenceSummary(probabilities: mx.array): mx.array { return probabilities; }
const probs = mx.softmax(mx.ones([2, 10]), -1);
logger.info(confidenceSummary(probs));
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 7, column: 13, suggestions: [{ messageId: 'logTensorSummary', output: `
import { core as mx } from '@frost-beta/mlx';
import pino from 'pino';
const logger = pino();
function confidenceSummary(probabilities: mx.array): mx.array { return probabilities; }
const probs = mx.softmax(mx.ones([2, 10]), -1);
logger.info({ shape: (confidenceSummary(probs)).shape, dtype: String((confidenceSummary(probs)).dtype) });
` }] },
      ],
    },
  ],
});
