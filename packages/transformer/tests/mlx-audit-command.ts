import { fileURLToPath } from 'node:url';

/**
 * The `mlx-audit` command users run (@mlx-audit/cli's bin), whose `plan` and `build` are this
 * package's (src/commands.ts): the tests run it as users do. `pnpm test` builds it first.
 */
export const MLX_AUDIT = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));
