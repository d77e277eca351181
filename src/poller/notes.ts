import type { Logger } from '../log.js';

/** Distinct notes logged per node at most: a node cannot flood the log with new ones. */
export const MAX_NOTES = 200;

/** A node's notes (a skipped field, an endpoint its firmware lacks, dropped samples): each one logged once. */
export class NotesOnce {
  readonly #log: Logger;
  readonly #noted = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Logs `note` about `endpoint` unless it was logged before or MAX_NOTES were. */
  once(endpoint: string, note: string, level: 'info' | 'warn' = 'warn'): void {
    if (this.#noted.has(note) || this.#noted.size >= MAX_NOTES) return;
    this.#noted.add(note);
    this.#log[level]({ endpoint }, note);
  }
}
