// Express route handlers of the completion gateway (the app that mounts them lives elsewhere):
// request data is remote input, in the default threat model of no-log-injection.
import type { NextFunction, Request, Response } from 'express';
import winston from 'winston';

const log = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Console()] }); // ok: no-verbose-logger-config -- info

export function search(req: Request, res: Response): void {
  const q = typeof req.query.q === 'string' ? req.query.q : '';
  log.info(`search for ${q}`); // expect: no-log-injection -- a query parameter in the message; expect: no-tainted-log -- request data
  log.info('search', { q }); // ok: no-log-injection -- winston's metadata object; expect: no-tainted-log -- request data
  log.info(`search of ${q.length} characters`); // ok: no-log-injection -- a length; ok: no-tainted-log -- a length
  res.json({ results: [] });
}

export function getUser(req: Request, res: Response): void {
  log.info('user ' + String(req.params.id)); // expect: no-log-injection -- a route parameter concatenated; expect: no-tainted-log -- request data
  log.info(`user lookup via ${req.method} ${req.protocol}`); // ok: no-log-injection -- method and protocol are metadata; ok: no-tainted-log -- method and protocol
  res.json({ id: req.params.id });
}

export function feedback(req: Request, res: Response): void {
  const { rating, comment } = req.body as { rating?: number; comment?: string };
  log.warn(comment ?? 'no comment'); // expect: no-log-injection -- the body's text is the whole message; expect: no-tainted-log -- request data
  log.info(`feedback ${JSON.stringify(comment ?? '')}`); // ok: no-log-injection -- JSON.stringify escapes line breaks; expect: no-tainted-log -- request data
  log.info(`feedback, in one line: ${(comment ?? '').replace(/\r/g, '').replace(/\n/g, ' ')}`); // ok: no-log-injection -- two global replacements remove CR and LF; expect: no-tainted-log -- request data
  log.info(`rating given: ${String(typeof rating === 'number')}`); // ok: no-log-injection -- a boolean; ok: no-tainted-log -- a typeof comparison
  res.status(204).end();
}

export function requestLogger(req: Request, _res: Response, next: NextFunction): void {
  log.info(`${req.method} ${req.path}`); // expect: no-log-injection -- the path is remote text; expect: no-tainted-log -- request data
  log.info(`${req.method} request with ${Object.keys(req.headers).length} headers`); // ok: no-log-injection -- metadata and a count; ok: no-tainted-log -- a count of keys
  log.info(`client ${req.get('x-forwarded-for') ?? req.ip ?? ''}`); // expect: no-log-injection -- a header; expect: no-tainted-log -- request data
  next();
}
