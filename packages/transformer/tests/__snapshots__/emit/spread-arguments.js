import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_site_0_1 = __mlxa_1.site({ id: "core.ones", kind: "tensor-creation", mode: "errors", file: "main.ts", line: 3, column: 29, fn: null, callee: "mx.ones", args: ["shape"], receiver: "other" });
const __mlxa_site_1_1 = __mlxa_1.site({ id: "core.reshape", kind: "tensor-operation", mode: "errors", file: "main.ts", line: 3, column: 18, fn: null, callee: "mx.reshape", args: ["tensor", "spread"], receiver: "other" });
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1, _mlxa_f_2, _mlxa_r_2, _mlxa_a_2, _mlxa_a_3;
import { core as mx } from '@frost-beta/mlx';
const shape = [2, 2];
export const r = (_mlxa_r_2 = mx, _mlxa_f_2 = _mlxa_r_2.reshape, _mlxa_a_2 = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [4], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)), _mlxa_a_3 = __mlxa_1.spread(...shape), __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_2 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_2, _mlxa_f_2, [_mlxa_a_2, ..._mlxa_a_3]) : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2, _mlxa_a_2, ..._mlxa_a_3));
