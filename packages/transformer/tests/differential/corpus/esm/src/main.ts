import { runCases } from '../../shared/harness.js';
import { sharedCases } from '../../shared/index.js';
import esmCases from './esm-cases.js';

await runCases([...sharedCases, ...esmCases]);
