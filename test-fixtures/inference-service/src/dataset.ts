/**
 * A synthetic sentiment corpus: every combination of a few templates, subjects and adjectives,
 * so the data is the same on every run without any random generator.
 */

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];

export interface Example {
  text: string;
  label: number;
}

const ADJECTIVES: Record<Label, readonly string[]> = {
  negative: ['terrible', 'awful', 'boring', 'horrible', 'disappointing', 'dreadful'],
  neutral: ['okay', 'average', 'ordinary', 'acceptable', 'adequate', 'unremarkable'],
  positive: ['great', 'excellent', 'wonderful', 'amazing', 'delightful', 'fantastic'],
};

const SUBJECTS = ['the movie', 'the food', 'the service', 'the hotel room', 'this phone', 'the concert', 'my order', 'the staff'];
const NOUNS = ['movie', 'meal', 'experience', 'hotel', 'phone', 'concert', 'evening', 'product'];
const INTENSIFIERS = ['really', 'very', 'quite', 'truly'];

function* sentences(adjective: string): Generator<string> {
  for (const subject of SUBJECTS) {
    yield `${subject} was ${adjective}`;
    yield `i found ${subject} ${adjective}`;
    for (const intensifier of INTENSIFIERS) yield `${subject} is ${intensifier} ${adjective}`;
  }
  for (const noun of NOUNS) yield `what a ${adjective} ${noun}`;
}

export interface Split {
  train: Example[];
  heldOut: Example[];
}

/** The whole corpus, with every fifth example held out for evaluation. */
export function buildCorpus(): Split {
  const examples: Example[] = [];
  LABELS.forEach((label, index) => {
    for (const adjective of ADJECTIVES[label]) {
      for (const text of sentences(adjective)) examples.push({ text, label: index });
    }
  });
  return {
    train: examples.filter((_, i) => i % 5 !== 0),
    heldOut: examples.filter((_, i) => i % 5 === 0),
  };
}
