// Most of the service reaches MLX through this module rather than through the package directly.
export { core as mx, nn, optimizers, utils } from '@frost-beta/mlx';
