import { readSealKeyFile, type SealKey } from '@mlx-audit/runtime/trail';
import { firstSentence } from './commands/command.js';

/** The initial seal keys of `--key-file` (repeatable), or what is wrong with the first that cannot be read, in one line. */
export function sealKeysFrom(files: readonly string[] | undefined): SealKey[] | string {
  const keys: SealKey[] = [];
  for (const file of files ?? []) {
    try {
      keys.push(readSealKeyFile(file));
    } catch (error) {
      return firstSentence(error);
    }
  }
  return keys;
}
