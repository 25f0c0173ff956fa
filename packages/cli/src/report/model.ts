// What `mlx-audit report` knows of a trail once it has read it: the one value both renderings (the
// HTML page and the Markdown) are made from. Everything here is bounded whatever the trail's size
// (the caps are in REPORT_LIMITS and each capped list says how many it left out), and every string
// in it comes from the trail, so a rendering escapes each one where it writes it.

/** How much of each list a report keeps, whatever the trail holds. */
export const REPORT_LIMITS = {
  /** Time buckets of the timeline and of each binding's series (the bucket widens to stay under). */
  buckets: 120,
  /** Bindings with a series of their own; calls of any further binding count under `other`. */
  bindings: 40,
  /** Model loads listed (the first ones; the count of the others is kept). */
  loads: 1_000,
  /** Alerts listed with their evidence. */
  alerts: 1_000,
  /** Clients counted exactly (Misra–Gries: beyond this many, counts are lower bounds with their error). */
  clientsTracked: 2_000,
  /** Clients shown. */
  clientsShown: 25,
  /** Recent events kept per trail to resolve the evidence an alert cites. */
  evidenceWindow: 20_000,
  /** Sites listed in each of the plan's two lists. */
  planSites: 1_000,
  /** Chain problems listed (the verifier's own cap). */
  problems: 1_000,
} as const;

export type SeverityWord = 'critical' | 'high' | 'medium' | 'low';

export interface ReportModel {
  /** When the report was made (ISO 8601). */
  readonly generated: string;
  /** The version of @mlx-audit/cli that made it. */
  readonly version: string;
  readonly input: ReportInput;
  readonly verdict: Verdict;
  readonly timeline: Timeline;
  readonly bindings: readonly BindingStats[];
  readonly loads: Capped<ModelLoadRow>;
  readonly clients: ClientVolume;
  readonly alerts: Capped<AlertRow>;
  /** The events the listed alerts cite, each once, by `id` (what an alert's `evidence` names). */
  readonly evidence: readonly EvidenceEvent[];
  /** Present when `--plan` was given. */
  readonly plan?: PlanComparison;
}

export interface Capped<T> {
  readonly rows: readonly T[];
  /** How many more there were than `rows` holds. */
  readonly omitted: number;
}

export interface ReportInput {
  /** The trail files read, each trail's oldest first. */
  readonly files: readonly string[];
  /** Files of a directory left out, and why. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  /** Events read (after `--since`). */
  readonly events: number;
  /** `--since` as given, if it was. */
  readonly since?: string;
  /** Events left out by `--since`. */
  readonly beforeSince: number;
  /** Lines that are not a JSON object (skipped), and where the first one is (`file:line`). */
  readonly malformed: number;
  readonly firstMalformed?: string;
  /** The first and last `@timestamp` read (ISO 8601), if any event had one. */
  readonly first?: string;
  readonly last?: string;
}

export interface Verdict {
  /**
   * `intact`: the chain verified, nothing missing. `tampered`, `incomplete`, `unverifiable`: the
   * worst class of problem the verifier found (`tampered` over `incomplete` over `unverifiable`).
   */
  readonly chain: 'intact' | 'tampered' | 'incomplete' | 'unverifiable';
  /** `verified`: every seal checked under a key; `unverified`: seals but no key; `unsealed`: no seal. */
  readonly sealing: 'verified' | 'unverified' | 'unsealed';
  /** Lines the verifier read. */
  readonly lines: number;
  /** What the verifier found, in the trail's order, each with its file and line. */
  readonly problems: readonly ChainProblem[];
  readonly problemsOmitted: number;
  /** Auditing gaps: runs that did not stop, lines missing, events dropped or lost (the auditing-gap alerts). */
  readonly gaps: number;
  readonly alertsBySeverity: Readonly<Record<SeverityWord, number>>;
  /** One sentence a reviewer reads first: what holds, or the first place it breaks. */
  readonly summary: string;
}

export interface ChainProblem {
  /** The verifier's kind: `modified`, `missing-lines`, `not-stopped`… */
  readonly kind: string;
  readonly class: 'tampered' | 'incomplete' | 'unverifiable';
  readonly file: string;
  /** 1-based line of the file (0 when the problem is the file as a whole). */
  readonly line: number;
  readonly detail: string;
}

/**
 * Counts per time bucket: bucket `i` covers [start + i·bucketMs, start + (i+1)·bucketMs). The
 * arrays are parallel, all `buckets` long. Events without a readable `@timestamp` are not in it.
 */
export interface Timeline {
  /** Epoch milliseconds of the first bucket's start. */
  readonly start: number;
  readonly bucketMs: number;
  /** MLX calls and the runtime's own records. */
  readonly events: readonly number[];
  /** Events whose `event.outcome` is `failure`. */
  readonly failures: readonly number[];
  /** Alerts raised, by the `@timestamp` of the alert. */
  readonly alerts: readonly number[];
}

