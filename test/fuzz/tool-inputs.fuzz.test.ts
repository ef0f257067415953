/**
 * Property-based fuzzing of every tool `tools/list` offers, called through
 * the real `/mcp` endpoint (the MCP SDK's server, the gateway's tools, the
 * Jira client) against the built-in sandbox as Jira. Arguments come from
 * each tool's published input schema: valid-shaped (with the sandbox's real
 * keys, users and names mixed in, so calls reach Jira) and invalid (wrong
 * types, missing and extra properties, huge strings, deep nesting), plus
 * hostile JQL and Markdown in the fields that take them.
 *
 * Property: every call answers within the hang guard with either a tool
 * result (success, or `isError` with a message the model can act on) or
 * the JSON-RPC error `-32602` (invalid params); never the gateway's
 * "unexpected error", never a logged fault, never a 5xx.
 *
 * Reproduce a failure: the assertion message prints `seed` and `path`; run
 *   FUZZ_SEED=<seed> FUZZ_PATH="<path>" npx vitest run test/fuzz/tool-inputs.fuzz.test.ts -t '<tool name>'
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../src/mcp/tools/catalog.js';
import { SANDBOX_USERS } from '../../src/sandbox/index.js';
import { FUZZ_MCP_URL, startFuzzMcp, type FuzzMcp } from '../helpers/fuzz-mcp.js';
import { adversarialJql, adversarialMarkdown, nastyString } from './fuzz-arbitraries.js';
import {
  checkCommon,
  checkJsonRpcResponse,
  countOutcome,
  exchange,
  fail,
  jsonBody,
  printOutcomes,
  type FuzzRequest,
} from './fuzz-checks.js';
import { fuzzParameters, fuzzTestTimeout, type FuzzBudget } from './fuzz-settings.js';
import {
  invalidArgumentsText,
  validValue,
  type Hints,
  type JsonSchema,
} from './schema-arbitrary.js';

/**
 * Every tool of the catalog: the fuzz MCP runs with TOOLSETS=all, so each
 * one is listed and fuzzed; the suite fails if tools/list stops offering one.
 */
const TOOL_NAMES: readonly string[] = ALL_TOOLS.map((tool) => tool.name);

const BUDGET: FuzzBudget = { runs: 30, timeMs: 3_000 };

const ISSUE_KEYS = fc.constantFrom(
  'DEMO-1',
  'DEMO-3',
  'DEMO-5',
  'DEMO-6',
  'DEMO-7',
  'DEMO-12',
  'OPS-1',
  'OPS-2',
  'demo-2',
  ' DEMO-4 ',
  'DEMO-999999',
  'NOPE-1',
);

const HINTS: Hints = {
  issueKey: ISSUE_KEYS,
  targetIssueKey: ISSUE_KEYS,
  parentKey: ISSUE_KEYS,
  projectKey: fc.constantFrom('DEMO', 'OPS', 'NOPE', 'demo'),
  transition: fc.constantFrom(
    '21',
    '31',
    '11',
    '41',
    'Done',
    'In Progress',
    'start progress',
    '999',
  ),
  accountId: fc.oneof(
    fc.constantFrom(...SANDBOX_USERS.map((u) => u.accountId), 'nobody'),
    fc.constant(null),
  ),
  assigneeAccountId: fc.constantFrom(...SANDBOX_USERS.map((u) => u.accountId), 'nobody'),
  issueType: fc.constantFrom('Task', 'Bug', 'Story', 'Epic', 'Sub-task', 'subtask', '10001'),
  priority: fc.constantFrom('High', 'Highest', 'Low', 'Lowest', 'medium', '1', '99'),
  linkType: fc.constantFrom(
    'Blocks',
    'is blocked by',
    'Relates',
    'relates to',
    'Duplicate',
    'clones',
  ),
  timeSpent: fc.constantFrom('1h', '30m', '1w 2d 3h 4m', '0m', '1.5h', '999999w', '0h'),
  jql: adversarialJql,
  body: adversarialMarkdown,
  description: adversarialMarkdown,
  comment: adversarialMarkdown,
  query: nastyString,
  nextPageToken: nastyString,
  // attachments: the sandbox's seeded files (DEMO-1), one unknown id, hostile names
  attachmentId: fc.constantFrom('10000', '10001', '10002', '99999'),
  fileName: fc.oneof(
    fc.constantFrom('checkout-button.png', 'design-review-notes.txt', 'notes.md', '../etc/passwd'),
    nastyString,
  ),
  content: fc.oneof(adversarialMarkdown, fc.constantFrom('aGVsbG8=', '!!not base64!!')),
  // collaboration: web links the sandbox accepts, and schemes it must refuse
  url: fc.oneof(
    fc.constantFrom(
      'https://example.com/runbook',
      'http://127.0.0.1:1/x?y=z#w',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ),
    nastyString,
  ),
};

