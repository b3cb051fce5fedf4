import { ANONYMOUS } from './principal.js';
import type { Authenticator } from './ports.js';

/** Authenticator for contexts without accounts (CLI tools, read-only benchmarks): everyone is anonymous. */
export const anonymousAuthenticator: Authenticator = {
  async authenticate() {
    return ANONYMOUS;
  },
};
