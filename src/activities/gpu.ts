/** Activities of the gpu queue: training and exporting, one run per GPU slot. */
export { fineTune } from './experiment/fine-tune';
export { exportModel } from './experiment/export-model';
export { exportBaseModel } from './experiment/export-base-model';
