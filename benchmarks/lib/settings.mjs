// How much each scenario measures. The full run is sized to finish in under 15 minutes on two
// cores (lint of the large corpus dominates); quick mode is for development and the smoke test.

/**
 * @param {boolean} quick
 */
export function benchSettings(quick) {
  return quick
    ? {
        corpus: { small: 10, large: 100 },
        lintReps: { small: 2, large: 1 },
        editorProcesses: 2,
        editorRounds: 4,
        editorWarmUpRounds: 1,
        buildReps: { small: 2, large: 1 },
        callReps: 2,
        callIterations: 20_000,
        sinkReps: 2,
        sinkEvents: 5_000,
        endToEndReps: 2,
        endToEndBatches: 6,
        trailChainReps: 2,
        trailChainLines: 5 * 1024,
        trailChainRounds: 4,
        trailSinkReps: 2,
        trailSinkRounds: 3,
        trailSinkEvents: 2_000,
        trailVerifyLines: 50_000,
        trailVerifyReps: 2,
        trailLoadReps: 1,
        trailLoadRounds: 3,
        monitorWatchReps: 2,
        monitorWatchRounds: 3,
        monitorWatchEvents: 2_000,
        monitorDetectEvents: 20_000,
        monitorClients: 1_000,
        monitorDetectReps: 2,
        monitorMemoryEvents: 100_000,
        monitorMemoryClients: 10_000,
        monitorMemoryReps: 1,
        reviewReportEvents: 50_000,
        reviewReportReps: 1,
        reviewScanMegabytes: 10,
        reviewScanReps: 1,
      }
    : {
        corpus: { small: 100, large: 1000 },
        lintReps: { small: 5, large: 3 },
        // Rounds in fours: each configuration sees each of the four edits once in four rounds.
        editorProcesses: 3,
        editorRounds: 12,
        editorWarmUpRounds: 2,
        buildReps: { small: 5, large: 3 },
        callReps: 5,
        callIterations: 200_000,
        sinkReps: 5,
        sinkEvents: 50_000,
        endToEndReps: 7,
        endToEndBatches: 24,
        trailChainReps: 5,
        trailChainLines: 20 * 1024,
        trailChainRounds: 9,
        trailSinkReps: 5,
        trailSinkRounds: 10,
        trailSinkEvents: 10_000,
        trailVerifyLines: 300_000,
        trailVerifyReps: 5,
        trailLoadReps: 5,
        trailLoadRounds: 7,
        // A round's paired difference varies by ±1.5 µs on two vCPUs (the writer thread shares them): nine processes.
        monitorWatchReps: 9,
        monitorWatchRounds: 10,
        monitorWatchEvents: 10_000,
        monitorDetectEvents: 200_000,
        monitorClients: 1_000,
        monitorDetectReps: 5,
        monitorMemoryEvents: 1_000_000,
        monitorMemoryClients: 100_000,
        monitorMemoryReps: 3,
        // The figure: a million events.
        reviewReportEvents: 1_000_000,
        reviewReportReps: 3,
        reviewScanMegabytes: 100,
        reviewScanReps: 3,
      };
}

/** The corpus seed: the same code on every machine. */
export const CORPUS_SEED = 20_260_522;
