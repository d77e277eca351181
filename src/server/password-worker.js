// @ts-check
/**
 * The password check's thread (see password-check.ts): bcryptjs's compareSync, one message in,
 * one answer out, off the event loop. JavaScript, type-checked as such (checkJs), so that the same
 * file runs from src/ under the tests and from dist/ in the exporter.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

if (!parentPort) throw new Error('password-worker.js runs as a worker thread only');
const port = parentPort;
port.on('message', (/** @type {{ id: number; password: string; hash: string }} */ { id, password, hash }) => {
  port.postMessage({ id, ok: bcrypt.compareSync(password, hash) });
});
