import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths';
import { useTempDir, writeLines } from './helpers';
import { lastJsonLine, tempered } from '../support/cli';

const japaneseFaq = path.join(projectRoot, 'test', 'fixtures', 'data', 'faq-ja.csv');


const readAudit = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('tempered data check', function () {
  this.timeout(60_000);
  const tempDir = useTempDir();

  it('checks a Japanese FAQ file: near-duplicate, full-width phone number, plain form among polite answers', async () => {
    const audit = path.join(tempDir(), 'audit.jsonl');
    const { code, stdout, stderr } = await tempered(['data', 'check', japaneseFaq, '--audit', audit, '--json']);
    assert.equal(code, 1, stderr); // 11 records kept, below the default min_examples of 20
    const summary = lastJsonLine(stdout);
    assert.deepEqual(summary.counts, { collected: 12, kept: 11, dropped: 1, redacted: 1, train: summary.counts.train, validation: summary.counts.validation, test: summary.counts.test });
    assert.equal(summary.counts.train + summary.counts.validation + summary.counts.test, 11);
    assert.deepEqual(
      summary.checks.filter((c: { passed: boolean }) => !c.passed).map((c: { measure: string }) => c.measure),
      ['examples'],
    );
    assert.deepEqual(
      readAudit(audit).map((a) => `${a.line} ${a.action} ${a.reason}${a.of ? ` of ${(a.of as { line: number }).line}` : ''}${a.kinds ? ` ${(a.kinds as string[]).join()}` : ''}`),
      ['5 dropped near_duplicate of 4', '9 redacted pii phone', '10 flagged register'],
    );
    assert.doesNotMatch(fs.readFileSync(audit, 'utf8'), /１２３４/);
  });

  it('infers each file\'s format from its extension and first record, and exits 0 when the data passes', async () => {
    const dir = tempDir();
    const answers = Array.from({ length: 12 }, (_, i) => `Answer ${i}: the ${['sofa', 'lamp', 'rug', 'desk'][i % 4]} in order ${4000 + i * 17} ships on ${['Monday', 'Friday', 'Sunday'][i % 3]} from depot ${i}.`);
    writeLines(dir, 'alpaca.jsonl', answers.slice(0, 4).map((a, i) => JSON.stringify({ instruction: `Instruction ${i}?`, output: a })));
    writeLines(dir, 'sharegpt.jsonl', answers.slice(4, 8).map((a, i) => JSON.stringify({ conversations: [{ from: 'human', value: `Human ${i}?` }, { from: 'gpt', value: a }] })));
    writeLines(dir, 'chat.jsonl', answers.slice(8).map((a, i) => JSON.stringify({ messages: [{ role: 'user', content: `User ${i}?` }, { role: 'assistant', content: a }] })));
    const spec = path.join(dir, 'check.yaml');
    fs.writeFileSync(
      spec,
      [
        'name: check-formats',
        'requirements: { business_objective: Check, target_users: Us }',
        'experiment: { name: check, base_model: "tiny:llama" }',
        'data:',
        '  sources:',
        '    - { type: instruction_jsonl, path: alpaca.jsonl }',
        '    - { type: sharegpt_jsonl, path: sharegpt.jsonl }',
        '    - { type: chat_jsonl, path: chat.jsonl }',
        '  quality: { min_examples: 10 }',
      ].join('\n'),
    );
    const bySpec = await tempered(['data', 'check', spec, '--json']);
    assert.equal(bySpec.code, 0, bySpec.stdout + bySpec.stderr);
    assert.equal(lastJsonLine(bySpec.stdout).counts.kept, 12);
    const byFiles = await tempered(['data', 'check', ...['alpaca.jsonl', 'sharegpt.jsonl', 'chat.jsonl'].map((f) => path.join(dir, f)), '--json']);
    assert.equal(lastJsonLine(byFiles.stdout).counts.collected, 12, 'the format of each file was recognised');
  });

  it('exits 2 on bad input, listing each problem with its file and line', async () => {
    const dir = tempDir();
    writeLines(dir, 'chat.jsonl', ['{"messages": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "A."}]}', '{"messages": [']);
    const { code, stdout } = await tempered(['data', 'check', path.join(dir, 'chat.jsonl'), '--json']);
    assert.equal(code, 2);
    const summary = lastJsonLine(stdout);
    assert.equal(summary.ok, false);
    assert.deepEqual(summary.problems.map((p: { line: number }) => p.line), [2]);
    const human = await tempered(['data', 'check', path.join(dir, 'chat.jsonl')]);
    assert.equal(human.code, 2);
    assert.match(human.stderr, /chat\.jsonl:2: invalid JSON/);
  });

  it('asks for --type when a file\'s format cannot be told', async () => {
    const dir = tempDir();
    writeLines(dir, 'notes.txt', ['hello']);
    const { code, stderr } = await tempered(['data', 'check', path.join(dir, 'notes.txt')]);
    assert.equal(code, 2);
    assert.match(stderr, /notes\.txt: \(spec\): cannot tell the format from the file name; pass --type faq_csv\|chat_logs\|chat\|instruction\|sharegpt/);
  });
});
