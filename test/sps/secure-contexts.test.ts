import { describe, expect, it } from 'vitest';
import { SecureContexts } from '../../src/sps/secure-contexts.js';
import { TestCa } from '../../tools/simulator/certs.js';

describe('SecureContexts', () => {
  it('makes one TLS context per distinct CA, and one for the system store, shared by every client asking', () => {
    const contexts = new SecureContexts();
    const [one, two] = [new TestCa('one'), new TestCa('two')];
    expect(contexts.for(one.certPem)).toBe(contexts.for(one.certPem));
    expect(contexts.for(one.certPem)).not.toBe(contexts.for(two.certPem));
    expect(contexts.for(undefined)).toBe(contexts.for(undefined));
    expect(contexts.for(undefined)).not.toBe(contexts.for(one.certPem));
  });
});
