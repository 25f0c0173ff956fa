// What the rule's case files share: the MLX import their cases start with, and a suggestion's output.

export const MX = `import { core as mx, nn } from '@frost-beta/mlx';\n`;

/** What a suggestion gives: the code with one line inserted after line `after` (1-based). */
export function withLine(code: string, after: number, line: string): string {
  const lines = code.split('\n');
  lines.splice(after, 0, line);
  return lines.join('\n');
}
