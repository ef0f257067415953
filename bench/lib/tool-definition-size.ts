/**
 * What the tool definitions of `tools/list` cost a model, measured on the
 * real `/mcp` endpoint's answer (the SDK's JSON Schema of each zod schema),
 * in-process: no port, no Jira call.
 *
 * "Model characters" of a tool = the length of the compact JSON
 * `{"name":…,"description":…,"input_schema":…}`: the three things every
 * client puts into the model's context for each tool (the shape of
 * Anthropic's and OpenAI's tool parameters). Titles, output schemas and
 * annotations are on the wire but clients keep them for themselves; they
 * are reported apart (`wire` is the whole `tools/list` result).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/audit/audit-log.js';
import { SYSTEM_CLOCK } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { JiraClient } from '../../src/jira/client.js';
import { staticCredentialsProvider } from '../../src/jira/credentials.js';
import { createMcpEndpoint } from '../../src/mcp/mcp-endpoint.js';
import { SCOPES } from '../../src/oauth/scopes.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';

/** One tool as `tools/list` serves it (the fields this measure reads). */
export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: object;
  outputSchema?: object;
  annotations?: object;
}

export interface ToolDefinitionSize {
  tools: number;
  /** Sum of each tool's compact `{name, description, input_schema}` JSON. */
  modelChars: number;
  names: number;
  descriptions: number;
  inputSchemas: number;
  titles: number;
  outputSchemas: number;
  /** The whole `tools/list` result as served (compact JSON). */
  wire: number;
  /** The largest tools by model characters, largest first. */
  largest: { name: string; chars: number }[];
}

/** The model characters of one tool (see the module comment). */
export function modelChars(tool: ListedTool): number {
  return JSON.stringify({
    name: tool.name,
    description: tool.description ?? '',
    input_schema: tool.inputSchema,
  }).length;
}

/** Sizes of a `tools/list` result's tools. */
export function measureTools(tools: readonly ListedTool[], wire: number): ToolDefinitionSize {
  const json = (value: unknown): number => (value === undefined ? 0 : JSON.stringify(value).length);
  return {
    tools: tools.length,
    modelChars: tools.reduce((sum, t) => sum + modelChars(t), 0),
    names: tools.reduce((sum, t) => sum + t.name.length, 0),
    descriptions: tools.reduce((sum, t) => sum + (t.description ?? '').length, 0),
    inputSchemas: tools.reduce((sum, t) => sum + json(t.inputSchema), 0),
    titles: tools.reduce((sum, t) => sum + (t.title ?? '').length, 0),
    outputSchemas: tools.reduce((sum, t) => sum + json(t.outputSchema), 0),
    wire,
    largest: tools
      .map((t) => ({ name: t.name, chars: modelChars(t) }))
      .sort((a, b) => b.chars - a.chars)
      .slice(0, 5),
  };
}

/**
 * The `tools/list` a `jira:read jira:write` token gets from `/mcp` under
 * `env` (e.g. `{ TOOLSETS: 'all' }`), raw text and parsed tools.
 * @see MCP 2025-11-25 server/tools (Listing Tools)
 */
export async function listTools(
  env: Record<string, string>,
): Promise<{ text: string; tools: ListedTool[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-tool-size-'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...env });
  const storage = openSqliteStorage({ path: config.databasePath });
  try {
    const clock = SYSTEM_CLOCK;
    const endpoint = createMcpEndpoint({
      config,
      verifier: {
        verify: () =>
          Promise.resolve({
            userId: 'u',
            clientId: 'c',
            scopes: [SCOPES.read, SCOPES.write],
            resource: config.resource,
            expiresAt: clock.now() + 60_000,
          }),
      },
      // Never called: listing tools does not reach Jira.
      jira: new JiraClient({
        credentials: staticCredentialsProvider({
          baseUrl: 'http://127.0.0.1:9',
          email: 'x@example.test',
          apiToken: 'unused',
        }),
      }),
      audit: new AuditLog(storage.audit, clock, () => undefined),
      clock,
      log: () => undefined,
    });
    const response = await endpoint(
      new Request(config.resource, {
        method: 'POST',
        headers: {
          authorization: 'Bearer any',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      }),
    );
    const body = (await response.json()) as { result: { tools: ListedTool[] } };
    return { text: JSON.stringify(body.result), tools: body.result.tools };
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `listTools` then `measureTools`. */
export async function measureToolsets(env: Record<string, string>): Promise<ToolDefinitionSize> {
  const { text, tools } = await listTools(env);
  return measureTools(tools, text.length);
}

/**
 * The most model characters the default toolsets may cost (about 8,500
 * tokens at ~4 characters a token). A test fails past it: grow the
 * default set only by moving a tool to an opt-in toolset or by trimming
 * descriptions and schemas, and record the new sizes in BENCHMARKS.md.
 */
export const DEFAULT_SET_BUDGET_CHARS = 34_000;

/** Cursor offers a model at most 40 tools; `all` must stay within it. */
export const MAX_TOOLS = 40;
