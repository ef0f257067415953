import { ALL_SCOPES } from './scopes.js';

/** Endpoint paths, relative to the issuer. */
export const OAUTH_PATHS = {
  authorize: '/authorize',
  login: '/authorize/login',
  consent: '/authorize/consent',
  token: '/token',
  register: '/register',
  revoke: '/revoke',
  introspect: '/introspect',
} as const;

export interface AuthorizationServerMetadataOptions {
  /**
   * Whether https client ids are fetched as Client ID Metadata Documents
   * (`CLIENT_METADATA_DOCUMENTS`). When false the metadata says so, and MCP
   * clients that can also register dynamically do that instead.
   */
  clientIdMetadataDocuments: boolean;
}

/**
 * The authorization server metadata document.
 * `issuer` is byte-identical to `PUBLIC_URL`, which strict clients compare
 * against the `iss` they receive.
 * @see RFC 8414 §2; RFC 9207 §3; MCP 2025-11-25 authorization (CIMD)
 */
export function authorizationServerMetadata(
  issuer: string,
  options: AuthorizationServerMetadataOptions = { clientIdMetadataDocuments: true },
): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: issuer + OAUTH_PATHS.authorize,
    token_endpoint: issuer + OAUTH_PATHS.token,
    registration_endpoint: issuer + OAUTH_PATHS.register,
    revocation_endpoint: issuer + OAUTH_PATHS.revoke,
    introspection_endpoint: issuer + OAUTH_PATHS.introspect,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: [
      'none',
      'client_secret_basic',
      'client_secret_post',
    ],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...ALL_SCOPES],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: options.clientIdMetadataDocuments,
    service_documentation: `${issuer}/`,
  };
}
