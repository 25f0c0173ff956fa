import { core as mx } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';
import { Recorder } from './optional.js';

/** A tag that adds its substitutions with MLX. */
function total(strings: TemplateStringsArray, ...values: mx.array[]): unknown {
  return [strings.raw.join('|'), values.reduce((sum, value) => mx.add(sum, value), mx.array(0)).item()];
}

const tagger = {
  scale: 3,
  run(this: { scale: number }, strings: TemplateStringsArray, value: mx.array): unknown {
    return [strings.length, mx.multiply(value, this.scale).tolist()];
  },
};

const seenStrings: TemplateStringsArray[] = [];
function remember(strings: TemplateStringsArray, ...values: unknown[]): number {
  seenStrings.push(strings);
  return values.length;
}
const once = (): number => remember`site ${mx.ones([1]).item()}`;

function thisOf<T>(call: (model: Recorder) => T): { result: T; self: boolean[] } {
  Recorder.seen = [];
  const model = new Recorder();
  const result = call(model);
  return { result, self: Recorder.seen.map((seen) => seen === model) };
}

// Tagged templates: the tag is called like a function (member tags keep `this`), substitutions
// are evaluated left to right first, and a site's strings object is the same on every call.
export default group('tagged template', {
  'a user tag over MLX substitutions': () => total`a${mx.ones([1])}b${mx.array([2])}c`,
  'an MLX call inside a plain template literal': () => `sum=${mx.add(1, 2).item()}`,
  'member tag: this is the object': () => tagger.run`x${mx.array([1, 2])}`,
  'substitutions evaluated left to right before the tag': () => {
    const { log, tap } = trail();
    const tag = (strings: TemplateStringsArray, ...values: unknown[]): number => {
      tap('tag', 0);
      return mx.sum(mx.array(values as number[])).item() as number;
    };
    return [tag`${tap('first', mx.array(1).item())}${tap('second', mx.array(2).item())}`, log];
  },
  'mx.array as a tag: MLX rejects the strings array': () => (mx.array as unknown as (s: TemplateStringsArray) => mx.array)`1`,
  'mx.add as a tag: conversion error': () => (mx.add as unknown as (s: TemplateStringsArray, v: number) => mx.array)`a${1}`,
  'model.forward as a tag: this is the model': () => thisOf((model) => {
    try {
      return (model.forward as unknown as (s: TemplateStringsArray) => mx.array)`x`;
    } catch (error) {
      return (error as Error).constructor.name;
    }
  }),
  'the strings object of a site is reused': () => {
    seenStrings.length = 0;
    once();
    once();
    return [seenStrings.length, seenStrings[0] === seenStrings[1], Object.isFrozen(seenStrings[0])];
  },
  'String.raw with an MLX substitution': () => String.raw`\n${mx.array([1, 2]).sum().item()}`,
});
