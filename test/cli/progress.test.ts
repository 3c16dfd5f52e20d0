import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityProgress, LiveStatus } from '../../src/cli/live-status';
import { ProgressBars } from '../../src/cli/progress-bars';
import { ProgressLines } from '../../src/cli/progress-lines';
import { longSteps, StepRates, type LongStep } from '../../src/cli/progress-steps';
import { PHASES, type PipelineStatus } from '../../src/pipeline/types';
import { useTestCatalogue } from '../support/catalogue';
import { tempered } from '../support/cli';
import { startTemporal, useTempArtifactStore } from '../support/temporal';

/** A reading of a running pipeline as `readLiveStatus` returns it; the views read the phase and the heartbeats. */
function live(phase: PipelineStatus['phase'], activities: ActivityProgress[] = []): LiveStatus {
  return { workflowStatus: 'RUNNING', status: { phase } as PipelineStatus, result: null, activities };
}

const training = (step: number, loss: number, extra: Record<string, unknown> = {}): ActivityProgress => ({
  activity: 'fineTune',
  activityId: '7',
  attempt: 1,
  details: { step, totalSteps: 100, loss, evalLoss: null, tokensPerS: 210.4, phase: 'training', ...extra },
});
const data = (pass: 'analysing' | 'writing', records: number, total?: number): ActivityProgress => ({
  activity: 'prepareData',
  activityId: '3',
  attempt: 1,
  details: { pass, records, ...(total ? { total } : {}) },
});
const evaluation = (id: string, done: number): ActivityProgress => ({ activity: 'evaluateModel', activityId: id, attempt: 1, details: { done, total: 24 } });

/** A stream that collects what is written to it; `tty` makes it look like a terminal to cli-progress. */
function capture(tty: boolean): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  if (tty) Object.assign(stream, { isTTY: true, columns: 140 });
  return { stream, text: () => text };
}

