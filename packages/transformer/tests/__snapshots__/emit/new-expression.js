import * as __mlxa_1 from "@mlx-audit/runtime/instrument";
const __mlxa_sites_1 = __mlxa_1.sites("main.ts", [["nn.Linear", "module-construction", "errors", 2, 22, null, "nn.Linear", ["option", "option"], null]]);
const __mlxa_site_0_1 = __mlxa_sites_1[0];
var _mlxa_c_1, _mlxa_a_1, _mlxa_a_2;
import { nn } from '@frost-beta/mlx';
export const layer = (_mlxa_c_1 = nn.Linear, _mlxa_a_1 = 2, _mlxa_a_2 = 3, __mlxa_site_0_1.channel.hasSubscribers ? __mlxa_1.construct(__mlxa_site_0_1, _mlxa_c_1, [_mlxa_a_1, _mlxa_a_2]) : new _mlxa_c_1(_mlxa_a_1, _mlxa_a_2));
