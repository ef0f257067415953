/**
 * The KMS calls a function really made, checked against what the CDK app
 * grants it (infra/kms-grants.ts): each Decrypt under a purpose it may
 * decrypt, each GenerateDataKey under a purpose it may encrypt, no Encrypt.
 */
import type { KmsGrants } from '../../../infra/kms-grants.js';
import type { FakeKmsCall } from '../../helpers/fake-kms.js';

/** The calls the grants would refuse (as `op purpose`), empty when all are allowed. */
export function callsOutsideGrants(calls: readonly FakeKmsCall[], grants: KmsGrants): string[] {
  return calls
    .filter((call) => {
      const purpose = call.context?.purpose ?? '';
      if (call.op === 'Decrypt') return !grants.decrypt.includes(purpose);
      if (call.op === 'GenerateDataKey') return !grants.encrypt.includes(purpose);
      return true;
    })
    .map((call) => `${call.op} ${call.context?.purpose ?? '(no purpose)'}`);
}
