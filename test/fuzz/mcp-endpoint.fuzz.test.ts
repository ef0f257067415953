/**
 * Property-based fuzzing of `/mcp` on the whole gateway app (the token comes
 * from the real OAuth dance): arbitrary JSON-RPC messages and batches (wrong
 * types, huge ids, unknown methods, any params), arbitrary transport headers
 * (Accept, Content-Type, MCP-Protocol-Version, Origin, Authorization) and
 * methods. Property: no 5xx, no logged fault, an answer within the hang
 * guard, every error a JSON-RPC error object, no internal error (-32603),
 * and the bearer token never echoed.
 *
 * Reproduce a failure: the assertion message prints `seed` and `path`; run
 *   FUZZ_SEED=<seed> FUZZ_PATH="<path>" npx vitest run test/fuzz/mcp-endpoint.fuzz.test.ts
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_ISSUER } from '../helpers/gateway.js';
import { startFuzzGateway, type FuzzGateway } from '../helpers/fuzz-gateway.js';
import {
  adversarialMarkdown,
  anyBodyText,
  fieldText,
  headerValue,
  jsonKey,
  jsonText,
  nastyString,
  objectText,
} from './fuzz-arbitraries.js';
import {
  checkCommon,
  checkJsonRpcErrorObject,
  checkJsonRpcResponse,
  countOutcome,
  exchange,
  fail,
  jsonBody,
  printOutcomes,
  type FuzzRequest,
  type Observed,
} from './fuzz-checks.js';
import { fuzzParameters, fuzzTestTimeout, type FuzzBudget } from './fuzz-settings.js';

let fz: FuzzGateway;
beforeAll(async () => {
  fz = await startFuzzGateway();
});
afterAll(async () => {
  printOutcomes();
  await fz.close();
});

const BUDGET: FuzzBudget = { runs: 150, timeMs: 8_000 };
const MCP_URL = `${TEST_ISSUER}/mcp`;
const UNEXPECTED = 'The gateway hit an unexpected error';

const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'notifications/initialized',
  'notifications/cancelled',
  'resources/list',
  'resources/read',
  'prompts/list',
  'completion/complete',
  'logging/setLevel',
  'sampling/createMessage',
  'rpc.discover',
  '__proto__',
];

const id = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('0', '-1', '1e400', '9007199254740993', '1.5', 'null', 'true', '{}', '[]'),
  nastyString.map((s) => JSON.stringify(s)),
);

const toolName = fc.oneof(
  fc.constantFrom(
    'jira_whoami',
    'jira_get_issue',
    'jira_search_issues',
    'jira_add_comment',
    'jira_create_issue',
  ),
  nastyString,
);

const params = fc.oneof(
  // initialize
  fc
    .tuple(fieldText(['2025-11-25', '2025-06-18', '2024-11-05', '1999-01-01']), jsonText, jsonText)
    .map(([version, capabilities, clientInfo]) =>
      objectText([
        ['protocolVersion', version],
        ['capabilities', capabilities],
        ['clientInfo', clientInfo],
      ]),
    ),
  // tools/call
  fc
    .tuple(
      toolName,
      fc.oneof(
        jsonText,
        fc.constantFrom('{"issueKey":"DEMO-1"}', '{"jql":"project = DEMO"}', '{}'),
        adversarialMarkdown.map((body) => JSON.stringify({ issueKey: 'DEMO-1', body })),
      ),
      fc.option(jsonText, { nil: undefined }),
    )
    .map(([name, args, meta]) =>
      objectText([
        ['name', JSON.stringify(name)],
        ['arguments', args],
        ...(meta === undefined ? [] : [['_meta', meta] as [string, string]]),
      ]),
    ),
  jsonText,
);

/** A well-formed request a real client could send, with any params and arguments. */
const wellFormed = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map(String),
      fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    ),
    fc.constantFrom(...METHODS),
    fc.option(params, { nil: undefined }),
  )
  .map(([messageId, method, messageParams]) =>
    objectText([
      ['jsonrpc', '"2.0"'],
      ['id', messageId],
      ['method', JSON.stringify(method)],
      ...(messageParams === undefined ? [] : [['params', messageParams] as [string, string]]),
    ]),
  );

/** One JSON-RPC message (request, notification or junk) as text. */
const junkMessage = fc
  .tuple(
    fc.option(fieldText(['2.0']), { nil: undefined }),
    fc.option(id, { nil: undefined }),
    fc.option(fieldText(METHODS), { nil: undefined }),
    fc.option(params, { nil: undefined }),
    fc.array(fc.tuple(jsonKey, jsonText), { maxLength: 2 }),
  )
  .map(([jsonrpc, messageId, method, messageParams, extra]) => {
    const entries: [string, string][] = [];
    if (jsonrpc !== undefined) entries.push(['jsonrpc', jsonrpc]);
    if (messageId !== undefined) entries.push(['id', messageId]);
    if (method !== undefined) entries.push(['method', method]);
    if (messageParams !== undefined) entries.push(['params', messageParams]);
    return objectText([...entries, ...extra]);
  });

