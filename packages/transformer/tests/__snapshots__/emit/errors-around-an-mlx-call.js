import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["core.ones", "tensor-creation", "errors", 2, 21, null, "mx.ones", ["shape"], "other"], ["core.ones", "tensor-creation", "errors", 4, 23, "items", "mx.ones", ["shape"], "other"], ["core.array#tolist", "data-extraction", "event", 4, 23, "items", "mx.ones(...).tolist", [], "tensor"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0], __mlxa_site_1_1 = __mlxa_sites_1[1], __mlxa_site_2_1 = __mlxa_sites_1[2];
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1, _mlxa_r_2, _mlxa_f_2, _mlxa_a_2;
import { core as mx } from '@frost-beta/mlx';
export const dims = (_mlxa_r_2 = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [2, 3], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)).shape, _mlxa_f_2 = _mlxa_r_2.map, _mlxa_a_2 = (n) => n * 2, typeof _mlxa_f_2 !== "function" ? __mlxa_1.notFunction("mx.ones(...).shape.map") : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2, _mlxa_a_2));
export function* items() {
    var _mlxa_f_3, _mlxa_r_3, _mlxa_a_3, _mlxa_f_4, _mlxa_r_4;
    for (const value of __mlxa_1.iterable((_mlxa_r_4 = (_mlxa_r_3 = mx, _mlxa_f_3 = _mlxa_r_3.ones, _mlxa_a_3 = [2], __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_3 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_3, _mlxa_f_3, [_mlxa_a_3]) : __mlxa_1.invoke(_mlxa_f_3, _mlxa_r_3, _mlxa_a_3)), _mlxa_f_4 = _mlxa_r_4.tolist, __mlxa_site_2_1.channel.hasSubscribers || typeof _mlxa_f_4 !== "function" ? __mlxa_1.call(__mlxa_site_2_1, _mlxa_r_4, _mlxa_f_4, []) : __mlxa_1.invoke(_mlxa_f_4, _mlxa_r_4)), "mx.ones.tolist"))
        yield value;
}
