/**
 * A closed word-level vocabulary built from a sentiment lexicon. Ids 0 and 1 are reserved for
 * padding and for words the vocabulary does not contain.
 */

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];

/** The words that vote for each label; every other word is unknown and votes for nothing. */
export const LEXICON: Record<Label, readonly string[]> = {
  negative: ['awful', 'boring', 'broken', 'disappointing', 'dreadful', 'slow', 'terrible', 'rude'],
  neutral: ['adequate', 'average', 'fine', 'okay', 'ordinary'],
  positive: ['amazing', 'delightful', 'excellent', 'fantastic', 'friendly', 'great', 'quick', 'wonderful'],
};

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export function buildVocabulary(): string[] {
  return ['<pad>', '<unk>', ...Object.values(LEXICON).flat().sort()];
}

/** Token ids of a text, truncated or padded to `maxLength`. */
export function encode(vocabulary: readonly string[], text: string, maxLength: number): number[] {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  const ids = words.slice(0, maxLength).map((word) => {
    const id = vocabulary.indexOf(word);
    return id < 0 ? UNKNOWN_ID : id;
  });
  while (ids.length < maxLength) ids.push(PAD_ID);
  return ids;
}
