import type { ClientRecord, ClientRepository } from '../storage/ports.js';

/** Resolves a client id to a client: registered ones from storage, URLs as metadata documents. */
export interface ClientDirectory {
  /**
   * The client, or undefined when unknown. A metadata document that cannot
   * be fetched or is invalid throws `OAuthError('invalid_client')`.
   */
  find(clientId: string): Promise<ClientRecord | undefined>;
}

/** What the directory needs of a Client ID Metadata Document resolver. */
export interface MetadataDocumentResolver {
  isMetadataDocumentClientId(clientId: string): boolean;
  resolve(clientId: string): Promise<ClientRecord>;
}

/**
 * Registered clients first; an https URL client id is resolved as a Client ID
 * Metadata Document when a resolver is given.
 * @see MCP 2025-11-25 authorization (client registration approaches)
 */
export function createClientDirectory(
  clients: ClientRepository,
  documents?: MetadataDocumentResolver,
): ClientDirectory {
  return {
    async find(clientId) {
      if (clientId === '' || clientId.length > 2048) return undefined;
      if (documents?.isMetadataDocumentClientId(clientId) === true) {
        return documents.resolve(clientId);
      }
      return clients.get(clientId);
    },
  };
}
