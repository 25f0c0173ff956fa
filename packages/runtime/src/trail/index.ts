// `@mlx-audit/runtime/trail`: what verifying a trail and making seal keys need (the engine of
// `mlx-audit verify` and `mlx-audit keygen`). Loading it configures nothing and records nothing.
export { verifyTrail, type StreamSummary, type TrailVerification, type VerifyOptions } from './verify.js';
export { findTrails, type FoundTrails, type TrailFiles } from './trail-files.js';
export { PROBLEM_KINDS, type ProblemClass, type ProblemKind, type TrailProblem } from './problems.js';
export { createSealKeys, readSealKeyFile, type CreateSealKeysOptions, type SealKey } from './seal-key.js';
export { TRAIL_ACTIONS } from './format.js';
export { readLines, type LineVisitor } from './line-reader.js';
