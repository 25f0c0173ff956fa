import { REPORT_LIMITS, type ClientVolume } from './model.js';

// Inference calls per client (`client.id`, the pseudonymous id the application sets), in bounded
// memory: the Misra–Gries summary keeps at most the cap's counters; when a new client finds them
// all taken, every counter loses one (those at zero go). A client's true count is then between its
// counter and its counter plus the decrements made, and any client with more than n/(cap+1) calls
// is still there: the busy clients a reviewer looks for are never the ones dropped.

export class ClientTally {
  readonly #counts = new Map<string, number>();
  readonly #extraction = new Map<string, { alerts: number; rules: Set<string> }>();
  #decrements = 0;
  #overflowed = false;
  #withClient = 0;
  #withoutClient = 0;

  /** An inference call (outside training), with its client id if it has one. */
  addInference(client: string | undefined): void {
    if (client === undefined) {
      this.#withoutClient++;
      return;
    }
    this.#withClient++;
    const count = this.#counts.get(client);
    if (count !== undefined) this.#counts.set(client, count + 1);
    else if (this.#counts.size < REPORT_LIMITS.clientsTracked) this.#counts.set(client, 1);
    else {
      this.#overflowed = true;
      this.#decrements++;
      for (const [id, value] of this.#counts) {
        if (value === 1) this.#counts.delete(id);
        else this.#counts.set(id, value - 1);
      }
    }
  }

  /** An alert of the extraction family that names a client. */
  addExtractionAlert(client: string, rule: string): void {
    let entry = this.#extraction.get(client);
    if (entry === undefined) {
      if (this.#extraction.size >= REPORT_LIMITS.clientsTracked) return;
      entry = { alerts: 0, rules: new Set() };
      this.#extraction.set(client, entry);
    }
    entry.alerts++;
    entry.rules.add(rule);
  }

  volume(): ClientVolume {
    const error = this.#decrements;
    // The busiest by calls; a client only the extraction rules named is shown too, after them.
    const ids = new Set([...this.#counts.keys(), ...this.#extraction.keys()]);
    const top = [...ids]
      .map((id) => ({ id, calls: this.#counts.get(id) ?? 0, extraction: this.#extraction.get(id) }))
      .sort((a, b) => b.calls - a.calls || (b.extraction?.alerts ?? 0) - (a.extraction?.alerts ?? 0) || a.id.localeCompare(b.id))
      .slice(0, REPORT_LIMITS.clientsShown)
      .map(({ id, calls, extraction }) => ({ id, calls, error, extractionAlerts: extraction?.alerts ?? 0, extractionRules: [...(extraction?.rules ?? [])].sort() }));
    return {
      inferenceWithClient: this.#withClient,
      inferenceWithoutClient: this.#withoutClient,
      distinct: this.#overflowed ? REPORT_LIMITS.clientsTracked : this.#counts.size,
      exact: !this.#overflowed,
      top,
    };
  }
}
