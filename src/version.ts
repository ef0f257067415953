/**
 * The gateway's version, as MCP `serverInfo` and in the Jira `User-Agent`.
 * Kept here rather than read from package.json at run time (the Lambda
 * bundle has no package.json); `test/version.test.ts` fails when the two differ.
 */
export const GATEWAY_VERSION = '0.1.0';
