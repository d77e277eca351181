import { createSecureContext, type SecureContext } from 'node:tls';

/** One TLS context per distinct CA, shared by many clients: each holds native memory, and targets mostly share a CA. */
export class SecureContexts {
  readonly #contexts = new Map<string, SecureContext>();

  for(ca: string | undefined): SecureContext {
    let context = this.#contexts.get(ca ?? '');
    if (!context) this.#contexts.set(ca ?? '', (context = createSecureContext(ca ? { ca } : {})));
    return context;
  }
}
