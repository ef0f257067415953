/**
 * The part of oidc-provider's API the benchmark uses. The package ships no
 * type declarations; these cover only what bench/servers/ calls.
 * @see https://github.com/panva/node-oidc-provider/blob/main/docs/README.md
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type AdapterFactory = new (model: string) => Adapter;

  export interface ClientLike {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface TokenLike {
    clientId?: string;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenFormat?: 'opaque' | 'jwt';
    accessTokenTTL?: number;
  }

  export interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }

  export interface Configuration {
    adapter?: AdapterFactory;
    clients?: Record<string, unknown>[];
    routes?: Record<string, string>;
    scopes?: string[];
    pkce?: { required?: () => boolean };
    rotateRefreshToken?: boolean | (() => boolean);
    issueRefreshToken?: (ctx: unknown, client: ClientLike) => boolean | Promise<boolean>;
    expiresWithSession?: () => boolean;
    findAccount?: (ctx: unknown, sub: string) => Account | Promise<Account | undefined>;
    ttl?: Record<string, number>;
    cookies?: { keys: string[] };
    features?: Record<string, Record<string, unknown>>;
  }

  export interface SavedModel {
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    readonly Client: { find(id: string): Promise<ClientLike | undefined> };
    readonly Grant: new (init: { accountId: string; clientId: string }) => SavedModel & {
      addResourceScope(resource: string, scope: string): void;
    };
    readonly AuthorizationCode: new (init: Record<string, unknown>) => SavedModel;
    readonly RefreshToken: new (init: Record<string, unknown>) => SavedModel;
    readonly AccessToken: new (init: Record<string, unknown>) => SavedModel & {
      resourceServer: unknown;
    };
    readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => unknown;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };

  export default Provider;
}