const UNEXPECTED = 'The gateway hit an unexpected error';

let mcp: FuzzMcp;
let schemas: Map<string, JsonSchema>;
let nextId = 1;

function post(body: string): FuzzRequest {
  return {
    method: 'POST',
    url: FUZZ_MCP_URL,
    headers: {
      authorization: `Bearer ${mcp.token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-11-25',
    },
    body,
  };
}

beforeAll(async () => {
  mcp = await startFuzzMcp({ TOOLSETS: 'all' });
  const request = post('{"jsonrpc":"2.0","id":0,"method":"tools/list"}');
  const observed = await exchange(mcp.fetch, request);
  const listed = jsonBody(request, observed) as {
    result: { tools: { name: string; inputSchema: JsonSchema }[] };
  };
  schemas = new Map(listed.result.tools.map((t) => [t.name, t.inputSchema]));
});
afterAll(async () => {
  printOutcomes();
  await mcp.close();
});

describe('tools/call with arguments from each input schema (MCP 2025-11-25 server/tools)', () => {
  it('lists every tool of the gateway to a token with both scopes', () => {
    expect([...schemas.keys()].sort()).toEqual([...TOOL_NAMES].sort());
  });

  for (const name of TOOL_NAMES) {
    it(
      `${name}: answers a tool result or -32602 for any arguments, never an internal error`,
      async () => {
        const schema = schemas.get(name);
        if (schema === undefined) throw new Error(`${name} is not listed`);
        const argumentsText = fc.oneof(
          { weight: 3, arbitrary: validValue(schema, HINTS).map((v) => JSON.stringify(v)) },
          { weight: 2, arbitrary: invalidArgumentsText(schema, HINTS) },
        );
        await fc.assert(
          fc.asyncProperty(argumentsText, async (args) => {
            const id = nextId++;
            const request = post(
              `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${args}}}`,
            );
            const before = mcp.faults.length;
            const observed = await exchange(mcp.fetch, request);
            checkCommon(request, observed, { list: mcp.faults, before }, [mcp.token]);
            if (observed.status !== 200) fail(request, observed, `status ${observed.status}`);
            const answer = checkJsonRpcResponse(request, observed, jsonBody(request, observed));
            if (answer.error !== undefined) {
              countOutcome(name, `json-rpc ${answer.error}`);
              if (answer.error !== -32602) {
                fail(
                  request,
                  observed,
                  `JSON-RPC error ${answer.error}, not -32602 invalid params`,
                );
              }
              return;
            }
            const result = answer.result as {
              content?: { type: string; text?: string }[];
              isError?: boolean;
            };
            const text = result.content?.[0]?.text;
            if (typeof text !== 'string' || text === '') {
              fail(request, observed, 'a tool result without text content');
            }
            countOutcome(name, result.isError === true ? `error: ${text.slice(0, 24)}` : 'ok');
            if (result.isError === true && text.includes(UNEXPECTED)) {
              fail(request, observed, 'the tool hit an unexpected (internal) error');
            }
          }),
          fuzzParameters(BUDGET),
        );
      },
      fuzzTestTimeout(BUDGET),
    );
  }
});
