import { readFileSync } from 'node:fs';
import { TRAIL_ACTIONS } from '../../src/trail/format.js';

// The file sink chains every line and adds records of its own; the runtime adds lifecycle
// records to every sink. Tests about other things read the events as they were given, and check
// the trail's records on their own.

const RUNTIME_ACTIONS: readonly string[] = Object.values(TRAIL_ACTIONS);
const TRAIL_RECORD_ACTIONS: readonly string[] = [TRAIL_ACTIONS.fileOpened, TRAIL_ACTIONS.seal, TRAIL_ACTIONS.fileClosed];
const CHAIN_SUFFIX = /,"trail\.line":\d+,"event\.hash":"[0-9a-f]{64}"\}$/;

function actionOf(line: string): unknown {
  try {
    return (JSON.parse(line) as Record<string, unknown>)['event.action'];
  } catch {
    // A torn line.
    return undefined;
  }
}

/** Whether a line is one of the runtime's own records (the file trail's, or a lifecycle record). */
export function isRuntimeRecord(line: string): boolean {
  return line.startsWith('{') && RUNTIME_ACTIONS.includes(actionOf(line) as string);
}

/** A line without the chain's two fields: the line the sink was given. */
export function unchainedLine(line: string): string {
  const newline = line.endsWith('\n') ? '\n' : '';
  return `${line.slice(0, line.length - newline.length).replace(CHAIN_SUFFIX, '}')}${newline}`;
}

/** A file sink's text as the lines it was given: its own records left out, each line without its chain. */
export function unchainedText(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !(line.startsWith('{') && TRAIL_RECORD_ACTIONS.includes(actionOf(line) as string)))
    .map(unchainedLine)
    .join('');
}

export function unchainedFile(path: string): string {
  return unchainedText(readFileSync(path, 'utf8'));
}

/** The parsed lines of a JSONL text that are not the runtime's own records. */
export function eventsIn(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !isRuntimeRecord(line))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The runtime's own records of a JSONL text, by action, in order. */
export function runtimeActionsIn(text: string): string[] {
  return text
    .split('\n')
    .filter(isRuntimeRecord)
    .map((line) => String(actionOf(line)));
}
