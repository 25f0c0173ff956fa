import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["core.ones", "tensor-creation", "errors", 2, 11, null, "mx.ones", ["shape"], "other"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0];
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1;
import { core as mx } from '@frost-beta/mlx';
const x = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [2], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1));
export const shape = x.shape;
export const dtype = String(x.dtype);
