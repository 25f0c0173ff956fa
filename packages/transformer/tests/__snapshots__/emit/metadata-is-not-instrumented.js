import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_site_0_1 = __mlxa_1.site({ id: "core.ones", kind: "tensor-creation", mode: "errors", file: "main.ts", line: 2, column: 11, fn: null, callee: "mx.ones", args: ["shape"], receiver: "other" });
var _mlxa_f_1, _mlxa_r_1, _mlxa_a_1;
import { core as mx } from '@frost-beta/mlx';
const x = (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.ones, _mlxa_a_1 = [2], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1));
export const shape = x.shape;
export const dtype = String(x.dtype);
