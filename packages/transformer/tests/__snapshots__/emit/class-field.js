import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
import { nn } from '@frost-beta/mlx';
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["nn.Linear", "module-construction", "errors", 3, 11, null, "nn.Linear", ["option", "option"], null], ["nn.Module#forward", "layer-composition", "errors", 5, 12, "Net#forward", "this.layer.forward", ["tensor"], "module"]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0], __mlxa_site_1_1 = __mlxa_sites_1[1];
export class Net extends nn.Module {
    layer = ((_mlxa_c_1, _mlxa_a_1, _mlxa_a_2) => (_mlxa_c_1 = nn.Linear, _mlxa_a_1 = 2, _mlxa_a_2 = 2, __mlxa_site_0_1.channel.hasSubscribers ? __mlxa_1.construct(__mlxa_site_0_1, _mlxa_c_1, [_mlxa_a_1, _mlxa_a_2]) : new _mlxa_c_1(_mlxa_a_1, _mlxa_a_2)))();
    forward(x) {
        var _mlxa_f_1, _mlxa_r_1, _mlxa_a_3;
        return (_mlxa_r_1 = this.layer, _mlxa_f_1 = _mlxa_r_1.forward, _mlxa_a_3 = x, __mlxa_site_1_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_1_1, _mlxa_r_1, _mlxa_f_1, [_mlxa_a_3]) : __mlxa_1.invoke(_mlxa_f_1, _mlxa_r_1, _mlxa_a_3));
    }
}
