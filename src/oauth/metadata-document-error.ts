/**
 * Why a Client ID Metadata Document gave no client, typed so that the error
 * page can say what the person or the administrator can do.
 */
import { OAuthError } from './errors.js';

/**
 * Why a metadata document gave no client: `disabled` (the setting is off),
 * `fetch_failed` (no usable answer from its URL), `invalid` (the document was
 * read but refused), `busy` (the requester's fetch budget is spent).
 */
export type MetadataDocumentProblem = 'disabled' | 'fetch_failed' | 'invalid' | 'busy';

/**
 * An `OAuthError('invalid_client')` (400) that also says which kind of
 * problem it is, so the error page can tell the person what to do; `busy`
 * is `temporarily_unavailable` (429, with `Retry-After`).
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4, §6
 */
export class MetadataDocumentError extends OAuthError {
  constructor(
    readonly problem: MetadataDocumentProblem,
    readonly clientId: string,
    description: string,
    retryAfterSeconds?: number,
  ) {
    super(
      problem === 'busy' ? 'temporarily_unavailable' : 'invalid_client',
      description,
      problem === 'busy'
        ? { status: 429, headers: { 'Retry-After': String(retryAfterSeconds ?? 60) } }
        : { status: 400 },
    );
    this.name = 'MetadataDocumentError';
  }
}

/**
 * A refusal of the document at `clientId`, its description quoting the URL
 * (cut short) and the reason.
 * @see draft-ietf-oauth-client-id-metadata-document-00 §4
 */
export function refused(
  problem: 'fetch_failed' | 'invalid',
  clientId: string,
  why: string,
): MetadataDocumentError {
  const shown = clientId.length > 200 ? `${clientId.slice(0, 200)}…` : clientId;
  return new MetadataDocumentError(
    problem,
    clientId,
    `The client metadata document ${JSON.stringify(shown)} was refused: ${why}.`,
  );
}
