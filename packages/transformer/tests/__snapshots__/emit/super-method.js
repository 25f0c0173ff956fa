import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
import { nn } from '@frost-beta/mlx';
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["nn.Module#forward", "layer-composition", "errors", 4, 12, "Tracked#forward", "super.forward", ["tensor"], null]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0];
export class Tracked extends nn.Linear {
    forward(x) {
        var _mlxa_f_1, _mlxa_a_1;
        return (_mlxa_f_1 = super.forward, _mlxa_a_1 = x, __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, this, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, this, _mlxa_a_1));
    }
}
