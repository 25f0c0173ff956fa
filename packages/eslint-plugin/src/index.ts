import { createRequire } from 'node:module';
import { rules } from './rules/index.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The mlx-audit ESLint plugin, for flat config: `plugins: { 'mlx-audit': plugin }`. */
const plugin = {
  meta: { name, version },
  rules,
};

export default plugin;
export { rules };
