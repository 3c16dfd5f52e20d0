import assert from 'node:assert/strict';
import { cpuSessionOptions } from '../../src/inference/session-options';

describe('CPU session options', () => {
  it('keep idle threads from spinning unless asked, one operator at a time on the given threads', () => {
    const spin = (options: ReturnType<typeof cpuSessionOptions>) => (options.extra as { session: { intra_op: { allow_spinning: string } } }).session.intra_op.allow_spinning;
    const shared = cpuSessionOptions({ threads: 2 });
    assert.equal(spin(shared), '0');
    assert.deepEqual([shared.intraOpNumThreads, shared.interOpNumThreads, shared.executionMode], [2, 1, 'sequential']);
    assert.equal(spin(cpuSessionOptions({ threads: 2, spinning: true })), '1');
  });
});
