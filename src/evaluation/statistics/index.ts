export { bootstrapInterval, DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED, latencyIntervals, meanInterval, percentileInterval } from './bootstrap';
export type { BootstrapOptions, Interval } from './bootstrap';
export { pairedTest } from './paired-test';
export type { PairedComparison } from './paired-test';
export { seededRandom } from './seeded-random';
export type { SeededRandom } from './seeded-random';
