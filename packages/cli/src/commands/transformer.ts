import type { Command } from './command.js';

// `plan` and `build` are the transformer's: it is loaded only when one of them runs, so that
// `mlx-audit verify` works on a machine with no TypeScript (a log server, a CI job over trails).

type TransformerCommands = typeof import('@mlx-audit/transformer/commands');

const INSTALL = 'pnpm add -D @mlx-audit/transformer ts-patch@^4.0.1 typescript@~6.0 (or npm install --save-dev …)';

async function loadTransformer(name: string): Promise<TransformerCommands | undefined> {
  try {
    return await import('@mlx-audit/transformer/commands');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    process.stderr.write(`mlx-audit ${name}: needs @mlx-audit/transformer, which is not installed here: ${INSTALL}\n`);
    return undefined;
  }
}

export const planCommand: Command = {
  name: 'plan',
  usage: `mlx-audit plan [--project tsconfig.json] [--json]
    Lists every MLX call site of the project and how each is audited (@mlx-audit/transformer).`,
  async run(argv) {
    const transformer = await loadTransformer('plan');
    return transformer === undefined ? 2 : transformer.planCommand(argv);
  },
};

export const buildCommand: Command = {
  name: 'build',
  usage: `mlx-audit build [tspc options]
    Checks that TypeScript and ts-patch can run the transformer, then runs tspc (@mlx-audit/transformer).`,
  async run(argv) {
    const transformer = await loadTransformer('build');
    return transformer === undefined ? 2 : transformer.buildCommand(argv);
  },
};
