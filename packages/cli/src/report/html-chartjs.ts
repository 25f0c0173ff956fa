import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scriptElementText } from './html-escape.js';

// Chart.js, inlined in every report page: the page opens with no network, so the library comes
// with it (its UMD build, which registers every chart type and defines the global `Chart`).

let inlined: string | undefined;

/** Chart.js's UMD build as the content of an inline `<script>`, read once. */
export function chartJsScript(): string {
  if (inlined === undefined) {
    // The package's `exports` lists neither its UMD build nor its package.json; its main entry
    // (dist/chart.cjs) sits next to the UMD build.
    const main = createRequire(import.meta.url).resolve('chart.js');
    const umd = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
    // The source map is not shipped with the page: a devtools request for it would be the page's only one.
    inlined = scriptElementText(umd.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n'));
  }
  return inlined;
}
