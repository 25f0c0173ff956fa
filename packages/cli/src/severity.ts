import { SEVERITY } from '@mlx-audit/monitor';

/** `low`, `medium`, `high`, `critical` for the monitor's scale; the number for any other. */
export function severityWord(severity: number): string {
  return Object.entries(SEVERITY).find(([, value]) => value === severity)?.[0] ?? String(severity);
}

/** A severity word's rank, highest first when sorted descending. */
export function severityRank(word: string): number {
  return word in SEVERITY ? SEVERITY[word as keyof typeof SEVERITY] : Number(word);
}
