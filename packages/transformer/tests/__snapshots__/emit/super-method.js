import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
import { nn } from '@frost-beta/mlx';
const __mlxa_site_0_1 = __mlxa_1.site({ id: "nn.Module#forward", kind: "layer-composition", mode: "errors", file: "main.ts", line: 4, column: 12, fn: "Tracked#forward", callee: "super.forward", args: ["tensor"], receiver: null });
export class Tracked extends nn.Linear {
    forward(x) {
        var _mlxa_f_1, _mlxa_a_1;
        return (_mlxa_f_1 = super.forward, _mlxa_a_1 = x, __mlxa_site_0_1.channel.hasSubscribers || typeof _mlxa_f_1 !== "function" ? __mlxa_1.call(__mlxa_site_0_1, this, _mlxa_f_1, [_mlxa_a_1]) : __mlxa_1.invoke(_mlxa_f_1, this, _mlxa_a_1));
    }
}
