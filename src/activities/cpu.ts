/** Activities of the cpu queue: data preparation and evaluation. */
export { prepareData } from './data/prepare-data';
export { measureTokenLengths } from './data/token-lengths';
export { evaluateModel } from './evaluation/evaluate-model';
export { compareArms } from './evaluation/compare-arms';
export { compareVariants } from './evaluation/compare-variants';
export { checkReadiness } from './evaluation/readiness';
export { measureOutOfDomainDrop, prepareOutOfDomainSet } from './evaluation/out-of-domain';
