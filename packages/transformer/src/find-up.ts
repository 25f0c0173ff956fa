import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The first `directory/relativePath`, then its parent's, and so on up to the root, that exists. */
export function findUp(directory: string, relativePath: string): string | undefined {
  for (let current = directory; ; current = dirname(current)) {
    const candidate = join(current, relativePath);
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}
