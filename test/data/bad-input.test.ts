import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { collect, invalidDataMessage, jsonErrorOf, source, useTempDir, writeLines } from './helpers';

const GOOD_LINE = JSON.stringify({ messages: [{ role: 'user', content: 'Q?' }, { role: 'assistant', content: 'A.' }] });

describe('bad input', () => {
  const tempDir = useTempDir();

  it('reports invalid JSON with the file, the line and the parser’s reason', async () => {
    const file = writeLines(tempDir(), 'chat.jsonl', [GOOD_LINE, GOOD_LINE, '{"messages": [', GOOD_LINE]);
    assert.equal(await invalidDataMessage(source({ type: 'chat_jsonl', path: file })), `${file}:3: invalid JSON (${jsonErrorOf('{"messages": [')})`);
  });

  it('reports a line that is not a JSON object', async () => {
    const file = writeLines(tempDir(), 'chat.jsonl', [GOOD_LINE, '[1, 2]', '"text"', 'null']);
    assert.equal(
      await invalidDataMessage(source({ type: 'chat_jsonl', path: file })),
      [`${file}:2: expected a JSON object, got an array`, `${file}:3: expected a JSON object, got a string`, `${file}:4: expected a JSON object, got null`].join('\n'),
    );
  });

  it('reports invalid UTF-8 with its line and still checks the lines after it', async () => {
    const file = path.join(tempDir(), 'chat.jsonl');
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${GOOD_LINE}\n{"messages": "caf`), Buffer.from([0xe9]), Buffer.from('"}\n{bad\n')]));
    assert.equal(
      await invalidDataMessage(source({ type: 'chat_jsonl', path: file })),
      `${file}:2: invalid UTF-8; save the file as UTF-8\n${file}:3: invalid JSON (${jsonErrorOf('{bad')})`,
    );
  });

  it('reports invalid UTF-8 in a CSV file with its line', async () => {
    const file = path.join(tempDir(), 'faq.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('question,answer\nQ?,A.\nCaf'), Buffer.from([0xe9]), Buffer.from('?,Yes.\nQ2?,A2.\n')]));
    const { result, problems } = await collect(source({ type: 'faq_csv', path: file }));
    assert.deepEqual(problems.listed, [{ file, line: 3, message: 'invalid UTF-8; save the file as UTF-8' }]);
    assert.deepEqual(
      result.records.map((r) => r.source.line),
      [2, 4],
    );
  });

  it('reports a missing file', async () => {
    const file = path.join(tempDir(), 'nowhere.jsonl');
    assert.equal(await invalidDataMessage(source({ type: 'chat_jsonl', path: file })), `${file}: file not found`);
  });

  it('reports an empty file', async () => {
    for (const type of ['chat_logs', 'chat_jsonl', 'instruction_jsonl', 'faq_csv'] as const) {
      const file = writeLines(tempDir(), `empty-${type}`, []);
      assert.equal(await invalidDataMessage(source({ type, path: file })), `${file}: file is empty`, type);
    }
  });

  it('lists the first 10 problems and counts the rest', async () => {
    const file = writeLines(tempDir(), 'chat.jsonl', Array.from({ length: 25 }, () => '[]'));
    const message = await invalidDataMessage(source({ type: 'chat_jsonl', path: file }));
    const lines = message.split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[0], `${file}:1: expected a JSON object, got an array`);
    assert.equal(lines[9], `${file}:10: expected a JSON object, got an array`);
    assert.equal(lines[10], '... and 15 more (25 problems in total)');
  });
});
