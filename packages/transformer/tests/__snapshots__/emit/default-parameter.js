import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
import { core as mx } from '@frost-beta/mlx';
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["core.zeros", "tensor-creation", "errors", 2, 57, "predict", "mx.zeros", ["shape"], "other"], ["nn.Module#forward", "inference", "event", 3, 10, "predict", "model.forward", ["tensor"], "module"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0], __mlxa_site_1_1 = __mlxa_sites_1[1];
export function predict(model, x = ((_mlxa_f_1, _mlxa_r_1, _mlxa_a_1) => (_mlxa_r_1 = mx, _mlxa_f_1 = _mlxa_r_1.zeros, _mlxa_a_1 = [1, 2], __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_1)))()) {
    var _mlxa_f_2, _mlxa_r_2, _mlxa_a_2;
    return (_mlxa_r_2 = model, _mlxa_f_2 = _mlxa_r_2.forward, _mlxa_a_2 = x, __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_2 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_2, _mlxa_f_2, [_mlxa_a_2]) : __mlxa_1.invoke(_mlxa_f_2, _mlxa_r_2, _mlxa_a_2));
}
