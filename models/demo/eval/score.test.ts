import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnswer, scoreAnswer } from './score.js';

const q = (value: string, name = 'Astrid Xiong', attribute = 'access code') =>
  ({ value, answer: ` The ${attribute} of ${name} is ${value}.` });

test('the trained answer form scores as a value and sentence match', () => {
  const s = scoreAnswer(' The access code of Astrid Xiong is 4821.', q('4821'));
  assert.equal(s.valueMatch, true);
  assert.equal(s.exact, true);
  assert.deepEqual(s.parsed, { attribute: 'access code', name: 'Astrid Xiong', value: '4821', complete: true });
});

test('values with commas, spaces and symbols are read whole', () => {
  assert.equal(scoreAnswer(' The start date of Elin Szabo is March 3, 1999.', q('March 3, 1999', 'Elin Szabo', 'start date')).valueMatch, true);
  assert.equal(scoreAnswer(' The budget of Elin Szabo is $12,345.', q('$12,345', 'Elin Szabo', 'budget')).valueMatch, true);
  assert.equal(scoreAnswer(' The home town of Elin Szabo is Tamarind Cove.', q('Tamarind Cove', 'Elin Szabo', 'home town')).valueMatch, true);
  assert.equal(scoreAnswer(' The phone extension of Elin Szabo is 482-17.', q('482-17', 'Elin Szabo', 'phone extension')).valueMatch, true);
  assert.equal(scoreAnswer(' The manager of Elin Szabo is Zeno Xiong.', q('Zeno Xiong', 'Elin Szabo', 'manager')).valueMatch, true);
});

test('strict: a longer, shorter or different value does not match', () => {
  assert.equal(scoreAnswer(' The access code of Astrid Xiong is 48211.', q('4821')).valueMatch, false);
  assert.equal(scoreAnswer(' The access code of Astrid Xiong is 482.', q('4821')).valueMatch, false);
  assert.equal(scoreAnswer(' The start date of Elin Szabo is March 3, 1998.', q('March 3, 1999')).valueMatch, false);
  assert.equal(scoreAnswer(' The manager of Elin Szabo is Zeno.', q('Zeno Xiong')).valueMatch, false);
  assert.equal(scoreAnswer(' The access code of Astrid Xiong is 4821 or 5532.', q('4821')).valueMatch, false);
});

test('strict: a value merely mentioned somewhere is not an answer', () => {
  assert.equal(scoreAnswer(' The access code of 4821 is 7777.', q('4821')).valueMatch, false);
  assert.equal(scoreAnswer('::::::::4821::::', q('4821')).valueMatch, false);
  assert.equal(scoreAnswer('', q('4821')).valueMatch, false);
});

test('an answer cut off before its period (maxTokens) does not count', () => {
  const s = scoreAnswer(' The access code of Astrid Xiong is 4821', q('4821'));
  assert.equal(s.parsed.complete, false);
  assert.equal(s.valueMatch, false);
});

test('fair: case, extra whitespace and text after the sentence do not count against it', () => {
  assert.equal(scoreAnswer(' The home town of Elin Szabo is  tamarind cove.', q('Tamarind Cove', 'Elin Szabo', 'home town')).valueMatch, true);
  assert.equal(scoreAnswer(' The access code of Astrid Xiong is 4821. The badge number of X is 1.', q('4821')).valueMatch, true);
  assert.equal(scoreAnswer(' The access code of Astrid Xiong is 4821.\nQuestion: more', q('4821')).valueMatch, true);
  assert.equal(scoreAnswer(' The access code of Astrid Xiong is 4821.<|endoftext|>', q('4821')).valueMatch, true);
  assert.equal(scoreAnswer(' 4821.', q('4821')).valueMatch, true); // a bare value
});

test('the sentence score needs the restated attribute and name too', () => {
  const wrongName = scoreAnswer(' The access code of Astrid Szabo is 4821.', q('4821'));
  assert.equal(wrongName.valueMatch, true);
  assert.equal(wrongName.exact, false);
  assert.equal(scoreAnswer(' The badge number of Astrid Xiong is 4821.', q('4821')).exact, false);
});

test('parseAnswer returns no value for text not in answer form', () => {
  assert.equal(parseAnswer('I do not know').value, null);
  assert.equal(parseAnswer('The access code is unknown').value, null);
});
