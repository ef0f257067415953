/**
 * The one gate every destructive or irreversible tool call passes before its
 * Jira write (delete a link, close a sprint, remove a watcher): the person,
 * not only the model, must have agreed to it.
 *
 * - The client declared form elicitation and the gateway can carry its
 *   answer back (`context.elicitForm`): the person is asked in the client,
 *   whatever `confirm` says (the model cannot answer for them). Accept with
 *   the box ticked proceeds; decline, cancel or an unticked box is
 *   `confirmation_declined`; no answer in time, or no room to ask (too
 *   many forms waiting, the call's stream gone), is `confirmation_required`.
 *   If the client cannot show the form after all (it answered with an
 *   error, or the answer reached another process), the rule below applies.
 * - Otherwise the call proceeds only with `confirm: true`, which the model
 *   is told to send only after the person said yes in the conversation.
 */
import { z } from 'zod';
import { ToolUsageError, type ToolContext } from './tool-definition.js';

/** The input field every destructive tool adds to its input schema (under the key `confirm`). */
export const CONFIRM_FIELD = z
  .boolean()
  .optional()
  .describe(
    'Set to true only after the person explicitly confirmed this action in the conversation. ' +
      'Without it, the call is refused and nothing changes.',
  );

/** What a destructive tool asks the person to confirm. */
export interface ConfirmationRequest {
  /** One sentence saying what will happen, e.g. "Delete the link DEMO-1 blocks DEMO-2". */
  summary: string;
  /** The tool's `confirm` argument. */
  confirm: boolean | undefined;
}

/** The form field the person ticks; the only field of the confirmation form. */
export const CONFIRM_FORM_FIELD = 'confirm';

function required(summary: string): ToolUsageError {
  return new ToolUsageError(
    'confirmation_required',
    `This action needs the person's confirmation: ${summary}. ` +
      'Nothing was changed. Ask the person whether to go ahead; if they agree, ' +
      'call this tool again with the same arguments and "confirm": true.',
  );
}

/**
 * Resolves when the person confirmed the destructive action; throws
 * `ToolUsageError('confirmation_required')` when nobody did (the model asks
 * the person and calls again with `confirm: true`) and
 * `ToolUsageError('confirmation_declined')` when the person said no. Call it
 * after the arguments are validated and before any write.
 * @see MCP 2025-11-25 client/elicitation (Form Mode); MCP 2025-11-25 server/tools (Security Considerations)
 */
export async function confirmDestructive(
  context: ToolContext,
  request: ConfirmationRequest,
): Promise<void> {
  const summary = request.summary.replace(/\.\s*$/, '');
  if (context.elicitForm !== undefined) {
    const answer = await context.elicitForm({
      message: `${summary}. This cannot be undone. Go ahead?`,
      requestedSchema: {
        type: 'object',
        properties: {
          [CONFIRM_FORM_FIELD]: {
            type: 'boolean',
            title: 'Yes, do it',
            description: summary,
            default: false,
          },
        },
        required: [CONFIRM_FORM_FIELD],
      },
    });
    if (answer.action === 'accept') {
      if (answer.content[CONFIRM_FORM_FIELD] === true) return;
      throw declined(summary);
    }
    if (answer.action === 'decline' || answer.action === 'cancel') throw declined(summary);
    if (answer.action === 'busy') {
      // The client can show forms, so `confirm: true` must not stand in for
      // one it could not be sent (a full table is no proof of consent).
      throw new ToolUsageError(
        'confirmation_required',
        `The confirmation request could not be shown now: ${summary}. Nothing was changed. ` +
          'Finish or cancel the other confirmations first, then call again.',
      );
    }
    if (answer.action === 'timeout') {
      throw new ToolUsageError(
        'confirmation_required',
        `Nobody answered the confirmation request in time: ${summary}. Nothing was changed. ` +
          'Ask the person whether to go ahead before calling again.',
      );
    }
  }
  if (request.confirm === true) return;
  throw required(summary);
}

function declined(summary: string): ToolUsageError {
  return new ToolUsageError(
    'confirmation_declined',
    `The person declined: ${summary}. Nothing was changed. Do not try again unless they ask.`,
  );
}
