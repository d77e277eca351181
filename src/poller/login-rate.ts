import type { Logger } from '../log.js';

/** Polls over which a node logging in more often than once a poll is warned of. */
export const LOGIN_RATE_WINDOW = 5;

/**
 * Watches a node's login count poll by poll, and warns once when it needed more logins than polls
 * over the last LOGIN_RATE_WINDOW polls (each login is an SPS audit event); once more if it
 * starts again after it stopped.
 */
export class LoginRateWatch {
  /** The login count at the end of each of the last LOGIN_RATE_WINDOW + 1 polls. */
  readonly #history: number[] = [];
  #warned = false;

  constructor(readonly log: Logger) {}

  /** Call at the end of each poll with the client's login count. */
  polled(logins: number): void {
    const history = this.#history;
    history.push(logins);
    if (history.length > LOGIN_RATE_WINDOW + 1) history.shift();
    const recent = history[history.length - 1]! - history[0]!;
    const looping = history.length > LOGIN_RATE_WINDOW && recent > LOGIN_RATE_WINDOW;
    if (looping && !this.#warned) {
      this.log.warn(
        { logins: recent, polls: LOGIN_RATE_WINDOW },
        "the node needed more than one login per poll: it drops the exporter's sessions (a load balancer without sticky sessions, or a session timeout shorter than the interval?); each login is an SPS audit event",
      );
    }
    this.#warned = looping;
  }
}
