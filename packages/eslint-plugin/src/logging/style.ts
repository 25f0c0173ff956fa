import type { SinkStyle } from './libraries.js';

/**
 * Where a log call of a style takes an object of structured fields, relative to its message:
 * before it (pino, bunyan), after it (winston's metadata, an object `util.format` inspects, the
 * runtime's `auditEvent` fields), or nowhere a code edit can rely on (a record, raw text). The
 * one model of a logger's call style: no-log-injection moves text into these fields, and
 * require-mlx-event-logging writes its suggested events this way.
 */
export type FieldsPosition = 'before-message' | 'after-message';

export function fieldsPosition(style: SinkStyle): FieldsPosition | undefined {
  switch (style) {
    case 'fields-first':
      return 'before-message';
    case 'fields-after':
    case 'format':
    case 'event':
      return 'after-message';
    case 'record':
    case 'text':
      return undefined;
  }
}

/** A log call of a style, written out: `logger.info({ event: 'x', … }, 'message')` or `console.info('message', { … })`. */
export function logCallText(style: SinkStyle, callee: string, message: string, fields: string): string | undefined {
  const position = fieldsPosition(style);
  if (position === undefined) return undefined;
  return position === 'before-message' ? `${callee}(${fields}, ${message})` : `${callee}(${message}, ${fields})`;
}
