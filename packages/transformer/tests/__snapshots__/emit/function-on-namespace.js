import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_site_0_1 = __mlxa_1.site({ id: "core.load", kind: "model-load", mode: "event", file: "main.ts", line: 2, column: 18, fn: null, callee: "mx.load", args: ["path"], receiver: "other" });
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1;
import { core as mx } from '@frost-beta/mlx';
export const w = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.load, _mlxa_a_1 = 'weights.safetensors', __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1));
