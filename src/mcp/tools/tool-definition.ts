/**
 * The shape every Jira tool has, independent of the MCP SDK: the server
 * (src/mcp/server.ts) turns these into registered tools, the route peeks at
 * `scope` to answer step-up challenges, and tests can call `execute` directly.
 */
import type { z } from 'zod';
import type { JiraActor, JiraAuthMode } from '../../jira/person/personal-jira.js';
import { MarkdownLimitError } from '../../jira/adf/limits.js';
import type { Scope } from '../../oauth/scopes.js';
import type { FormElicitation, FormElicitationResult } from '../form-elicitation.js';
import { confineJira, type JiraApi } from './confined-jira.js';
import type { FieldCatalog } from './field-catalog.js';
import type { ProjectAllowList } from './project-allow-list.js';

/** Hints a client shows its user before a call; they must be true, not hopeful. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  /** Jira is outside this server: every tool reaches an open world. */
  openWorldHint: boolean;
}

/** Who is calling, as far as a tool may tell the model (no token, no secret). */
export interface ToolCaller {
  userId: string;
  username: string | null;
  clientId: string;
  scopes: Scope[];
}

/** What a tool needs to run one call. */
export interface ToolContext {
  /** The Jira client; `execute` hands `run` this client confined to `projects`. */
  jira: JiraApi;
  projects: ProjectAllowList;
  caller: ToolCaller;
  /** `READ_ONLY`: write tools are not offered at all. */
  readOnly: boolean;
  /**
   * Whose Jira account the call runs as (JIRA_AUTH) and, when known, that
   * account's site; absent means the shared service account.
   */
  jiraAccount?: { mode: JiraAuthMode; actor?: JiraActor | undefined };
  /** ATTACHMENT_MAX_BYTES: the most an attachment tool reads or sends; absent: the default. */
  attachmentMaxBytes?: number;
  /** Per-site field lists (field-catalog.ts); absent: the process-wide catalog. */
  fieldCatalog?: FieldCatalog;
  /**
   * Asks the person through the client (form-mode elicitation). Present only
   * when the client declared form elicitation to this process and the
   * gateway can carry the answer back (see src/mcp/form-elicitation.ts).
   */
  elicitForm?: (request: FormElicitation) => Promise<FormElicitationResult>;
}

/** A successful call: Markdown for the model, structured data matching the output schema. */
export interface ToolSuccess<O> {
  markdown: string;
  structured: O;
  /** The issue the call was about, for the audit trail. */
  issueKey?: string;
  /** Images sent after the Markdown as MCP image content (base64 `data`). */
  images?: { data: string; mimeType: string }[];
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  /** The scope a token needs for this tool to be listed and callable. */
  scope: Scope;
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  /** The issue key named by the input, if any; the audit trail records it. */
  issueKeyOf?: (input: z.output<I>) => string | undefined;
  run(input: z.output<I>, context: ToolContext): Promise<ToolSuccess<z.output<O>>>;
}

/** A tool with its input and output types erased, so tools of all shapes share one list. */
export interface JiraTool {
  name: string;
  scope: Scope;
  title: string;
  description: string;
  inputSchema: z.ZodObject;
  outputSchema: z.ZodObject;
  annotations: ToolAnnotations;
  /** The issue key named by raw arguments, when they parse; never throws. */
  issueKeyOf(args: unknown): string | undefined;
  /** Parses `args` with the input schema, then runs the tool. */
  execute(args: unknown, context: ToolContext): Promise<ToolSuccess<Record<string, unknown>>>;
}

/**
 * A problem with how the model used a tool (a project outside the
 * allow-list, contradictory arguments). It becomes a tool result with
 * `isError: true` and this message, so the model can correct itself.
 * @see MCP 2025-11-25 server/tools (Error Handling: tool execution errors)
 */
export class ToolUsageError extends Error {
  readonly code:
    | 'project_not_allowed'
    | 'no_visible_project'
    | 'invalid_arguments'
    /** A destructive call came without the person's confirmation (see confirm-destructive.ts). */
    | 'confirmation_required'
    /** The person declined or dismissed the confirmation request. */
    | 'confirmation_declined'
    /** A bounded per-process resource (attachment downloads) is in full use; retry later. */
    | 'busy';

  constructor(code: ToolUsageError['code'], message: string) {
    super(message);
    this.name = 'ToolUsageError';
    this.code = code;
  }
}

/**
 * Erases a tool's types behind {@link JiraTool}. Arguments are parsed once
 * more here (the SDK already validated them) so `run` gets exactly its
 * schema's output type without a cast, and `run` gets the Jira client
 * confined to the allowed projects, whoever built the context.
 * @see MCP 2025-11-25 server/tools (Calling Tools)
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  spec: ToolSpec<I, O>,
): JiraTool {
  return {
    name: spec.name,
    scope: spec.scope,
    title: spec.title,
    description: spec.description,
    inputSchema: spec.inputSchema,
    outputSchema: spec.outputSchema,
    annotations: spec.annotations,
    issueKeyOf(args: unknown): string | undefined {
      if (spec.issueKeyOf === undefined) return undefined;
      const parsed = spec.inputSchema.safeParse(args);
      return parsed.success ? spec.issueKeyOf(parsed.data) : undefined;
    },
    async execute(args: unknown, context: ToolContext) {
      const parsed = spec.inputSchema.safeParse(args);
      if (!parsed.success) {
        throw new ToolUsageError('invalid_arguments', `Invalid arguments: ${parsed.error.message}`);
      }
      // Every tool sees Jira only through the allow-list (see confined-jira.ts).
      const confined: ToolContext = {
        ...context,
        jira: confineJira(context.jira, context.projects),
      };
      try {
        return await spec.run(parsed.data, confined);
      } catch (error) {
        // Markdown past a conversion bound is the caller's to fix, like any bad argument.
        if (error instanceof MarkdownLimitError) {
          throw new ToolUsageError('invalid_arguments', error.message);
        }
        throw error;
      }
    },
  };
}
