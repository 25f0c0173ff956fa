import type { Detector } from './spans.js';

// Prompts and model answers: the value of a prompt-like key in an object that also has a
// model-related key. Keys are read by a small lexer, in one pass, in the three forms logs write
// objects in: JSON (pino, bunyan, winston's json and the JSON winston's simple format appends),
// util.inspect (console.log of an object: `{ model: 'x', prompt: '...' }`) and logfmt
// (`model=x prompt="..."`, keys outside braces, which count as one object). A key and a value in
// different objects are not together: `{"model":"m","request":{"text":"..."}}` is not a finding.

const PROMPT_KEY = /^(?:(?:system|user)?_?prompts?|(?:system|user)Prompt|inputs?|messages|completions?|outputs?|text|response|generated_?text)$/i;
const MODEL_KEY = /^(?:model|mlx)(?:[._-]?[A-Za-z]+)?$/i;
/** Inside a list value (`messages`), the strings that are text: those of these keys, and bare elements. */
const TEXT_KEY = /^(?:content|text|prompt|value)$/i;
/** A cheap test before lexing: a prompt-like key and a model-related key both occur as keys. */
const HAS_PROMPT_KEY = /(?:prompts?|Prompt|inputs?|messages|completions?|outputs?|text|response|generated_?text)["']?\s*[:=]/i;
const HAS_MODEL_KEY = /(?:model|mlx)(?:[._-]?[A-Za-z]+)?["']?\s*[:=]/i;
/** A file path or a URL (`"output": "/tmp/out"`): not a prompt. */
const PATH_OR_URL = /^(?:\/|\.{1,2}[/\\]|~\/|[A-Za-z]:\\|[a-z][\w+.-]*:\/\/)\S*$/;

/** A prompt-like key's value, found in the object `object`. */
interface Value {
  readonly object: number;
  readonly start: number;
  end: number;
  /** For a list or object value: whether a string of text was found in it. */
  hasText: boolean;
}

/** An open `{` or `[`: the object keys inside it belong to, and the prompt-like value it may be. */
interface Container {
  readonly object: number;
  readonly isList: boolean;
  readonly value: Value | undefined;
  /** The innermost prompt-like value this container is inside of, its own included. */
  readonly within: Value | undefined;
}

const TOP_LEVEL = 0;

export const promptValues: Detector = (text, found) => {
  if (!HAS_MODEL_KEY.test(text) || !HAS_PROMPT_KEY.test(text)) return;
  const lexer = new KeyLexer(text);
  lexer.run();
  for (const value of lexer.values) {
    if (lexer.modelObjects.has(value.object) && value.hasText) found.push({ kind: 'prompt', start: value.start, end: value.end });
  }
};

class KeyLexer {
  readonly values: Value[] = [];
  readonly modelObjects = new Set<number>();
  readonly #text: string;
  readonly #stack: Container[] = [];
  #objects = TOP_LEVEL;
  /** A prompt-like value that is a list or an object: the container about to open. */
  #opening: Value | undefined;
  #index = 0;

  constructor(text: string) {
    this.#text = text;
  }

  run(): void {
    const text = this.#text;
    while (this.#index < text.length) {
      const character = text[this.#index] ?? '';
      if (character === '"' || ((character === "'" || character === '`') && !isWordCharacter(text[this.#index - 1]))) this.#string();
      else if (character === '{' || character === '[') this.#open(character === '[');
      else if (character === '}' || character === ']') this.#close();
      else if (isKeyStart(character) && !isKeyCharacter(text[this.#index - 1])) this.#identifier();
      else this.#index++;
    }
  }

  /** A quoted string: a key if a `:` follows, else a value (text, when inside a list). */
  #string(): void {
    const start = this.#index;
    const end = stringEnd(this.#text, start);
    const separator = skipSpaces(this.#text, end);
    if (this.#text[separator] === ':' && this.#text[start] !== '`') {
      this.#key(this.#text.slice(start + 1, end - 1), skipSpaces(this.#text, separator + 1), ':');
      return;
    }
    const top = this.#stack.at(-1);
    if (top?.isList === true && top.within !== undefined && end - start > 2) top.within.hasText = true;
    this.#index = end;
  }

  /** A bare key (`prompt:` of util.inspect, `prompt=` of logfmt), or a word of text. */
  #identifier(): void {
    let end = this.#index + 1;
    while (end < this.#text.length && isKeyCharacter(this.#text[end])) end++;
    const separator = skipSpaces(this.#text, end);
    const mark = this.#text[separator];
    // `::` is C++ or an IPv6 address, not a key.
    if ((mark === ':' && this.#text[separator + 1] !== ':') || mark === '=') this.#key(this.#text.slice(this.#index, end), skipSpaces(this.#text, separator + 1), mark);
    else this.#index = end;
  }

  #key(key: string, valueStart: number, mark: ':' | '='): void {
    const top = this.#stack.at(-1);
    const object = top?.object ?? TOP_LEVEL;
    this.#index = valueStart;
    if (MODEL_KEY.test(key)) this.modelObjects.add(object);
    const promptLike = PROMPT_KEY.test(key);
    const opening = this.#text[valueStart];
    if (opening === '"' || opening === "'" || opening === '`') {
      const end = stringEnd(this.#text, valueStart);
      const content = this.#text.slice(valueStart + 1, end - 1).trim();
      if (promptLike) this.values.push({ object, start: valueStart, end, hasText: content !== '' && !PATH_OR_URL.test(content) });
      else if (top?.within !== undefined && TEXT_KEY.test(key) && content !== '') top.within.hasText = true;
      this.#index = end;
    } else if (opening === '{' || opening === '[') {
      if (promptLike) this.#opening = { object, start: valueStart, end: this.#text.length, hasText: false };
    } else if (promptLike && object === TOP_LEVEL && valueStart < this.#text.length) {
      // Plain text: `prompt=word` (logfmt) is one word; `prompt: words...` runs to the end of the line.
      const end = mark === '=' ? wordEnd(this.#text, valueStart) : lineEnd(this.#text, valueStart);
      this.values.push({ object, start: valueStart, end, hasText: true });
      this.#index = end;
    }
  }

  #open(isList: boolean): void {
    const value = this.#opening;
    this.#opening = undefined;
    if (value !== undefined) this.values.push(value);
    const parent = this.#stack.at(-1);
    this.#stack.push({ object: isList ? (parent?.object ?? TOP_LEVEL) : ++this.#objects, isList, value, within: value ?? parent?.within });
    this.#index++;
  }

  #close(): void {
    const closed = this.#stack.pop();
    this.#index++;
    if (closed?.value === undefined) return;
    closed.value.end = this.#index;
    // A list of prompts inside a prompt-like value is text of that value too.
    const outer = this.#stack.at(-1)?.within;
    if (closed.value.hasText && outer !== undefined) outer.hasText = true;
  }
}

/** The index after a string's closing quote; a string without one ends at its line's end (JSON and JavaScript strings hold no raw line break). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let index = start + 1; index < text.length; index++) {
    const character = text[index];
    if (character === '\\') index++;
    else if (character === quote) return index + 1;
    else if (character === '\n' && quote !== '`') return index;
  }
  return text.length;
}

function skipSpaces(text: string, index: number): number {
  let next = index;
  while (text[next] === ' ' || text[next] === '\t') next++;
  return next;
}

function wordEnd(text: string, index: number): number {
  let end = index;
  while (end < text.length && !/\s/.test(text[end] ?? ' ')) end++;
  return end;
}

function lineEnd(text: string, index: number): number {
  const newline = text.indexOf('\n', index);
  return newline === -1 ? text.length : newline;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isWordCharacter(character: string | undefined): boolean {
  const code = character === undefined ? Number.NaN : character.charCodeAt(0);
  return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

/** A letter, `_` or `$`: what a bare key begins with. */
function isKeyStart(character: string): boolean {
  const code = character.charCodeAt(0);
  return isLetter(code) || code === 0x5f || code === 0x24;
}

/** A word character, `$`, `.` or `-`: what a bare key goes on with (`model.name`, `x-api-key`). */
function isKeyCharacter(character: string | undefined): boolean {
  if (isWordCharacter(character)) return true;
  return character === '$' || character === '.' || character === '-';
}
