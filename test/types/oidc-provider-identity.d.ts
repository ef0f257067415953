/**
 * The settings of oidc-provider that the identity suites use beyond what
 * bench/types/oidc-provider.d.ts declares (the package ships no types).
 * Merged into that declaration.
 * @see https://github.com/panva/node-oidc-provider/blob/main/docs/README.md
 */
declare module 'oidc-provider' {
  interface Configuration {
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    loadExistingGrant?: (ctx: unknown) => Promise<unknown>;
  }
  interface SavedModel {
    addOIDCScope(scope: string): void;
  }
}
