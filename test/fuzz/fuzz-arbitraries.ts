/**
 * Input generators shared by the fuzz suites: hostile strings, JSON text
 * (built as text, so duplicate and `__proto__` keys, huge numbers and deep
 * nesting reach the parser exactly as sent), form bodies, header values and
 * Basic credentials.
 */
import fc from 'fast-check';

/** Characters that break parsers, encoders, HTML, URLs, JQL and Markdown. */
const HOSTILE_CHARS = [
  '\r',
  '\n',
  '\0',
  '\t',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '\u{1f600}',
  'İ',
  'ß',
  'ﬁ',
  '%',
  '%00',
  '%0d%0a',
  '%ZZ',
  '%E0%A4%A',
  '&',
  '=',
  '+',
  ';',
  ',',
  ':',
  '"',
  "'",
  '`',
  '<',
  '>',
  '\\',
  '/',
  '../',
  '#',
  '?',
  ' ',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '~',
  '*',
  '_',
  '|',
  '!',
  '$',
  '^',
  '-',
  'a',
  'Z',
  '0',
  '9',
] as const;

/** Whole values that code tends to special-case. */
const HOSTILE_VALUES = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  'true',
  '[]',
  '{}',
  '%',
  '%ZZ',
  '\ud800',
  'a\0b',
  'a\r\nSet-Cookie: x=1',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  'project = DEMO OR project != DEMO',
  'text ~ "\\"" ORDER BY key',
  '${jndi:ldap://127.0.0.1/a}',
  'javascript:alert(1)',
  'http://127.0.0.1:1/x',
  'https://127.0.0.1:1/cimd.json',
  'https://[::1]/client',
  '//evil.test/cb',
  'DEMO-1',
  'demo-1',
  'DEMO',
] as const;

/** A long run of one hostile pattern (sizes around the body and field limits). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('x', '[', '(', '*', '> ', '- ', '`', '&', '%', '\\', '\u{1f600}', 'a b ', '\n'),
    fc.constantFrom(300, 4_001, 16_500, 32_001, 70_000),
  )
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** A short string mixing hostile characters with ordinary ones. */
export const hostileChars: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom(...HOSTILE_CHARS),
  maxLength: 24,
});

/** Any string a client could send in a text field, weighted towards trouble. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileChars },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: hugeString },
);

/** Numbers as JSON text, including ones JavaScript cannot hold exactly. */
export const jsonNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom(
    '0',
    '-0',
    '1e400',
    '-1e400',
    '1e-400',
    '9007199254740993',
    '123456789012345678901234567890',
    '0.1',
    '1E2',
    '-1',
  ),
);

/** A JSON object as text from `[key, valueText]` entries; keys may repeat or be `__proto__`. */
export function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

export const jsonKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', ''),
  nastyString,
  fc.string({ maxLength: 8 }),
);

