// The application's own inference entry point: the README's eslint.config.js names it in the
// rules' `entries`, so what it returns is a model output wherever it goes.
import { core as mx, nn } from '@frost-beta/mlx';

export function generate(model: nn.Linear, prompt: string): mx.array {
  const codes = Array.from({ length: 4 }, (_, index) => (prompt.charCodeAt(index) || 0) / 128);
  return model.forward(mx.array(codes).reshape([1, 4])); // require-mlx-event-logging: no audit event
}
