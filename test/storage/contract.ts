/**
 * The storage contract: every guarantee `src/storage/ports.ts` states, as one
 * suite that any adapter (SQLite now, DynamoDB later) must pass unchanged.
 * Nothing in it may depend on a particular adapter.
 */
import { describe } from 'vitest';
import { describeAuditChainContract } from './contract/audit-chain-contract.js';
import { describeAuditContract } from './contract/audit-contract.js';
import { describeClientContract } from './contract/clients-contract.js';
import { describeCodeContract } from './contract/codes-contract.js';
import { describeCounterContract } from './contract/counters-contract.js';
import { describeGrantContract } from './contract/grants-contract.js';
import { describeJiraLinkContract } from './contract/jira-links-contract.js';
import { describePingContract } from './contract/ping-contract.js';
import { describePurgeContract } from './contract/purge-contract.js';
import { describeOidcLoginContract } from './contract/oidc-logins-contract.js';
import { describeRotationContract } from './contract/rotation-contract.js';
import { describeReuseIntervalContract } from './contract/reuse-interval-contract.js';
import { describeSecretContract } from './contract/secrets-contract.js';
import { describeSessionContract } from './contract/sessions-contract.js';
import { useFreshStorage, type OpenStorage } from './contract/storage-handle.js';
import { describeTokenContract } from './contract/tokens-contract.js';
import { describeUserContract } from './contract/users-contract.js';

export type { OpenedStorage, OpenStorage } from './contract/storage-handle.js';

/** Registers the full contract suite for the adapter that `open` creates, fresh per test. */
export function describeStorageContract(name: string, open: OpenStorage): void {
  describe(`Storage contract (src/storage/ports.ts): ${name}`, () => {
    const handle = useFreshStorage(open);
    describeUserContract(handle);
    describeClientContract(handle);
    describeCodeContract(handle);
    describeGrantContract(handle);
    describeTokenContract(handle);
    describeRotationContract(handle);
    describeReuseIntervalContract(handle);
    describeAuditContract(handle);
    describeAuditChainContract(handle);
    describePurgeContract(handle);
    describeSecretContract(handle);
    describeCounterContract(handle);
    describeSessionContract(handle);
    describeOidcLoginContract(handle);
    describeJiraLinkContract(handle);
    describePingContract(handle);
  });
}
