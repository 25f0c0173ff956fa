import { runCases } from '../../shared/harness.js';
import { sharedCases } from '../../shared/index.js';
import cjsCases from './cjs-cases.js';

void runCases([...sharedCases, ...cjsCases]);
