/** Generated test data uses the project's own seeded generator, so it is reproducible. */
export { seededRandom, type Random } from '../../src/seeded-random';
