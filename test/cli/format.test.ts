import assert from 'node:assert/strict';
import { formatActivity, formatOutOfDomain } from '../../src/cli/format';

describe('the CLI\'s progress and result lines', () => {
  it('shows what the evaluation, readiness and export activities are doing from their heartbeats', () => {
    const line = (activity: string, details: Record<string, unknown>) => formatActivity({ activity, attempt: 1, details });
    assert.equal(line('evaluateModel', { done: 3, total: 24 }), 'evaluating 3/24');
    assert.equal(line('checkReadiness', { check: 'scalability.load', done: 2, total: 8 }), 'readiness scalability.load 2/8');
    assert.equal(line('exportBaseModel', { phase: 'exporting onnx' }), 'base model export: exporting onnx');
    assert.equal(line('exportModel', { phase: 'quantizing onnx' }), 'export: quantizing onnx');
    assert.equal(line('checkReadiness', { stage: 'download' }), null, 'nothing to show before the checks start');
  });

  it('puts the out-of-domain change with its interval and the relative drop against its limit', () => {
    const text = formatOutOfDomain({
      samples: 20,
      base: { token_f1: 0.5, loss: 2 },
      fineTuned: { token_f1: 0.4, loss: 2.3 },
      tokenF1Change: { difference: -0.1, lower: -0.15, upper: -0.05, pValue: 0.002 },
      relativeDrop: 0.2,
      maxRelativeDrop: 0.1,
      report: { uri: 'file:///x', sha256: '0'.repeat(64), size: 1 },
    });
    assert.equal(text, '20 questions, token F1 0.5 -> 0.4, change -0.1 [-0.15, -0.05] p=0.002; 20% drop (at most 10% allowed)');
  });
});
