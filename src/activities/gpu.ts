/** Activities of the gpu queue: training, one run per GPU slot. */
export { fineTune } from './experiment/fine-tune';
