import { addBlocks, type Detector } from './spans.js';

// Tensors as text: MLX's own rendering (`array([[...]], dtype=float32)`, what console.log,
// String(), `${}` and util.inspect print), and lists of numbers (what tolist() gives, as JSON or
// as util.inspect prints it over several lines). Shapes (`[806, 8]`), single metrics (`loss 0.42`)
// and numbers among words are not lists long enough to count.

/**
 * `array(` opening a rendering: a list, a number (a scalar array), nan/inf or a boolean. `\b` keeps
 * `bytearray(` and `Float32Array(` out; the lower-case `array` keeps JavaScript's `Array(` out.
 */
const ARRAY_OPENING = /\barray\((?=\s*(?:\[|[-+]?(?:\d|\.\d|nan|inf)|true|false))/g;
/** Where a rendering ends: its dtype. A shape summary (`shape=[2, 3], dtype=float32`) has no `array(`. */
const ARRAY_CLOSING = /dtype=(?:bool|u?int(?:8|16|32|64)|float(?:16|32|64)|bfloat16|complex64)\)/g;

/** An MLX array rendering, from `array(` to its dtype, or to the end of the record when it is cut. */
export const arrayRenderings: Detector = (text, found) => {
  if (text.includes('array(')) addBlocks(ARRAY_OPENING, ARRAY_CLOSING, text, found, 'mlx-array');
};

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?`;
/**
 * Between the numbers of a list: commas, white space (line breaks of a multi-line record
 * included, and JSON's escaped ones), brackets of nested lists, and the `...` of a cut rendering.
 * Each alternative starts with a character no other one and no number starts with, so a failed
 * match gives back in linear time.
 */
const SEPARATOR = String.raw`(?:[\s,[\]]|\\[nrt]|\.\.\.)+`;
/** Four numbers or more in a list; never begun inside a word or a number (`v1`, `2026-03-01`, `1.2.3`). */
const NUMBER_LIST = new RegExp(String.raw`(?<![\w.-])${NUMBER}(?:${SEPARATOR}${NUMBER}){3,}`, 'g');
/** A cheap test before NUMBER_LIST, which begins with a lookbehind and so is tried at every character: two numbers of a list. */
const MAY_HOLD_LIST = new RegExp(String.raw`\d${SEPARATOR}-?\d`);
const LIST_NUMBER = new RegExp(NUMBER, 'g');
const FRACTIONAL = /[.eE]/;
/** A list named as token ids, just before its opening bracket: `"tokens":[`, `token_ids=[`, `input ids: [`. */
const TOKEN_LABEL = /(?:tokens?|token[_ -]?ids?|tokenIds|input[_ -]?ids|inputIds)["']?\s*[:=]?\s*$/i;

const MIN_FLOATS = 8;
const MIN_NAMED_TOKEN_IDS = 4;
const MIN_UNNAMED_TOKEN_IDS = 16;
/** How far back an opening bracket is looked for (util.inspect indents nested lists). */
const BRACKET_LOOKBACK = 256;

/** A list of numbers: a run of floats, or token ids (integers only, named as tokens or many). */
export const numberLists: Detector = (text, found) => {
  if (!MAY_HOLD_LIST.test(text)) return;
  NUMBER_LIST.lastIndex = 0;
  for (let list = NUMBER_LIST.exec(text); list !== null; list = NUMBER_LIST.exec(text)) {
    let numbers = 0;
    let fractional = 0;
    LIST_NUMBER.lastIndex = 0;
    for (let number = LIST_NUMBER.exec(list[0]); number !== null; number = LIST_NUMBER.exec(list[0])) {
      numbers++;
      if (FRACTIONAL.test(number[0])) fractional++;
    }
    const start = openingBracket(text, list.index);
    const end = closingBrackets(text, start, list.index + list[0].length);
    if (fractional >= MIN_FLOATS) found.push({ kind: 'float-run', start, end });
    else if (fractional === 0 && (numbers >= MIN_UNNAMED_TOKEN_IDS || (numbers >= MIN_NAMED_TOKEN_IDS && TOKEN_LABEL.test(text.slice(Math.max(0, start - 40), start))))) {
      found.push({ kind: 'token-ids', start, end });
    }
  }
};

/** The end of a list's span past the `]`s that close the brackets it opened (white space between them too). */
function closingBrackets(text: string, start: number, end: number): number {
  let open = 0;
  for (let index = start; index < end; index++) {
    if (text[index] === '[') open++;
    else if (text[index] === ']') open--;
  }
  let closed = end;
  for (let index = end; index < text.length && open > 0; index++) {
    const character = text[index];
    if (character === ']') {
      open--;
      closed = index + 1;
    } else if (character !== ' ' && character !== '\t' && character !== '\n' && character !== '\r') break;
  }
  return closed;
}

/** The outermost `[` just before a list's first number (across white space), or the number itself. */
function openingBracket(text: string, first: number): number {
  let start = first;
  for (let index = first - 1; index >= 0 && first - index <= BRACKET_LOOKBACK; index--) {
    const character = text[index];
    if (character === '[') start = index;
    else if (character !== ' ' && character !== '\t' && character !== '\n' && character !== '\r') break;
  }
  return start;
}
