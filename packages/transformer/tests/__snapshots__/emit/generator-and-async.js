import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
import { core as mx } from '@frost-beta/mlx';
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["core.ones", "tensor-creation", "errors", 3, 37, "batches", "mx.ones", ["shape"], "other"], ["core.array#tolist", "data-extraction", "event", 7, 10, "evaluate", "x.tolist", [], "tensor"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0], __mlxa_site_1_1 = __mlxa_sites_1[1];
export function* batches(n) {
    var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1;
    for (let i = 0; i < n; i++)
        yield (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [i + 1], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1));
}
export async function evaluate(x) {
    var _mlxa_f_2, _mlxa_r_2;
    await Promise.resolve();
    return (_mlxa_r_2 = x, _mlxa_f_2 = _mlxa_r_2.tolist, __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_2 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_2, _mlxa_f_2, []) : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2));
}