const message = fc.oneof(
  { weight: 3, arbitrary: wellFormed },
  { weight: 2, arbitrary: junkMessage },
);

const body = fc.oneof(
  { weight: 5, arbitrary: message },
  {
    weight: 2,
    arbitrary: fc.array(message, { maxLength: 6 }).map((items) => `[${items.join(',')}]`),
  },
  { weight: 2, arbitrary: anyBodyText },
);

/** A header: mostly what a well-behaved client sends, sometimes an odd or a random value. */
const header = (
  usual: string | undefined,
  odd: readonly (string | undefined)[],
): fc.Arbitrary<string | undefined> =>
  // Unbiased: fast-check's small-value bias would pick the odd values far more often than weighted.
  fc.noBias(
    fc.oneof(
      { weight: 40, arbitrary: fc.constant(usual) },
      { weight: 2, arbitrary: fc.constantFrom(...odd) },
      { weight: 1, arbitrary: headerValue },
    ),
  );

function parses(text: string | undefined): boolean {
  try {
    JSON.parse(text ?? '');
    return true;
  } catch {
    return false;
  }
}

/** Answers of `/mcp` with a JSON-RPC body: the SDK's and the gateway's own refusals. */
function checkMcpAnswer(request: FuzzRequest, observed: Observed): void {
  if (observed.status === 202 || observed.status === 204 || request.method === 'HEAD') {
    return;
  }
  if (observed.text === '') fail(request, observed, `an empty ${observed.status} answer`);
  const answer = jsonBody(request, observed);
  if (observed.status >= 400) {
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      fail(request, observed, 'an error answer that is not a JSON-RPC error object');
    }
    const code = checkJsonRpcErrorObject(
      request,
      observed,
      (answer as Record<string, unknown>)['error'],
    );
    if (code === -32603) fail(request, observed, 'an internal error (-32603)');
    // JSON-RPC 2.0 §5.1: -32700 is for invalid JSON only; valid JSON that is no request is -32600.
    if (code === -32700 && parses(request.body)) {
      fail(
        request,
        observed,
        'valid JSON answered with -32700 Parse error, not -32600 Invalid Request',
      );
    }
    return;
  }
  for (const response of Array.isArray(answer) ? answer : [answer]) {
    const checked = checkJsonRpcResponse(request, observed, response);
    if (checked.error === -32603) fail(request, observed, 'an internal error (-32603)');
    const text = (checked.result as { content?: { text?: unknown }[] } | undefined)?.content?.[0]
      ?.text;
    if (typeof text === 'string' && text.includes(UNEXPECTED)) {
      fail(request, observed, 'a tool hit an unexpected (internal) error');
    }
  }
}

describe('/mcp (MCP 2025-11-25 transports, JSON-RPC 2.0)', () => {
  it(
    'answers any JSON-RPC message or batch, with any transport headers, without a fault',
    async () => {
      const token = fz.mcpTokens.accessToken;
      await fc.assert(
        fc.asyncProperty(
          body,
          fc.record({
            method: fc.noBias(
              fc.oneof(
                { weight: 30, arbitrary: fc.constant('POST') },
                {
                  weight: 1,
                  arbitrary: fc.constantFrom('GET', 'DELETE', 'HEAD', 'OPTIONS', 'PUT'),
                },
              ),
            ),
            authorization: fc.noBias(
              fc.oneof(
                { weight: 30, arbitrary: fc.constant(`Bearer ${token}`) },
                {
                  weight: 1,
                  arbitrary: fc.constantFrom(
                    undefined,
                    `bearer ${token}`,
                    `Bearer  ${token}`,
                    `Bearer ${token} x`,
                    `Bearer ${fz.mcpTokens.refreshToken}`,
                    `Basic ${token}`,
                    'Bearer',
                  ),
                },
                { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
              ),
            ),
            accept: header('application/json, text/event-stream', [
              'application/json',
              'text/event-stream',
              '*/*',
              undefined,
            ]),
            'content-type': header('application/json', [
              'application/json; charset=utf-8',
              'APPLICATION/JSON',
              'text/plain',
              undefined,
            ]),
            'mcp-protocol-version': header('2025-11-25', [
              '2025-06-18',
              '2025-03-26',
              '2024-11-05',
              undefined,
            ]),
            origin: header(undefined, [
              TEST_ISSUER,
              'null',
              'http://localhost:6274',
              'https://evil.test',
            ]),
            'mcp-session-id': header(undefined, ['abc', '']),
          }),
          async (text, { method, ...headers }) => {
            const request: FuzzRequest = {
              method,
              url: MCP_URL,
              headers: Object.fromEntries(
                Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
              ),
              ...(method === 'GET' || method === 'HEAD' ? {} : { body: text }),
            };
            const before = fz.faults.length;
            const observed = await exchange(fz.gw.fetch, request);
            countOutcome('/mcp', String(observed.status));
            checkCommon(request, observed, { list: fz.faults, before }, [
              token,
              fz.mcpTokens.refreshToken,
            ]);
            checkMcpAnswer(request, observed);
          },
        ),
        fuzzParameters(BUDGET),
      );
    },
    fuzzTestTimeout(BUDGET),
  );
});
