import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
import { core as mx } from '@frost-beta/mlx';
const __mlxa_site_0_1 = __mlxa_1.site({ id: "core.zeros", kind: "tensor-creation", mode: "errors", file: "main.ts", line: 2, column: 57, fn: "predict", callee: "mx.zeros", args: ["shape"], receiver: "other" });
const __mlxa_site_1_1 = __mlxa_1.site({ id: "nn.Module#forward", kind: "inference", mode: "event", file: "main.ts", line: 3, column: 10, fn: "predict", callee: "model.forward", args: ["tensor"], receiver: "module" });
export function predict(model, x = ((_mlxa_f_1, _mlxa_r_1, _mlxa_a_1) => (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.zeros, _mlxa_a_1 = [1, 2], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)))()) {
    var _mlxa_f_2, _mlxa_r_2, _mlxa_a_2;
    return (_mlxa_r_2 = model, _mlxa_f_2 = _mlxa_r_2.forward, _mlxa_a_2 = x, __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_2 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_2, _mlxa_f_2, [_mlxa_a_2]) : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2, _mlxa_a_2));
}
