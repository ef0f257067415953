import type { ClientRecord, ClientRepository } from '../storage/ports.js';
import type { DocumentRequester } from './client-metadata-document.js';

/** Resolves a client id to a client: registered ones from storage, URLs as metadata documents. */
export interface ClientDirectory {
  /** Whether https client ids are resolved as metadata documents (advertised in RFC 8414 metadata). */
  readonly metadataDocumentsSupported: boolean;
  /**
   * The client, or undefined when unknown. A metadata document that cannot
   * be fetched, is invalid, is turned off, or is over the requester's fetch
   * budget throws `MetadataDocumentError` (an `OAuthError`).
   */
  find(clientId: string, requester: DocumentRequester): Promise<ClientRecord | undefined>;
}

/** What the directory needs of a Client ID Metadata Document resolver. */
export interface MetadataDocumentResolver {
  readonly enabled: boolean;
  isMetadataDocumentClientId(clientId: string): boolean;
  resolve(clientId: string, requester: DocumentRequester): Promise<ClientRecord>;
}

/**
 * Registered clients first; an https URL client id is resolved as a Client ID
 * Metadata Document when a resolver is given (and refused with a clear error
 * when the resolver is turned off, rather than looked up as an unknown id).
 * @see MCP 2025-11-25 authorization (client registration approaches)
 */
export function createClientDirectory(
  clients: ClientRepository,
  documents?: MetadataDocumentResolver,
): ClientDirectory {
  return {
    metadataDocumentsSupported: documents?.enabled === true,
    async find(clientId, requester) {
      if (clientId === '' || clientId.length > 2048) return undefined;
      if (documents?.isMetadataDocumentClientId(clientId) === true) {
        return documents.resolve(clientId, requester);
      }
      return clients.get(clientId);
    },
  };
}
