import path from 'node:path';

/** The repository root: everything Tempered keeps locally lives under `<root>/.tempered`. */
export const projectRoot = path.resolve(__dirname, '..', '..', '..');

/** Local state: the dev server's database, the Python venv, artifacts, work directories. */
export const stateDir = process.env.TEMPERED_HOME ?? path.join(projectRoot, '.tempered');

/** The project-local Python environment made by `scripts/bootstrap.sh`. */
export const venvDir = process.env.TEMPERED_VENV ?? path.join(stateDir, 'venv');
export const pythonBin = path.join(venvDir, 'bin', 'python');
export const temporalBin = path.join(venvDir, 'bin', 'temporal');
export const weedBin = path.join(venvDir, 'bin', 'weed');

/** Built tiny models and converted tokenizers, reused across runs. */
export const modelCacheDir = process.env.TEMPERED_MODEL_CACHE ?? path.join(stateDir, 'models');

export const trainerDir = path.join(projectRoot, 'trainer');
export const pipelinesDir = path.join(projectRoot, 'pipelines');
