// Imported first by every test file, before the instrument module: configuring here means that
// module's load-time default (a stderr sink, exit hooks) never applies inside the test worker.
import { configure } from '../../src/configure.js';

configure({ sinks: [], exitHooks: false });
