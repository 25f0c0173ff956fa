export { run, COMMANDS } from './run.js';
export type { Command } from './commands/command.js';
