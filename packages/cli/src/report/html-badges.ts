import { html, type Html } from './html-escape.js';
import type { SeverityWord, Verdict } from './model.js';

// The page's status words. Colour is never the only signal: each badge has an icon and a word, so
// it reads the same printed in grey, to a reader who does not see red, and aloud.

export const SEVERITIES: readonly SeverityWord[] = ['critical', 'high', 'medium', 'low'];

const SEVERITY_ICON: Readonly<Record<SeverityWord, string>> = { critical: '‼', high: '▲', medium: '◆', low: '▽' };

function isSeverityWord(severity: string): severity is SeverityWord {
  return (SEVERITIES as readonly string[]).includes(severity);
}

/** An alert's severity: `▲ high`. A severity outside the four words is written as the trail gave it. */
export function severityBadge(severity: string, label: string = severity): Html {
  if (!isSeverityWord(severity)) return html`<span class="badge sev-other">• ${label}</span>`;
  return html`<span class="badge sev-${severity}"><span aria-hidden="true">${SEVERITY_ICON[severity]}</span> ${label}</span>`;
}

const CHAIN: Readonly<Record<Verdict['chain'], readonly [icon: string, words: string]>> = {
  intact: ['✔', 'Chain intact'],
  tampered: ['✖', 'Chain tampered'],
  incomplete: ['⚠', 'Chain incomplete'],
  unverifiable: ['?', 'Chain unverifiable'],
};

export function chainBadge(chain: Verdict['chain']): Html {
  const [icon, words] = CHAIN[chain];
  return html`<span class="badge chain-${chain}"><span aria-hidden="true">${icon}</span> ${words}</span>`;
}

const LOAD_STATUS: Readonly<Record<string, readonly [icon: string, words: string]>> = {
  allowed: ['✔', 'allowed'],
  'not-allowed': ['✖', 'not allowed'],
  refused: ['⊘', 'refused'],
  'no-allow-list': ['–', 'no allow-list'],
};

/** A model load against the allow-list: `✔ allowed`, `✖ not allowed`, `⊘ refused`, `– no allow-list`. */
export function loadBadge(allowed: string): Html {
  const [icon, words] = LOAD_STATUS[allowed] ?? ['•', allowed];
  const known = allowed in LOAD_STATUS ? allowed : 'other';
  return html`<span class="badge load-${known}"><span aria-hidden="true">${icon}</span> ${words}</span>`;
}
