import { posix } from 'node:path';
import { positiveInteger } from '../../fields.js';

// The options of the unexpected-model rules, checked loudly (a TypeError naming the option), and
// the comparisons they drive: a path under an allowed prefix, a host among the allowed ones.

const MINUTE = 60_000;
const SHA256 = /^[0-9a-f]{64}$/i;
/** What may not appear in an allowed host: a path, credentials, a query, white space. */
const NOT_A_HOST = /[/@?#\\\s]/;

export interface UnexpectedModelOptions {
  /**
   * Absolute POSIX path prefixes local models may be loaded from (`/srv/models`: the directory and
   * everything under it). Unset: local paths are not checked; `[]`: no local path is allowed.
   */
  readonly allowedPaths?: readonly string[];
  /**
   * Hosts models may be loaded from by URL: `huggingface.co`, or `*.example.com` for the hosts
   * under it. Unset: hosts are not checked, and `unexpected-model.remote-source` judges URL loads.
   */
  readonly allowedHosts?: readonly string[];
  /** SHA-256 of the model files that may be loaded. Unset: the first hash of a path is its baseline. */
  readonly allowedHashes?: readonly string[];
  /** Loads of one path within `reloadWindowMs` that make frequent reloads, at least 2. Default 10. */
  readonly reloadThreshold?: number;
  /** Default 10 minutes. */
  readonly reloadWindowMs?: number;
  /** Paths, and loads waiting for their hash, whose state each rule keeps; the least recently seen go first. Default 1,000. */
  readonly maxKeys?: number;
}

/** The options, checked and normalised. */
export interface ModelRuleSettings {
  /** Normalised, without a trailing `/` (but `/` itself). */
  readonly allowedPaths: readonly string[] | undefined;
  /** Lower case, ASCII (punycode); `*.example.com` kept as `.example.com`. */
  readonly allowedHosts: readonly string[] | undefined;
  /** Lower case. */
  readonly allowedHashes: ReadonlySet<string> | undefined;
  readonly reloadThreshold: number;
  readonly reloadWindowMs: number;
  readonly maxKeys: number;
}

export function modelRuleSettings(options: UnexpectedModelOptions = {}): ModelRuleSettings {
  const reloadThreshold = positiveInteger('reloadThreshold', options.reloadThreshold ?? 10);
  if (reloadThreshold < 2) throw new TypeError(`reloadThreshold must be at least 2 (a load and a reload), got ${reloadThreshold}`);
  return {
    allowedPaths: list('allowedPaths', options.allowedPaths, allowedPath),
    allowedHosts: list('allowedHosts', options.allowedHosts, allowedHostEntry),
    allowedHashes: optionalSet(list('allowedHashes', options.allowedHashes, allowedHash)),
    reloadThreshold,
    reloadWindowMs: positiveInteger('reloadWindowMs', options.reloadWindowMs ?? 10 * MINUTE),
    maxKeys: positiveInteger('maxKeys', options.maxKeys ?? 1000),
  };
}

function list(name: string, value: readonly string[] | undefined, check: (entry: unknown, where: string) => string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of strings`);
  return value.map((entry: unknown, index) => check(entry, `${name}[${index}]`));
}

function optionalSet(values: readonly string[] | undefined): ReadonlySet<string> | undefined {
  return values === undefined ? undefined : new Set(values);
}

function allowedPath(entry: unknown, where: string): string {
  if (typeof entry !== 'string' || !entry.startsWith('/') || entry.includes('\0')) throw new TypeError(`${where} must be an absolute POSIX path, got ${JSON.stringify(entry)}`);
  return normalisedPath(entry);
}

function allowedHash(entry: unknown, where: string): string {
  if (typeof entry !== 'string' || !SHA256.test(entry)) throw new TypeError(`${where} must be a SHA-256 (64 hex digits), got ${JSON.stringify(entry)}`);
  return entry.toLowerCase();
}

function allowedHostEntry(entry: unknown, where: string): string {
  const wildcard = typeof entry === 'string' && entry.startsWith('*.');
  const host = typeof entry === 'string' ? asciiHost(wildcard ? entry.slice(2) : entry) : undefined;
  if (host === undefined) throw new TypeError(`${where} must be a host name (huggingface.co) or *.domain, got ${JSON.stringify(entry)}`);
  return wildcard ? `.${host}` : host;
}

/** A host as `url.domain` writes it (the URL parser's hostname: lower case, punycode), or undefined when it is none. */
function asciiHost(text: string): string | undefined {
  // A colon is a port, but in a bracketed IPv6 address.
  if (text === '' || NOT_A_HOST.test(text) || (text.includes(':') && !/^\[.*\]$/.test(text))) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${text}`);
  } catch {
    return undefined;
  }
  return url.port === '' && url.username === '' ? url.hostname.replace(/\.$/, '') : undefined;
}

/**
 * A path as the rules compare and key it: POSIX-normalised, so `.` and `..` are resolved and
 * doubled or trailing slashes go (`/models/a/../../etc` is `/etc`). A relative path stays
 * relative: the trail shows it as the application gave it, relative to a directory it does not say.
 */
export function normalisedPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Whether a path is one of the prefixes or under one, segment by segment (`/models/a` does not allow `/models/ab`). */
export function underAllowedPath(path: string, prefixes: readonly string[]): boolean {
  if (!path.startsWith('/')) return false;
  const normal = normalisedPath(path);
  return prefixes.some((prefix) => prefix === '/' || normal === prefix || normal.startsWith(`${prefix}/`));
}

/** Whether a `url.domain` is an allowed host, or under an allowed `*.domain`. */
export function allowedHost(domain: string, hosts: readonly string[]): boolean {
  const host = domain.toLowerCase().replace(/\.$/, '');
  return hosts.some((entry) => (entry.startsWith('.') ? host.endsWith(entry) : host === entry));
}
