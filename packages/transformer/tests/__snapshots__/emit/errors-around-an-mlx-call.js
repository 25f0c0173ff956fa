import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_site_0_1 = __mlxa_1.site({ id: "core.ones", kind: "tensor-creation", mode: "errors", file: "main.ts", line: 2, column: 21, fn: null, callee: "mx.ones", args: ["shape"], receiver: "other" });
const __mlxa_site_1_1 = __mlxa_1.site({ id: "core.ones", kind: "tensor-creation", mode: "errors", file: "main.ts", line: 4, column: 23, fn: "items", callee: "mx.ones", args: ["shape"], receiver: "other" });
const __mlxa_site_2_1 = __mlxa_1.site({ id: "core.array#tolist", kind: "data-extraction", mode: "event", file: "main.ts", line: 4, column: 23, fn: "items", callee: "mx.ones(...).tolist", args: [], receiver: "tensor" });
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1, _mlxa_r_2, _mlxa_f_2, _mlxa_a_2;
import { core as mx } from '@frost-beta/mlx';
export const dims = (_mlxa_r_2 = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [2, 3], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)).shape, _mlxa_f_2 = _mlxa_r_2.map, _mlxa_a_2 = (n) => n * 2, typeof _mlxa_f_2 !== "function" ? __mlxa_1.notFunction("mx.ones(...).shape.map") : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2, _mlxa_a_2));
export function* items() {
    var _mlxa_f_3, _mlxa_r_3, _mlxa_a_3, _mlxa_f_4, _mlxa_r_4;
    for (const value of __mlxa_1.iterable((_mlxa_r_4 = (_mlxa_r_3 = mx, _mlxa_f_3 = _mlxa_r_3.ones, _mlxa_a_3 = [2], __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_3 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_3, _mlxa_f_3, [_mlxa_a_3]) : __mlxa_1.invoke(_mlxa_f_3, _mlxa_r_3, _mlxa_a_3)), _mlxa_f_4 = _mlxa_r_4.tolist, __mlxa_site_2_1.channel.hasSubscribers || typeof _mlxa_f_4 !== "function" ? __mlxa_1.call(__mlxa_site_2_1, _mlxa_r_4, _mlxa_f_4, []) : __mlxa_1.invoke(_mlxa_f_4, _mlxa_r_4)), "mx.ones.tolist"))
        yield value;
}
