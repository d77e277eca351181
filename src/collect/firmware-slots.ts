import type { FirmwareSlots } from '../sps/schemas.js';
import { METRICS } from './families.js';
import { SampleList, type Collected } from './samples.js';

type Slot = FirmwareSlots['items'][number];

/** The slot's key as the last part of its href names it ("/api/firmware/slots/2" -> "2"). */
const keyOf = (href: string | undefined) => href?.split('/').filter(Boolean).at(-1);
const sameKey = (slot: Slot, key: string | undefined) =>
  key !== undefined && slot?.key !== undefined && String(slot.key) === key;

/**
 * Whether another firmware waits for the next boot. The slots' own flags (`current`,
 * `after_reboot`) say it; where a firmware leaves them out, meta's hrefs (`current_slot`,
 * `slot_after_reboot`) do. Nothing is exported for a node that says neither: no invented 0.
 */
export function collectFirmwareSlots({ items, meta }: FirmwareSlots): Collected {
  const out = new SampleList();
  const current =
    items.find((slot) => slot?.body?.current === true) ??
    items.find((slot) => sameKey(slot, keyOf(meta?.current_slot)));
  const next =
    items.find((slot) => slot?.body?.after_reboot === true) ??
    items.find((slot) => sameKey(slot, keyOf(meta?.slot_after_reboot)));
  if (current && next) {
    out.add(METRICS.firmwareRebootPending, current === next ? 0 : 1);
    const running = current.body?.version;
    const staged = next.body?.version;
    if (running !== undefined && staged !== undefined)
      out.add(METRICS.firmwareInfo, 1, { current_version: running, after_reboot_version: staged });
  }
  out.add(METRICS.firmwareEmptySlots, meta?.number_of_empty_slots);
  return out;
}
