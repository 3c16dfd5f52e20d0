import { describeTrial } from '../../pipeline/sweep';
import { count, duration, num } from '../format';
import { html, keyValues, table, type Html } from '../html';
import type { RunSection, TrainingSection } from '../report-model';
import { lineChart } from '../svg-charts';
import { absent, section, whyAbsent } from './reach';

export function trainingSection(run: RunSection, training: TrainingSection | null): Html {
  if (!training) return section('training', '3 Training', absent(whyAbsent(run, 'experiment')));
  const r = training.result;
  const chart = training.curve
    ? lineChart({
        id: 'chart-loss',
        title: 'Training and validation loss by step',
        xLabel: 'step',
        yLabel: 'loss',
        series: [
          { name: 'training', points: training.curve.train, color: '#0969da' },
          { name: 'validation', points: training.curve.validation, color: '#cf222e', markers: true },
        ],
      })
    : null;
  const curveNote = training.curve
    ? chart
      ? html``
      : absent('The trainer logged no loss to draw.')
    : absent(r ? 'No loss curve was stored for this training (a run from before loss curves, or one whose curve could not be read).' : 'The loss curve is stored when training ends.');
  const live = training.live;
  return section('training', '3 Training', [
    live
      ? html`<p class="live">Training now: step ${live.step ?? '?'} of ${live.totalSteps ?? '?'}, loss ${num(live.loss)}${live.evalLoss !== null ? `, validation loss ${num(live.evalLoss)}` : ''}${live.phase ? ` (${live.phase})` : ''}.</p>`
      : html``,
    r
      ? keyValues([
          ['steps', count(r.steps)],
          ['mean training loss', num(r.trainLoss)],
          ['last step\'s loss', num(r.finalLoss)],
          ['best validation loss', r.bestEvalLoss === null ? 'none (no validation split)' : `${num(r.bestEvalLoss)}${r.bestStep !== null ? ` at step ${r.bestStep}` : ''}`],
          ['early stopped', r.earlyStopped ? 'yes' : 'no'],
          ['resumed from a checkpoint', r.resumedFromStep === null ? 'no' : `step ${r.resumedFromStep}`],
        ])
      : live
        ? html``
        : absent(whyAbsent(run, 'experiment')),
    chart ?? curveNote,
    training.estimate
      ? [
          html`<h3>Estimate and actual</h3>`,
          table(
            ['', 'steps', 'time'],
            [
              [`estimated on ${training.estimate.hardware}`, count(training.estimate.steps), training.estimate.seconds === null ? 'unknown' : duration(training.estimate.seconds)],
              ...(training.estimate.actual
                ? [['actual', count(training.estimate.actual.actualSteps), `${duration(training.estimate.actual.actualS)}${training.estimate.actual.ratio !== null ? ` (${num(training.estimate.actual.ratio, 2)} x the estimate)` : ''}`]]
                : []),
            ],
            { numeric: [1, 2] },
          ),
          html`<ul class="notes">${training.estimate.notes.map((n) => html`<li>${n}</li>`)}</ul>`,
        ]
      : html``,
    training.sweep
      ? [
          html`<h3>Sweep (${training.sweep.strategy}), ranked by validation loss</h3>`,
          table(
            ['trial', 'values', 'state', 'steps', 'training loss', 'validation loss'],
            training.sweep.trials.map((t) => [
              `${t.index}${t.index === training.sweep!.bestTrial ? ' (best)' : ''}`,
              describeTrial(t.params),
              t.error ? `${t.state}: ${t.error}` : t.state,
              count(t.steps),
              num(t.trainLoss),
              num(t.bestEvalLoss),
            ]),
            { numeric: [3, 4, 5] },
          ),
        ]
      : html``,
    training.forgetting
      ? [
          html`<h3>Forgetting guard</h3>`,
          keyValues([
            ['general held-out loss before / after', `${num(training.forgetting.heldOutLossBefore)} / ${num(training.forgetting.heldOutLossAfter)}`],
            ['replay examples mixed in', count(training.forgetting.replayExamples)],
          ]),
        ]
      : html``,
  ]);
}
