import { core as mx, nn } from '@frost-beta/mlx';

/** Small enough that a forward pass costs tens of microseconds on a CPU. */
export class TinyModel extends nn.Module {
  hidden: nn.Linear;
  head: nn.Linear;

  constructor(inputs: number, hidden: number, outputs: number) {
    super();
    this.hidden = new nn.Linear(inputs, hidden);
    this.head = new nn.Linear(hidden, outputs);
  }

  override forward(x: mx.array): mx.array {
    return this.head.forward(nn.relu(this.hidden.forward(x)));
  }
}