/** Nesting deep enough to overflow a recursive walker (arrays, objects or both). */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('array', 'object', 'mixed'), fc.constantFrom(64, 1_000, 5_000, 60_000))
  .map(([kind, depth]) => {
    if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${'{"a":['.repeat(depth / 2)}0${']}'.repeat(depth / 2)}`;
  });

/** A huge array of small values. */
export const hugeArrayText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('1', '"a"', 'null', '{}', '[]'), fc.constantFrom(1_000, 20_000, 200_000))
  .map(([item, count]) => `[${new Array<string>(count).fill(item).join(',')}]`);

/** Any JSON value as text, with hostile strings, numbers and keys. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false'),
    jsonNumberText,
    nastyString.map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(jsonKey, tie('value')), { maxLength: 5 }).map(objectText),
  ),
})).value;

/** JSON text, deep or huge JSON, or text that is not JSON at all. */
export const anyBodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: jsonText },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: hugeArrayText },
  { weight: 1, arbitrary: jsonText.map((text) => text.slice(0, Math.max(0, text.length - 1))) },
  { weight: 1, arbitrary: nastyString },
);

/**
 * A value for a field whose valid values are `valid`: mostly a valid one,
 * else a hostile string, else any JSON (as text).
 */
export function fieldText(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...valid).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: nastyString.map((s) => JSON.stringify(s)) },
    { weight: 2, arbitrary: jsonText },
  );
}

/** One form field: a known name (sometimes repeated) or any name, with any value. */
export function formPairs(
  fields: Readonly<Record<string, fc.Arbitrary<string>>>,
): fc.Arbitrary<[string, string][]> {
  const known = Object.entries(fields).map(([name, value]) =>
    value.map((v): [string, string] => [name, v]),
  );
  return fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.oneof(...known) },
      { weight: 1, arbitrary: fc.tuple(nastyString, nastyString) },
    ),
    { maxLength: 10 },
  );
}

/** A form body: well-encoded pairs, or raw text that is not a well-formed form. */
export function formBody(pairs: fc.Arbitrary<[string, string][]>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: pairs.map((list) => new URLSearchParams(list).toString()) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%ZZ=1', '&&&', '=', '==&=', 'a=%E0%A4%A', '+++', ''),
    },
    { weight: 1, arbitrary: nastyString },
  );
}

/** Characters a header value may hold (a Headers object refuses CR, LF and NUL). */
const headerValueChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\t', '\u00e9', '\u00ff', '%', '"', ',', ';', '='),
);

/** Any value a header could carry over HTTP/1.1. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: headerValueChar, maxLength: 40 }),
  fc.constantFrom('', ' ', 'null', '*', 'x'.repeat(8_000)),
);

/** `text` with lone surrogates replaced, so `encodeURIComponent` cannot throw on it. */
export function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\ufffd');
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * `Authorization` header values: Basic with good and bad credentials (bad
 * base64, no colon, several colons, percent-encoding, a secret in the
 * wrong place), Bearer, other schemes, junk.
 */
export function authorizationHeader(
  known: readonly { id: string; secret: string }[],
): fc.Arbitrary<string | undefined> {
  const id = fc.oneof(fc.constantFrom(...known.map((k) => k.id)), nastyString);
  const secret = fc.oneof(fc.constantFrom(...known.map((k) => k.secret)), nastyString);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(id, secret)
        .map(
          ([i, s]) =>
            `Basic ${base64(`${encodeURIComponent(wellFormed(i))}:${encodeURIComponent(wellFormed(s))}`)}`,
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          id,
          secret,
          fc.constantFrom(':', '::', ''),
          fc.constantFrom('Basic ', 'basic ', 'BASIC  '),
        )
        .map(([i, s, sep, scheme]) => `${scheme}${base64(`${i}${sep}${s}`)}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('Basic ', 'Basic', 'Bearer ', 'Digest ', ''), headerValue)
        .map(([scheme, rest]) => `${scheme}${rest}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Basic !!!!',
        'Basic ====',
        'Basic Og==',
        'Basic OjpfOg==',
        `Basic ${base64('%:%')}`,
        `Basic ${base64('%ZZ:x')}`,
        `Basic ${base64('a:%E0%A4%A')}`,
        'Basic',
        'Basic ',
      ),
    },
  );
}

/** Markdown that stresses a converter: deep nesting, unclosed markers, long runs, tables, HTML. */
export const adversarialMarkdown: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        '*',
        '**',
        '_',
        '`',
        '```',
        '~~',
        '[',
        '](',
        '![',
        '> ',
        '- ',
        '1. ',
        '#',
        '|',
        '\\',
        '<',
        '&amp;',
        '[a](',
        '[a](b)',
        '**a',
        '*a*',
        '`a',
        '\n',
        '\n\n',
        '  ',
        '\t',
        '---\n',
        'http://x.test/',
        '\u{1f600}',
        '\u0301',
      ),
      fc.constantFrom(1, 10, 100, 1_000, 5_000, 16_000),
    )
    .map(([unit, count]) => unit.repeat(count).slice(0, 32_000)),
  fc
    .tuple(fc.constantFrom('- ', '> ', '1. ', '* '), fc.constantFrom(50, 500, 3_000))
    .map(([marker, depth]) =>
      Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}${marker}x`)
        .join('\n')
        .slice(0, 32_000),
    ),
  fc
    .tuple(fc.constantFrom(10, 200, 1_000), fc.constantFrom(2, 50, 300))
    .map(([rows, cols]) =>
      [
        `|${' h |'.repeat(cols)}`,
        `|${'---|'.repeat(cols)}`,
        ...Array.from({ length: rows }, () => `|${' c |'.repeat(cols)}`),
      ]
        .join('\n')
        .slice(0, 32_000),
    ),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '# h',
          '- item',
          '1. item',
          '> quote',
          '```js',
          '```',
          '**bold**',
          '_it_',
          '`code`',
          '[link](https://example.test)',
          '![img](x.png)',
          '| a | b |',
          '|---|---|',
          '<b>html</b>',
          '---',
          '',
        ),
        nastyString,
      ),
      { maxLength: 30 },
    )
    .map((lines) => lines.join('\n').slice(0, 32_000)),
);

