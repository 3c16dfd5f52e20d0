import assert from 'node:assert/strict';
import path from 'node:path';
import { workDirName, type ActivityIdentity } from '../../src/activities/trainer/work-dir';

describe('activity work directory names', () => {
  const base: ActivityIdentity = { workflowId: 'tiny-auto-1', runId: '0b6c1c52-5a0e-4b8e-9d55-0f1d8e0c2a11', activityId: '7' };

  it('tells apart workflow ids that sanitize to the same text', () => {
    assert.notEqual(workDirName({ ...base, workflowId: 'a:b' }, 'fine-tune'), workDirName({ ...base, workflowId: 'a_b' }, 'fine-tune'));
  });

  it('is one plain folder name, whatever the ids hold', () => {
    for (const workflowId of ['..', '../../etc', 'a/../../b', '/abs/path', 'a\\..\\b', '']) {
      const name = workDirName({ ...base, workflowId, activityId: '../..' }, '../kind');
      assert.equal(path.basename(name), name, `${JSON.stringify(workflowId)} gives a name with a separator: ${name}`);
      assert.ok(!name.includes('..'), `${JSON.stringify(workflowId)} gives a name with '..': ${name}`);
      assert.match(name, /^[A-Za-z0-9_-]+$/);
      assert.equal(path.resolve('/state/work', name), path.join('/state/work', name));
    }
  });

  it('is the same for the same activity, so a retry finds what its previous attempt left', () => {
    assert.equal(workDirName({ ...base }, 'fine-tune'), workDirName({ ...base }, 'fine-tune'));
  });

  it('differs for another run of the workflow, another activity or another kind', () => {
    const name = workDirName(base, 'fine-tune');
    assert.notEqual(workDirName({ ...base, runId: 'another-run' }, 'fine-tune'), name);
    assert.notEqual(workDirName({ ...base, activityId: '8' }, 'fine-tune'), name);
    assert.notEqual(workDirName(base, 'evaluate-base'), name);
  });

  it('does not let ids run into each other', () => {
    assert.notEqual(workDirName({ workflowId: 'ab', runId: 'c', activityId: '1' }, 'k'), workDirName({ workflowId: 'a', runId: 'bc', activityId: '1' }, 'k'));
  });

  it('starts with a readable, bounded prefix of the workflow id and the kind', () => {
    assert.match(workDirName({ ...base, workflowId: 'tiny:auto/1' }, 'fine-tune'), /^tiny_auto_1-fine-tune-[0-9a-f]{16}$/);
    assert.ok(workDirName({ ...base, workflowId: 'x'.repeat(500) }, 'fine-tune').length < 80);
    assert.match(workDirName({ runId: 'r', activityId: '1' }, 'evaluate-base'), /^standalone-evaluate-base-[0-9a-f]{16}$/);
  });
});
