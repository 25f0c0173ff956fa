import { createSealKeys } from '@mlx-audit/runtime/trail';
import { parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit keygen`: the two files of a seal key (the runtime's README, "Tamper evidence").

const USAGE = `mlx-audit keygen --initial-key F --state-file F
    Creates a seal key: the initial key (keep it off the host: mlx-audit verify --key-file needs
    it) and the host's state file (MLX_AUDIT_SEAL_KEY_FILE), both mode 0600; never overwrites.`;

export const keygenCommand: Command = {
  name: 'keygen',
  usage: USAGE,
  run(argv) {
    const parsed = parseCommandArgs(this, { args: [...argv], options: { 'initial-key': { type: 'string' }, 'state-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    const initialKeyFile = values['initial-key'];
    const stateFile = values['state-file'];
    if (initialKeyFile === undefined || stateFile === undefined) return usageError(this, 'both --initial-key and --state-file are needed');
    try {
      const { keyId } = createSealKeys({ initialKeyFile, stateFile });
      process.stdout.write(`key ${keyId}: initial key in ${initialKeyFile} (move it off this host), state in ${stateFile} (MLX_AUDIT_SEAL_KEY_FILE)\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`mlx-audit keygen: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  },
};