const stripAnsi = (s: string) => s.replace(/\x1B\[[0-9;?]*[A-Za-z]|\x1B[78]/g, '');

describe('the progress of `tempered run --wait`', () => {
  describe('long steps from the heartbeats', () => {
    it('counts data records, training steps with loss and throughput, evaluation samples and readiness prompts', () => {
      const steps = longSteps([
        data('writing', 1500, 5000),
        training(40, 2.75512, { evalLoss: 2.61, phase: 'evaluating' }),
        evaluation('12', 3),
        { activity: 'checkReadiness', activityId: '20', attempt: 1, details: { check: 'security.pii_leaks', done: 2, total: 8 } },
        { activity: 'exportModel', activityId: '9', attempt: 1, details: { phase: 'quantizing onnx' } },
        { activity: 'fineTune', activityId: '8', attempt: 1, details: null },
      ]);
      assert.deepEqual(steps, [
        { key: '3:writing', label: 'data writing', unit: 'records', value: 1500, total: 5000, note: null },
        { key: '7', label: 'training', unit: 'steps', value: 40, total: 100, note: 'loss 2.755, eval loss 2.61, 210 tokens/s, evaluating' },
        { key: '12', label: 'evaluation', unit: 'samples', value: 3, total: 24, note: null },
        { key: '20:security.pii_leaks', label: 'readiness security.pii_leaks', unit: 'prompts', value: 2, total: 8, note: null },
      ]);
      assert.equal(longSteps([data('analysing', 2000)])[0]!.total, null, 'the first pass does not know how many records there are');
    });

    it('estimates the time left from the recent rate, also for a step resumed part-way', () => {
      const rates = new StepRates();
      const step = (value: number): LongStep => ({ key: 'fine-tune', label: 'training', unit: 'steps', value, total: 100, note: null });
      rates.observe(step(60), 0);
      assert.equal(rates.secondsLeft(step(60)), null, 'one reading gives no rate');
      rates.observe(step(70), 20_000);
      assert.equal(rates.secondsLeft(step(70)), 60, '10 steps in 20 s: 30 steps left take 60 s');
      rates.observe(step(5), 22_000); // a retry that restarted from an earlier checkpoint
      rates.observe(step(15), 24_000);
      assert.equal(rates.secondsLeft(step(15)), 17, 'timed from the restart: 85 steps at 5 steps/s');
    });
  });

  describe('in a log (stdout not a terminal)', () => {
    it('prints phase changes at once and otherwise at most one line per interval, never one per training step', () => {
      const out = capture(false);
      const view = new ProgressLines(out.stream, 10_000);
      view.update(live('planning'), 0);
      view.update(live('data', [data('analysing', 2000)]), 2_000);
      view.update(live('data', [data('analysing', 4000)]), 4_000);
      view.update(live('data', [data('writing', 1000, 5000)]), 14_000);
      for (let step = 0; step <= 100; step++) {
        const at = 20_000 + step * 2_000;
        const activities = [training(step, 2.5 - step / 100)];
        if (step >= 95) activities.push({ activity: 'exportBaseModel', activityId: '5', attempt: 1, details: { phase: 'exporting onnx' } });
        view.update(live('experiment', activities), at);
      }
      view.update(live('evaluation', [evaluation('12', 6)]), 222_000);
      view.stop();

      const lines = out.text().trimEnd().split('\n');
      assert.deepEqual(lines.slice(0, 3), ['phase 1/6 planning', 'phase 2/6 data: data analysing 2000 records', 'phase 2/6 data: data writing 1000/5000 records (20%)']);
      assert.equal(lines[3], 'phase 3/6 experiment: training 0/100 steps (0%), loss 2.5, 210 tokens/s', 'the new phase at once');
      assert.ok(lines.includes('phase 3/6 experiment: training 50/100 steps (50%), loss 2, 210 tokens/s, ETA 1m 40s'), lines.join('\n'));
      assert.ok(lines.some((l) => l.startsWith('phase 3/6 experiment: training 95/100 steps (95%), loss 1.55, 210 tokens/s, ETA 10s; base model export: exporting onnx')), lines.join('\n'));
      const trainingLines = lines.filter((l) => l.includes('training '));
      assert.ok(trainingLines.length <= 21, `${trainingLines.length} lines for 101 readings over 200 s`);
      assert.equal(lines[lines.length - 1], 'phase 4/6 evaluation: evaluation 6/24 samples (25%)');
    });

    it('tells the phases that passed between two readings, each once, and not those the run never reached', () => {
      const out = capture(false);
      const view = new ProgressLines(out.stream, 10_000);
      /** A reading whose phases before `phase` completed (the data phase failed, when `dataFailed`). */
      const at = (phase: PipelineStatus['phase'], dataFailed = false): LiveStatus => {
        const current = (PHASES as readonly string[]).indexOf(phase);
        const phases = PHASES.map((name, i) => ({ name, state: i < current || current < 0 ? 'completed' : i === current ? 'running' : 'pending', summary: {} }));
        if (dataFailed) phases.forEach((p, i) => (p.state = i === 0 ? 'completed' : i === 1 ? 'failed' : 'pending'));
        return { ...live(phase), status: { phase, phases } as PipelineStatus };
      };
      view.update(at('data'), 0);
      view.update(at('evaluation'), 1_000);
      view.update(at('evaluation'), 2_000);
      view.update(at('done'), 3_000);
      assert.deepEqual(out.text().trim().split('\n'), [
        'phase 1/6 planning',
        'phase 2/6 data',
        'phase 3/6 experiment',
        'phase 4/6 evaluation',
        'phase 5/6 deployment',
        'phase 6/6 continuous-improvement',
        'done',
      ]);
      const failed = capture(false);
      const failing = new ProgressLines(failed.stream, 10_000);
      failing.update(at('failed', true), 0);
      assert.deepEqual(failed.text().trim().split('\n'), ['phase 1/6 planning', 'phase 2/6 data', 'failed']);
    });

    it('prints nothing until the run reports its status, and no line twice', () => {
      const out = capture(false);
      const view = new ProgressLines(out.stream, 0);
      view.update({ ...live('planning'), status: null }, 0);
      view.update(live('planning'), 1_000);
      view.update(live('planning'), 60_000);
      assert.equal(out.text(), 'phase 1/6 planning\n');
    });
  });

  describe('on a terminal', () => {
    it('draws a bar per long step with its count, loss and ETA, and logs phases and ended steps above the bars', async () => {
      const out = capture(true);
      const view = new ProgressBars(out.stream);
      const redraw = () => new Promise((r) => setTimeout(r, 400)); // the bars redraw 4 times a second
      view.update(live('data', [data('analysing', 3000)]), 0);
      await redraw();
      view.update(live('experiment', [training(0, 2.5)]), 20_000);
      view.update(live('experiment', [training(50, 2.0), { activity: 'exportBaseModel', activityId: '5', attempt: 1, details: { phase: 'exporting onnx' } }]), 120_000);
      await redraw();
      view.update(live('evaluation', [evaluation('12', 12)]), 320_000);
      await redraw();
      view.stop();

      const text = stripAnsi(out.text());
      assert.match(text, /data analysing {15}3000 records/, 'a count without a bar while the total is unknown');
      assert.match(text, /phase 3\/6 experiment\n/);
      assert.match(text, /training {21}[█░]{24} 50\/100 steps 50% \| loss 2, 210 tokens\/s \| ETA 1m 40s/);
      assert.match(text, / {2}base model export: exporting onnx\n/);
      assert.match(text, / {2}training 50\/100 steps \(50%\), loss 2, 210 tokens\/s, ended after 5m 00s\n/);
      assert.match(text, /phase 4\/6 evaluation\n/);
      assert.match(text, / {2}evaluation 12\/24 samples \(50%\), ended after 0s\n/, 'the bars still running when the run ends are closed with a line');
    });
  });

  describe('of a real run, piped', function () {
    this.timeout(600_000);
    let env: TestWorkflowEnvironment;
    before(async () => {
      useTempArtifactStore();
      useTestCatalogue();
      env = await startTemporal();
    });
    after(async () => env?.teardown());

    it('prints plain lines: the phases it sees, the training\'s steps, loss and throughput from its heartbeats, a line per interval at most', async () => {
      const id = `cli-progress-${Date.now()}`;
      // Long enough for the follower to read the training a few times (heartbeats come every 10 s; 400 steps took as
      // little as 14 s, too short to be sure of one); few checkpoints and evaluations.
      const sets = ['training.max_steps=1000', 'training.save_steps=500', 'training.eval_steps=500'].flatMap((s) => ['--set', s]);
      const startedAt = Date.now();
      const run = await tempered(['run', 'tiny-support', '--wait', '--local-workers', '--id', id, ...sets], { TEMPORAL_ADDRESS: env.address });
      const wallS = (Date.now() - startedAt) / 1000;
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout, /\x1B\[/, 'no terminal control codes in a log');
      // Phases shorter than a poll (the planning, the tiny model's evaluation and deployment) are told when a later one is seen.
      const progress = run.stdout.split('\n').filter((l) => l.startsWith('phase '));
      const phases = progress.map((l) => Number(/^phase (\d)\//.exec(l)![1]));
      assert.deepEqual(phases, [...phases].sort(), `phases in order:\n${run.stdout}`);
      const told = [...new Set(phases)];
      assert.deepEqual(told, told.map((_, i) => i + 1), `no phase left out before the last one seen:\n${run.stdout}`);
      assert.ok(
        progress.some((l) => /^phase 3\/6 experiment: .*training \d+\/1000 steps \(\d+%\), loss \d+(\.\d+)?, (eval loss \d+(\.\d+)?, )?\d+ tokens\/s/.test(l)),
        `a training line with step, loss and throughput in:\n${run.stdout}`,
      );
      assert.ok(progress.length <= Math.ceil(wallS / 10) + PHASES.length, `${progress.length} lines in ${wallS} s`);
      assert.match(run.stdout, /Pipeline tiny-support: deployed/);
    });
  });
});
