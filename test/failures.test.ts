import assert from 'node:assert/strict';
import { ArtifactIntegrityError, ArtifactNotFoundError, ForeignArtifactError } from '../src/artifacts/store';
import { RegistryContentionError } from '../src/activities/deployment/registry';
import { fail, FAILURES, NON_RETRYABLE_FAILURES, type FailureType } from '../src/failures';

describe('the failure catalogue', () => {
  it('builds failures retryable or not as listed, so retry policies and activities agree', () => {
    for (const type of Object.keys(FAILURES) as FailureType[]) {
      const failure = fail(type, 'what went wrong');
      assert.equal(failure.type, type);
      assert.equal(failure.nonRetryable, !FAILURES[type].retryable, type);
      assert.equal(NON_RETRYABLE_FAILURES.includes(type), !FAILURES[type].retryable, type);
      assert.ok(FAILURES[type].hint.length > 10, `${type} tells the user what to do`);
    }
  });

  it('lists the errors that stores and the registry raise under their own names', () => {
    const ref = { sha256: 'a'.repeat(64), size: 1 };
    const raised = [
      new ArtifactNotFoundError('file:///x', 'file:///'),
      new ArtifactIntegrityError('file:///x', ref, ref),
      new ForeignArtifactError('s3://b/x', 'file:///'),
      new RegistryContentionError('busy'),
    ];
    for (const err of raised) assert.ok(err.name in FAILURES, `${err.name} is catalogued`);
    assert.deepEqual(
      raised.map((e) => NON_RETRYABLE_FAILURES.includes(e.name as FailureType)),
      [true, true, true, false],
      'a missing or corrupt artifact is not retried; contention is',
    );
  });
});
