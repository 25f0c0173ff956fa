// Where an instrumented build still differs from the plain one, and why: each entry is a case of
// the corpus (both projects) whose error is the same class, thrown at the same point, with
// another text. The test holds this list to the corpus both ways: a case not listed that differs
// fails, and so does a listed case that no longer differs (take it off the list), or that differs
// in more than the text (issue #12 stays open while this list is not empty).

export const MESSAGE_ONLY_DIFFERENCES: Readonly<Record<string, string>> = {
  'errors/(mx.ones([2]) as any).nope(): TypeError text quoting an MLX call':
    "V8 writes the receiver of a call that is not an MLX call as the emitted code reads: the instrumented MLX call's temporaries, not 'mx.ones(...)'.",
  'errors/for-of over an MLX scalar: TypeError text quoting an MLX call':
    "V8 names the call whose result is not iterable ('mx.ones is not a function or its return value is not iterable') only when the iterated expression is a call; an instrumented call is an expression of temporaries.",
};

/** `threw ["TypeError","…"]` → `TypeError`; anything else as it is. */
export function errorClass(outcome: string): string {
  const match = /^threw \["([^"]+)",/.exec(outcome);
  return match?.[1] ?? outcome;
}
