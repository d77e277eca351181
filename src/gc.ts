import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How the exporter sizes V8's heap (`--gc.mode`). The flags change when the garbage collector runs
 * and how much it keeps, never what the program computes; V8 reads each one when it next sizes a
 * space or a limit, so setting them at start (Node's `v8.setFlagsFromString`) takes effect.
 * Measured at 1000 nodes polled every 5 s, against the simulator:
 * - `bounded` (the default): the old generation may grow 30% past what the last full collection
 *   kept. Left to itself V8 picks a factor of 1.1 to 4 from its speed estimates, and one picked
 *   during the login burst at start let old space grow to 70-130 MB in some runs: RSS 229-325 MB
 *   from run to run, against 226-235 MB bounded, for the same CPU. The young generation grows to
 *   8 MB per semi-space, not V8's 16 (see capYoungGeneration): 208-216 MB instead of 226-236.
 * - `small`: bounded, and the young generation stays at its initial 1 MB per semi-space, with
 *   scavenges on the main thread (with ~130 KB surviving each, helper threads cost more than they
 *   saved). A poll allocates ~60 KB, nearly all dead within a millisecond, so this scavenges ~13
 *   times a second instead of about once: RSS 190-205 MB, for 0.03-0.13 CPU-s more per 1000 polls
 *   (10-25%).
 * - `v8`: V8's own sizing.
 */
interface GcPolicy {
  /** Set before the exporter's modules load. */
  readonly flags: readonly string[];
  /** Largest semi-space the young generation may grow to once the exporter runs, in MiB. */
  readonly maxSemiSpaceMb?: number;
}

const POLICIES = {
  bounded: { flags: ['--heap-growing-percent=30', '--semi-space-growth-factor=1'], maxSemiSpaceMb: 8 },
  small: { flags: ['--heap-growing-percent=30', '--semi-space-growth-factor=1', '--no-parallel-scavenge'] },
  v8: { flags: [] },
} as const satisfies Record<string, GcPolicy>;

export type GcMode = keyof typeof POLICIES;
export const GC_MODES = Object.keys(POLICIES) as GcMode[];
export const DEFAULT_GC_MODE: GcMode = 'bounded';

export function applyGcMode(mode: GcMode): void {
  for (const flag of POLICIES[mode].flags) setFlagsFromString(flag);
}

/**
 * V8's growth factor for the young generation at this size: doubling below the cap, none at it.
 * The new space holds two semi-spaces, and V8 doubles it from 1 MiB, so doubling lands on the cap.
 */
export function semiSpaceGrowthFactor(newSpaceBytes: number, maxSemiSpaceMb: number): 1 | 2 {
  return newSpaceBytes >= 2 * maxSemiSpaceMb * 2 ** 20 ? 1 : 2;
}

const newSpaceBytes = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

/**
 * Lets the young generation grow to the mode's cap and no further. V8 fixes its own limit
 * (`--max-semi-space-size`) when the heap is set up, before any code runs, but reads the growth
 * factor each time it grows the space: the factor stays 1 (set by applyGcMode) until this starts,
 * then is 2 below the cap and 1 at it, re-read after every collection. Start it once start-up is
 * done: while modules load and the config is read no callback runs between collections, and the
 * space grew from 4 to 16 MiB per semi-space in one such stretch.
 */
export function capYoungGeneration(mode: GcMode): void {
  const policy: GcPolicy = POLICIES[mode];
  const cap = policy.maxSemiSpaceMb;
  if (cap === undefined) return;
  let factor = 1;
  const check = () => {
    const wanted = semiSpaceGrowthFactor(newSpaceBytes(), cap);
    if (wanted === factor) return;
    factor = wanted;
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
  };
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] });
  check();
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