/** One binding's calls (`mlx.binding`), whole and per bucket of the timeline. */
export interface BindingStats {
  /** `core.load`, `nn.Module#forward`…, or `other` for the bindings past the cap together. */
  readonly binding: string;
  /** The catalogue kind the events gave (`model-load`, `inference`…), if one. */
  readonly kind?: string;
  readonly calls: number;
  readonly failures: number;
  /** Latency percentiles in milliseconds over calls with an `event.duration` (null when none had). */
  readonly latency: Percentiles | null;
  /** Per timeline bucket (parallel to `Timeline.events`): calls, failures, and percentiles (null where no call). */
  readonly series: {
    readonly calls: readonly number[];
    readonly failures: readonly number[];
    readonly p50: readonly (number | null)[];
    readonly p95: readonly (number | null)[];
    readonly p99: readonly (number | null)[];
  };
}

/** Milliseconds, within 1% of the true value (a DDSketch). */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface ModelLoadRow {
  readonly time: string;
  /** The binding that loaded (`core.load`, `nn.Module#loadWeights`…). */
  readonly binding: string;
  /** Where it came from: the file path, or the URL's domain for a remote source; null if the event names none. */
  readonly source: string | null;
  /** The file's SHA-256, when the runtime hashed it. */
  readonly sha256: string | null;
  /**
   * `allowed`: an allow-list was configured and the file is in it; `not-allowed`: the runtime
   * reported it not allowed (and `refused` if enforce mode stopped the load); `no-allow-list`: the run had none;
   * `unknown`: the trail does not say (no `mlx-audit.started` record of the process was read, or an older runtime wrote it).
   */
  readonly allowed: 'allowed' | 'not-allowed' | 'refused' | 'no-allow-list' | 'unknown';
  readonly outcome: string;
  readonly pid: number | null;
  /** The evidence id of the load's event (see `EvidenceEvent.id`), to link to it. */
  readonly event: string;
}

export interface ClientVolume {
  /** Calls of kind `inference` outside training that carried a `client.id`. */
  readonly inferenceWithClient: number;
  /** Inference calls without a client id. */
  readonly inferenceWithoutClient: number;
  /** Distinct client ids seen: exact when `exact`, else a lower bound (the tracking cap). */
  readonly distinct: number;
  /** Whether the counts are exact (no more distinct clients than `REPORT_LIMITS.clientsTracked`). */
  readonly exact: boolean;
  /** The busiest clients, most calls first. */
  readonly top: readonly ClientRow[];
}

export interface ClientRow {
  /** The pseudonymous id the application set (`client.id`), as written in the trail. */
  readonly id: string;
  readonly calls: number;
  /** Calls counted; the true count is between `calls` and `calls + error` (Misra–Gries; `error` is 0 when exact). */
  readonly error: number;
  /** Alerts of the extraction family that name this client. */
  readonly extractionAlerts: number;
  /** The extraction rules that raised them (`extraction.volume`, `extraction.rate`…), each once. */
  readonly extractionRules: readonly string[];
}

export interface AlertRow {
  /** `alert-1`, `alert-2`…: the anchor of the alert in the page. */
  readonly id: string;
  readonly time: string;
  /** A `SeverityWord` for the monitor's scale; the number, as text, for any other. */
  readonly severity: string;
  readonly rule: string;
  readonly ruleName: string;
  readonly category: string;
  readonly reason: string;
  /** Key fields the alert carries (binding, pid, client, file…), as strings. */
  readonly fields: Readonly<Record<string, string>>;
  /** The evidence ids of the events that raised it (resolved ones are in `ReportModel.evidence`). */
  readonly evidence: readonly string[];
  /** Cited sequences that were too far back in the trail to be kept (shown by number only). */
  readonly evidenceUnresolved: readonly number[];
}

export interface EvidenceEvent {
  /** `ev-<pid>-<sequence>`: the anchor of the event in the page. */
  readonly id: string;
  readonly time: string;
  readonly action: string;
  readonly outcome: string;
  readonly pid: number | null;
  readonly sequence: number | null;
  readonly binding: string | null;
  /** Where the call is in the application (`src/serve.ts:22`), if the event says. */
  readonly code: string | null;
  /** Where the event is in the trail (`/var/log/app/audit.jsonl:1234`). */
  readonly at: string;
  /** Milliseconds, if the event has a duration. */
  readonly durationMs: number | null;
}

/** Call sites the audit plan lists against the sites the trail shows calls from. */
export interface PlanComparison {
  readonly plan: string;
  /** Sites the plan instruments in `event` mode (every call recorded; `errors`-mode sites record failures only, so they are matched but never counted as unexercised). */
  readonly planned: number;
  /** Of those, the sites with at least one event. */
  readonly exercised: number;
  readonly neverExercised: Capped<PlanSiteRow>;
  /** Sites seen in the trail (binding at file:line:column) that the plan does not list. */
  readonly notInPlan: Capped<PlanSiteRow>;
}

export interface PlanSiteRow {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly binding: string;
  /** Events from the site (0 for a site never exercised). */
  readonly events: number;
}
