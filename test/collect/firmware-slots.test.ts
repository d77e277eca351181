import { describe, expect, it } from 'vitest';
import { collectFirmwareSlots } from '../../src/collect/firmware-slots.js';
import { parseResponse, FirmwareSlotsSchema } from '../../src/sps/schemas.js';
import { firmwareSlots } from '../../tools/simulator/responses.js';
import { valueOf } from '../helpers/fixtures.js';

const collect = (json: unknown) =>
  collectFirmwareSlots(parseResponse(FirmwareSlotsSchema, json, '/api/firmware/slots'));
const node = (scenario: 'healthy' | 'firmware_staged') => ({ name: 'n', index: 0, scenario, startedAt: 0 });

// The shape the SPS 7.1+ REST reference describes: items keyed by slot number, an empty body for an
// empty slot, and meta with the hrefs of the running slot and the one that boots next.
const slots = (flags: boolean) => ({
  items: [
    {
      key: '1',
      body: {
        ...(flags ? { after_reboot: false, current: true } : {}),
        version: '7.4.2',
        upgrade_notes: null,
        upgrade_news: null,
      },
    },
    {
      key: '2',
      body: {
        ...(flags ? { after_reboot: true, current: false } : {}),
        version: '7.5.0',
        upgrade_notes: 'x',
        upgrade_news: null,
      },
    },
    { key: '3', body: {} },
  ],
  meta: {
    href: '/api/firmware/slots',
    current_slot: '/api/firmware/slots/1',
    slot_after_reboot: '/api/firmware/slots/2',
    number_of_empty_slots: 1,
  },
});

describe('collectFirmwareSlots', () => {
  it('a different firmware staged for the next boot: reboot pending 1, both versions, the empty slots', () => {
    const { samples } = collect(slots(true));
    expect(valueOf(samples, 'sps_firmware_reboot_pending')).toBe(1);
    expect(valueOf(samples, 'sps_firmware_info', { current_version: '7.4.2', after_reboot_version: '7.5.0' })).toBe(1);
    expect(valueOf(samples, 'sps_firmware_empty_slots')).toBe(1);
  });

  it("reads the slots from meta's hrefs where the slots carry no flags", () => {
    expect(valueOf(collect(slots(false)).samples, 'sps_firmware_reboot_pending')).toBe(1);
  });

  it('the running firmware boots next: 0', () => {
    const same = slots(true);
    same.items[0]!.body = { ...same.items[0]!.body, after_reboot: true };
    same.items[1]!.body = { ...same.items[1]!.body, after_reboot: false };
    same.meta.slot_after_reboot = '/api/firmware/slots/1';
    const { samples } = collect(same);
    expect(valueOf(samples, 'sps_firmware_reboot_pending')).toBe(0);
    expect(valueOf(samples, 'sps_firmware_info', { current_version: '7.4.2', after_reboot_version: '7.4.2' })).toBe(1);
  });

  it('exports nothing it cannot tell, never an invented 0', () => {
    expect(collect({ items: [{ key: '1', body: {} }] }).samples).toEqual([]);
    expect(collect({ items: [], meta: { current_slot: '/api/firmware/slots/9' } }).samples).toEqual([]);
  });

  it('the simulator serves this shape, staged in its firmware_staged scenario only', () => {
    expect(valueOf(collect(firmwareSlots(node('firmware_staged'))).samples, 'sps_firmware_reboot_pending')).toBe(1);
    expect(valueOf(collect(firmwareSlots(node('healthy'))).samples, 'sps_firmware_reboot_pending')).toBe(0);
  });
});
