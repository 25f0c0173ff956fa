// What `scan-logs` reports: the kinds of data `no-tainted-log` keeps out of logs at build time,
// as they look once written. The kind strings are part of the command's output (`--json`): they
// stay as they are.

export const LOG_FINDING_KINDS = ['mlx-array', 'float-run', 'token-ids', 'prompt', 'api-key', 'bearer-token', 'email', 'ip-address'] as const;

export type LogFindingKind = (typeof LOG_FINDING_KINDS)[number];

/** One line per kind: what it finds, for the README and `--help`-like listings. */
export const KIND_DESCRIPTIONS: Readonly<Record<LogFindingKind, string>> = {
  'mlx-array': 'an MLX array printed as text: array([[0.1, ...]], dtype=float32), array(3.5, dtype=float32), on one line or several',
  'float-run': 'a list of 8 or more numbers with a fractional part (a tensor as tolist() or JSON gives it)',
  'token-ids': 'a list of 4 or more integers named as tokens (tokens, token_ids, input_ids), or of 16 or more integers, unnamed',
  prompt: 'the value of prompt, input, messages, completion, output, text or response in an object that also has a model key (model, modelId, model_name, mlx...)',
  'api-key': 'a key in a vendor format (sk-, AKIA, ghp_, hf_, xoxb-, AIza...), the value of a credential-named field (apiKey, password, client_secret, access_token...), a private key block',
  'bearer-token': 'a Bearer token, an Authorization header value, a JSON Web Token',
  email: 'an e-mail address',
  'ip-address': 'an IPv4 or IPv6 address of a host (not loopback, unspecified, multicast or reserved ones)',
};
