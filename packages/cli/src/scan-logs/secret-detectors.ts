import type { LogFindingKind } from './kinds.js';
import { addBlocks, addMatches, type Detector, type Span } from './spans.js';

// Credentials: keys in the formats their vendors give them (recognisable without context), the
// values of fields named as credentials, private key blocks; Bearer tokens, Authorization header
// values and JSON Web Tokens. A hex digest (a SHA-256, a request id) has no vendor prefix and is
// found only as the value of a credential-named field.

/**
 * Vendor formats: OpenAI and Anthropic (`sk-`), Stripe secret and restricted keys, AWS access key
 * ids, GitHub tokens, GitLab, Slack, Google API keys, Hugging Face, npm. Never begun inside a word,
 * so `task-...` is not `sk-`.
 */
const VENDOR_KEY =
  /(?<![\w-])(?:sk-[\w-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{40,}|glpat-[\w-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[\w-]{35}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36})/g;

/**
 * A field named as a credential (JSON, logfmt, `key: value`, environment dumps such as
 * `OPENAI_API_KEY=`), then its value: the value is the span, the name stays readable. A name only
 * counts as a whole word or after `_`/`-`: `openaiApiKey` is not recognised, `openai_api_key` is.
 */
const CREDENTIAL_FIELD =
  /(?<![A-Za-z0-9])(?:api[_-]?key|apikey|api[_-]?secret|secret(?:[_-]?(?:access[_-]?)?key)?|client[_-]?secret|password|passwd|passphrase|(?:access|refresh|auth|api|session|id)[_-]?token|private[_-]?key)["']?\s*[:=]\s*["']?([^\s"'`,;{}[\]]{6,})/gi;
/** Cheap tests before the patterns above, which begin with a lookbehind and so are tried at every character. */
const MAY_HOLD_VENDOR_KEY = /sk-|k_(?:live|test)_|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|AIza|hf_|npm_/;
const MAY_NAME_CREDENTIAL = /key|secret|passw|passphrase|token/i;
/**
 * What loggers and people write where a credential was removed (`[Redacted]`, `****`, `<api key>`,
 * `${TOKEN}`), and an Authorization scheme without its credentials: not a credential.
 */
const PLACEHOLDER = /^(?:[<(*]*(?:redacted|filtered|masked|hidden|removed|omitted|none|null|nil|undefined|true|false|x+|\*+|\.+)[>)*]*|<[^>]*>|\$\{[^}]*\}|basic|bearer|token|digest|negotiate)$/i;

const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;

export const apiKeys: Detector = (text, found) => {
  if (MAY_HOLD_VENDOR_KEY.test(text)) addMatches(VENDOR_KEY, text, found, 'api-key');
  if (MAY_NAME_CREDENTIAL.test(text)) addValues(CREDENTIAL_FIELD, text, found, 'api-key');
  if (text.includes('PRIVATE KEY-----')) addBlocks(PRIVATE_KEY, PRIVATE_KEY_END, text, found, 'api-key');
};

/** `Bearer <token>`, in a header or anywhere (the scheme is case-insensitive); the token is group 1. */
const BEARER = /\bbearer\s+([\w.~+/-]{8,}=*)/gi;
/** A token, not a word of prose (`Bearer authentication`): it has a digit, or capitals after its first letter and small letters. */
function randomLooking(token: string): boolean {
  return /\d/.test(token) || (/[A-Z]/.test(token.slice(1)) && /[a-z]/.test(token));
}
/** An Authorization header's value, whatever its scheme (Basic, Token, AWS4-HMAC-SHA256...). */
const AUTHORIZATION = /(?<![A-Za-z0-9])(?:proxy-)?authorization["']?\s*[:=]\s*["']?((?:[\w-]+ +)?[^\s"'`,;{}[\]]{6,})/gi;
/** A JSON Web Token: a base64url JSON header (`eyJ`), payload and signature. */
const JSON_WEB_TOKEN = /(?<![\w-])eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]*/g;

/** A cheap test before the patterns above. */
const MAY_HOLD_BEARER = /bearer|authorization|eyJ/i;

export const bearerTokens: Detector = (text, found) => {
  if (!MAY_HOLD_BEARER.test(text)) return;
  BEARER.lastIndex = 0;
  for (let bearer = BEARER.exec(text); bearer !== null; bearer = BEARER.exec(text)) {
    if (randomLooking(bearer[1] ?? '')) found.push({ kind: 'bearer-token', start: bearer.index, end: bearer.index + bearer[0].length });
  }
  addMatches(JSON_WEB_TOKEN, text, found, 'bearer-token');
  addValues(AUTHORIZATION, text, found, 'bearer-token');
};

/** The value (group 1, which ends the match) of each match of a global `pattern` as a span of `kind`, unless it is a placeholder. */
function addValues(pattern: RegExp, text: string, found: Span[], kind: LogFindingKind): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const value = match[1] ?? '';
    const end = match.index + match[0].length;
    if (!PLACEHOLDER.test(value)) found.push({ kind, start: end - value.length, end });
  }
}
