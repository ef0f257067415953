import type { Hono } from 'hono';

/** Per-request values set by the middleware. */
export interface RequestVariables {
  requestId: string;
  /** The client's IP as far as we can tell (see TRUST_PROXY). */
  ip: string;
}

export type GatewayEnv = { Variables: RequestVariables };
export type GatewayApp = Hono<GatewayEnv>;

/** Finds the peer address of a request; differs between Node and Lambda. */
export type PeerAddress = (request: Request, env: unknown) => string | undefined;
