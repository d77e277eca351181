import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';

/**
 * How the exporter sizes V8's heap (`--gc.mode`). The flags change when the garbage collector runs
 * and how much it keeps, never what the program computes; V8 reads each one when it next sizes a
 * space or a limit, so setting them at start (Node's `v8.setFlagsFromString`) takes effect.
 * Measured at 1000 nodes polled every 5 s, against the simulator:
 * - `bounded` (the default): the old generation may grow 30% past what the last full collection
 *   kept. Left to itself V8 picks a factor of 1.1 to 4 from its speed estimates, and one picked
 *   during the login burst at start let old space grow to 70-130 MB in some runs: RSS 229-325 MB
 *   from run to run, against 226-235 MB bounded, for the same CPU.
 * - `small`: bounded, and the young generation stays at its initial 1 MB per semi-space instead
 *   of growing to 16 MB (32 MB resident), with scavenges on the main thread (with ~130 KB
 *   surviving each, helper threads cost more than they saved). A poll allocates ~60 KB, nearly all
 *   dead within a millisecond, so this scavenges ~13 times a second instead of about once: RSS
 *   190-205 MB, for 0.03-0.13 CPU-s more per 1000 polls (10-25%).
 * - `v8`: V8's own sizing.
 */
const FLAGS = {
  bounded: ['--heap-growing-percent=30'],
  small: ['--heap-growing-percent=30', '--semi-space-growth-factor=1', '--no-parallel-scavenge'],
  v8: [],
} as const satisfies Record<string, readonly string[]>;

export type GcMode = keyof typeof FLAGS;
export const GC_MODES = Object.keys(FLAGS) as GcMode[];
export const DEFAULT_GC_MODE: GcMode = 'bounded';

export function applyGcMode(mode: GcMode): void {
  for (const flag of FLAGS[mode]) setFlagsFromString(flag);
}

/**
 * The mode `--gc.mode` asks for on this command line, read before any other module of the
 * exporter is loaded: loading them grows the young generation to 4 MB per semi-space, and no
 * flag set afterwards shrinks it. Read with the parser parseCli uses (node:util, loaded with Node),
 * which validates the whole command line later; an invalid value sets nothing here.
 */
export function gcModeOf(argv: readonly string[]): GcMode | undefined {
  const mode = parseArgs({ args: [...argv], strict: false, options: { 'gc.mode': { type: 'string', default: DEFAULT_GC_MODE } } }).values['gc.mode'];
  return typeof mode === 'string' && (GC_MODES as string[]).includes(mode) ? (mode as GcMode) : undefined;
}
