import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["core.load", "model-load", "event", 2, 18, null, "mx.load", ["path"], "other"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0];
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1;
import { core as mx } from '@frost-beta/mlx';
export const w = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.load, _mlxa_f_1 == null ? void 0 : (_mlxa_a_1 = 'weights.safetensors', __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)));
