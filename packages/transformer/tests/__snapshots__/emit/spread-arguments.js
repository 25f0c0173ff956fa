import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["core.ones", "tensor-creation", "errors", 3, 29, null, "mx.ones", ["shape"], "other"], ["core.reshape", "tensor-operation", "errors", 3, 18, null, "mx.reshape", ["tensor", "spread"], "other"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0], __mlxa_site_1_1 = __mlxa_sites_1[1];
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1, _mlxa_f_2, _mlxa_r_2, _mlxa_a_2, _mlxa_a_3;
import { core as mx } from '@frost-beta/mlx';
const shape = [2, 2];
export const r = (_mlxa_r_2 = mx, _mlxa_f_2 = _mlxa_r_2.reshape, _mlxa_a_2 = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [4], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)), _mlxa_a_3 = __mlxa_1.spread(...shape), __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_2 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_2, _mlxa_f_2, [_mlxa_a_2, ..._mlxa_a_3]) : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2, _mlxa_a_2, ..._mlxa_a_3));
