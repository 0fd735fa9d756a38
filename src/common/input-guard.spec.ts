import { excerpt, inputProblems, stringProblem } from './input-guard';

describe('stringProblem', () => {
  it.each([
    ['plain text', 'Acme Corporation', undefined],
    ['emoji (a surrogate pair)', 'Acme 🦄', undefined],
    ['NUL', 'a\u0000b', expect.stringContaining('NUL')],
    ['a lone high surrogate', '\ud800x', expect.stringContaining('surrogate')],
    ['a lone low surrogate', 'x\udc00', expect.stringContaining('surrogate')],
    ['a reversed pair', '\udc00\ud800', expect.stringContaining('surrogate')],
    ['a high surrogate at the end', 'ok\ud83d', expect.stringContaining('surrogate')],
  ])('%s', (_label, text, expected) => {
    expect(stringProblem(text)).toEqual(expected);
  });
});

describe('inputProblems', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : [nested(depth - 1)]);

  it.each([
    ['a clean body', { name: 'x', tags: ['a', 'b'], n: 1, ok: true, none: null }, []],
    [
      'NUL in a nested string, named by its path',
      { versions: [{ package: 'a/b', version: '1\u0000' }] },
      ['versions.0.version'],
    ],
    ['__proto__ as a key', JSON.parse('{"__proto__": {"x": 1}}'), ['__proto__']],
    ['constructor as a nested key', { a: { constructor: 1 } }, ['a.constructor']],
    ['NUL in a key', { 'a\u0000': 1 }, ['a\u0000']],
    ['32 levels', { deep: nested(31) }, []],
    ['33 levels', { deep: nested(32) }, [expect.stringMatching(/^deep(\.0)+$/)]],
  ])('%s', (_label, value, fields) => {
    expect(inputProblems(value).map((problem) => problem.field)).toEqual(fields);
  });

  it('walks 100,000 levels without recursion', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 100_000; i += 1) value = [value];
    expect(inputProblems(value)).toHaveLength(1);
  });

  it('names a field by at most a couple of hundred characters', () => {
    const [problem] = inputProblems({ ['k'.repeat(10_000)]: '\u0000' });
    expect(problem.field.length).toBeLessThanOrEqual(201);
  });
});

describe('excerpt', () => {
  it.each([
    ['short text as is', 'abc', 100, 'abc'],
    ['long text cut with an ellipsis', 'x'.repeat(150), 100, `${'x'.repeat(100)}…`],
    ['never half a surrogate pair', `${'x'.repeat(99)}🦄`, 100, `${'x'.repeat(99)}…`],
  ])('%s', (_label, text, max, expected) => {
    expect(excerpt(text, max)).toBe(expected);
  });
});