/** JQL that stresses a parser: injection characters, deep parentheses, long chains, bad quoting. */
export const adversarialJql: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'project = DEMO',
    'project = DEMO ORDER BY created DESC',
    'text ~ "checkout"',
    'assignee = currentUser()',
    'project = "DEMO',
    'project = DEMO"',
    'summary ~ "\\"" OR 1=1',
    "summary ~ '\\'",
    'key in (DEMO-1, DEMO-2,)',
    'ORDER BY',
    'project in ()',
    'status WAS "Done"',
    'cf[10000] = 1',
    'issuekey = DEMO-1; DROP TABLE issues',
    'project = DEMO AND',
    'NOT NOT NOT project = DEMO',
    '',
    ' ',
  ),
  fc
    .tuple(
      fc.constantFrom('(', 'NOT ', 'project = DEMO AND ', 'key = DEMO-1 OR '),
      fc.constantFrom(50, 500, 2_000),
    )
    .map(([unit, count]) => `${unit.repeat(count)}project = DEMO`.slice(0, 4_000)),
  fc.constantFrom(10, 1_990).map((n) => `${'('.repeat(n)}project = DEMO${')'.repeat(n)}`),
  nastyString.map((s) => `summary ~ "${s}"`.slice(0, 4_000)),
  nastyString.map((s) => s.slice(0, 4_000)),
);

/** Marks a field a case leaves out. */
export const OMIT = Symbol('omit');

/**
 * A field of a mostly valid request: usually `valid`, sometimes a hostile
 * value, sometimes left out. Unbiased, so the weights hold (fast-check's
 * small-value bias would otherwise favour the odd branches).
 */
export function mostly<T>(
  valid: fc.Arbitrary<T>,
  hostile: fc.Arbitrary<T>,
): fc.Arbitrary<T | typeof OMIT> {
  return fc.noBias(
    fc.oneof(
      { weight: 16, arbitrary: valid },
      { weight: 1, arbitrary: hostile },
      { weight: 1, arbitrary: fc.constant(OMIT) },
    ),
  );
}

/**
 * Form pairs from a mostly valid base: each field per {@link mostly}, then
 * now and then a repeated field or extra pairs, and the order shuffled.
 */
export function mutatedPairs(
  fields: Readonly<Record<string, fc.Arbitrary<string | typeof OMIT>>>,
): fc.Arbitrary<[string, string][]> {
  return fc
    .tuple(
      fc.record(fields),
      fc.array(fc.tuple(fc.constantFrom(...Object.keys(fields)), nastyString), { maxLength: 2 }),
      fc.array(fc.tuple(nastyString, nastyString), { maxLength: 2 }),
      fc.noBias(fc.nat(9)),
    )
    .map(([base, repeated, extra, dice]) => {
      const pairs = Object.entries(base).filter((e): e is [string, string] => e[1] !== OMIT);
      // Most cases keep the base alone, so the code behind the validation is reached.
      if (dice < 7) return pairs;
      return [...pairs, ...repeated, ...extra];
    });
}
