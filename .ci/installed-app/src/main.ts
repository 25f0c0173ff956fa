// A small MLX program as a user has it before a log review; CI installs mlx-audit into it from
// the packed tarballs, following the README, and checks what each tool says of it.
import { core as mx, nn } from '@frost-beta/mlx';
import { generate } from './generate.js';

const model = new nn.Linear(4, 2);
const prompt = process.argv[2] ?? 'the prompt';

const reply = generate(model, prompt);
mx.eval(reply);
console.log('reply', reply); // no-tainted-log: the output of the configured entry

const scores = model.forward(mx.ones([1, 4]));
console.log('scores', scores.tolist()); // no-tainted-log: a model output's contents
