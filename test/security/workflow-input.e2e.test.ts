import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parse } from 'yaml';
import { taskQueues } from '../../src/config/queues';
import type { PipelineInput } from '../../src/pipeline/types';
import { fineTuningPipeline } from '../../src/workflows';
import { tinySpecFile, useTestCatalogue } from '../support/catalogue';
import { useTestApprovers } from '../support/approvers';
import { applicationFailureOf } from '../support/failures';
import { startTemporal, startWorkers, useTempArtifactStore, type RunningWorkers } from '../support/temporal';

/**
 * Whoever can start a workflow controls its one argument. Each attempt below to reach past the pipeline
 * catalogue, the deployment policy or the configured roots fails at planning, at once and without retries.
 */
describe('the workflow input as a trust boundary', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  /** tiny-support as an inline spec: without a file of its own, its data paths are relative to the first data root. */
  const tinySpec = () => {
    const spec = parse(fs.readFileSync(tinySpecFile, 'utf8')) as Record<string, unknown> & { data: { sources: { path: string }[] } };
    for (const source of spec.data.sources) source.path = source.path.replace(/^\.\.\//, '');
    return spec;
  };

  before(async () => {
    useTempArtifactStore();
    useTestCatalogue({ 'tiny-support-human': { deployment: { approval: { mode: 'human', approvers: ['ana'] } } } });
    useTestApprovers(['ana']);
    env = await startTemporal();
    // Planning runs on the control queue; nothing refused here gets further.
    workers = await startWorkers(env, ['control']);
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
  });
  afterEach(() => {
    delete process.env.TEMPERED_ALLOW_INLINE_SPECS;
  });

  const refusal = async (input: PipelineInput) => {
    const handle = await env.client.workflow.start(fineTuningPipeline, { taskQueue: taskQueues().control, workflowId: `refused-${Date.now()}-${Math.random()}`, args: [input] });
    const failure = applicationFailureOf(await handle.result().then(() => assert.fail('the run should have been refused'), (e: unknown) => e));
    const history = await handle.fetchHistory();
    const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    assert.deepEqual(attempts, [1], 'a refusal is not retried');
    assert.equal(failure.nonRetryable, true);
    return failure;
  };

  it('refuses override keys that reach for Object.prototype and leaves the worker process unpolluted', async () => {
    for (const overrides of [
      { '__proto__.polluted': 'yes' },
      { 'constructor.prototype.polluted': 'yes' },
      JSON.parse('{ "__proto__": { "polluted": "yes" } }') as Record<string, unknown>,
      { training: JSON.parse('{ "__proto__": { "polluted": "yes" } }') as Record<string, unknown> },
    ]) {
      const failure = await refusal({ pipeline: 'tiny-support', overrides });
      assert.equal(failure.type, 'OverrideNotAllowed');
      assert.match(failure.message, /"__proto__", "constructor" and "prototype" are refused/);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is unchanged in the worker process');
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  });

  it('refuses overrides of the deployment policy, the success metrics, the data and the name, listing what may be overridden', async () => {
    const failure = await refusal({
      pipeline: 'tiny-support-human',
      overrides: {
        'deployment.approval.mode': 'auto',
        deployment: { approval: { approvers: ['mallory'], on_timeout: 'approve' } },
        'requirements.success_metrics.accuracy': 0,
        'data.sources': [{ type: 'faq_csv', path: '/etc/passwd' }],
        name: 'customer-support',
        'training.epochs': 1,
      },
    });
    assert.equal(failure.type, 'OverrideNotAllowed');
    for (const field of ['deployment.approval.mode', 'deployment.approval.approvers', 'deployment.approval.on_timeout', 'requirements.success_metrics.accuracy', 'data.sources', 'name']) {
      assert.match(failure.message, new RegExp(`<overrides>: ${field.replace(/\./g, '\\.')}: cannot be overridden at run time`));
    }
    assert.doesNotMatch(failure.message, /training\.epochs: cannot/);
    assert.match(failure.message, /Tunable fields: training\.epochs, training\.max_steps/);
  });

  it('runs only pipelines of the catalogue: a path outside it is refused without reading the file', async () => {
    for (const pipeline of ['/etc/passwd', '../../../../etc/hosts', tinySpecFile.replace('tiny-support.yaml', '../tiny-support/faq.csv')]) {
      const failure = await refusal({ pipeline });
      assert.equal(failure.type, 'PathNotAllowed', pipeline);
      assert.match(failure.message, /not a pipeline of the catalogue; name one \(.*tiny-support.*\)/);
      assert.doesNotMatch(failure.message, /root:|localhost|question,answer/, 'no file content in the message');
    }
  });

  it('refuses inline specs unless the workers allow them', async () => {
    const failure = await refusal({ pipeline: { ...tinySpec(), name: 'my-own' } });
    assert.equal(failure.type, 'PathNotAllowed');
    assert.match(failure.message, /inline specs are off on these workers/);
  });

  it('refuses an allowed inline spec that takes the name of a catalogued pipeline', async () => {
    process.env.TEMPERED_ALLOW_INLINE_SPECS = '1';
    const failure = await refusal({ pipeline: tinySpec() });
    assert.equal(failure.type, 'PathNotAllowed');
    assert.match(failure.message, /<inline>: name: "tiny-support" is a catalogued pipeline/);
  });

  it('refuses data and model paths outside the configured roots, naming the spec path and the rule', async () => {
    process.env.TEMPERED_ALLOW_INLINE_SPECS = '1';
    const spec = tinySpec();
    spec.name = 'inline-paths';
    spec.data.sources = [
      { type: 'faq_csv', path: '/etc/passwd' },
      { type: 'chat_logs', path: '../../../../../../etc/shadow' },
      { type: 'chat_jsonl', path: 's3://someone-elses-bucket/chats.jsonl' },
    ] as never;
    (spec.experiment as Record<string, unknown>).base_model = '/root/.ssh';
    const failure = await refusal({ pipeline: spec });
    assert.equal(failure.type, 'PathNotAllowed');
    assert.match(failure.message, /data\.sources\.0\.path: "\/etc\/passwd" lies outside the spec's directory and the workers' data roots/);
    assert.match(failure.message, /data\.sources\.1\.path: "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/shadow" lies outside/);
    assert.match(failure.message, /data\.sources\.2\.path: bucket "someone-elses-bucket" is not one of the workers' data buckets/);
    assert.match(failure.message, /experiment\.base_model: "\/root\/\.ssh" is not under the workers' model roots/);
    assert.doesNotMatch(failure.message, /root:x:0/);
  });

  it('fails at planning when a human approval names no approver, or one the workers hold no key for', async () => {
    process.env.TEMPERED_ALLOW_INLINE_SPECS = '1';
    const nobody = await refusal({ pipeline: { ...tinySpec(), name: 'no-approvers', deployment: { approval: { mode: 'human' } } } });
    assert.equal(nobody.type, 'InvalidPipelineSpec');
    assert.match(nobody.message, /deployment\.approval\.approvers: expected at least one approver in human mode/);
    const unknown = await refusal({ pipeline: { ...tinySpec(), name: 'keyless-approver', deployment: { approval: { mode: 'human', approvers: ['ana', 'eve'] } } } });
    assert.match(unknown.message, /deployment\.approval\.approvers\.1: "eve" has no public key in the workers' TEMPERED_APPROVER_KEYS file/);
  });

  it('takes alert targets by name from the workers and refuses a webhook URL in the spec', async () => {
    process.env.TEMPERED_ALLOW_INLINE_SPECS = '1';
    const url = await refusal({ pipeline: { ...tinySpec(), name: 'webhook-in-spec', monitoring: { alert_webhook: 'http://169.254.169.254/latest' } } });
    assert.match(url.message, /monitoring\.alert_webhook: webhook URLs no longer go in specs/);
    const unknown = await refusal({ pipeline: { ...tinySpec(), name: 'unknown-target', monitoring: { alert: { target: 'pager' } } } });
    assert.match(unknown.message, /monitoring\.alert\.target: "pager" is not an alert target of the workers/);
  });
});
